package batch

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// ClaimMask records the mask claim s̃(w) = value on the vanishing mask s of
// d's commitment (w has c coordinates, one per column variable): the final
// value of a sumcheck's tail (zk-design part B). d must be committed with
// pcs.Params.Vanishing; a value that is not s̃(w) is refused here, as
// [Prover.Claim] refuses a value that is not f̂(z).
func (b *Prover) ClaimMask(d *pcs.ProverData, w []fr.Element, value fr.Element) error {
	if b == nil {
		return fmt.Errorf("batch: a mask claim needs a collector")
	}
	s := d.MaskRow()
	if s == nil {
		return fmt.Errorf("batch: a mask claim on a commitment without a vanishing mask; commit with pcs.Params.Vanishing")
	}
	c := d.Commitment()
	if cols := c.NumVars - c.RowVars; len(w) != cols {
		return fmt.Errorf("batch: mask point of %d coordinates for a mask of %d variables (the table's column variables)", len(w), cols)
	}
	if want, _ := mle.Table(s).Eval(w); !want.Equal(&value) {
		return fmt.Errorf("batch: the stated mask value is not s̃(w) of the commitment's vanishing mask")
	}
	b.add(d)
	b.masks[c] = append(b.masks[c], claim{append([]fr.Element(nil), w...), value})
	return nil
}

// CheckMask records the mask claim s̃_c(w) = value for [Verifier.Verify],
// which then needs parameters with pcs.Params.Vanishing.
func (v *Verifier) CheckMask(c pcs.Commitment, w []fr.Element, value fr.Element) error {
	if v == nil {
		return fmt.Errorf("batch: a mask claim needs a collector")
	}
	if cols := c.NumVars - c.RowVars; c.RowVars < 0 || cols < 0 || len(w) != cols {
		return fmt.Errorf("batch: mask point of %d coordinates for a commitment of %d column variables", len(w), cols)
	}
	v.add(c)
	v.masks[c] = append(v.masks[c], claim{append([]fr.Element(nil), w...), value})
	return nil
}

// vanishingDegree is the degree of a vanishing reduction's rounds over
// tables of n variables, c of them column variables: the last round's
// E(X)·f̂(X) has degree 1 + 2 + 1 (Z's X(1 − X), s̃'s X), or 1 + 2 when
// s̃ is a constant (c = 0); the mask g has that degree in every variable, so
// every round is sent with that many values plus one.
func vanishingDegree(c int) int {
	if c == 0 {
		return 3
	}
	return 4
}

// singlePoint is the opening of a shape's single claim: a value claim at z
// with the weight {1, Z(z)} (f̂(z)), a mask claim at w as (0…0, w) with the
// weight {0, 1} (s̃(w); the row coordinates are then unused).
func singlePoint(c pcs.Commitment, claims, masks []claim) ([]fr.Element, pcs.Weight, fr.Element) {
	if len(claims) == 1 {
		z := claims[0].point
		return z, pcs.Weight{Data: fr.One(), Mask: pcs.Vanishing(z)}, claims[0].value
	}
	z := append(make([]fr.Element, c.RowVars), masks[0].point...)
	return z, pcs.Weight{Mask: fr.One()}, masks[0].value
}

// maxClaims checks the zero-knowledge bound: the values revealed about a
// table's vanishing mask s (C entries) are its claims and, after a
// reduction, its V_c; more than C linear forms of s would let a combination
// cancel s and reveal a linear form of the table alone. Tables of no
// variables have Z ≡ 0 and nothing to hide.
func maxClaims(c pcs.Commitment, k int, reduced bool) error {
	if c.NumVars == 0 {
		return nil
	}
	if reduced {
		k++
	}
	if C := 1 << (c.NumVars - c.RowVars); k > C {
		return fmt.Errorf("table of %d columns receives %d claims (with the reduction's final): its vanishing mask hides at most %d; commit it with fewer row variables or reduce its claims", C, k, C)
	}
	return nil
}

