package rescale

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Column indices into Proof.AtZ.
const (
	colA = iota
	colQ
	colR
	colV0
	colV1
	colSigma
	numCols
)

// tables returns the lookup tables of r, v0 and (when v has two limbs) v1.
func (p Params) tables() ([]*logup.Table, error) {
	lo, hi := p.limbBits()
	bits := []int{p.Shift, lo}
	if hi > 0 {
		bits = append(bits, hi)
	}
	out := make([]*logup.Table, len(bits))
	for i, b := range bits {
		t, err := logup.Range(b)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

func pad(v []int64, size int) mle.Table {
	t := make(mle.Table, size)
	for i := range v {
		t[i].SetInt64(v[i])
	}
	return t
}

// Prove proves the rescale (and ReLU) of the committed a, whose commitment
// tr has absorbed; a holds the integers behind it (len(a) ≤ its table size,
// zero-padded). The returned ProverData is y's commitment, for the next
// layer to open.
func Prove(tr *transcript.Transcript, p Params, aData *pcs.ProverData, a []int64) (Proof, *pcs.ProverData, error) {
	return ProveBatched(tr, p, aData, a, nil)
}

// ProveBatched is Prove with every opening (its own and its lookups')
// deferred into b (package batch): the proof's openings are empty.
func ProveBatched(tr *transcript.Transcript, p Params, aData *pcs.ProverData, a []int64, bp *batch.Prover) (Proof, *pcs.ProverData, error) {
	if err := p.check(); err != nil {
		return Proof{}, nil, err
	}
	size := 1 << aData.Commitment().NumVars
	if len(a) > size {
		return Proof{}, nil, fmt.Errorf("rescale: %d values for a commitment of %d entries", len(a), size)
	}
	padded := make([]int64, size)
	copy(padded, a)
	w, err := Compute(p, padded)
	if err != nil {
		return Proof{}, nil, err
	}
	return prove(tr, p, aData, padded, w, bp, cheats{})
}

// cheats are the hooks through which the soundness tests play a cheating
// prover: edit may rewrite the witness's field tables (the columns and y)
// before they are committed, atZ the values stated at z before they are
// absorbed.
type cheats struct {
	edit func(cols *[numCols]mle.Table, y mle.Table)
	atZ  func(at []fr.Element)
	// bitZero: the bit check runs on σ·0 instead of σ·(σ − 1); forgeBit,
	// forgeProd: the zero-checks run with eq(r', ·) for an r' the prover
	// solves for so that its sums come out right.
	bitZero, forgeBit, forgeProd bool
	// separateY: without ReLU, commit y apart from q (y is then unchecked).
	separateY bool
}

// solvePoint returns r' (n ≥ 1 coordinates) with Σ_x eq(r', x)·q(x) = target:
// the sum is (1 − r'_0)·A0 + r'_0·A1 for the halves' sums under eq(r'_rest).
func solvePoint(q mle.Table, target fr.Element) []fr.Element {
	n := q.NumVars()
	r := transcript.New("forge").Challenges("r", n)
	e := mle.EqTable(r[1:])
	h := len(q) / 2
	a0, a1 := mle.Inner(e, q[:h]), mle.Inner(e, q[h:])
	var num, den fr.Element
	num.Sub(&target, &a0)
	den.Sub(&a1, &a0)
	den.Inverse(&den)
	r[0].Mul(&num, &den)
	return r
}

func product(a, b mle.Table) mle.Table {
	out := make(mle.Table, len(a))
	for i := range a {
		out[i].Mul(&a[i], &b[i])
	}
	return out
}

// prove is Prove from a given witness, under the tests' hooks.
func prove(tr *transcript.Transcript, p Params, aData *pcs.ProverData, a []int64, w Witness, bp *batch.Prover, ch cheats) (Proof, *pcs.ProverData, error) {
	edit := ch.edit
	n := aData.Commitment().NumVars
	size := 1 << n
	_, hi := p.limbBits()
	vals := [numCols]mle.Table{pad(a, size), pad(w.Q, size), pad(w.R, size), pad(w.V0, size), pad(w.V1, size), pad(w.Sigma, size)}
	yTable := pad(w.Y, size)
	if edit != nil {
		edit(&vals, yTable)
	}
	data := [numCols]*pcs.ProverData{colA: aData}
	var proof Proof
	coms := [numCols]*pcs.Commitment{colQ: &proof.Q, colR: &proof.R, colV0: &proof.V0, colV1: &proof.V1, colSigma: &proof.Sigma}
	for c := colQ; c < numCols; c++ {
		if (c == colV1 && hi == 0) || (c == colSigma && !p.ReLU) {
			continue
		}
		d, err := pcs.Commit(p.PCS, vals[c])
		if err != nil {
			return Proof{}, nil, err
		}
		data[c], *coms[c] = d, d.Commitment()
	}
	yData := data[colQ]
	if p.ReLU || ch.separateY {
		var err error
		if yData, err = pcs.Commit(p.PCS, yTable); err != nil {
			return Proof{}, nil, err
		}
	}
	proof.Y = yData.Commitment()
	absorb(tr, p, &proof)

	tables, err := p.tables()
	if err != nil {
		return Proof{}, nil, err
	}
	for i, c := range []int{colR, colV0, colV1}[:len(tables)] {
		lp, err := logup.ProveBatched(tr, p.PCS, data[c], vals[c], tables[i], bp)
		if err != nil {
			return Proof{}, nil, fmt.Errorf("rescale: %v", err)
		}
		proof.Lookups = append(proof.Lookups, lp)
	}

	type opening struct {
		d *pcs.ProverData
		z []fr.Element
	}
	var opens []opening
	z := tr.Challenges("rescale/z", n)
	proof.AtZ = make([]fr.Element, numCols)
	for c := range vals {
		if data[c] != nil {
			proof.AtZ[c], _ = vals[c].Eval(z)
			opens = append(opens, opening{data[c], z})
		}
	}
	if ch.atZ != nil {
		ch.atZ(proof.AtZ)
	}
	tr.AppendElements("rescale/at-z", proof.AtZ...)

	if p.ReLU {
		rb := tr.Challenges("rescale/r_b", n)
		sigma := vals[colSigma]
		minus1 := make(mle.Table, size)
		one := fr.One()
		for i := range minus1 {
			if !ch.bitZero {
				minus1[i].Sub(&sigma[i], &one)
			}
		}
		eqBit, eqProd := mle.EqTable(rb), mle.EqTable(rb)
		if ch.forgeBit {
			eqBit = mle.EqTable(solvePoint(product(sigma, minus1), fr.Element{}))
		}
		var rho1, rho2 []fr.Element
		if proof.Bool, rho1, _, err = sumcheck.ProveZK(tr, fr.Element{}, []mle.Table{eqBit, clone(sigma), minus1}, p.PCS.Hiding); err != nil {
			return Proof{}, nil, err
		}
		proof.YAtR, _ = yTable.Eval(rb)
		tr.AppendElements("rescale/y(r_b)", proof.YAtR)
		if ch.forgeProd {
			eqProd = mle.EqTable(solvePoint(product(sigma, vals[colQ]), proof.YAtR))
		}
		if proof.Prod, rho2, _, err = sumcheck.ProveZK(tr, proof.YAtR, []mle.Table{eqProd, clone(sigma), clone(vals[colQ])}, p.PCS.Hiding); err != nil {
			return Proof{}, nil, err
		}
		opens = append(opens, opening{data[colSigma], rho1}, opening{data[colSigma], rho2}, opening{data[colQ], rho2}, opening{yData, rb})
	}
	for _, o := range opens {
		op, err := bp.Open(tr, o.d, o.z)
		if err != nil {
			return Proof{}, nil, err
		}
		proof.Openings = append(proof.Openings, op)
	}
	return proof, yData, nil
}

func clone(t mle.Table) mle.Table { return append(mle.Table(nil), t...) }

func absorb(tr *transcript.Transcript, p Params, proof *Proof) {
	relu := uint64(0)
	if p.ReLU {
		relu = 1
	}
	tr.AppendUint64("rescale/shift", uint64(p.Shift))
	tr.AppendUint64("rescale/bits", uint64(p.Bits))
	tr.AppendUint64("rescale/relu", relu)
	for _, c := range []struct {
		l string
		c *pcs.Commitment
	}{{"q", &proof.Q}, {"r", &proof.R}, {"v0", &proof.V0}, {"v1", &proof.V1}, {"sigma", &proof.Sigma}, {"y", &proof.Y}} {
		c.c.Absorb(tr, "rescale/"+c.l)
	}
}

// Verify checks a rescale proof for the a committed in aCom (absorbed into tr
// as the prover's was). On success proof.Y is the commitment to the output.
func Verify(tr *transcript.Transcript, p Params, aCom pcs.Commitment, proof Proof) error {
	return VerifyBatched(tr, p, aCom, proof, nil)
}

// VerifyBatched is Verify with every opening's claim deferred into v
// (package batch); nil checks them at once.
func VerifyBatched(tr *transcript.Transcript, p Params, aCom pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	if err := p.check(); err != nil {
		return err
	}
	n := aCom.NumVars
	_, hi := p.limbBits()
	coms := [numCols]*pcs.Commitment{colA: &aCom, colQ: &proof.Q, colR: &proof.R, colV0: &proof.V0, colV1: &proof.V1, colSigma: &proof.Sigma}
	present := [numCols]bool{true, true, true, true, hi > 0, p.ReLU}
	for c := range coms {
		if present[c] && coms[c].NumVars != n {
			return fmt.Errorf("rescale: commitment %d over %d variables, want %d", c, coms[c].NumVars, n)
		}
	}
	if !p.ReLU && proof.Y != proof.Q {
		return fmt.Errorf("rescale: without ReLU the output's commitment must be the quotient's")
	}
	if p.ReLU && proof.Y.NumVars != n {
		return fmt.Errorf("rescale: output committed over %d variables, want %d", proof.Y.NumVars, n)
	}
	absorb(tr, p, &proof)
	tables, err := p.tables()
	if err != nil {
		return err
	}
	if len(proof.Lookups) != len(tables) {
		return fmt.Errorf("rescale: %d lookups, want %d", len(proof.Lookups), len(tables))
	}
	for i, c := range []int{colR, colV0, colV1}[:len(tables)] {
		if err := logup.VerifyBatched(tr, p.PCS, *coms[c], tables[i], proof.Lookups[i], bv); err != nil {
			return fmt.Errorf("rescale: range check %d: %v", i, err)
		}
	}
	z := tr.Challenges("rescale/z", n)
	if len(proof.AtZ) != numCols {
		return fmt.Errorf("rescale: %d values at z, want %d", len(proof.AtZ), numCols)
	}
	at := proof.AtZ
	for c := range at {
		if !present[c] && !at[c].IsZero() {
			return fmt.Errorf("rescale: value %d at z must be 0", c)
		}
	}
	// ã + 2^(s−1) − 2^s·q̃ − r̃ = 0.
	var lhs, t, pow fr.Element
	pow.SetUint64(1 << (p.Shift - 1))
	lhs.Add(&at[colA], &pow)
	pow.SetUint64(1 << p.Shift)
	t.Mul(&at[colQ], &pow)
	lhs.Sub(&lhs, &t).Sub(&lhs, &at[colR])
	if !lhs.IsZero() {
		return fmt.Errorf("rescale: a + 2^(s−1) ≠ q·2^s + r at z")
	}
	// q̃ + 2^(b−1)(1 − σ̃) − ṽ0 − 2^12·ṽ1 = 0.
	one := fr.One()
	pow.SetUint64(1 << (p.Bits - 1))
	t.Sub(&one, &at[colSigma]).Mul(&t, &pow)
	lhs.Add(&at[colQ], &t).Sub(&lhs, &at[colV0])
	pow.SetUint64(1 << Limb)
	t.Mul(&at[colV1], &pow)
	lhs.Sub(&lhs, &t)
	if !lhs.IsZero() {
		return fmt.Errorf("rescale: q + 2^(b−1)(1 − σ) ≠ v0 + 2^12·v1 at z")
	}
	tr.AppendElements("rescale/at-z", at...)

	type claim struct {
		c pcs.Commitment
		z []fr.Element
		v fr.Element
	}
	var claims []claim
	for c := range at {
		if present[c] {
			claims = append(claims, claim{*coms[c], z, at[c]})
		}
	}
	if p.ReLU {
		rb := tr.Challenges("rescale/r_b", n)
		rho1, fin1, err := sumcheck.VerifyEq(tr, fr.Element{}, rb, 3, proof.Bool, "rescale: σ is a bit")
		if err != nil {
			return err
		}
		var s1 fr.Element
		if s1.Sub(&fin1[1], &one); !s1.Equal(&fin1[2]) {
			return fmt.Errorf("rescale: σ is a bit: factor σ − 1 differs from σ's value minus 1")
		}
		tr.AppendElements("rescale/y(r_b)", proof.YAtR)
		rho2, fin2, err := sumcheck.VerifyEq(tr, proof.YAtR, rb, 3, proof.Prod, "rescale: y = σ·q")
		if err != nil {
			return err
		}
		claims = append(claims, claim{proof.Sigma, rho1, fin1[1]}, claim{proof.Sigma, rho2, fin2[1]},
			claim{proof.Q, rho2, fin2[2]}, claim{proof.Y, rb, proof.YAtR})
	}
	if len(proof.Openings) != len(claims) {
		return fmt.Errorf("rescale: %d openings, want %d", len(proof.Openings), len(claims))
	}
	for i, c := range claims {
		if err := bv.Check(tr, p.PCS, c.c, c.z, c.v, proof.Openings[i]); err != nil {
			return fmt.Errorf("rescale: opening %d: %v", i, err)
		}
	}
	return nil
}
