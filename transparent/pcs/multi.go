package pcs

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// MultiOpening proves the values of several committed tables of one shape
// (R × C) at one point, with one proximity row and one evaluation row for
// all of them: Ligero's test run on the interleaved matrix that stacks their
// rows. After the commitments, the point and the values are absorbed, the
// verifier draws λ (one per table) and γ (one per row of every table); the
// prover sends u = Σ_c γ_cᵀM_c and v = Σ_c λ_c·eq(z_row)ᵀM_c; the t queried
// columns are opened in every table, each tree with its own multiproof. The
// verifier checks ⟨v, eq(z_col)⟩ = Σ_c λ_c·y_c and, at every queried column
// j, Enc(u)_j = Σ_c ⟨γ_c, col_{c,j}⟩ and Enc(v)_j = Σ_c λ_c·⟨eq(z_row), col_{c,j}⟩.
//
// Soundness: the stacked rows are one interleaved Reed–Solomon matrix, so
// the proximity and consistency errors are those of one opening (package
// doc); the values are checked through their λ-combination, drawn after
// they are bound: a wrong y_c passes with probability 1/|F| more. Each
// table still costs its t columns and its multiproof; u and v are paid once.
type MultiOpening struct {
	U, V    []fr.Element
	Columns [][][]fr.Element // [table][distinct query], in order of first query
	Proofs  [][]merkle.Hash  // one multiproof per table
	// Masks are the tables' y_μ with [Params].Hiding (one per table, bound
	// before β; v = Σ_c λ_c·(eq(z_row)ᵀM_c + β·μ_{v,c})); empty without.
	Masks []fr.Element
}

// Size returns the opening's size in bytes: 32 per field element or hash.
func (o MultiOpening) Size() int {
	n := len(o.U) + len(o.V) + len(o.Masks)
	for c := range o.Columns {
		for _, col := range o.Columns[c] {
			n += len(col)
		}
		n += len(o.Proofs[c])
	}
	return 32 * n
}

func absorbMulti(tr *transcript.Transcript, coms []Commitment, point, values []fr.Element) {
	tr.AppendUint64("pcs/multi", uint64(len(coms)))
	for _, c := range coms {
		c.Absorb(tr, "pcs/commitment")
	}
	tr.AppendElements("pcs/point", point...)
	tr.AppendElements("pcs/values", values...)
}

// OpenMulti proves the tables of pds (one shape) at point; it returns their
// values and the opening.
// Under [Params].Vanishing the values are f̂_c(point).
func OpenMulti(tr *transcript.Transcript, pds []*ProverData, point []fr.Element) ([]fr.Element, MultiOpening, error) {
	return openMulti(tr, pds, point, nil, multiCheats{})
}

// OpenMultiWeighted is [OpenMulti] with each table's row weights w[c]: the
// value of table c is w[c].Data·f̃_c(point) + w[c].Mask·s̃_c(point_col)
// (package batch opens V_c = f̂_c(ρ) + τ_c·s̃_c(ρ_col) with {1, Z(ρ) + τ_c}).
// A nonzero Mask needs [Params].Vanishing. The weights must be fixed before
// the opening by what the verifier knows (its soundness is Ligero's for a
// fixed row weight vector); they are absorbed with the values.
func OpenMultiWeighted(tr *transcript.Transcript, pds []*ProverData, point []fr.Element, w []Weight) ([]fr.Element, MultiOpening, error) {
	if len(w) != len(pds) {
		return nil, MultiOpening{}, fmt.Errorf("pcs: %d weights for %d tables", len(w), len(pds))
	}
	return openMulti(tr, pds, point, w, multiCheats{})
}

// absorbWeights binds explicit weights (vanishing commitments only: the
// plain openings' transcripts are unchanged).
func absorbWeights(tr *transcript.Transcript, p Params, w []Weight) {
	if w == nil || !(p.Hiding && p.Vanishing) {
		return
	}
	for _, x := range w {
		tr.AppendElements("pcs/weight", x.Data, x.Mask)
	}
}

// multiCheats are the soundness tests' cheating prover: value changes table
// 1's value before it is bound (and, when fixV, v so that ⟨v, eq(z_col)⟩
// still matches the values' combination); u changes u.
type multiCheats struct {
	value, fixV bool
	u           bool
}

