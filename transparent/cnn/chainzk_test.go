package cnn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// chainZK proves each of two inputs (prove(i) proves input i, checks the
// proof verifies and returns it) under vanishing masks, 48 times, and then
// 16 times with the masks zeroed (pcs.SetZeroVanishingForTests): with the
// masks every statistic of package zktest (the proof's stated values,
// finals, tails, first rounds, and every claim's vanishing part) must be
// uniform; without them some must not, so the test can fail. (As package
// mlp's chainZK.)
func chainZK(t *testing.T, prove func(input int) any) {
	t.Helper()
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = hidingParams
	defer func() {
		sumcheck.MaskParams = saved
		batch.SetClaimHookForTests(nil)
		pcs.SetZeroVanishingForTests(false)
	}()
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16 // a constant statistic reaches 3·16 = 48 > zktest.Crit
		}
		tl := zktest.New()
		batch.SetClaimHookForTests(tl.Hook)
		for input := range 2 {
			for range runs {
				tl.Start(input)
				tl.Proof(prove(input))
			}
		}
		batch.SetClaimHookForTests(nil)
		r := tl.Result()
		t.Logf("masks zeroed %v: %d statistics (%d claims' vanishing parts), constant positions left out %q, worst %.1f (%s)", zero, r.Stats, r.Claims, r.Constant, r.Worst, r.Name)
		switch {
		case r.Unaligned > 0:
			t.Errorf("%d positions not in every proof: the chain's proofs differ in shape", r.Unaligned)
		case r.Claims == 0:
			t.Error("no claim's vanishing part recorded: the hook is not reached")
		case !zero && r.Worst > zktest.Crit:
			t.Errorf("%s not uniform (chi-square %.1f > %.2f)", r.Name, r.Worst, zktest.Crit)
		case zero && r.Worst <= zktest.Crit:
			t.Errorf("vanishing masks zeroed: every statistic uniform (worst %.1f): the test cannot fail", r.Worst)
		}
	}
}

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
// Add+Relu, average pool) likewise: see chainZK.
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
		chainZK(t, func(i int) any {
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
		chainZK(t, func(i int) any {
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
		xs := twoInputs(t, x, r.Run)
		chainZK(t, func(i int) any {
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
}
