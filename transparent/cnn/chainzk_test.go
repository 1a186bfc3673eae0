package cnn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// unreadChannel0 zeroes a convolution's weights on input channel 0.
func unreadChannel0(c *Conv) {
	s := c.Shape
	c.W = slices.Clone(c.W)
	for o := 0; o < s.O; o++ {
		for k := 0; k < s.KH*s.KW; k++ {
			c.W[(o*s.C)*s.KH*s.KW+k] = 0
		}
	}
}

// twoInputs returns x and x with entry 0 (channel 0) changed, after
// checking that run gives both the same output.
func twoInputs(t *testing.T, x []int64, run func([]int64) ([]int64, error)) [2][]int64 {
	x2 := slices.Clone(x)
	x2[0] = 1 - x[0]
	y1, err1 := run(x)
	y2, err2 := run(x2)
	if err1 != nil || err2 != nil || !slices.Equal(y1, y2) {
		t.Fatalf("the two inputs' outputs differ (%v, %v): the test's premise is wrong", err1, err2)
	}
	return [2][]int64{x, x2}
}

// TestChainZeroKnowledge: a CNN chain (two blocks with max pools, the
// flatten, two dense layers) whose first convolution ignores input channel
// 0, proven end to end under pcs.Params{Hiding, Vanishing} with fixed and
// with committed weights, and a residual network (conv stem, blocks with
// Add+Relu, average pool) likewise, with fixed and with committed weights:
// see zktest.Chain.
func TestChainZeroKnowledge(t *testing.T) {
	p := vanishingParams
	rng := rand.New(rand.NewPCG(23, 23))
	mod, m0, in := compiled(t, cnnGraph(arch{2, 8, 2, 4, 3}, rng), rng)
	q, err := mod.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	convs := slices.Clone(m0.Convs)
	unreadChannel0(&convs[0])
	m, err := NewModel(m0.InBits, convs, m0.Dense)
	if err != nil {
		t.Fatal(err)
	}
	xs := twoInputs(t, q[0].Data, m.Run)
	t.Run("cnn", func(t *testing.T) {
		zktest.Chain(t, hidingParams, func(i int) any {
			proof, y, err := Prove(p, m, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(p, m, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
	t.Run("cnn committed", func(t *testing.T) {
		if testing.Short() {
			t.Skip("128 CNN proofs with committed weights")
		}
		arch := archOf(t, m)
		zktest.Chain(t, hidingParams, func(i int) any {
			cm, coms, err := m.CommitWeights(p, [32]byte{23})
			if err != nil {
				t.Fatal(err)
			}
			proof, y, err := ProveCommitted(p, cm, coms, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyCommitted(p, arch, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
	t.Run("residual", func(t *testing.T) {
		if testing.Short() {
			t.Skip("128 residual proofs")
		}
		r, xs := residualIgnoring(t)
		zktest.Chain(t, hidingParams, func(i int) any {
			proof, y, err := ProveResidual(p, r, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyResidual(p, r, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
	t.Run("residual committed", func(t *testing.T) {
		if testing.Short() {
			t.Skip("128 residual proofs with committed weights")
		}
		// The weights' commitments and claims join the tally: every proof
		// commits again with one salt, so the same weights give the same
		// roots (constant positions, left out) and only the masks vary.
		r, xs := residualIgnoring(t)
		arch := resArchOf(t, r)
		zktest.Chain(t, hidingParams, func(i int) any {
			cr, coms, err := r.CommitWeights(p, [32]byte{24})
			if err != nil {
				t.Fatal(err)
			}
			proof, y, err := ProveResidualCommitted(p, cr, coms, xs[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyResidualCommitted(p, arch, y, proof); err != nil {
				t.Fatal(err)
			}
			return proof
		})
	})
}

// residualIgnoring returns a small residual network (conv stem, blocks
// with Add+Relu, average pool) whose stem ignores input channel 0, and two
// inputs differing there only, with one output.
func residualIgnoring(t *testing.T) (*Residual, [2][]int64) {
	_, r0, x, _ := resCompiled(t, resGraph(2, 8, false, rand.New(rand.NewPCG(2, 8))), rand.New(rand.NewPCG(24, 24)))
	nodes := slices.Clone(r0.Nodes)
	for i, n := range nodes {
		if i > 0 && slices.Contains(n.In, 0) {
			t.Fatalf("node %d reads the input: channel 0 would not be ignored", i)
		}
	}
	if nodes[0].Kind != NodeConv {
		t.Fatal("the network does not start with a convolution")
	}
	unreadChannel0(&nodes[0].Conv)
	r, err := NewResidual(r0.InBits, r0.In, nodes, r0.Dense)
	if err != nil {
		t.Fatal(err)
	}
	return r, twoInputs(t, x, r.Run)
}