// proveVanishing is one shape's batched opening with vanishing masks.
func (b *Prover) proveVanishing(tr *transcript.Transcript, coms []pcs.Commitment, datas []*pcs.ProverData, forgeE bool) (Group, error) {
	coef := absorb(tr, coms, b.claims, b.masks, true)
	var g Group
	if coef == nil {
		c := coms[0]
		if err := maxClaims(c, 1, false); err != nil {
			return Group{}, err
		}
		z, w, _ := singlePoint(c, b.claims[c], b.masks[c])
		_, op, err := pcs.OpenMultiWeighted(tr, datas, z, []pcs.Weight{w})
		g.Open = op
		return g, err
	}
	n, rv := coms[0].NumVars, coms[0].RowVars
	in := &vanishingIn{rv: rv}
	i := 0
	for ci, c := range coms {
		if err := maxClaims(c, len(b.claims[c])+len(b.masks[c]), true); err != nil && !b.unbounded {
			return Group{}, err
		}
		e, ep := make(mle.Table, 1<<n), make(mle.Table, 1<<(n-rv))
		for _, k := range b.claims[c] {
			addEq(e, k.point, coef[i])
			var zk fr.Element
			zk.Mul(ptr(pcs.Vanishing(k.point)), &coef[i])
			addEq(ep, k.point[rv:], zk)
			i++
		}
		for _, k := range b.masks[c] {
			addEq(ep, k.point, coef[i])
			i++
		}
		f := datas[ci].Table()
		if forgeE && ci == 0 {
			var t fr.Element
			e[0].Add(&e[0], &f[1])
			e[1].Sub(&e[1], t.Set(&f[0]))
		}
		in.es, in.fs = append(in.es, e), append(in.fs, f)
		in.eps, in.ss = append(in.eps, ep), append(in.ss, mle.Table(datas[ci].MaskRow()))
	}
	var mask *sumcheck.Mask
	if p := datas[0].Params(); masked(p, n) {
		var err error
		if mask, err = sumcheck.NewMask(n, vanishingDegree(n-rv), p); err != nil {
			return Group{}, err
		}
	}
	rho, weights, err := reduceVanishing(tr, combined(coms, b.claims, b.masks, coef), in, mask, &g)
	if err != nil {
		return Group{}, err
	}
	if b.sigmaShift { // tests: open with σ_0 + 1 while V_0 stays honest
		one := fr.One()
		weights[0].Mask.Add(&weights[0].Mask, &one)
	}
	vals, op, err := pcs.OpenMultiWeighted(tr, datas, rho, weights)
	if err != nil {
		return Group{}, err
	}
	for c := range vals {
		if !b.sigmaShift && !vals[c].Equal(&g.Finals[c]) {
			return Group{}, fmt.Errorf("internal error: table %d's V differs from its opening", c)
		}
	}
	g.Open = op
	return g, nil
}

func ptr(e fr.Element) *fr.Element { return &e }

