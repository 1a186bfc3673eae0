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
	n := len(o.U) + len(o.V) + len(o.Proof)
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

func combine(rows [][]fr.Element, coef []fr.Element) []fr.Element {
	out := make([]fr.Element, len(rows[0]))
	var t fr.Element
	for i, row := range rows {
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
	eqRow, eqCol := mle.EqTable(zRow), mle.EqTable(zCol)
	v := combine(pd.rows, eqRow)
	value := mle.Inner(v, eqCol)
	if cheat.value != nil {
		cheat.value(&value, v)
	}
	absorbClaim(tr, c, point, value)
	gamma := tr.Challenges("pcs/gamma", len(pd.rows))
	u := combine(pd.rows, gamma)
	if cheat.u != nil {
		cheat.u(u)
	}
	tr.AppendElements("pcs/u", u...)
	tr.AppendElements("pcs/v", v...)
	idx, err := tr.Indices("pcs/queries", len(pd.cols), pd.params.Queries)
	if err != nil {
		return fr.Element{}, Opening{}, Stats{}, err
	}
	idx = distinct(idx)
	op := Opening{U: u, V: v, Columns: make([][]fr.Element, len(idx))}
	for q, j := range idx {
		op.Columns[q] = append([]fr.Element(nil), pd.cols[j]...)
	}
	if op.Proof, err = pd.tree.MultiPath(idx); err != nil {
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
	R, C := 1<<c.RowVars, 1<<(c.NumVars-c.RowVars)
	W := C << p.RateLog
	depth := c.NumVars - c.RowVars + p.RateLog
	if len(op.U) != C || len(op.V) != C {
		return fmt.Errorf("pcs: rows u, v of %d and %d entries, want %d", len(op.U), len(op.V), C)
	}
	zRow, zCol := point[:c.RowVars], point[c.RowVars:]
	eqRow, eqCol := mle.EqTable(zRow), mle.EqTable(zCol)
	if got := mle.Inner(op.V, eqCol); !got.Equal(&value) {
		return fmt.Errorf("pcs: claimed value differs from ⟨v, eq(z_col)⟩")
	}
	absorbClaim(tr, c, point, value)
	gamma := tr.Challenges("pcs/gamma", R)
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
		if len(col) != R {
			return fmt.Errorf("pcs: opened column %d has %d entries, want %d", q, len(col), R)
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
		if e := mle.Inner(eqRow, col); !e.Equal(&encV[j]) {
			return fmt.Errorf("pcs: column %d (position %d) disagrees with the encoding of v: v is not eq(z_row)ᵀM", q, j)
		}
	}
	return nil
}
