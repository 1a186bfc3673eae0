package ceremony

import (
	"errors"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// claims gathers every claim Verify checks by a random linear combination
// against phase 1's powers (rlc.go) — phase 2's start's K, the keys' A,
// B in G1 and G2 and K — into one equation in G1 and a pairing per G2
// vector: each claimed point gets its own independent uniform scalar, the
// right-hand sides add up per basis ([τʲ]₁, [ατʲ]₁, [βτʲ]₁), and the
// check is
//
//	Σ rₖ·Xₖ (all claims in G1) = Σ_f Σⱼ σ_f,ⱼ·[f·τʲ]₁,  σ_f = IFFT(ρ_f),
//
// two MSMs, over the claimed points and over the 3n powers, where the
// claims one by one take an MSM of n or 3n powers each. A vector in G2 (the
// keys' B) is claimed to have the discrete logarithms of a vector claimed
// in G1 (addSame): with its own rₖ, e(Σ rₖ·Xₖ, [1]₂) = e([1]₁, Σ rₖ·Yₖ),
// one G2 MSM over the claimed points and a pairing, where checking it
// against [τʲ]₂ took another MSM over the n powers in G2 (the costlier
// group) and a field FFT; its rₖ are the G1 vector's own, so that its MSM
// in G1 serves both equations. Soundness is that of each claim (docs/SETUP.md):
// a wrong point makes the two sides differ by a nonzero linear form in its
// own scalar. When the equation fails the claims are checked one by one, so
// that the error names the wrong one.
type claims struct {
	w      *wireTerms
	coeffs []fr.Element
	n      int
	g1     []curve.G1Affine
	r1     []fr.Element
	rho    [3][]fr.Element // against [τʲ]₁, [ατʲ]₁, [βτʲ]₁, over rows
	same   []samePair
	alone  []func() error // each claim checked on its own, in order
	// lag, when the chain was opened from a prepared phase 1, is its
	// Lagrange points, verified once per size (checkLagrange) and vouched
	// for by the recorded digest: the right-hand side is then Σᵢ ρ_f,ᵢ·
	// [f·Lᵢ(τ)]₁ over the constraints' rows only (ρ is zero on the
	// domain's padding rows), without the field FFTs; it equals the powers'
	// side whenever the points are right.
	lag *lagrangeBases
}

// samePair claims g1[k] = Σᵢ mᵢₖ·[Lᵢ(τ)]₁ (with coefficients r, in the
// equation in G1) and g2[k] = [xₖ]₂ where g1[k] = [xₖ]₁ (with the same r,
// in a pairing).
type samePair struct {
	g1 []curve.G1Affine
	r  []fr.Element
	g2 []curve.G2Affine
}

func newClaims(w *wireTerms, coeffs []fr.Element, n int) *claims {
	c := &claims{w: w, coeffs: coeffs, n: n}
	for f := range c.rho {
		c.rho[f] = make([]fr.Element, n)
	}
	return c
}

// accumulate adds mᵀr over one side's terms of the given wires to rho.
func (c *claims) accumulate(side *column, wires []int, r []fr.Element, rho []fr.Element) {
	var t fr.Element
	for j, k := range wires {
		for _, e := range side.of(k) {
			t.Mul(&c.coeffs[e.coeff], &r[j])
			rho[e.row].Add(&rho[e.row], &t)
		}
	}
}

// allWires is 0, 1, …, n−1.
func allWires(n int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = i
	}
	return w
}

// addG1 claims pts[k] = Σᵢ mᵢₖ·[Lᵢ(τ)]₁ for every wire k (side m); alone
// checks it by itself.
func (c *claims) addG1(side *column, pts []curve.G1Affine, alone func() error) error {
	r, err := randomScalars(len(pts), nil)
	if err != nil {
		return err
	}
	c.accumulate(side, allWires(len(pts)), r, c.rho[0])
	c.g1, c.r1 = append(c.g1, pts...), append(c.r1, r...)
	c.alone = append(c.alone, alone)
	return nil
}

