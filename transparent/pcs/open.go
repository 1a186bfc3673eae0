package pcs

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Opening proves the value of a committed table's MLE at a point.
type Opening struct {
	U       []fr.Element   // γᵀM, the proximity row
	V       []fr.Element   // eq(z_row)ᵀM, the evaluation row
	Columns [][]fr.Element // the opened encoded columns, one per distinct queried position, in order of first query
	Proof   []merkle.Hash  // the Merkle multiproof of their leaves
	// Mask is y_μ = ⟨μ_v[:C], eq(z_col)⟩, the v-mask's share of the value,
	// with [Params].Hiding (one entry); empty without.
	Mask []fr.Element
}

// distinct returns the queried positions without repetitions, in order of
// first appearance: each is opened and checked once (a repeated draw checks
// nothing new, so soundness is that of the t draws).
func distinct(idx []int) []int {
	seen := make(map[int]bool, len(idx))
	out := make([]int, 0, len(idx))
	for _, j := range idx {
		if !seen[j] {
			seen[j] = true
			out = append(out, j)
		}
	}
	return out
}

// Size returns the opening's size in bytes: 32 per field element or hash.
func (o Opening) Size() int {
	n := len(o.U) + len(o.V) + len(o.Proof) + len(o.Mask)
	for i := range o.Columns {
		n += len(o.Columns[i])
	}
	return 32 * n
}

// Stats counts the opening prover's field multiplications.
type Stats struct{ Mul int }

func absorbClaim(tr *transcript.Transcript, c Commitment, point []fr.Element, value fr.Element) {
	c.Absorb(tr, "pcs/commitment")
	tr.AppendElements("pcs/point", point...)
	tr.AppendElements("pcs/value", value)
}

// combine returns Σ_i coef_i·rows_i over the first len(coef) rows.
func combine(rows [][]fr.Element, coef []fr.Element) []fr.Element {
	out := make([]fr.Element, len(rows[0]))
	var t fr.Element
	for i, row := range rows[:len(coef)] {
		if coef[i].IsZero() {
			continue
		}
		for j := range row {
			t.Mul(&row[j], &coef[i])
			out[j].Add(&out[j], &t)
		}
	}
	return out
}

// Open proves the committed table's MLE at point; it returns the value, the
// opening and the multiplication count (2·N for u and v, plus 2^n for the
// value and the eq tables).
func (pd *ProverData) Open(tr *transcript.Transcript, point []fr.Element) (fr.Element, Opening, Stats, error) {
	return pd.open(tr, point, cheats{})
}

// cheats are the hooks through which the soundness tests play a cheating
// prover: each may rewrite what it is given before it is absorbed.
type cheats struct {
	value func(value *fr.Element, v []fr.Element)
	u     func(u []fr.Element)
}

func (pd *ProverData) open(tr *transcript.Transcript, point []fr.Element, cheat cheats) (fr.Element, Opening, Stats, error) {
	c := pd.com
	if len(point) != c.NumVars {
		return fr.Element{}, Opening{}, Stats{}, fmt.Errorf("pcs: point of %d coordinates for a table of %d variables", len(point), c.NumVars)
	}
	zRow, zCol := point[:c.RowVars], point[c.RowVars:]
	return pd.openWith(tr, mle.EqTable(zRow), mle.EqTable(zCol), point, pd.params.plainWeight(point), cheat)
}

