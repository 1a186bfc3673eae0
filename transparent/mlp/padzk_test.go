package mlp

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestSmallShapesZeroKnowledge: the shapes whose tables were too short for
// their vanishing masks before matmul.MinDim (issue 22) are zero knowledge
// end to end (zktest.Chain: uniform with the masks, not with them zeroed),
// with fixed and committed weights:
//
//   - k1: one layer of K = 1, N = 1 (2l_relu_fc's shape): x, W, b and the
//     accumulator one entry each, the sumcheck over κ without a round;
//     the inputs 160 and 163 round to the same output (shift 4);
//   - n1: one layer of K = 4, N = 1: the accumulator one entry; the
//     inputs (16, 16, 16, 16) and (17, 16, 16, 16) give the accumulators
//     64 and 65, which round to the same output (shift 4);
//   - m2: two rows of 16 → 8 (ReLU) → 1: M·N = 2, an accumulator of one
//     variable.
func TestSmallShapesZeroKnowledge(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	masks := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	k1, err := NewModel(16, []Dense{{K: 1, N: 1, W: []int64{1}, B: []int64{0}, Shift: 4, Bits: 16, ReLU: true}})
	if err != nil {
		t.Fatal(err)
	}
	narrow := func(seed uint64, M int) (*Model, [2][]int64) {
		rng := rand.New(rand.NewPCG(seed, seed))
		m := model(t, rng, 16, 8, 1, 64)
		for j := 0; j < m.Layers[0].N; j++ {
			m.Layers[0].W[j] = 0 // input 0 feeds nothing
		}
		m, err := NewModel(m.InBits, m.Layers)
		if err != nil {
			t.Fatal(err)
		}
		x1 := input(rng, 16*M)
		x2 := append([]int64(nil), x1...)
		x2[0] = -x1[0] + 1
		return m, [2][]int64{x1, x2}
	}
	n1, err := NewModel(16, []Dense{{K: 4, N: 1, W: []int64{1, 1, 1, 1}, Shift: 4, Bits: 16}})
	if err != nil {
		t.Fatal(err)
	}
	m2, xm2 := narrow(24, 2)
	for _, c := range []struct {
		name string
		m    *Model
		M    int
		xs   [2][]int64
	}{
		{"k1", k1, 1, [2][]int64{{160}, {163}}},
		{"n1", n1, 1, [2][]int64{{16, 16, 16, 16}, {17, 16, 16, 16}}},
		{"m2", m2, 2, xm2},
	} {
		_, y1, _ := c.m.Run(c.M, c.xs[0])
		_, y2, _ := c.m.Run(c.M, c.xs[1])
		if !slices.Equal(y1, y2) {
			t.Fatalf("%s: the two inputs' outputs differ: the test's premise is wrong", c.name)
		}
		t.Run(c.name+"/fixed", func(t *testing.T) {
			zktest.Chain(t, masks, func(i int) any {
				proof, y, err := ProveBatched(p, c.m, c.M, c.xs[i])
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(y, y1) {
					t.Fatalf("output %v, want %v", y, y1)
				}
				if err := VerifyBatched(p, c.m, c.M, y, proof); err != nil {
					t.Fatal(err)
				}
				return proof
			})
		})
		if c.name != "k1" {
			continue
		}
		t.Run(c.name+"/committed", func(t *testing.T) {
			zktest.Chain(t, masks, func(i int) any {
				cm, coms, err := c.m.CommitWeights(p, [32]byte{22})
				if err != nil {
					t.Fatal(err)
				}
				proof, y, err := ProveCommitted(p, cm, coms, c.M, c.xs[i])
				if err != nil {
					t.Fatal(err)
				}
				if err := VerifyCommitted(p, c.m, c.M, y, proof); err != nil {
					t.Fatal(err)
				}
				return proof
			})
		})
	}
}

// TestPaddedShapes: every dense table has at least two variables per
// dimension (K and N padded to matmul.MinDim), and a padded output's zeros
// are part of the statement: another value there is rejected.
func TestPaddedShapes(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	m, err := NewModel(16, []Dense{
		{K: 1, N: 2, W: []int64{3, -5}, B: []int64{7, 9}, Shift: 2, Bits: 16, ReLU: true},
		{K: 2, N: 1, W: []int64{2, 1}, Shift: 1, Bits: 16},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range m.gemm {
		x, y := matmul.Tables(g, 1)
		if x < matmul.MinDim || y < matmul.MinDim {
			t.Errorf("layer %d: tables of %d and %d entries, want ≥ %d", i, x, y, matmul.MinDim)
		}
	}
	proof, y, err := ProveBatched(p, m, 1, []int64{41})
	if err != nil {
		t.Fatal(err)
	}
	if len(y) != 1 {
		t.Fatalf("output of %d values, want 1 (the padding is not output)", len(y))
	}
	_, want, _ := m.Run(1, []int64{41})
	if !slices.Equal(y, want) {
		t.Fatalf("output %v, want %v", y, want)
	}
	if err := VerifyBatched(p, m, 1, y, proof); err != nil {
		t.Fatal(err)
	}
	other := []int64{y[0] + 1}
	if err := VerifyBatched(p, m, 1, other, proof); err == nil {
		t.Error("another output accepted")
	}
}
