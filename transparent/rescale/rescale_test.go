package rescale

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testPCS = pcs.Params{RateLog: 1, Queries: 12}

// TestComputeMatchesOps checks the witness against the integer evaluator that
// backs `zkinfer run`: the proof is about exactly what ops computes.
func TestComputeMatchesOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range []Params{{Shift: 12, Bits: 24}, {Shift: 12, Bits: 24, ReLU: true}, {Shift: 1, Bits: 8}, {Shift: 16, Bits: 10, ReLU: true}} {
		for k := 0; k < 2000; k++ {
			lim := int64(1) << (p.Bits - 1 + p.Shift)
			a := rng.Int64N(2*lim) - lim
			var e ops.IntArith
			want := e.Rescale(a, p.Shift, p.Bits)
			if p.ReLU {
				want = e.RescaleRelu(a, p.Shift, p.Bits)
			}
			w, err := Compute(p, []int64{a})
			if (err != nil) != (e.Err() != nil) {
				t.Fatalf("%+v a=%d: Compute error %v, ops error %v", p, a, err, e.Err())
			}
			if err == nil && w.Y[0] != want {
				t.Fatalf("%+v a=%d: y = %d, ops gives %d", p, a, w.Y[0], want)
			}
		}
	}
}

type instance struct {
	p     Params
	aData *pcs.ProverData
	a     []int64
}

func newInstance(t *testing.T, p Params, a []int64) instance {
	t.Helper()
	size, _ := mle.Pow2(len(a))
	padded := make([]int64, size)
	copy(padded, a)
	aData, err := pcs.Commit(p.PCS, mle.FromInt64(padded))
	if err != nil {
		t.Fatal(err)
	}
	return instance{p, aData, padded}
}

func (in instance) transcript() *transcript.Transcript {
	tr := transcript.New("test")
	in.aData.Commitment().Absorb(tr, "a")
	return tr
}

func (in instance) verify(proof Proof) error {
	return Verify(in.transcript(), in.p, in.aData.Commitment(), proof)
}

func randomA(rng *rand.Rand, p Params, n int) []int64 {
	lim := int64(1) << (p.Bits - 1 + p.Shift)
	a := make([]int64, n)
	for i := range a {
		a[i] = rng.Int64N(2*lim-2<<p.Shift) - lim + 1<<p.Shift
	}
	return a
}

func TestHonest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		p Params
		n int
	}{
		{Params{Shift: 4, Bits: 8, PCS: testPCS}, 16},
		{Params{Shift: 4, Bits: 8, ReLU: true, PCS: testPCS}, 13},
		{Params{Shift: 12, Bits: 24, PCS: testPCS}, 32},
		{Params{Shift: 12, Bits: 24, ReLU: true, PCS: testPCS}, 32},
		{Params{Shift: 3, Bits: 13, ReLU: true, PCS: testPCS}, 1},
	} {
		t.Run(fmt.Sprintf("s%d_b%d_relu%v_n%d", c.p.Shift, c.p.Bits, c.p.ReLU, c.n), func(t *testing.T) {
			in := newInstance(t, c.p, randomA(rng, c.p, c.n))
			proof, yData, err := Prove(in.transcript(), c.p, in.aData, in.a)
			if err != nil {
				t.Fatal(err)
			}
			if err := in.verify(proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
			if yData.Commitment() != proof.Y {
				t.Fatal("returned output commitment is not the proof's")
			}
		})
	}
}

// sub returns a sumTable hook that adds d to entry i of column c's copy (colY: y's).
func sub(c, i int, d int64) func(l layout, tables []mle.Table) {
	return func(l layout, tables []mle.Table) {
		k := l.y
		if c < numCols {
			k = l.idx[c]
		}
		var e fr.Element
		e.SetInt64(d)
		tables[k][i].Add(&tables[k][i], &e)
	}
}

