package cnn

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

var testParams = pcs.Params{RateLog: 1, Queries: 10}

func getenv(k string) string { return os.Getenv(k) }

// proveMatches proves m on in (quantized by mod), checks that the output is
// the integer evaluator's (mod.Eval) and that the proof verifies, and
// returns the proof and the output.
func proveMatches(t *testing.T, mod *model.Model, m *Model, in [][]float64) (Proof, []int64) {
	t.Helper()
	q, err := mod.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mod.Eval(in)
	if err != nil {
		t.Fatal(err)
	}
	proof, y, err := Prove(testParams, m, q[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y, want[0].Data) {
		t.Fatalf("proved output %v, IntArith gives %v", y, want[0].Data)
	}
	if err := Verify(testParams, m, y, proof); err != nil {
		t.Fatalf("honest proof rejected: %v", err)
	}
	return proof, y
}

// TestMatchesIntArith: the chain FromModel builds computes exactly the
// integer evaluator's output (model.Run with ops.IntArith) and proves it.
func TestMatchesIntArith(t *testing.T) {
	for _, a := range []arch{{1, 8, 2, 4, 3}, {3, 8, 4, 8, 5}, {2, 16, 3, 6, 4}, {2, 12, 3, 6, 4}} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(a.C), uint64(a.S)))
			mod, m, in := compiled(t, cnnGraph(a, rng), rng)
			proveMatches(t, mod, m, in)
		})
	}
}

// TestC32MatchesIntArith: cnn_c32 itself (Run only: the proof is the
// benchmark's).
func TestC32MatchesIntArith(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles cnn_c32")
	}
	rng := rand.New(rand.NewPCG(1, 32))
	mod, m, in := compiled(t, c32(t), rng)
	q, _ := mod.Quantize(in)
	want, err := mod.Eval(in)
	if err != nil {
		t.Fatal(err)
	}
	y, err := m.Run(q[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y, want[0].Data) {
		t.Fatalf("chain output %v, IntArith gives %v", y, want[0].Data)
	}
}

func small(t *testing.T) (*Model, []int64) {
	rng := rand.New(rand.NewPCG(4, 4))
	mod, m, in := compiled(t, cnnGraph(arch{2, 8, 2, 4, 3}, rng), rng)
	q, _ := mod.Quantize(in)
	return m, q[0].Data
}

