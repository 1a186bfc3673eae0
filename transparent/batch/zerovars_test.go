package batch

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestHidingZeroVars: under hiding parameters, a shape of one-entry tables
// (a 1×1 layer's output, a one-output bias) with several claims is reduced
// without a mask (no rounds to mask) and verifies; a wrong value is
// rejected.
func TestHidingZeroVars(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 8, Hiding: true}
	run := func(delta uint64) error {
		bp, bv := NewProver(), NewVerifier()
		ptr, vtr := transcript.New("z"), transcript.New("z")
		for i := range 2 {
			tab := mle.Table{fr.NewElement(uint64(7 + i))}
			d, err := pcs.Commit(p, tab)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bp.Open(ptr, d, nil); err != nil {
				t.Fatal(err)
			}
			v := tab[0]
			if i == 1 {
				var e fr.Element
				e.SetUint64(delta)
				v.Add(&v, &e)
			}
			if err := bv.Check(vtr, p, d.Commitment(), nil, v, pcs.Opening{}); err != nil {
				t.Fatal(err)
			}
		}
		proof, err := bp.Prove(ptr)
		if err != nil {
			t.Fatal(err)
		}
		return bv.Verify(vtr, p, proof)
	}
	if err := run(0); err != nil {
		t.Fatalf("honest one-entry tables under hiding: %v", err)
	}
	if err := run(1); err == nil {
		t.Error("a wrong value on a one-entry table accepted")
	}
}
