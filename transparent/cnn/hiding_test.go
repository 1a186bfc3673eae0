package cnn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// TestHidingProves: the small CNNs prove and verify with hiding
// commitments (every commitment opened once, through the batch).
func TestHidingProves(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	for _, a := range []arch{{1, 8, 2, 4, 3}, {2, 12, 3, 6, 4}} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(a.C), uint64(a.S)))
			mod, m, in := compiled(t, cnnGraph(a, rng), rng)
			q, err := mod.Quantize(in)
			if err != nil {
				t.Fatal(err)
			}
			proof, y, err := Prove(p, m, q[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(p, m, y, proof); err != nil {
				t.Fatalf("honest hiding proof rejected: %v", err)
			}
			if err := Verify(testParams, m, y, proof); err == nil {
				t.Error("hiding proof accepted under binding parameters")
			}
		})
	}
}
