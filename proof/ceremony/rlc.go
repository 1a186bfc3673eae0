package ceremony

import (
	"crypto/rand"
	"errors"
	"runtime"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// Checking the circuit's evaluations without computing them. A vector of
// claimed points Xₖ, one per wire k, is right when Xₖ = Σᵢ mᵢₖ·[f·Lᵢ(τ)]
// for every k, m being one side of the constraint matrix (L, R or O) and
// f one of 1, α, β. Verify draws a random rₖ per wire (crypto/rand) and
// checks the one equation
//
//	Σₖ rₖ·Xₖ = Σᵢ ρᵢ·[f·Lᵢ(τ)] = Σⱼ σⱼ·[f·τʲ],  ρ = mᵀr,  σ = IFFT(ρ),
//
// the last step because Lᵢ(X) = (1/n)·Σⱼ ω^{−ij}·Xʲ: two multi-scalar
// multiplications over the claimed points and phase 1's powers, and a
// field FFT, where computing the points takes a group FFT (n/2·log₂ n
// scalar multiplications) per basis. If some Xₖ is wrong, the difference
// of the two sides is Σₖ rₖ·Eₖ with some Eₖ ≠ 0 in a group of prime order
// r: a nonzero linear form in the rₖ. The rₖ are independent and uniform
// in [0, 2^128) (rlcBits; the small-exponents test of Bellare, Garay and
// Rabin, "Fast batch verification for modular exponentiation and digital
// signatures", EUROCRYPT 1998): fixing the others, at most one residue of
// rₖ mod r zeroes the form, and the 2^128 < r values of rₖ are distinct
// residues, so a wrong vector passes with probability at most 2⁻¹²⁸
// (docs/SETUP.md). The claimed points' MSMs then have half-length scalars,
// ~0.6× their cost with full ones (gnark-crypto skips the all-zero upper
// windows); the powers' side (σ) keeps full-size scalars.

// rlcBits is the size of the random linear combinations' coefficients:
// a batched check passes a wrong point with probability at most 2^−rlcBits.
const rlcBits = 128

// randomScalars returns independent uniform scalars of rlcBits bits from
// crypto/rand for the wires use says, zero for the others.
func randomScalars(n int, use func(k int) bool) ([]fr.Element, error) {
	r := make([]fr.Element, n)
	buf := make([]byte, rlcBits/8*n)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	for k := range r {
		if use == nil || use(k) {
			r[k].SetBytes(buf[rlcBits/8*k : rlcBits/8*(k+1)])
		}
	}
	clear(buf)
	return r, nil
}

// monomial returns σ = IFFT(mᵀr) for one side of the constraint matrix:
// Σᵢ (mᵀr)ᵢ·Lᵢ(X) = Σⱼ σⱼ·Xʲ.
func (w *wireTerms) monomial(side *column, r []fr.Element, coeffs []fr.Element, n int) []fr.Element {
	rho := make([]fr.Element, n)
	var t fr.Element
	for k := range r {
		if r[k].IsZero() {
			continue
		}
		for _, e := range side.of(k) {
			t.Mul(&coeffs[e.coeff], &r[k])
			rho[e.row].Add(&rho[e.row], &t)
		}
	}
	return toMonomial(rho)
}

// toMonomial returns, in place, the σ with Σᵢ ρᵢ·Lᵢ(X) = Σⱼ σⱼ·Xʲ over
// the domain of size len(rho): σ = IFFT(ρ).
func toMonomial(rho []fr.Element) []fr.Element {
	d := fft.NewDomain(uint64(len(rho)))
	d.FFTInverse(rho, fft.DIF)
	fft.BitReverse(rho)
	return rho
}

var msmConfig = ecc.MultiExpConfig{NbTasks: runtime.GOMAXPROCS(0)}

func msmG1(pts []curve.G1Affine, s []fr.Element) (curve.G1Jac, error) {
	var p curve.G1Jac
	_, err := p.MultiExp(pts, s, msmConfig)
	return p, err
}

func msmG2(pts []curve.G2Affine, s []fr.Element) (curve.G2Jac, error) {
	var p curve.G2Jac
	_, err := p.MultiExp(pts, s, msmConfig)
	return p, err
}

// checkG1 checks claimed[k] = Σᵢ mᵢₖ·[Lᵢ(τ)]₁ for every wire (side m).
func (w *wireTerms) checkG1(side *column, claimed, powers []curve.G1Affine, coeffs []fr.Element, n int) error {
	r, err := randomScalars(len(claimed), nil)
	if err != nil {
		return err
	}
	lhs, err := msmG1(claimed, r)
	if err != nil {
		return err
	}
	rhs, err := msmG1(powers[:n], w.monomial(side, r, coeffs, n))
	if err != nil {
		return err
	}
	if !lhs.Equal(&rhs) {
		return errors.New("not the circuit's evaluations on this chain")
	}
	return nil
}

// checkG2 is checkG1 in G2.
func (w *wireTerms) checkG2(side *column, claimed, powers []curve.G2Affine, coeffs []fr.Element, n int) error {
	r, err := randomScalars(len(claimed), nil)
	if err != nil {
		return err
	}
	lhs, err := msmG2(claimed, r)
	if err != nil {
		return err
	}
	rhs, err := msmG2(powers[:n], w.monomial(side, r, coeffs, n))
	if err != nil {
		return err
	}
	if !lhs.Equal(&rhs) {
		return errors.New("not the circuit's evaluations on this chain")
	}
	return nil
}

// checkK checks k[j] = [β·u(τ) + α·v(τ) + w(τ)]₁ of wire wires[j], for
// each j: one check for all, with phase 1's three power vectors.
func (w *wireTerms) checkK(wires []int, k []curve.G1Affine, c *mpcsetup.SrsCommons, coeffs []fr.Element) error {
	if len(wires) != len(k) {
		return errors.New("not the circuit's evaluations on this chain")
	}
	if len(k) == 0 {
		return nil
	}
	n := len(c.G1.AlphaTau)
	rk, err := randomScalars(len(k), nil)
	if err != nil {
		return err
	}
	r := make([]fr.Element, len(w.l.start)-1) // per wire
	for j, wire := range wires {
		r[wire] = rk[j]
	}
	lhs, err := msmG1(k, rk)
	if err != nil {
		return err
	}
	pts := make([]curve.G1Affine, 0, 3*n)
	pts = append(append(append(pts, c.G1.BetaTau[:n]...), c.G1.AlphaTau[:n]...), c.G1.Tau[:n]...)
	s := make([]fr.Element, 0, 3*n)
	s = append(append(append(s, w.monomial(&w.l, r, coeffs, n)...), w.monomial(&w.r, r, coeffs, n)...), w.monomial(&w.o, r, coeffs, n)...)
	rhs, err := msmG1(pts, s)
	if err != nil {
		return err
	}
	if !lhs.Equal(&rhs) {
		return errors.New("not the circuit's evaluations on this chain")
	}
	return nil
}