// openWith opens ⟨eqRowᵀM + σ·s, eqCol⟩ (w = {1, σ}: σ = Z(z) for f̂(z),
// 0 for a linear opening), absorbing point as the claim's point (the
// weights themselves for a linear opening).
func (pd *ProverData) openWith(tr *transcript.Transcript, eqRow, eqCol, point []fr.Element, w Weight, cheat cheats) (fr.Element, Opening, Stats, error) {
	c := pd.com
	coef, err := pd.params.vCoef(eqRow, w)
	if err != nil {
		return fr.Element{}, Opening{}, Stats{}, err
	}
	if err := pd.useMasks(); err != nil {
		return fr.Element{}, Opening{}, Stats{}, err
	}
	msg := pd.messages()
	v := combine(msg, coef)
	value := mle.Inner(v[:len(eqCol)], eqCol)
	if cheat.value != nil {
		cheat.value(&value, v)
	}
	absorbClaim(tr, c, point, value)
	var mask []fr.Element
	if pd.params.Hiding {
		muV := msg[len(msg)-1]
		mask = []fr.Element{mle.Inner(muV[:len(eqCol)], eqCol)}
		beta := absorbMask(tr, mask)
		addTo(v, muV, beta)
	}
	gamma := tr.Challenges("pcs/gamma", len(msg))
	u := combine(msg, gamma)
	if cheat.u != nil {
		cheat.u(u)
	}
	tr.AppendElements("pcs/u", u...)
	tr.AppendElements("pcs/v", v...)
	idx, err := tr.Indices("pcs/queries", pd.width(), pd.params.Queries)
	if err != nil {
		return fr.Element{}, Opening{}, Stats{}, err
	}
	idx = distinct(idx)
	op := Opening{U: u, V: v, Mask: mask}
	var scratch [][]merkle.Hash
	if op.Columns, op.Proof, err = pd.openColumns(idx, &scratch); err != nil {
		return fr.Element{}, Opening{}, Stats{}, err
	}
	N := len(pd.rows) * len(pd.rows[0])
	return value, op, Stats{Mul: 2*N + len(eqRow) + 2*len(eqCol)}, nil
}

// Verify checks that the table committed in c has MLE value at point. The
// transcript must be in the state the prover's was in when it called Open.
func Verify(tr *transcript.Transcript, p Params, c Commitment, point []fr.Element, value fr.Element, op Opening) error {
	if err := p.check(); err != nil {
		return err
	}
	if len(point) != c.NumVars {
		return fmt.Errorf("pcs: point of %d coordinates for a commitment of %d variables", len(point), c.NumVars)
	}
	if c.RowVars < 0 || c.RowVars > c.NumVars {
		return fmt.Errorf("pcs: commitment with %d row variables of %d", c.RowVars, c.NumVars)
	}
	zRow, zCol := point[:c.RowVars], point[c.RowVars:]
	return verifyWith(tr, p, c, mle.EqTable(zRow), mle.EqTable(zCol), point, p.plainWeight(point), value, op)
}

// verifyWith checks ⟨eqRowᵀM + σ·s, eqCol⟩ = value (w = {1, σ}), point
// absorbed as the claim's.
func verifyWith(tr *transcript.Transcript, p Params, c Commitment, eqRow, eqCol, point []fr.Element, w Weight, value fr.Element, op Opening) error {
	R, C := 1<<c.RowVars, 1<<(c.NumVars-c.RowVars)
	L, Rm := p.msgLen(C), p.matRows(R)
	W := L << p.RateLog
	depth := log2(W)
	if len(op.U) != L || len(op.V) != L {
		return fmt.Errorf("pcs: rows u, v of %d and %d entries, want %d", len(op.U), len(op.V), L)
	}
	if err := checkMasks(p, len(op.Mask), 1); err != nil {
		return err
	}
	absorbClaim(tr, c, point, value)
	want := value
	var beta fr.Element
	if p.Hiding {
		beta = absorbMask(tr, op.Mask)
		var t fr.Element
		want.Add(&want, t.Mul(&beta, &op.Mask[0]))
	}
	rowCoef, err := p.verifierCoef(eqRow, w, beta)
	if err != nil {
		return err
	}
	if got := mle.Inner(op.V[:C], eqCol); !got.Equal(&want) {
		return fmt.Errorf("pcs: claimed value differs from ⟨v, eq(z_col)⟩")
	}
	gamma := tr.Challenges("pcs/gamma", Rm)
	tr.AppendElements("pcs/u", op.U...)
	tr.AppendElements("pcs/v", op.V...)
	idx, err := tr.Indices("pcs/queries", W, p.Queries)
	if err != nil {
		return err
	}
	idx = distinct(idx)
	if len(op.Columns) != len(idx) {
		return fmt.Errorf("pcs: %d columns opened, want %d", len(op.Columns), len(idx))
	}
	leaves := make([]merkle.Hash, len(idx))
	for q, col := range op.Columns {
		if len(col) != Rm {
			return fmt.Errorf("pcs: opened column %d has %d entries, want %d", q, len(col), Rm)
		}
		leaves[q] = leafOf(col)
	}
	if err := merkle.VerifyMulti(c.Root, depth, idx, leaves, op.Proof); err != nil {
		return fmt.Errorf("pcs: opened columns: %v", err)
	}
	encU, encV := Encode(op.U, p.RateLog), Encode(op.V, p.RateLog)
	for q, j := range idx {
		col := op.Columns[q]
		if g := mle.Inner(gamma, col); !g.Equal(&encU[j]) {
			return fmt.Errorf("pcs: column %d (position %d) disagrees with the encoding of u: the rows are not close to codewords", q, j)
		}
		if e := mle.Inner(rowCoef, col[:len(rowCoef)]); !e.Equal(&encV[j]) {
			return fmt.Errorf("pcs: column %d (position %d) disagrees with the encoding of v: v is not eq(z_row)ᵀM", q, j)
		}
	}
	return nil
}

