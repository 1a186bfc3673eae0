package mlp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
)

var testParams = pcs.Params{RateLog: 1, Queries: 10}

// model returns a K₀ → hidden (ReLU) → out model with weights at scale 8
// (|w| < wLim), activations at scale 8 (shift 8 back after each product),
// 16-bit range.
func model(t testing.TB, rng *rand.Rand, k0, hidden, out int, wLim int64) *Model {
	t.Helper()
	ints := func(n int, lim int64) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = rng.Int64N(2*lim) - lim
		}
		return v
	}
	m, err := NewModel(16, []Dense{
		{K: k0, N: hidden, W: ints(k0*hidden, wLim), B: ints(hidden, 1<<12), Shift: 8, Bits: 16, ReLU: true},
		{K: hidden, N: out, W: ints(hidden*out, wLim), B: ints(out, 1<<12), Shift: 8, Bits: 16},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func input(rng *rand.Rand, n int) []int64 {
	x := make([]int64, n)
	for i := range x {
		x[i] = rng.Int64N(512) - 256
	}
	return x
}

func TestHonest(t *testing.T) {
	for _, c := range []struct{ M, k0, hidden, out int }{{1, 6, 5, 3}, {2, 8, 16, 4}, {3, 1, 1, 1}} {
		t.Run(fmt.Sprintf("%d_%dx%dx%d", c.M, c.k0, c.hidden, c.out), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(c.k0)))
			m := model(t, rng, c.k0, c.hidden, c.out, 256)
			x := input(rng, c.M*c.k0)
			proof, y, err := Prove(testParams, m, c.M, x)
			if err != nil {
				t.Fatal(err)
			}
			if _, want, _ := m.Run(c.M, x); fmt.Sprint(want) != fmt.Sprint(y) {
				t.Fatalf("proved output %v, Run gives %v", y, want)
			}
			if err := Verify(testParams, m, c.M, y, proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
		})
	}
}

func TestWrongStatementRejected(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	m := model(t, rng, 6, 5, 3, 256)
	x := input(rng, 6)
	proof, y, err := Prove(testParams, m, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		apply func() (*Model, []int64, Proof)
	}{
		{"output entry off by one", func() (*Model, []int64, Proof) {
			y2 := append([]int64(nil), y...)
			y2[1]++
			return m, y2, proof
		}},
		{"verifier's model has another weight", func() (*Model, []int64, Proof) {
			layers := append([]Dense(nil), m.Layers...)
			layers[1].W = append([]int64(nil), layers[1].W...)
			layers[1].W[0]++
			m2, err := NewModel(m.InBits, layers)
			if err != nil {
				t.Fatal(err)
			}
			return m2, y, proof
		}},
		{"verifier's model without the ReLU", func() (*Model, []int64, Proof) {
			layers := append([]Dense(nil), m.Layers...)
			layers[0].ReLU = false
			m2, _ := NewModel(m.InBits, layers)
			return m2, y, proof
		}},
		{"layer steps swapped out", func() (*Model, []int64, Proof) {
			p := proof
			p.Steps = p.Steps[:1]
			return m, y, p
		}},
		{"input limb commitment tampered", func() (*Model, []int64, Proof) {
			p := proof
			p.Input.V0.Root[0] ^= 1
			return m, y, p
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m2, y2, p2 := c.apply()
			if err := Verify(testParams, m2, 1, y2, p2); err == nil {
				t.Fatal("wrong statement accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	m := model(t, rng, 4, 3, 2, 256)
	if _, _, err := Prove(testParams, m, 1, []int64{1 << 15, 0, 0, 0}); err == nil {
		t.Error("input 2^15 accepted for 16 signed bits")
	}
	if _, _, err := Prove(testParams, m, 1, []int64{1, 2, 3}); err == nil {
		t.Error("input of 3 values accepted for K = 4")
	}
	if _, err := NewModel(16, []Dense{{K: 2, N: 3, W: make([]int64, 6), Shift: 8, Bits: 16}, {K: 4, N: 1, W: make([]int64, 4), Shift: 8, Bits: 16}}); err == nil {
		t.Error("layers 2→3 then 4→1 accepted")
	}
}

func ExampleProve() {
	// One layer: y = round((x·W + b)/2^4) with x private.
	m, _ := NewModel(8, []Dense{{K: 2, N: 1, W: []int64{16, 32}, B: []int64{8}, Shift: 4, Bits: 8}})
	proof, y, _ := Prove(pcs.DefaultParams(), m, 1, []int64{3, -1}) // (48 − 32 + 8)/16 = 1.5 → 2
	fmt.Println(y, Verify(pcs.DefaultParams(), m, 1, y, proof))
	fmt.Println(Verify(pcs.DefaultParams(), m, 1, []int64{1}, proof) != nil)
	// Output:
	// [2] <nil>
	// true
}

// TestCheatsRejected: each cheat is caught by exactly one check: a layer's
// accumulators off by one (everything downstream consistent with them) by
// that layer's Gemm step; a claimed output other than the committed one by
// the output's reveal.
func TestCheatsRejected(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := model(t, rng, 6, 5, 3, 256)
	x := input(rng, 6)
	for _, c := range []struct {
		name string
		ch   cheats
	}{
		{"layer 0 accumulator off by one", cheats{editAcc: func(l int, a []int64) {
			if l == 0 {
				a[0] += 1 << 8 // moves the rescaled value by one
			}
		}}},
		{"claimed output differs from the committed one", cheats{claimY: func(y []int64) []int64 {
			y2 := append([]int64(nil), y...)
			y2[0]++
			return y2
		}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			proof, _, y, err := m.prove(testParams, 1, x, false, c.ch)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(testParams, m, 1, y, proof); err == nil {
				t.Fatal("cheating proof accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

// TestBatched: the batched proof of a chain verifies, is smaller, and is
// rejected for another output, another model or a tampered batch.
func TestBatched(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	m := model(t, rng, 64, 32, 10, 256)
	x := input(rng, 2*64)
	proof, y, err := ProveBatched(testParams, m, 2, x)
	if err != nil {
		t.Fatal(err)
	}
	if _, want, _ := m.Run(2, x); fmt.Sprint(want) != fmt.Sprint(y) {
		t.Fatalf("proved output %v, Run gives %v", y, want)
	}
	if err := VerifyBatched(testParams, m, 2, y, proof); err != nil {
		t.Fatalf("honest batched proof rejected: %v", err)
	}
	plain, _, _ := Prove(testParams, m, 2, x)
	if proof.Size() >= plain.Size() {
		t.Errorf("batched proof of %d bytes, unbatched %d", proof.Size(), plain.Size())
	}
	y2 := append([]int64(nil), y...)
	y2[3]++
	if err := VerifyBatched(testParams, m, 2, y2, proof); err == nil {
		t.Error("another output accepted")
	}
	m2 := model(t, rand.New(rand.NewPCG(11, 11)), 64, 32, 10, 256)
	if err := VerifyBatched(testParams, m2, 2, y, proof); err == nil {
		t.Error("another model accepted")
	}
	proof.Batch.Groups = proof.Batch.Groups[1:]
	if err := VerifyBatched(testParams, m, 2, y, proof); err == nil {
		t.Error("a batch group dropped: accepted")
	}
}