func openMulti(tr *transcript.Transcript, pds []*ProverData, point []fr.Element, w []Weight, ch multiCheats) ([]fr.Element, MultiOpening, error) {
	if len(pds) == 0 {
		return nil, MultiOpening{}, fmt.Errorf("pcs: no tables to open")
	}
	c0 := pds[0].com
	for _, pd := range pds {
		if pd.com.NumVars != c0.NumVars || pd.com.RowVars != c0.RowVars || pd.params != pds[0].params {
			return nil, MultiOpening{}, fmt.Errorf("pcs: tables of shapes (%d, %d) and (%d, %d) opened together", pd.com.NumVars, pd.com.RowVars, c0.NumVars, c0.RowVars)
		}
	}
	if len(point) != c0.NumVars {
		return nil, MultiOpening{}, fmt.Errorf("pcs: point of %d coordinates for tables of %d variables", len(point), c0.NumVars)
	}
	p := pds[0].params
	hiding := p.Hiding
	eqRow, eqCol := mle.EqTable(point[:c0.RowVars]), mle.EqTable(point[c0.RowVars:])
	coefs := make([][]fr.Element, len(pds))
	for c := range pds {
		wc := p.plainWeight(point)
		if w != nil {
			wc = w[c]
		}
		var err error
		if coefs[c], err = p.vCoef(eqRow, wc); err != nil {
			return nil, MultiOpening{}, err
		}
	}
	for _, pd := range pds {
		if err := pd.useMasks(); err != nil {
			return nil, MultiOpening{}, err
		}
	}
	values := make([]fr.Element, len(pds))
	coms := make([]Commitment, len(pds))
	vs := make([][]fr.Element, len(pds))
	var masks []fr.Element
	var muVs [][]fr.Element
	for c, pd := range pds {
		msg := pd.messages() // regenerated per table, twice: one table's padded copy alive at a time
		vs[c] = combine(msg, coefs[c])
		values[c] = mle.Inner(vs[c][:len(eqCol)], eqCol)
		coms[c] = pd.com
		if hiding {
			muV := msg[len(msg)-1]
			masks = append(masks, mle.Inner(muV[:len(eqCol)], eqCol))
			muVs = append(muVs, append([]fr.Element(nil), muV...)) // a copy: the slice would keep msg alive
		}
	}
	one := fr.One()
	if ch.value {
		values[1].Add(&values[1], &one)
	}
	absorbMulti(tr, coms, point, values)
	absorbWeights(tr, p, w)
	var beta fr.Element
	if hiding {
		beta = absorbMask(tr, masks)
		for c := range pds {
			addTo(vs[c], muVs[c], beta)
		}
		muVs = nil
	}
	lambda := tr.Challenges("pcs/lambda", len(pds))
	R := p.matRows(len(pds[0].rows))
	gamma := tr.Challenges("pcs/gamma", len(pds)*R)
	op := MultiOpening{Masks: masks}
	for c, pd := range pds {
		u := combine(pd.messages(), gamma[c*R:(c+1)*R])
		if c == 0 {
			op.U, op.V = u, make([]fr.Element, len(u))
		} else {
			addTo(op.U, u, fr.One())
		}
		addTo(op.V, vs[c], lambda[c])
	}
	if ch.fixV { // v[0] += λ_1/eq(z_col)_0: ⟨v, eq(z_col)⟩ grows by λ_1, as the values' combination did
		var d fr.Element
		d.Inverse(&eqCol[0]).Mul(&d, &lambda[1])
		op.V[0].Add(&op.V[0], &d)
	}
	if ch.u {
		op.U[0].Add(&op.U[0], &one)
	}
	tr.AppendElements("pcs/u", op.U...)
	tr.AppendElements("pcs/v", op.V...)
	idx, err := tr.Indices("pcs/queries", pds[0].width(), p.Queries)
	if err != nil {
		return nil, MultiOpening{}, err
	}
	idx = distinct(idx)
	var scratch [][]merkle.Hash
	for _, pd := range pds {
		cols, proof, err := pd.openColumns(idx, &scratch) // one table's messages alive at a time
		if err != nil {
			return nil, MultiOpening{}, err
		}
		op.Columns, op.Proofs = append(op.Columns, cols), append(op.Proofs, proof)
	}
	return values, op, nil
}

// addTo sets dst += k·src.
func addTo(dst, src []fr.Element, k fr.Element) {
	var t fr.Element
	for i := range dst {
		t.Mul(&src[i], &k)
		dst[i].Add(&dst[i], &t)
	}
}

// VerifyMulti checks that the tables committed in coms (one shape) have
// values at point. The transcript must be in the state the prover's was in
// when it called OpenMulti.
// Under [Params].Vanishing the values are f̂_c(point).
func VerifyMulti(tr *transcript.Transcript, p Params, coms []Commitment, point, values []fr.Element, op MultiOpening) error {
	return verifyMulti(tr, p, coms, point, values, nil, op)
}

// VerifyMultiWeighted checks an [OpenMultiWeighted] opening: table c's value
// is w[c].Data·f̃_c(point) + w[c].Mask·s̃_c(point_col), the weights computed
// by the verifier.
func VerifyMultiWeighted(tr *transcript.Transcript, p Params, coms []Commitment, point, values []fr.Element, w []Weight, op MultiOpening) error {
	if len(w) != len(coms) {
		return fmt.Errorf("pcs: %d weights for %d commitments", len(w), len(coms))
	}
	return verifyMulti(tr, p, coms, point, values, w, op)
}

