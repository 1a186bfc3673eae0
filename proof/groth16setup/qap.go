package groth16setup

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"
)

// The scalars: the circuit's QAP polynomials evaluated at τ, as gnark's
// setupABC computes them, and the vectors derived from them.

// evalQAP returns u_i(τ), v_i(τ), w_i(τ) for every wire i, where u_i, v_i,
// w_i interpolate wire i's coefficients in the constraints' left, right
// and output linear combinations over the domain: u_i(τ) = Σ_j a_{j,i}·L_j(τ)
// with L_j the Lagrange polynomial of the j-th root of unity ω^j,
// L_j(τ) = ω^j·(τⁿ − 1) / (n·(τ − ω^j)).
func evalQAP(r1cs *cs.R1CS, domain *fft.Domain, tau *fr.Element, nbWires int) (a, b, c []fr.Element, err error) {
	nbConstraints := r1cs.GetNbConstraints()
	if uint64(nbConstraints) > domain.Cardinality {
		return nil, nil, nil, errors.New("more constraints than the domain holds")
	}
	a, b, c = make([]fr.Element, nbWires), make([]fr.Element, nbWires), make([]fr.Element, nbWires)
	// τ − ω^j and their inverses, for the recurrence
	// L_{j+1} = ω·L_j·(τ − ω^j)/(τ − ω^{j+1}).
	d := make([]fr.Element, nbConstraints+1)
	wj := fr.One()
	for j := range d {
		d[j].Sub(tau, &wj)
		wj.Mul(&wj, &domain.Generator)
	}
	dInv := fr.BatchInvert(d)
	defer func() { clear(d); clear(dInv) }()
	var l, one fr.Element
	one.SetOne()
	l.Exp(*tau, new(big.Int).SetUint64(domain.Cardinality)).Sub(&l, &one)
	l.Mul(&l, &dInv[0]).Mul(&l, &domain.CardinalityInv)
	defer l.SetZero()

	coeffs := r1cs.Coefficients
	var fail error
	acc := func(dst []fr.Element, terms constraint.LinearExpression) {
		var t fr.Element
		for _, term := range terms {
			w, id := term.WireID(), term.CoeffID()
			if w < 0 || w >= nbWires || id < 0 || id >= len(coeffs) {
				fail = fmt.Errorf("a constraint refers to wire %d or coefficient %d, beyond the circuit's %d and %d", w, id, nbWires, len(coeffs))
				return
			}
			switch id {
			case constraint.CoeffIdZero:
			case constraint.CoeffIdOne:
				dst[w].Add(&dst[w], &l)
			case constraint.CoeffIdMinusOne:
				dst[w].Sub(&dst[w], &l)
			case constraint.CoeffIdTwo:
				t.Double(&l)
				dst[w].Add(&dst[w], &t)
			default:
				t.Mul(&coeffs[id], &l)
				dst[w].Add(&dst[w], &t)
			}
		}
		t.SetZero()
	}
	j := 0
	it := r1cs.GetR1CIterator()
	for r := it.Next(); r != nil && fail == nil; r = it.Next() {
		if j >= nbConstraints {
			fail = errors.New("the constraint iterator yields more constraints than the circuit counts")
			break
		}
		acc(a, r.L)
		acc(b, r.R)
		acc(c, r.O)
		l.Mul(&l, &domain.Generator).Mul(&l, &d[j]).Mul(&l, &dInv[j+1])
		j++
	}
	if fail != nil {
		clear(a)
		clear(b)
		clear(c)
		return nil, nil, nil, fail
	}
	return a, b, c, nil
}

// dropZeros removes the zero scalars from s (in place) and returns what
// is left and which entries were zero: their points are at infinity, and
// gnark's keys leave them out of A and B and mark them instead.
func dropZeros(s []fr.Element) ([]fr.Element, []bool, uint64) {
	zero := make([]bool, len(s))
	n := 0
	for i := range s {
		if s[i].IsZero() {
			zero[i] = true
			continue
		}
		s[n] = s[i]
		n++
	}
	clear(s[n:])
	return s[:n], zero, uint64(len(s) - n)
}

// zScalars fills the scalars (τⁿ − 1)·τ^j/δ for j = lo, lo+1, …: the
// prover's basis for the quotient h(τ)·t(τ)/δ, t(X) = Xⁿ − 1.
func zScalars(tau *fr.Element, n uint64, deltaInv *fr.Element) func(dst []fr.Element, lo int) {
	return func(dst []fr.Element, lo int) {
		var z, p, one fr.Element
		one.SetOne()
		z.Exp(*tau, new(big.Int).SetUint64(n)).Sub(&z, &one).Mul(&z, deltaInv)
		p.Exp(*tau, big.NewInt(int64(lo)))
		z.Mul(&z, &p)
		for i := range dst {
			dst[i] = z
			z.Mul(&z, tau)
		}
		z.SetZero()
		p.SetZero()
	}
}

// toBitReversed stores the point of scalar j at dst[rev(j)], with rev the
// bit reversal of log₂ n bits: gnark's prover reads the Z points in that
// order (its setup reverses them and keeps the first n−1).
func toBitReversed(dst []curve.G1Affine, n uint64) func(lo int, pts []g1Point) {
	shift := 64 - uint(bits.TrailingZeros64(n))
	return func(lo int, pts []g1Point) {
		for i := range pts {
			dst[bits.Reverse64(uint64(lo+i))>>shift] = curve.G1Affine(pts[i])
		}
	}
}
