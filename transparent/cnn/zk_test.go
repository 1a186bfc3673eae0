package cnn

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

var vanishingParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}

// setOpenHook installs h as the flatten's and Add+Relu's opening hook
// (zktest.MaskedRuns).
func setOpenHook(h zktest.OpenHook) { openHook = h }

// flatCase is a 6×3×3 block (planes padded to 16) and its flat layout.
func flatCase(rng *rand.Rand) (*Model, []int64, []int64) {
	const c, hw, stride = 6, 9, 16
	block := make([]int64, 8*stride)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < hw; i++ {
			block[ch*stride+i] = rng.Int64N(255)
		}
	}
	return &Model{flatIdx: flatIndex(c, hw, stride)}, block, flatTable(block, c, hw, stride)
}

// proveFlat proves and verifies the flatten of block to flat under p.
func proveFlat(t *testing.T, p pcs.Params, m *Model, block, flat []int64, c zktest.Counts) error {
	t.Helper()
	bData, err := pcs.Commit(p, mle.FromInt64(block))
	if err != nil {
		t.Fatal(err)
	}
	tr, bp := transcript.New("flat"), batch.NewProver()
	fp, _, err := m.proveFlatten(tr, p, block, bData, flat, bp)
	if err != nil {
		t.Fatal(err)
	}
	bproof, err := bp.Prove(tr)
	if err != nil {
		t.Fatal(err)
	}
	tv, bv := transcript.New("flat"), batch.NewVerifier()
	if _, err := m.verifyFlatten(tv, p, bData.Commitment(), fp, bv); err != nil {
		return err
	}
	if err := bv.Verify(tv, p, bproof); err != nil {
		return err
	}
	if c != nil {
		c.Add("AtR", fp.AtR)
		c.Sumcheck("gather", &fp.Gather)
	}
	return nil
}

// TestFlattenModes: the flatten's re-commit and gather in every mode
// (binding, hiding, hiding with vanishing masks): honest accepted; a flat
// table in another order (channels last) rejected; under vanishing masks a
// prover whose tail uses another mask row, chosen so that the gather holds
// for the wrong flat table, rejected only by the tail's mask claim (the
// batch: accepted with that claim deleted).
func TestFlattenModes(t *testing.T) {
	m, block, flat := flatCase(rand.New(rand.NewPCG(40, 40)))
	for _, p := range []pcs.Params{testParams, hidingParams, vanishingParams} {
		name := fmt.Sprintf("hiding=%v,vanishing=%v", p.Hiding, p.Vanishing)
		if err := proveFlat(t, p, m, block, flat, nil); err != nil {
			t.Errorf("%s: honest flatten rejected: %v", name, err)
		}
		if err := proveFlat(t, p, m, block, transpose(flat[:54], 6, 9), nil); err == nil {
			t.Errorf("%s: channels-last flat table accepted", name)
		}
		if p.Vanishing {
			fakeFlattenTail = true
			err := proveFlat(t, p, m, block, append(transpose(flat[:54], 6, 9), make([]int64, 10)...), nil)
			fakeFlattenTail = false
			if err == nil || !strings.Contains(err.Error(), "batch") {
				t.Errorf("%s: a tail on another mask row: got %v, want the batch's rejection", name, err)
			}
		}
	}
}

// TestFlattenZeroKnowledge: two block tables (same shape, the public
// facts), 48 flattens each under vanishing masks: AtR = f̂lat(r), the
// gather's rounds, finals (b̂lock(ρ)), tail and mask values, and the
// vanishing parts of the two claims, uniform; not with the masks zeroed.
func TestFlattenZeroKnowledge(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 41))
	cases := make([][3]any, 2)
	for i := range cases {
		m, block, flat := flatCase(rng)
		cases[i] = [3]any{m, block, flat}
	}
	zktest.MaskedRuns(t, hidingParams, setOpenHook, func(input int, c zktest.Counts) {
		k := cases[input]
		if err := proveFlat(t, vanishingParams, k[0].(*Model), k[1].([]int64), k[2].([]int64), c); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAddReluZeroKnowledge: two operand pairs a, b, 48 Add+Relu proofs each
// under vanishing masks: the zero-check's rounds, finals (ŷ, ŝ, â, b̂, v̂0,
// v̂1 at ρ, eq(r, ρ)) and mask values, and the six claims' vanishing
// parts, uniform; not with the masks zeroed.
func TestAddReluZeroKnowledge(t *testing.T) {
	const size, bits = 64, 13 // two limbs
	rng := rand.New(rand.NewPCG(42, 42))
	l := &addRelu{UpA: 0, UpB: 1, Bits: bits, size: size}
	var ops [2][2][]int64
	for i := range ops {
		a, b := make([]int64, size), make([]int64, size)
		for j := range a {
			a[j], b[j] = rng.Int64N(2000)-1000, rng.Int64N(1000)-500
		}
		ops[i] = [2][]int64{a, b}
	}
	p := vanishingParams
	zktest.MaskedRuns(t, hidingParams, setOpenHook, func(input int, c zktest.Counts) {
		a, b := ops[input][0], ops[input][1]
		y, err := l.run(a, b)
		if err != nil {
			t.Fatal(err)
		}
		aData, _ := pcs.Commit(p, mle.FromInt64(a))
		bData, _ := pcs.Commit(p, mle.FromInt64(b))
		tr, bp := transcript.New("add"), batch.NewProver()
		pr, _, err := l.prove(tr, p, aData, bData, a, b, y, bp, addCheats{})
		if err != nil {
			t.Fatal(err)
		}
		bproof, err := bp.Prove(tr)
		if err != nil {
			t.Fatal(err)
		}
		tv, bv := transcript.New("add"), batch.NewVerifier()
		if err := l.verify(tv, p, aData.Commitment(), bData.Commitment(), &pr, bv); err != nil {
			t.Fatal(err)
		}
		if err := bv.Verify(tv, p, bproof); err != nil {
			t.Fatal(err)
		}
		c.Sumcheck("zero-check", &pr.Sum)
	})
}