// wrongWitnesses are cheating provers, each with the check that catches it
// (ReLU at shift 4, 8 bits, on a below, unless params says otherwise).
var wrongWitnesses = []struct {
	name string
	// refuse: the witness breaks a range, which the honest lookup prover
	// refuses to prove (logup's tests play the cheating one)
	refuse bool
	edit   func(w *Witness)
	field  func(cols *[numCols]mle.Table, y mle.Table)
	params *Params
	ch     cheats // tables swapped in the zero-check, forged eq points
	a0     int64  // when nonzero, the committed a[0]
	// needs names the check that alone catches it (TestChecksNeeded):
	// "eq" (eq's final against eq(z, ρ)) or a claim ("claim r", …).
	needs string
}{
	{name: "quotient off by one, remainder compensating (r = -4)", refuse: true,
		edit: func(w *Witness) { w.Q[0]++; w.R[0] -= 16; w.V0[0]++; w.Y[0]++ }},
	{name: "ReLU passes a negative value (σ = 1, v = q < 0)", refuse: true, edit: func(w *Witness) {
		w.Sigma[1] = 1
		w.Y[1] = w.Q[1]
		w.V0[1], w.V1[1] = w.Q[1]&(1<<Limb-1), w.Q[1]>>Limb
	}},
	{name: "wrong output only (caught by y = σ·q)", edit: func(w *Witness) { w.Y[2]++ }},
	// σ = 2 lets q run over [2^(b−1), 2^b) with v = q − 2^(b−1) in range and
	// y = 2q: only the bit term σ·σ − σ stops it.
	{name: "σ = 2 for a q beyond the range (caught by the bit term)", a0: (128 + 5) << 4,
		edit: func(w *Witness) {
			w.Q[0], w.R[0], w.Sigma[0], w.Y[0] = 128+5, 8, 2, 2*(128+5)
			w.V0[0], w.V1[0] = 5, 0
		}},
	{name: "σ not a bit, zero-check forged on a solved eq point", ch: cheats{forgeEq: true}, needs: "eq", field: notABit},
	{name: "wrong output, zero-check forged on a solved eq point", ch: cheats{forgeEq: true}, needs: "eq", edit: func(w *Witness) { w.Y[2]++ }},
	{name: "remainder off, zero-check forged on a solved eq point", ch: cheats{forgeEq: true}, needs: "eq", edit: func(w *Witness) { w.R[3]++ }},
	// The zero-check run on the true table while a wrong one is committed:
	// every term checks out and only that table's claim at ρ stops it.
	{name: "remainder off (in range), zero-check run on the true remainder", ch: cheats{sumTable: sub(colR, 3, -1)}, needs: "claim r",
		edit: func(w *Witness) { w.R[3]++ }},
	{name: "wrong output, zero-check run on σ·q", ch: cheats{sumTable: sub(colY, 2, -1)}, needs: "claim y", edit: func(w *Witness) { w.Y[2]++ }},
	{name: "low limb off, zero-check run on the true limb", ch: cheats{sumTable: sub(colV0, 0, -1)}, needs: "claim v0", edit: func(w *Witness) { w.V0[0]++ }},
	{name: "sign flipped in σ's commitment only, zero-check run on the true σ", ch: cheats{sumTable: sub(colSigma, 0, 1)}, needs: "claim σ",
		field: func(cols *[numCols]mle.Table, y mle.Table) { cols[colSigma][0].SetZero() }},
	{name: "no ReLU, remainder off, zero-check run on the true remainder", params: &Params{Shift: 4, Bits: 12, PCS: testPCS},
		ch: cheats{sumTable: sub(colR, 3, -1)}, needs: "claim r", edit: func(w *Witness) { w.R[3]++ }},
	// Without ReLU the output is the quotient; a separately committed y
	// would be bound by nothing.
	{name: "no ReLU, output committed apart from the quotient", params: &Params{Shift: 4, Bits: 12, PCS: testPCS},
		ch: cheats{separateY: true}, edit: func(w *Witness) { w.Y[0] += 7 }},
	{name: "remainder off, linear relation broken", edit: func(w *Witness) { w.R[3]++ }},
	{name: "low limb off by one, still in range (caught by the v relation)", edit: func(w *Witness) { w.V0[0]++ }},
	// With one limb v1 is not committed and not in the zero-check, so a
	// nonzero v1 cannot absorb an error of the v relation.
	{name: "absent high limb nonzero to absorb a broken v relation", params: &Params{Shift: 4, Bits: 10, ReLU: true, PCS: testPCS},
		edit: func(w *Witness) { w.V0[0]++ }, field: func(cols *[numCols]mle.Table, y mle.Table) {
			var inv fr.Element
			inv.SetUint64(1 << Limb)
			inv.Inverse(&inv)
			cols[colV1][0].Neg(&inv)
		}},
	{name: "σ not a bit, every other relation kept (caught by the bit term)", field: notABit},
}