// useMasks marks a hiding commitment opened, refusing a second opening: its
// masks are one-time pads.
func (pd *ProverData) useMasks() error {
	if !pd.params.Hiding {
		return nil
	}
	if pd.opened {
		return fmt.Errorf("pcs: hiding commitment opened twice; reduce its claims to one point first (package batch)")
	}
	pd.opened = true
	return nil
}

// absorbMask binds the masks' values y_μ and draws β, their coefficient in v.
func absorbMask(tr *transcript.Transcript, mask []fr.Element) fr.Element {
	tr.AppendElements("pcs/mask", mask...)
	return tr.Challenge("pcs/beta")
}

// checkMasks checks an opening's number of mask values: k with hiding, 0 without.
func checkMasks(p Params, got, k int) error {
	if !p.Hiding {
		k = 0
	}
	if got != k {
		return fmt.Errorf("pcs: %d mask values, want %d (hiding %v)", got, k, p.Hiding)
	}
	return nil
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

// OpenLinear proves ⟨t, a⟩ for a committed table t of one row (RowVars 0)
// and public weights a (len(a) = |t|): the opening of package doc with
// eq(z_col) replaced by a and eq(z_row) by (1), so any linear form of a
// one-row table opens, not only its MLE's values (sumcheck's masking
// polynomial, evaluated at the challenges' powers). Soundness is the
// opening's: consistency holds for any fixed weight vector.
func (pd *ProverData) OpenLinear(tr *transcript.Transcript, a []fr.Element) (fr.Element, Opening, error) {
	c := pd.com
	if c.RowVars != 0 || len(a) != 1<<c.NumVars {
		return fr.Element{}, Opening{}, fmt.Errorf("pcs: linear opening of %d weights for a table of %d rows of %d", len(a), 1<<c.RowVars, 1<<(c.NumVars-c.RowVars))
	}
	tr.AppendUint64("pcs/linear", uint64(len(a)))
	val, op, _, err := pd.openWith(tr, []fr.Element{fr.One()}, a, a, Weight{Data: fr.One()}, cheats{})
	return val, op, err
}

// VerifyLinear checks an [ProverData.OpenLinear] opening of ⟨t, a⟩ = value.
func VerifyLinear(tr *transcript.Transcript, p Params, c Commitment, a []fr.Element, value fr.Element, op Opening) error {
	if err := p.check(); err != nil {
		return err
	}
	if c.RowVars != 0 || c.NumVars < 0 || c.NumVars > 40 || len(a) != 1<<c.NumVars {
		return fmt.Errorf("pcs: linear opening of %d weights for a commitment of %d variables, %d of them row variables", len(a), c.NumVars, c.RowVars)
	}
	tr.AppendUint64("pcs/linear", uint64(len(a)))
	return verifyWith(tr, p, c, []fr.Element{fr.One()}, a, a, Weight{Data: fr.One()}, value, op)
}
