package mlp

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// ignoring returns a 16 → 8 (ReLU) → 4 model whose first layer ignores
// input 0, and two inputs that differ only there (the same output), drawn
// from a generator seeded with seed.
func ignoring(t *testing.T, seed uint64) (*Model, [2][]int64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	m := model(t, rng, 16, 8, 4, 64)
	for j := 0; j < m.Layers[0].N; j++ {
		m.Layers[0].W[j] = 0 // input 0 feeds nothing
	}
	m, err := NewModel(m.InBits, m.Layers)
	if err != nil {
		t.Fatal(err)
	}
	x1 := input(rng, 16)
	x2 := append([]int64(nil), x1...)
	x2[0] = -x1[0] + 1
	_, y1, _ := m.Run(1, x1)
	_, y2, _ := m.Run(1, x2)
	if !slices.Equal(y1, y2) {
		t.Fatal("the two inputs' outputs differ: the test's premise is wrong")
	}
	return m, [2][]int64{x1, x2}
}

// TestChainZeroKnowledge: the dense chain end to end (input range, dense
// steps, rescales, the output's check, the batch) under
// pcs.Params{Hiding, Vanishing}, with fixed and with committed weights
// (whose claims' vanishing parts are then tallied too): see zktest.Chain.
func TestChainZeroKnowledge(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	masks := pcs.Params{RateLog: 1, Queries: 10, Hiding: true} // the Libra masks' commitments
	m, xs := ignoring(t, 22)
	t.Run("fixed", func(t *testing.T) {
		zktest.Chain(t, masks, func(i int) any {
			proof, y, err := ProveBatched(p, m, 1, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyBatched(p, m, 1, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
	t.Run("committed", func(t *testing.T) {
		salt := [32]byte{22}
		zktest.Chain(t, masks, func(i int) any {
			cm, coms, err := m.CommitWeights(p, salt)
			if err != nil {
				t.Fatal(err)
			}
			proof, y, err := ProveCommitted(p, cm, coms, 1, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyCommitted(p, m, 1, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
}