func verifyMulti(tr *transcript.Transcript, p Params, coms []Commitment, point, values []fr.Element, w []Weight, op MultiOpening) error {
	if err := p.check(); err != nil {
		return err
	}
	if len(coms) == 0 || len(values) != len(coms) || len(op.Columns) != len(coms) || len(op.Proofs) != len(coms) {
		return fmt.Errorf("pcs: %d commitments, %d values, %d column sets, %d multiproofs", len(coms), len(values), len(op.Columns), len(op.Proofs))
	}
	c0 := coms[0]
	for _, c := range coms {
		if c.NumVars != c0.NumVars || c.RowVars != c0.RowVars {
			return fmt.Errorf("pcs: commitments of shapes (%d, %d) and (%d, %d) opened together", c.NumVars, c.RowVars, c0.NumVars, c0.RowVars)
		}
	}
	if len(point) != c0.NumVars || c0.RowVars < 0 || c0.RowVars > c0.NumVars {
		return fmt.Errorf("pcs: point of %d coordinates for commitments of %d variables (%d row variables)", len(point), c0.NumVars, c0.RowVars)
	}
	C := 1 << (c0.NumVars - c0.RowVars)
	L, R := p.msgLen(C), p.matRows(1<<c0.RowVars)
	W := L << p.RateLog
	depth := log2(W)
	if len(op.U) != L || len(op.V) != L {
		return fmt.Errorf("pcs: rows u, v of %d and %d entries, want %d", len(op.U), len(op.V), L)
	}
	if err := checkMasks(p, len(op.Masks), len(coms)); err != nil {
		return err
	}
	eqRow, eqCol := mle.EqTable(point[:c0.RowVars]), mle.EqTable(point[c0.RowVars:])
	absorbMulti(tr, coms, point, values)
	absorbWeights(tr, p, w)
	want := make([]fr.Element, len(values))
	copy(want, values)
	var beta fr.Element
	if p.Hiding {
		beta = absorbMask(tr, op.Masks)
		var t fr.Element
		for c := range want {
			want[c].Add(&want[c], t.Mul(&beta, &op.Masks[c]))
		}
	}
	rowCoefs := make([][]fr.Element, len(coms))
	for c := range coms {
		wc := p.plainWeight(point)
		if w != nil {
			wc = w[c]
		}
		var err error
		if rowCoefs[c], err = p.verifierCoef(eqRow, wc, beta); err != nil {
			return err
		}
	}
	lambda := tr.Challenges("pcs/lambda", len(coms))
	gamma := tr.Challenges("pcs/gamma", len(coms)*R)
	if got, want := mle.Inner(op.V[:C], eqCol), mle.Inner(lambda, want); !got.Equal(&want) {
		return fmt.Errorf("pcs: the claimed values' combination differs from ⟨v, eq(z_col)⟩")
	}
	tr.AppendElements("pcs/u", op.U...)
	tr.AppendElements("pcs/v", op.V...)
	idx, err := tr.Indices("pcs/queries", W, p.Queries)
	if err != nil {
		return err
	}
	idx = distinct(idx)
	encU, encV := Encode(op.U, p.RateLog), Encode(op.V, p.RateLog)
	sumU, sumV := make([]fr.Element, len(idx)), make([]fr.Element, len(idx))
	for c, com := range coms {
		if len(op.Columns[c]) != len(idx) {
			return fmt.Errorf("pcs: table %d: %d columns opened, want %d", c, len(op.Columns[c]), len(idx))
		}
		leaves := make([]merkle.Hash, len(idx))
		for q, col := range op.Columns[c] {
			if len(col) != R {
				return fmt.Errorf("pcs: table %d: opened column %d has %d entries, want %d", c, q, len(col), R)
			}
			leaves[q] = leafOf(col)
			g, e := mle.Inner(gamma[c*R:(c+1)*R], col), mle.Inner(rowCoefs[c], col[:len(rowCoefs[c])])
			e.Mul(&e, &lambda[c])
			sumU[q].Add(&sumU[q], &g)
			sumV[q].Add(&sumV[q], &e)
		}
		if err := merkle.VerifyMulti(com.Root, depth, idx, leaves, op.Proofs[c]); err != nil {
			return fmt.Errorf("pcs: table %d: opened columns: %v", c, err)
		}
	}
	for q, j := range idx {
		if !sumU[q].Equal(&encU[j]) {
			return fmt.Errorf("pcs: column %d (position %d) disagrees with the encoding of u: the rows are not close to codewords", q, j)
		}
		if !sumV[q].Equal(&encV[j]) {
			return fmt.Errorf("pcs: column %d (position %d) disagrees with the encoding of v: v is not the tables' combination", q, j)
		}
	}
	return nil
}
