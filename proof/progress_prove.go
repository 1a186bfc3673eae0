package proof

import (
	"time"

	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	meter "github.com/zkinfer/zkinfer/proof/progress"
)

// watchProve reports a Groth16 proof's progress while it runs, as the
// other long steps do ("prove: 40% (4s, about 6s left)"). gnark's prover
// says nothing while it works, so the fraction done is the time so far
// over the time Groth16Cost expects on this machine, measured by a
// calibration MSM (Calibrate) once the proof has taken a second: a quick
// proof pays nothing and says nothing. The returned function stops it.
func watchProve(progress Progress, cs constraint.ConstraintSystem) (stop func()) {
	r, ok := cs.(*cs_bn254.R1CS)
	if progress == nil || !ok {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-done:
			return
		case <-time.After(time.Second):
		}
		cal, err := Calibrate()
		if err != nil {
			return
		}
		cost, err := Groth16Cost(r, cal)
		if err != nil || cost.Prove <= 0 {
			return
		}
		// One unit of work per millisecond of the expected time.
		total := cost.Prove.Milliseconds()
		m := meter.NewSince(progress, "prove", total, start)
		counted := int64(0)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			ms := min(time.Since(start).Milliseconds(), total-1)
			m.Add(ms - counted)
			counted = ms
		}
	}()
	return func() { close(done); <-finished }
}
