package matmul

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Helpers for vanishing masks (pcs.Params.Vanishing, docs/zk: f̂ = f̃ +
// Z·s̃ with s over the commitment's c column variables, the table's LAST c
// variables). A step's sumcheck binds a committed table partially — its
// first variables (X̃(r_i, κ), conv's W̃(r_o, κ)) or its last (W̃(κ, r_j))
// — and runs over the rest; the factor it sees is f̂ partially bound, whose
// mask row is computed here. Z factors: Z(u, v) = Z(u)·Z(v), with Z over no
// variable 1 here (pcs.Vanishing's 0 for an empty point means "a table of
// one entry has no mask", not a factor of a product).

// MaskAfter returns the mask row of f̂(r, ·) over the m = NumVars − len(r)
// variables after r, for f committed in d: Z(r)·s with s's variables that
// fall in r (its first c − m when c > m) bound to r's last coordinates; a
// row of ≤ 2^m entries, nil without a vanishing mask.
func MaskAfter(d *pcs.ProverData, r []fr.Element) []fr.Element {
	s := d.MaskRow()
	if s == nil || d.Commitment().NumVars == 0 {
		return nil
	}
	c := mle.Table(s).NumVars()
	m := d.Commitment().NumVars - len(r)
	t := mle.Table(s)
	for i := len(r) - max(c-m, 0); i < len(r); i++ {
		t = t.Fold(r[i])
	}
	z := zOf(r)
	for i := range t {
		t[i].Mul(&t[i], &z)
	}
	return t
}

// MaskBefore returns the mask row of f̂(·, r) over the m = NumVars − len(r)
// variables before r (r the table's last coordinates): Z(r)·s with s's
// last min(c, len(r)) variables bound to r's last ones; a row of 2^(c −
// len(r)) entries (one when s lies within r's variables), nil without a
// vanishing mask.
func MaskBefore(d *pcs.ProverData, r []fr.Element) []fr.Element {
	s := d.MaskRow()
	if s == nil || d.Commitment().NumVars == 0 {
		return nil
	}
	c := mle.Table(s).NumVars()
	e := len(r)
	bound := r[max(e-c, 0):] // s's variables inside r
	eq := mle.EqTable(bound)
	out := make([]fr.Element, len(s)/len(eq))
	var t fr.Element
	for y := range out {
		row := s[y*len(eq) : (y+1)*len(eq)]
		for k := range eq {
			t.Mul(&row[k], &eq[k])
			out[y].Add(&out[y], &t)
		}
	}
	z := zOf(r)
	for i := range out {
		out[i].Mul(&out[i], &z)
	}
	return out
}

// zOf is Π_i r_i(1 − r_i), 1 for no coordinate.
func zOf(r []fr.Element) fr.Element {
	if len(r) == 0 {
		return fr.One()
	}
	return pcs.Vanishing(r)
}

// Factor is one table of a step's sumcheck over n variables: t (2^m
// entries, m ≤ n) repeated over the first n − m variables, masked by row
// when row is not nil. It returns the table, its mask row and its span
// (sumcheck.Instance): a masked table over m ≥ 1 variables is a masked
// factor spanning its own m; over m = 0 (one entry, the point fully bound)
// the row's single value, Z of the bound point times s̃ there, is added to
// the entry itself (the factor is then the constant f̂(point), plain).
func Factor(t mle.Table, row []fr.Element, n int) (mle.Table, []fr.Element, int) {
	m := t.NumVars()
	if row != nil && m == 0 {
		t = mle.Table{t[0]}
		t[0].Add(&t[0], &row[0])
		row = nil
	}
	out := make(mle.Table, 1<<n)
	for i := range out {
		out[i] = t[i&(len(t)-1)]
	}
	span := 0
	if row != nil && m < n {
		span = m
	}
	return out, row, span
}

// MaskVars is the verifier's view of [Factor]: −1 for a plain factor, the
// row's variables for a masked one, and its span.
func MaskVars(masked bool, rowVars, m, n int) (int, int) {
	if !masked || m == 0 {
		return -1, 0
	}
	if m < n {
		return rowVars, m
	}
	return rowVars, 0
}

// Repeat is a coefficient's factor 2^−(n−m): the sum over n variables of a
// table repeated from m counts each entry 2^(n−m) times.
func Repeat(coef fr.Element, m, n int) fr.Element {
	var inv fr.Element
	inv.SetUint64(1 << (n - m))
	inv.Inverse(&inv)
	return *coef.Mul(&coef, &inv)
}

// TailAt returns the point of a tail's final s̃(…) after a sumcheck over n
// variables ended at ρ: ρ's last c coordinates for a tail point of c ≤ n
// coordinates, (point's first c − n, ρ) otherwise (sumcheck/tail.go).
func TailAt(point, rho []fr.Element) []fr.Element {
	c, n := len(point), len(rho)
	if c <= n {
		return append([]fr.Element(nil), rho[n-c:]...)
	}
	return append(append([]fr.Element(nil), point[:c-n]...), rho...)
}

// OutputTail is the tail Z(r)·s̃_y(r_col) of a step whose output claim is
// ŷ(r), y committed in yData (nil without a vanishing mask or for a table of
// one entry, where Z ≡ 0). The verifier's view has S nil.
func OutputTail(y pcs.Commitment, yData *pcs.ProverData, r []fr.Element) *sumcheck.Tail {
	if y.NumVars == 0 {
		return nil
	}
	t := &sumcheck.Tail{Coef: pcs.Vanishing(r), Point: append([]fr.Element(nil), r[y.RowVars:]...)}
	if yData != nil {
		t.S = yData.MaskRow()
	}
	return t
}
