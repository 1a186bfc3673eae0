package cnn

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var vanishingParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}

// zkCrit is the chi-square bound with 3 degrees of freedom at 10^-6 per
// statistic (a test of ~100 statistics fails by chance with ~10^-4).
const zkCrit = 30.66

// tally counts the low two bits of named field elements over runs.
type tally map[string]*[4]int

func (t tally) add(name string, e fr.Element) {
	var b big.Int
	e.BigInt(&b)
	low := 0
	if len(b.Bits()) > 0 {
		low = int(b.Bits()[0] & 3)
	}
	if t[name] == nil {
		t[name] = new([4]int)
	}
	t[name][low]++
}

// sumcheck adds every field element of a sumcheck proof the verifier
// receives: rounds, finals, the tail's final, the mask's sum and value.
func (t tally) sumcheck(name string, p *sumcheck.Proof) {
	for j, g := range p.Rounds {
		for k, v := range g {
			t.add(fmt.Sprintf("%s round %d[%d]", name, j, k), v)
		}
	}
	for k, v := range p.Finals {
		t.add(fmt.Sprintf("%s final %d", name, k), v)
	}
	if p.Tail != nil {
		t.add(name+" tail", *p.Tail)
	}
	if p.Mask != nil {
		t.add(name+" mask sum", p.Mask.Sum)
		t.add(name+" mask value", p.Mask.Value)
	}
}

// masked adds the vanishing part Z(z)·s̃(z_col) of f̂(z) = f̃(z) + Z·s̃,
// what separates a revealed value from the private f̃(z).
func (t tally) masked(name string, d *pcs.ProverData, z []fr.Element) {
	c := d.Commitment()
	s, _ := mle.Table(d.MaskRow()).Eval(z[c.RowVars:])
	zv := pcs.Vanishing(z)
	t.add(name+" vanishing part", *s.Mul(&s, &zv))
}

func (t tally) worst(runs int) (float64, string) {
	w, name := 0.0, ""
	for n, c := range t {
		var s float64
		for _, k := range c {
			d := float64(k) - float64(runs)/4
			s += d * d / (float64(runs) / 4)
		}
		if s > w {
			w, name = s, n
		}
	}
	return w, name
}

// zkRuns proves each of two private inputs runs times under vanishing
// masks with the masks as given and then zeroed (pcs.SetZeroVanishingForTests),
// tallying with prove (which returns the proof's statistics): with the
// masks every statistic is uniform, without them some statistic is not
// (the vanishing parts are 0), so the test can fail.
func zkRuns(t *testing.T, prove func(input int, tl tally)) {
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = hidingParams
	defer func() { sumcheck.MaskParams = saved; openHook = nil; pcs.SetZeroVanishingForTests(false) }()
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16 // a constant statistic reaches 3·16 = 48 > zkCrit
		}
		for input := range 2 {
			tl := tally{}
			for range runs {
				k := 0
				openHook = func(d *pcs.ProverData, z []fr.Element) {
					tl.masked(fmt.Sprint("claim ", k), d, z)
					k++
				}
				prove(input, tl)
			}
			w, name := tl.worst(runs)
			switch {
			case !zero && w > zkCrit:
				t.Errorf("input %d: %s not uniform (chi-square %.1f > %.2f)", input, name, w, zkCrit)
			case zero && w <= zkCrit:
				t.Errorf("input %d, vanishing masks zero: every statistic uniform (worst %.1f): the test cannot fail", input, w)
			}
		}
	}
}

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
func proveFlat(t *testing.T, p pcs.Params, m *Model, block, flat []int64, tl tally) error {
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
	if tl != nil {
		tl.add("AtR", fp.AtR)
		tl.sumcheck("gather", &fp.Gather)
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
	zkRuns(t, func(input int, tl tally) {
		c := cases[input]
		if err := proveFlat(t, vanishingParams, c[0].(*Model), c[1].([]int64), c[2].([]int64), tl); err != nil {
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
	zkRuns(t, func(input int, tl tally) {
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
		tl.sumcheck("zero-check", &pr.Sum)
	})
}
