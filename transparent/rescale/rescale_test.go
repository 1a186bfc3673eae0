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

func TestWrongWitnessRejected(t *testing.T) {
	base := Params{Shift: 4, Bits: 8, ReLU: true, PCS: testPCS}
	a := []int64{100, -100, 80, -8, 0, 7, 8, 2000} // q = 6, -6, 5, 0, 0, 0, 1, 125
	one := fr.One()
	for _, c := range []struct {
		name string
		// refuse: the witness breaks a range, which the honest lookup prover
		// refuses to prove (logup's tests play the cheating one)
		refuse bool
		edit   func(w *Witness)
		field  func(cols *[numCols]mle.Table, y mle.Table)
		atRho  func(at []fr.Element)
		params *Params
		ch     cheats // zeroed factors and forged eq points
		a0     int64  // when nonzero, the committed a[0]
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
		// y = 2q; the sign check run on σ·μq sums to μ·ỹ(z), and only the
		// verifier's "the third factor is σ − 1 + μ·q at ρ'" check stops it.
		{name: "σ = 2 for a q beyond the range, sign check run on σ·μq", a0: (128 + 5) << 4, ch: cheats{bitZero: true},
			edit: func(w *Witness) {
				w.Q[0], w.R[0], w.Sigma[0], w.Y[0] = 128+5, 8, 2, 2*(128+5)
				w.V0[0], w.V1[0] = 5, 0
			}},
		{name: "σ not a bit, sign check forged on a solved eq point", ch: cheats{forgeSign: true}, field: func(cols *[numCols]mle.Table, y mle.Table) {
			var s, inv fr.Element
			inv.SetUint64(128)
			inv.Inverse(&inv)
			s.Mul(&cols[colQ][2], &inv).Add(&s, &one)
			cols[colSigma][2] = s
			cols[colV0][2].SetZero()
			y[2].Mul(&s, &cols[colQ][2])
		}},
		{name: "wrong output, sign check forged on a solved eq point", ch: cheats{forgeSign: true}, edit: func(w *Witness) { w.Y[2]++ }},
		// Without ReLU the output is the quotient; a separately committed y
		// would be bound by nothing.
		{name: "no ReLU, output committed apart from the quotient", params: &Params{Shift: 4, Bits: 12, PCS: testPCS},
			ch: cheats{separateY: true}, edit: func(w *Witness) { w.Y[0] += 7 }},
		{name: "remainder off, linear relation broken", edit: func(w *Witness) { w.R[3]++ }},
		// The remainder stays in range (0 → 1 at entry 3); the linear
		// zero-check run on L ≡ 0 passes its sumcheck, and only the
		// verifier's recomputation of L(ρ) from the stated values stops it.
		{name: "remainder off, linear zero-check run on L ≡ 0", ch: cheats{linZero: true}, edit: func(w *Witness) { w.R[3]++ }},
		{name: "remainder off, linear zero-check forged on a solved eq point", ch: cheats{forgeLin: true}, edit: func(w *Witness) { w.R[3]++ }},
		{name: "no ReLU, quotient off, linear zero-check run on L ≡ 0", params: &Params{Shift: 4, Bits: 12, PCS: testPCS},
			ch: cheats{linZero: true}, edit: func(w *Witness) { w.Q[5]++; w.Y[5]++; w.V0[5]++ }},
		{name: "low limb off by one, still in range (caught by the v relation)", edit: func(w *Witness) { w.V0[0]++ }},
		{name: "values at ρ lied about consistently, a and r +1 (caught by the openings)", atRho: func(at []fr.Element) {
			at[colA].Add(&at[colA], &one)
			at[colR].Add(&at[colR], &one)
		}},
		// With one limb v1 is not committed; a prover using a nonzero v1 in L
		// and stating v1(ρ) ≠ 0 could absorb any error of the v relation.
		{name: "absent high limb nonzero to absorb a broken v relation", params: &Params{Shift: 4, Bits: 10, ReLU: true, PCS: testPCS},
			edit: func(w *Witness) { w.V0[0]++ }, field: func(cols *[numCols]mle.Table, y mle.Table) {
				var inv fr.Element
				inv.SetUint64(1 << Limb)
				inv.Inverse(&inv)
				cols[colV1][0].Neg(&inv)
			}},
		{name: "σ not a bit, every other relation kept (caught by the bit check)", field: func(cols *[numCols]mle.Table, y mle.Table) {
			// q = 5 at entry 2: v = 0 and σ = 1 + 5/128 keep v = q + 128(1 − σ),
			// and y = σ·q keeps the product.
			var s, inv fr.Element
			inv.SetUint64(128)
			inv.Inverse(&inv)
			s.Mul(&cols[colQ][2], &inv).Add(&s, &one)
			cols[colSigma][2] = s
			cols[colV0][2].SetZero()
			y[2].Mul(&s, &cols[colQ][2])
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pp := base
			if c.params != nil {
				pp = *c.params
			}
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
			ch.edit, ch.atRho = c.field, c.atRho
			proof, _, err := prove(in.transcript(), pp, in.aData, in.a, w, nil, ch)
			if c.refuse {
				if err == nil {
					t.Fatal("prover proved a witness out of range")
				}
				t.Log(err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := in.verify(proof); err == nil {
				t.Fatal("wrong witness accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

func TestTamperedRejected(t *testing.T) {
	p := Params{Shift: 4, Bits: 16, ReLU: true, PCS: testPCS}
	one := fr.One()
	for _, c := range []struct {
		name string
		edit func(*Proof)
	}{
		{"value at ρ", func(pr *Proof) { pr.AtRho[colR].Add(&pr.AtRho[colR], &one) }},
		{"consistent values at ρ (a and r both +1)", func(pr *Proof) {
			pr.AtRho[colA].Add(&pr.AtRho[colA], &one)
			pr.AtRho[colR].Add(&pr.AtRho[colR], &one)
		}},
		{"L final", func(pr *Proof) { pr.Lin.Finals[1].Add(&pr.Lin.Finals[1], &one) }},
		{"y(z)", func(pr *Proof) { pr.YAtR.Add(&pr.YAtR, &one) }},
		{"q(ρ')", func(pr *Proof) { pr.QAtSign.Add(&pr.QAtSign, &one) }},
		{"σ − 1 + μ·q factor", func(pr *Proof) { pr.Sign.Finals[2].Add(&pr.Sign.Finals[2], &one) }},
		{"linear zero-check dropped", func(pr *Proof) { pr.Lin = sumcheck.Proof{} }},
		{"output commitment", func(pr *Proof) { pr.Y.Root[3] ^= 1 }},
		{"lookup dropped", func(pr *Proof) { pr.Lookups = pr.Lookups[:2] }},
		{"opening dropped", func(pr *Proof) { pr.Openings = pr.Openings[1:] }},
		{"absent limb value nonzero", func(pr *Proof) {}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pp := p
			if c.name == "absent limb value nonzero" {
				pp.Bits = 10 // v has one limb
			}
			in := newInstance(t, pp, randomA(rand.New(rand.NewPCG(5, 6)), pp, 8))
			proof, _, err := Prove(in.transcript(), pp, in.aData, in.a)
			if err != nil {
				t.Fatal(err)
			}
			c.edit(&proof)
			if c.name == "absent limb value nonzero" {
				proof.AtRho[colV1].Add(&proof.AtRho[colV1], &one)
			}
			if err := in.verify(proof); err == nil {
				t.Fatal("tampered proof accepted")
			} else {
				t.Log(err)
			}
		})
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

// TestHidingBatched: under hiding commitments (each opened once, through
// batch) the masked zero-checks prove and verify, and the linear zero-check
// run on L ≡ 0 is still caught.
func TestHidingBatched(t *testing.T) {
	hiding := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		name  string
		p     Params
		ch    cheats
		edit  func(w *Witness)
		honst bool
	}{
		{"relu honest", Params{Shift: 4, Bits: 16, ReLU: true, PCS: hiding}, cheats{}, nil, true},
		{"plain honest", Params{Shift: 4, Bits: 16, PCS: hiding}, cheats{}, nil, true},
		{"relu, remainder off, L ≡ 0", Params{Shift: 4, Bits: 16, ReLU: true, PCS: hiding}, cheats{linZero: true},
			func(w *Witness) { w.R[3] ^= 1 }, false},
		{"relu, sign check run with third factor μ·q (honest witness)", Params{Shift: 4, Bits: 16, ReLU: true, PCS: hiding}, cheats{bitZero: true},
			func(w *Witness) {}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := newInstance(t, c.p, randomA(rng, c.p, 16))
			w, err := Compute(c.p, in.a)
			if err != nil {
				t.Fatal(err)
			}
			if c.edit != nil {
				c.edit(&w)
			}
			tr, bp := in.transcript(), batch.NewProver()
			proof, _, err := prove(tr, c.p, in.aData, in.a, w, bp, c.ch)
			if err != nil {
				t.Fatal(err)
			}
			bproof, err := bp.Prove(tr)
			if err != nil {
				t.Fatal(err)
			}
			if proof.Lin.Mask == nil || c.p.ReLU && proof.Sign.Mask == nil {
				t.Fatal("a zero-check under hiding is not masked")
			}
			vt, bv := in.transcript(), batch.NewVerifier()
			err = VerifyBatched(vt, c.p, in.aData.Commitment(), proof, bv)
			if err == nil {
				err = bv.Verify(vt, c.p.PCS, bproof)
			}
			if c.honst && err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
			if !c.honst && err == nil {
				t.Fatal("cheating proof accepted")
			}
			t.Log(err)
		})
	}
}

// TestNoReLUPartsRefused: a rescale without ReLU carrying the sign check's
// values is refused (one encoding per proof).
func TestNoReLUPartsRefused(t *testing.T) {
	p := Params{Shift: 4, Bits: 12, PCS: testPCS}
	relu := p
	relu.ReLU = true
	one := fr.One()
	for _, c := range []struct {
		name string
		edit func(pr, withReLU *Proof)
	}{
		{"y(z)", func(pr, _ *Proof) { pr.YAtR = one }},
		{"q(ρ')", func(pr, _ *Proof) { pr.QAtSign = one }},
		{"sign check", func(pr, r *Proof) { pr.Sign = r.Sign }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := randomA(rand.New(rand.NewPCG(9, 10)), p, 8)
			in, inR := newInstance(t, p, a), newInstance(t, relu, a)
			proof, _, err := Prove(in.transcript(), p, in.aData, in.a)
			if err != nil {
				t.Fatal(err)
			}
			if err := in.verify(proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
			withReLU, _, err := Prove(inR.transcript(), relu, inR.aData, inR.a)
			if err != nil {
				t.Fatal(err)
			}
			c.edit(&proof, &withReLU)
			if err := in.verify(proof); err == nil {
				t.Fatal("ReLU values on a rescale without ReLU accepted")
			} else {
				t.Log(err)
			}
		})
	}
}
