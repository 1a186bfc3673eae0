package pcs

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
)

// Vanishing returns Z(point) = Π_i point_i·(1 − point_i), the polynomial
// that vanishes on the Boolean cube and multiplies the vanishing mask in
// f̂ = f̃ + Z·s̃ (package doc). Z is 0 for an empty point: a table of one
// entry has no mask (its only value is its value).
func Vanishing(point []fr.Element) fr.Element {
	var z fr.Element
	if len(point) == 0 {
		return z
	}
	z.SetOne()
	var t fr.Element
	one := fr.One()
	for i := range point {
		t.Sub(&one, &point[i]).Mul(&t, &point[i])
		z.Mul(&z, &t)
	}
	return z
}

// MaskRow returns a copy of the vanishing mask s (C entries), nil without
// [Params].Vanishing.
func (pd *ProverData) MaskRow() []fr.Element {
	if pd.mask == nil {
		return nil
	}
	return append([]fr.Element(nil), pd.mask...)
}

// MaskedEval returns f̂(point) = f̃(point) + Z(point)·s̃(point_col), the value
// an opening of the commitment proves (f̃(point) without
// [Params].Vanishing). It costs N + R + C multiplications. A point of the
// wrong length is a programming error: it panics.
func (pd *ProverData) MaskedEval(point []fr.Element) fr.Element {
	c := pd.com
	if len(point) != c.NumVars {
		panic(errPoint(len(point), c.NumVars).Error())
	}
	zRow, zCol := point[:c.RowVars], point[c.RowVars:]
	eqCol := mle.EqTable(zCol)
	y := mle.Inner(combine(pd.rows, mle.EqTable(zRow)), eqCol)
	if pd.mask != nil {
		z, s := Vanishing(point), mle.Inner(pd.mask, eqCol)
		y.Add(&y, z.Mul(&z, &s))
	}
	return y
}

// Weight is one table's row weights in a multi-opening: its value is
// Data·f̃(z) + Mask·s̃(z_col), proven by v's share Data·eq(z_row)ᵀM + Mask·s.
// A plain opening of f̂ is {1, Z(z)}; without [Params].Vanishing, Mask must
// be 0.
type Weight struct{ Data, Mask fr.Element }

func errPoint(got, vars int) error {
	return fmt.Errorf("pcs: point of %d coordinates for a table of %d variables", got, vars)
}

// vCoef returns the row weights of v's data share: w.Data·eq(z_row) on the
// R data rows, then w.Mask on s with [Params].Vanishing; eqRow itself when
// w is {1, 0} without a vanishing mask (the binding and plain hiding
// openings, unchanged).
func (p Params) vCoef(eqRow []fr.Element, w Weight) ([]fr.Element, error) {
	one := fr.One()
	vanishing := p.Hiding && p.Vanishing
	if !vanishing && !w.Mask.IsZero() {
		return nil, fmt.Errorf("pcs: a weight on the vanishing mask of a commitment without one; set Params.Vanishing or open with weight 0")
	}
	if !vanishing && w.Data.Equal(&one) {
		return eqRow, nil
	}
	out := make([]fr.Element, len(eqRow), len(eqRow)+1)
	for i := range eqRow {
		out[i].Mul(&eqRow[i], &w.Data)
	}
	if vanishing {
		out = append(out, w.Mask)
	}
	return out, nil
}

// verifierCoef is vCoef followed by μ_u's 0 and μ_v's β under hiding: the
// weights of the verifier's check of Enc(v) on an opened column.
func (p Params) verifierCoef(eqRow []fr.Element, w Weight, beta fr.Element) ([]fr.Element, error) {
	c, err := p.vCoef(eqRow, w)
	if err != nil || !p.Hiding {
		return c, err
	}
	return append(append(append([]fr.Element(nil), c...), fr.Element{}), beta), nil
}

// plainWeight is the weight of an opening of f̂ at point: {1, Z(point)}
// with a vanishing mask, {1, 0} without.
func (p Params) plainWeight(point []fr.Element) Weight {
	w := Weight{Data: fr.One()}
	if p.Hiding && p.Vanishing {
		w.Mask = Vanishing(point)
	}
	return w
}