// addSame claims g1[k] = Σᵢ mᵢₖ·[Lᵢ(τ)]₁ for every wire k (side m), as
// addG1 does, and g2[k] = [xₖ]₂ for the xₖ with g1[k] = [xₖ]₁: then g2 is
// right too. The pairing e(Σₖ rₖ·g1ₖ, [1]₂) = e([1]₁, Σₖ rₖ·g2ₖ) takes
// the same rₖ as g1's claim in G1, so Σₖ rₖ·g1ₖ is one MSM for both
// equations. If some g2[k] is wrong while g1 is right, the pairing's two
// sides differ by Σₖ rₖ·(yₖ − xₖ) in the exponent, a nonzero linear form
// in rₖ, which were drawn after the points were fixed: probability at
// most 2⁻¹²⁸ (rlc.go); each equation is checked on its own, so reusing
// rₖ across the two costs nothing in the bound (a union of two events).
// alone1 and alone2 check g1 and g2 by themselves.
func (c *claims) addSame(side *column, g1 []curve.G1Affine, g2 []curve.G2Affine, alone1, alone2 func() error) error {
	if len(g1) != len(g2) {
		if err := alone2(); err != nil {
			return err
		}
		return errors.New("a vector in G2 is not as long as its G1 counterpart")
	}
	r, err := randomScalars(len(g1), nil)
	if err != nil {
		return err
	}
	c.accumulate(side, allWires(len(g1)), r, c.rho[0])
	c.same = append(c.same, samePair{g1, r, g2})
	c.alone = append(c.alone, alone1, alone2)
	return nil
}

// addK claims k[j] = [β·u(τ) + α·v(τ) + w(τ)]₁ of wire wires[j].
func (c *claims) addK(wires []int, k []curve.G1Affine, alone func() error) error {
	if len(wires) != len(k) {
		return alone()
	}
	r, err := randomScalars(len(k), nil)
	if err != nil {
		return err
	}
	c.accumulate(&c.w.l, wires, r, c.rho[2]) // β·u
	c.accumulate(&c.w.r, wires, r, c.rho[1]) // α·v
	c.accumulate(&c.w.o, wires, r, c.rho[0]) // w
	c.g1, c.r1 = append(c.g1, k...), append(c.r1, r...)
	c.alone = append(c.alone, alone)
	return nil
}

// check checks every claim against phase 1's powers p.
func (c *claims) check(p *mpcsetup.SrsCommons) error {
	ok, err := c.equations(p)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	for _, a := range c.alone {
		if err := a(); err != nil {
			return err
		}
	}
	return errors.New("the keys' or phase 2's start's evaluations are not the circuit's on this chain")
}

func (c *claims) equations(p *mpcsetup.SrsCommons) (bool, error) {
	n := c.n
	if len(p.G1.Tau) < n || len(p.G1.AlphaTau) != n || len(p.G1.BetaTau) != n || len(p.G2.Tau) < n {
		return false, errors.New("phase 1's powers do not have the domain's size")
	}
	lhs, err := msmG1(c.g1, c.r1)
	if err != nil {
		return false, err
	}
	sameG1 := make([]curve.G1Jac, len(c.same)) // Σ rₖ·g1ₖ of each pair
	for i, s := range c.same {
		if sameG1[i], err = msmG1(s.g1, s.r); err != nil {
			return false, err
		}
		lhs.AddAssign(&sameG1[i])
	}
	var rhs curve.G1Jac
	if l := c.lag; l != nil && len(l.tau) == n && len(l.alpha) == n && len(l.beta) == n {
		m := n // the rows any ρ_f is nonzero on: the constraints'
		for m > 0 && c.rho[0][m-1].IsZero() && c.rho[1][m-1].IsZero() && c.rho[2][m-1].IsZero() {
			m--
		}
		rhs, err = msmG1(slices.Concat(l.tau[:m], l.alpha[:m], l.beta[:m]), slices.Concat(c.rho[0][:m], c.rho[1][:m], c.rho[2][:m]))
	} else {
		sigma := slices.Concat(toMonomial(c.rho[0]), toMonomial(c.rho[1]), toMonomial(c.rho[2]))
		rhs, err = msmG1(slices.Concat(p.G1.Tau[:n], p.G1.AlphaTau, p.G1.BetaTau), sigma)
	}
	if err != nil {
		return false, err
	}
	if !lhs.Equal(&rhs) {
		return false, nil
	}
	_, _, g1, g2 := curve.Generators()
	g1.Neg(&g1)
	for i, s := range c.same {
		y, err := msmG2(s.g2, s.r)
		if err != nil {
			return false, err
		}
		var xa curve.G1Affine
		var ya curve.G2Affine
		xa.FromJacobian(&sameG1[i])
		ya.FromJacobian(&y)
		ok, err := curve.PairingCheck([]curve.G1Affine{xa, g1}, []curve.G2Affine{g2, ya})
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}