// TestCheatsRejected: each cheat, with everything after it consistent, is
// caught by the check named.
func TestCheatsRejected(t *testing.T) {
	m, x := small(t)
	for _, c := range []struct {
		name string
		ch   cheats
		want string
	}{
		{"pooled value above the window's maximum", cheats{editPool: func(b int, y []int64) {
			if b == 0 {
				y[3]++
			}
		}}, "block 0: pool: maxpool: a difference is zero in every window"},
		{"pooled value below the window's maximum", cheats{editPool: func(b int, y []int64) {
			if b == 1 {
				y[0] = -1 // differences −1 − x_i: outside the range, so caught by the prover… (see below)
			}
		}}, ""},
		{"conv accumulator off by one rescale step", cheats{editAcc: func(b int, a []int64) {
			if b == 1 {
				a[5] += 1 << 12
			}
		}}, "block 1: conv"},
		{"dense head on the channels-last layout", cheats{flatten: func(x []int64) []int64 {
			// 2N channels of (S/4)² positions read as positions of channels.
			return transpose(x, 4, 4)
		}}, "cnn: openings: batch: shape"},
		{"claimed output differs from the committed one", cheats{claimY: func(y []int64) []int64 {
			y2 := slices.Clone(y)
			y2[0]++
			return y2
		}}, "cnn: openings: batch: shape"},
	} {
		t.Run(c.name, func(t *testing.T) {
			proof, y, err := m.prove(testParams, x, c.ch)
			if c.want == "" {
				if err == nil {
					t.Fatal("prover accepted a pooled value below its window's entries")
				}
				t.Log(err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = Verify(testParams, m, y, proof)
			if err == nil {
				t.Fatal("cheating proof accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("rejected by another check than %q: %v", c.want, err)
			}
			t.Log(err)
		})
	}
}

// transpose returns the r×c matrix x (row-major, the rest copied) as c×r.
func transpose(x []int64, r, c int) []int64 {
	out := slices.Clone(x)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[j*r+i] = x[i*c+j]
		}
	}
	return out
}

func TestRefusals(t *testing.T) {
	conv1 := Conv{Shape: convShape(1, 6, 6, 2), W: make([]int64, 2*9), Shift: 8, Bits: 16, ReLU: true, Pool: 2}
	dense := []mlp.Dense{{K: 2 * 9, N: 2, W: make([]int64, 36), Shift: 8, Bits: 16}}
	if _, err := NewModel(16, []Conv{conv1}, []mlp.Dense{{K: 17, N: 2, W: make([]int64, 34), Shift: 8, Bits: 16}}); err == nil {
		t.Error("a dense layer reading 17 of 18 values accepted")
	}
	if _, err := NewModel(16, nil, dense); err == nil {
		t.Error("no convolution accepted")
	}
	conv2 := conv1
	conv2.Shape = convShape(3, 3, 3, 2)
	if _, err := NewModel(16, []Conv{conv1, conv2}, nil); err == nil || !strings.Contains(err.Error(), "reads") {
		t.Errorf("blocks that do not chain: %v", err)
	}
	m, _ := NewModel(16, []Conv{conv1}, nil)
	if _, _, err := Prove(testParams, m, make([]int64, 35)); err == nil {
		t.Error("35 input values accepted for 1x6x6")
	}
	x := make([]int64, 36)
	x[3] = 1 << 15
	if _, _, err := Prove(testParams, m, x); err == nil {
		t.Error("input 2^15 accepted for 16 signed bits")
	}
	// A model with an operator the chain does not prove is refused by name.
	g := cnnGraph(arch{1, 8, 2, 4, 3}, rand.New(rand.NewPCG(1, 1)))
	g.Nodes[2].Op = "AveragePool" // conv1's pool
	mod, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FromModel(mod); err == nil || !strings.Contains(err.Error(), "AveragePool") {
		t.Errorf("AveragePool: %v", err)
	}
}

func convShape(c, h, w, o int) conv.Shape {
	return conv.Shape{C: c, H: h, W: w, O: o, KH: 3, KW: 3, Stride: 1, Pad: 1}
}

// TestTamperedRejected: a finished proof changed in any part is rejected,
// without a panic.
func TestTamperedRejected(t *testing.T) {
	m, x := small(t)
	proof, y, err := Prove(testParams, m, x)
	if err != nil {
		t.Fatal(err)
	}
	one := func(e *fr.Element) { e.SetUint64(1) }
	for name, edit := range map[string]func(p *Proof){
		"pool dropped":            func(p *Proof) { p.Pools = p.Pools[:1] },
		"pools swapped":           func(p *Proof) { p.Pools[0], p.Pools[1] = p.Pools[1], p.Pools[0] },
		"conv Y root":             func(p *Proof) { p.Convs[1].Y.Root[0] ^= 1 },
		"conv Y value":            func(p *Proof) { one(&p.Convs[0].YAtR) },
		"rescale lookup dropped":  func(p *Proof) { p.ConvRq[0].Lookups = p.ConvRq[0].Lookups[1:] },
		"pool value":              func(p *Proof) { one(&p.Pools[1].Link.Finals[3]) },
		"pool link final":         func(p *Proof) { one(&p.Pools[0].Link.Finals[1]) },
		"pool zero-check final":   func(p *Proof) { one(&p.Pools[0].Zero.Finals[3]) },
		"pool limb vars":          func(p *Proof) { p.Pools[0].L0.NumVars++ },
		"dense step value":        func(p *Proof) { one(&p.Steps[0].YAtR) },
		"batch group dropped":     func(p *Proof) { p.Batch.Groups = p.Batch.Groups[1:] },
		"batch rounds dropped":    func(p *Proof) { p.Batch.Groups[0].Rounds = nil },
		"batch finals shortened":  func(p *Proof) { p.Batch.Groups[0].Finals = p.Batch.Groups[0].Finals[1:] },
		"batch columns shortened": func(p *Proof) { p.Batch.Groups[0].Open.Columns[0] = p.Batch.Groups[0].Open.Columns[0][1:] },
		"batch table dropped":     func(p *Proof) { p.Batch.Groups[0].Open.Columns = p.Batch.Groups[0].Open.Columns[1:] },
		"batch u shortened":       func(p *Proof) { p.Batch.Groups[1].Open.U = p.Batch.Groups[1].Open.U[1:] },
		"input limb commitment":   func(p *Proof) { p.Input.V1.Root[3] ^= 1 },
		"input zero-check final":  func(p *Proof) { one(&p.Input.Zero.Finals[1]) },
	} {
		t.Run(name, func(t *testing.T) {
			p := cloneProof(proof)
			edit(&p)
			if err := Verify(testParams, m, y, p); err == nil {
				t.Fatal("tampered proof accepted")
			}
		})
	}
}

// cloneProof copies the parts TestTamperedRejected changes.
func cloneProof(p Proof) Proof {
	q := p
	q.Pools = slices.Clone(p.Pools)
	for i := range q.Pools {
		q.Pools[i].Zero.Finals = slices.Clone(p.Pools[i].Zero.Finals)
		q.Pools[i].Link.Finals = slices.Clone(p.Pools[i].Link.Finals)
	}
	q.Convs = slices.Clone(p.Convs)
	q.ConvRq = slices.Clone(p.ConvRq)
	q.Steps = slices.Clone(p.Steps)
	q.Batch.Groups = slices.Clone(p.Batch.Groups)
	for i := range q.Batch.Groups {
		g := &q.Batch.Groups[i]
		g.Finals = slices.Clone(g.Finals)
		g.Open.Columns = slices.Clone(g.Open.Columns)
	}
	q.Input.Zero.Finals = slices.Clone(p.Input.Zero.Finals)
	return q
}

// TestFlattenRelayout: with 3×3 planes the flat table is committed apart
// from the block's; the dense head run on another order of it (channels
// last) with its own consistent accumulators is caught by the gather that
// ties the flat table to the block's, and a proof without it is refused.
func TestFlattenRelayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	mod, m, in := compiled(t, cnnGraph(arch{2, 12, 3, 6, 4}, rng), rng)
	if m.flatIdx == nil {
		t.Fatal("3x3 planes flattened as a relabelling")
	}
	q, _ := mod.Quantize(in)
	x := q[0].Data
	proof, y, err := m.prove(testParams, x, cheats{flatten: func(f []int64) []int64 { return transpose(f, 6, 9) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(testParams, m, y, proof); err == nil || !strings.Contains(err.Error(), "cnn: flatten:") {
		t.Fatalf("channels-last flat table: want the flatten's gather to reject, got %v", err)
	}
	proof, y, err = Prove(testParams, m, x)
	if err != nil {
		t.Fatal(err)
	}
	proof.Flatten = nil
	if err := Verify(testParams, m, y, proof); err == nil {
		t.Fatal("proof without the flat layout's accepted")
	}
}