// verifyVanishing checks one shape's batched opening with vanishing masks:
// the claims' combination reduced to ρ (rounds of degree vanishingDegree),
// Σ_c E_c(ρ)·V_c (or eq(ρ_row, 0)·E'_c(ρ_col)·V_c where E_c(ρ) = 0)
// against the last round with E_c and E'_c computed here, then the V_c by
// one multi-opening with the weights {1, Z(ρ) + τ_c} (or {0, 1}) computed
// here.
func (v *Verifier) verifyVanishing(tr *transcript.Transcript, params pcs.Params, coms []pcs.Commitment, g *Group) error {
	coef := absorb(tr, coms, v.claims, v.masks, true)
	if coef == nil {
		if len(g.Rounds) != 0 || len(g.Finals) != 0 || g.Mask != nil {
			return fmt.Errorf("a reduction for a single claim")
		}
		c := coms[0]
		z, w, y := singlePoint(c, v.claims[c], v.masks[c])
		v.points = append(v.points, z)
		return pcs.VerifyMultiWeighted(tr, params, coms, z, []fr.Element{y}, []pcs.Weight{w}, g.Open)
	}
	if len(g.Finals) != len(coms) {
		return fmt.Errorf("%d final values for %d tables", len(g.Finals), len(coms))
	}
	n, rv := coms[0].NumVars, coms[0].RowVars
	rho, last, err := verifyReduce(tr, params, combined(coms, v.claims, v.masks, coef), n, vanishingDegree(n-rv), g)
	if err != nil {
		return fmt.Errorf("the claims' combination: %v (under pcs.Params.Vanishing every value claim is f̂(z) = f̃(z) + Z(z)·s̃(z_col): a protocol that states f̃ fails here)", err)
	}
	row0 := eqZero(rho[:rv])
	zRho := pcs.Vanishing(rho)
	weights := make([]pcs.Weight, len(coms))
	var sum, t fr.Element
	i := 0
	for ci, c := range coms {
		// E_c(ρ) = Σ_value a·eq(z, ρ); E'_c(ρ_col) = Σ_value a·Z(z)·eq(z_col, ρ_col) + Σ_mask a·eq(w, ρ_col).
		var e, ep fr.Element
		for _, k := range v.claims[c] {
			eq := mle.Eq(k.point, rho)
			e.Add(&e, t.Mul(&eq, &coef[i]))
			eqc := mle.Eq(k.point[rv:], rho[rv:])
			zk := pcs.Vanishing(k.point)
			eqc.Mul(&eqc, &zk)
			ep.Add(&ep, t.Mul(&eqc, &coef[i]))
			i++
		}
		for _, k := range v.masks[c] {
			eqc := mle.Eq(k.point, rho[rv:])
			ep.Add(&ep, t.Mul(&eqc, &coef[i]))
			i++
		}
		var k fr.Element
		weights[ci], k = finalWeight(e, ep, row0, zRho)
		sum.Add(&sum, t.Mul(&k, &g.Finals[ci]))
	}
	if !sum.Equal(&last) {
		return fmt.Errorf("Σ_c E_c(ρ)·V_c with the eq factors computed here differs from the reduction's last claim")
	}
	v.points = append(v.points, rho)
	return pcs.VerifyMultiWeighted(tr, params, coms, rho, g.Finals, weights, g.Open)
}

// finalWeight returns, for a table with E(ρ) = e, E'(ρ_col) = ep,
// eq(ρ_row, 0) = row0 and Z(ρ) = z, the opening's weight of its stated V
// and V's coefficient in the last round's claim: V = f̂(ρ) + τ·s̃(ρ_col),
// τ = row0·ep/e, weight {1, z + τ}, coefficient e (so e·V = e·f̂(ρ) +
// row0·ep·s̃(ρ_col), never f̂(ρ) and s̃(ρ_col) apart); when e = 0 (a table
// with mask claims only, or a root of E) V = s̃(ρ_col), weight {0, 1},
// coefficient row0·ep.
func finalWeight(e, ep, row0, z fr.Element) (pcs.Weight, fr.Element) {
	var k fr.Element
	k.Mul(&row0, &ep)
	if e.IsZero() {
		return pcs.Weight{Mask: fr.One()}, k
	}
	var tau fr.Element
	tau.Inverse(&e).Mul(&tau, &k)
	tau.Add(&tau, &z)
	return pcs.Weight{Data: fr.One(), Mask: tau}, e
}

// eqZero returns eq(x, 0) = Π_i (1 − x_i).
func eqZero(x []fr.Element) fr.Element {
	e := fr.One()
	one := fr.One()
	var t fr.Element
	for i := range x {
		e.Mul(&e, t.Sub(&one, &x[i]))
	}
	return e
}
