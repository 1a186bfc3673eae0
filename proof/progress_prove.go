package proof

import (
	"time"

	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	meter "github.com/zkinfer/zkinfer/proof/progress"
)

// proveMeter reports a Groth16 proof's progress while it runs, as the
// other long steps do ("prove: 40% (4s, about 6s left)"). gnark's prover
// says nothing while it works, so the fraction done is the time so far
// over the time Groth16Cost expects on this machine. The work is counted
// from the constraint system at once, while it is being solved, so that
// the prover can drop it (groth16prove.go); the machine's speed is
// measured by a calibration MSM (Calibrate) only once the proof has taken
// a second, so a quick proof pays for no calibration and says nothing.
type proveMeter struct {
	done, finished, freed chan struct{}
}

// calibrationScale is the unit the work is counted in before the
// calibration: Groth16Cost's times are linear in Calibration.Unit.
const calibrationScale = 1 << 20

// watchProve starts reporting the progress of the proof of r.
func watchProve(progress Progress, r *cs_bn254.R1CS) *proveMeter {
	m := &proveMeter{done: make(chan struct{}), finished: make(chan struct{}), freed: make(chan struct{})}
	if progress == nil || r == nil {
		close(m.finished)
		close(m.freed)
		return m
	}
	start := time.Now()
	go func() {
		defer close(m.finished)
		cost, err := Groth16Cost(r, Calibration{Unit: calibrationScale})
		r = nil
		close(m.freed)
		if err != nil || cost.Prove <= 0 {
			return
		}
		select {
		case <-m.done:
			return
		case <-time.After(time.Until(start.Add(time.Second))):
		}
		cal, err := Calibrate()
		if err != nil {
			return
		}
		// One unit of work per millisecond of the expected time.
		total := (time.Duration(float64(cost.Prove) * float64(cal.Unit) / calibrationScale)).Milliseconds()
		if total <= 0 {
			return
		}
		bar := meter.NewSince(progress, "prove", total, start)
		counted := int64(0)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-tick.C:
			}
			ms := min(time.Since(start).Milliseconds(), total-1)
			bar.Add(ms - counted)
			counted = ms
		}
	}()
	return m
}

// released waits until the meter no longer reads the constraint system.
func (m *proveMeter) released() { <-m.freed }

// stop stops the reports; calling it again does nothing.
func (m *proveMeter) stop() {
	select {
	case <-m.done:
	default:
		close(m.done)
	}
	<-m.finished
}
