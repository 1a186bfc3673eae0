package mlp

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// TestBatchedHiding: with hiding commitments the batched chain still proves
// and verifies (each commitment is opened once, at its batch point), and an
// unbatched proof, which opens some tables twice, is refused by the prover.
func TestBatchedHiding(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	rng := rand.New(rand.NewPCG(12, 12))
	m := model(t, rng, 64, 32, 10, 256)
	x := input(rng, 2*64)
	proof, y, err := ProveBatched(p, m, 2, x)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyBatched(p, m, 2, y, proof); err != nil {
		t.Fatalf("honest hiding proof rejected: %v", err)
	}
	if err := VerifyBatched(testParams, m, 2, y, proof); err == nil {
		t.Error("hiding proof accepted under binding parameters")
	}
	if _, _, err := Prove(p, m, 2, x); err == nil {
		t.Error("unbatched proof with hiding commitments: a second opening was not refused")
	}
}