// notABit sets σ = 1 + q/128 at entry 2 (q = 5): v = 0 and σ keep
// v = q + 128(1 − σ), and y = σ·q keeps the product.
func notABit(cols *[numCols]mle.Table, y mle.Table) {
	var s, inv fr.Element
	one := fr.One()
	inv.SetUint64(128)
	inv.Inverse(&inv)
	s.Mul(&cols[colQ][2], &inv).Add(&s, &one)
	cols[colSigma][2] = s
	cols[colV0][2].SetZero()
	y[2].Mul(&s, &cols[colQ][2])
}

// proveWrong runs case c's cheating prover; it returns false when the
// prover refused.
func proveWrong(t *testing.T, i int) (instance, Proof, bool) {
	t.Helper()
	c := wrongWitnesses[i]
	pp := Params{Shift: 4, Bits: 8, ReLU: true, PCS: testPCS}
	if c.params != nil {
		pp = *c.params
	}
	a := []int64{100, -100, 80, -8, 0, 7, 8, 2000} // q = 6, -6, 5, 0, 0, 0, 1, 125
	in := newInstance(t, pp, a)
	w, err := Compute(pp, in.a)
	if err != nil {
		t.Fatal(err)
	}
	if c.a0 != 0 {
		a2 := append([]int64(nil), a...)
		a2[0] = c.a0
		in = newInstance(t, pp, a2)
	}
	if c.edit != nil {
		c.edit(&w)
	}
	ch := c.ch
	ch.edit = c.field
	proof, _, err := prove(in.transcript(), pp, in.aData, in.a, w, nil, ch)
	if c.refuse {
		if err == nil {
			t.Fatal("prover proved a witness out of range")
		}
		t.Log(err)
		return in, proof, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return in, proof, true
}

func TestWrongWitnessRejected(t *testing.T) {
	for i, c := range wrongWitnesses {
		t.Run(c.name, func(t *testing.T) {
			in, proof, ok := proveWrong(t, i)
			if !ok {
				return
			}
			if err := in.verify(proof); err == nil {
				t.Fatal("wrong witness accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

// TestChecksNeeded deletes, one at a time, the verifier's check of eq's
// final and each claim on a final: the cheats that name it are then
// accepted, so each check is needed and the cheats exercise it.
func TestChecksNeeded(t *testing.T) {
	claims := map[string]int{"claim r": colR, "claim v0": colV0, "claim σ": colSigma, "claim y": colY}
	for i, c := range wrongWitnesses {
		if c.needs == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			if c.needs == "eq" {
				verifyNoEq = true
			} else {
				col, ok := claims[c.needs]
				if !ok {
					t.Fatalf("unknown check %q", c.needs)
				}
				wrongWitnesses[i].ch.omit = map[int]bool{col: true}
				verifyOmit = wrongWitnesses[i].ch.omit
			}
			defer func() { verifyNoEq, verifyOmit, wrongWitnesses[i].ch.omit = false, nil, nil }()
			in, proof, _ := proveWrong(t, i)
			if err := in.verify(proof); err != nil {
				t.Fatalf("with %s deleted the cheat is still rejected: %v", c.needs, err)
			}
		})
	}
}

func TestTamperedRejected(t *testing.T) {
	p := Params{Shift: 4, Bits: 16, ReLU: true, PCS: testPCS}
	one := fr.One()
	l := p.layout()
	for _, c := range []struct {
		name string
		edit func(*Proof)
	}{
		{"eq's final", func(pr *Proof) { pr.Check.Finals[0].Add(&pr.Check.Finals[0], &one) }},
		{"r's final", func(pr *Proof) { pr.Check.Finals[l.idx[colR]].Add(&pr.Check.Finals[l.idx[colR]], &one) }},
		{"σ's final", func(pr *Proof) { pr.Check.Finals[l.idx[colSigma]].Add(&pr.Check.Finals[l.idx[colSigma]], &one) }},
		{"y's final", func(pr *Proof) { pr.Check.Finals[l.y].Add(&pr.Check.Finals[l.y], &one) }},
		{"a final added", func(pr *Proof) { pr.Check.Finals = append(pr.Check.Finals, one) }},
		{"a round", func(pr *Proof) { pr.Check.Rounds[1][0].Add(&pr.Check.Rounds[1][0], &one) }},
		{"zero-check dropped", func(pr *Proof) { pr.Check = sumcheck.Proof{} }},
		{"output commitment", func(pr *Proof) { pr.Y.Root[3] ^= 1 }},
		{"lookup dropped", func(pr *Proof) { pr.Lookups = pr.Lookups[:1] }},
		{"opening dropped", func(pr *Proof) { pr.Openings = pr.Openings[1:] }},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := newInstance(t, p, randomA(rand.New(rand.NewPCG(5, 6)), p, 8))
			proof, _, err := Prove(in.transcript(), p, in.aData, in.a)
			if err != nil {
				t.Fatal(err)
			}
			c.edit(&proof)
			if err := in.verify(proof); err == nil {
				t.Fatal("tampered proof accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

// TestMasked: under hiding commitments (each opened once, through batch),
// with and without vanishing masks, the zero-check is masked, honest proofs
// verify and a table swapped in the zero-check is still caught by its
// claim.
func TestMasked(t *testing.T) {
	hiding := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	vanish := hiding
	vanish.Vanishing = true
	for _, pc := range []pcs.Params{hiding, vanish} {
		for _, c := range []struct {
			name   string
			relu   bool
			ch     cheats
			edit   func(w *Witness)
			honest bool
		}{
			{"relu honest", true, cheats{}, nil, true},
			{"plain honest", false, cheats{}, nil, true},
			{"relu, remainder off, zero-check on the true one", true, cheats{sumTable: sub(colR, 3, -1)}, func(w *Witness) { w.R[3]++ }, false},
			{"relu, wrong output, zero-check on σ·q", true, cheats{sumTable: sub(colY, 2, -1)}, func(w *Witness) { w.Y[2]++ }, false},
			{"relu, wrong output", true, cheats{}, func(w *Witness) { w.Y[2]++ }, false},
		} {
			t.Run(fmt.Sprintf("vanishing=%v/%s", pc.Vanishing, c.name), func(t *testing.T) {
				p := Params{Shift: 4, Bits: 8, ReLU: c.relu, PCS: pc}
				in := newInstance(t, p, []int64{100, -100, 80, -8, 0, 7, 8, 2000})
				w, err := Compute(p, in.a)
				if err != nil {
					t.Fatal(err)
				}
				if c.edit != nil {
					c.edit(&w)
				}
				tr, bp := in.transcript(), batch.NewProver()
				proof, _, err := prove(tr, p, in.aData, in.a, w, bp, c.ch)
				if err != nil {
					t.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					t.Fatal(err)
				}
				if proof.Check.Mask == nil {
					t.Fatal("the zero-check under hiding is not masked")
				}
				vt, bv := in.transcript(), batch.NewVerifier()
				err = VerifyBatched(vt, p, in.aData.Commitment(), proof, bv)
				if err == nil {
					err = bv.Verify(vt, p.PCS, bproof)
				}
				if c.honest && err != nil {
					t.Fatalf("honest proof rejected: %v", err)
				}
				if !c.honest && err == nil {
					t.Fatal("cheating proof accepted")
				}
				t.Log(err)
			})
		}
	}
}

func TestParams(t *testing.T) {
	for _, p := range []Params{{Shift: 0, Bits: 8}, {Shift: 17, Bits: 8}, {Shift: 4, Bits: 1}, {Shift: 4, Bits: 26}} {
		if _, err := Compute(p, []int64{1}); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	if _, err := Compute(Params{Shift: 4, Bits: 8}, []int64{128 << 4}); err == nil {
		t.Error("quotient 128 accepted for 8 signed bits")
	}
}

func ExampleProve() {
	p := Params{Shift: 12, Bits: 24, ReLU: true, PCS: pcs.DefaultParams()}
	a := []int64{5 << 12, -3 << 12, 2047, 2048} // → 5, 0 (ReLU of −3), 0, 1
	aData, _ := pcs.Commit(p.PCS, mle.FromInt64(a))
	prover, verifier := transcript.New("example"), transcript.New("example")
	aData.Commitment().Absorb(prover, "a")
	aData.Commitment().Absorb(verifier, "a")
	proof, _, _ := Prove(prover, p, aData, a)
	w, _ := Compute(p, a)
	fmt.Println(w.Y, Verify(verifier, p, aData.Commitment(), proof))
	// Output: [5 0 0 1] <nil>
}
