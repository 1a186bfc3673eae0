package ceremony

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
)

// A wire's evaluations are sums over the constraints it appears in:
// A = Σ aᵢ·[Lᵢ(τ)]₁ over its left terms, and so on. gnark's Initialize
// walks the constraints and adds each term to its wire's affine point (an
// inversion per term); here the terms are grouped by wire first, so that
// each wire's sums are computed by the bucket method (sums.go; in G1 in
// lockstep across a chunk of wires, sumsg1.go), the chunks in parallel.

// term is a wire's appearance in one constraint: the constraint's row and
// the coefficient's index in coeffs.
type term struct {
	row   int32
	coeff uint32
}

// column holds every wire's terms of one side (L, R or O), wire by wire.
type column struct {
	start []int32 // wire i's terms are terms[start[i]:start[i+1]]
	terms []term
}

func (c *column) of(wire int) []term { return c.terms[c.start[wire]:c.start[wire+1]] }

// coeff is a coefficient ready to multiply by: ±|c| with |c| ≤ (r−1)/2,
// so that a small negative coefficient costs as little as a small positive
// one (sums.go).
type coeff struct {
	abs   big.Int
	neg   bool
	short bool   // |c| < 2⁶⁴
	small uint64 // |c|, when short
}

// wireTerms is the circuit's terms grouped by wire.
type wireTerms struct {
	l, r, o column
	coeffs  []coeff
	perWire float64 // G1 scalar multiplications per wire, on average
}

func newCoeffs(cs []fr.Element) []coeff {
	out := make([]coeff, len(cs))
	half := new(big.Int).Rsh(fr.Modulus(), 1)
	for i := range cs {
		c := &out[i]
		cs[i].BigInt(&c.abs)
		if c.abs.Cmp(half) > 0 {
			c.abs.Sub(fr.Modulus(), &c.abs)
			c.neg = true
		}
		if c.short = c.abs.IsUint64(); c.short {
			c.small = c.abs.Uint64()
		}
	}
	return out
}

// wireTermsOf returns the circuit's terms grouped by wire.
func wireTermsOf(r *cs_bn254.R1CS) (*wireTerms, error) {
	nbInternal, nbSecret, nbPublic := r.GetNbVariables()
	nWires := nbInternal + nbSecret + nbPublic
	w := &wireTerms{coeffs: newCoeffs(r.Coefficients)}
	cols := []*column{&w.l, &w.r, &w.o}
	for _, c := range cols {
		c.start = make([]int32, nWires+1)
	}
	sides := func(c *constraint.R1C) [3]constraint.LinearExpression {
		return [3]constraint.LinearExpression{c.L, c.R, c.O}
	}
	check := func(t constraint.Term) error {
		if int(t.WireID()) >= nWires || int(t.CoeffID()) >= len(w.coeffs) {
			return fmt.Errorf("malformed constraint system: term with wire %d, coefficient %d", t.WireID(), t.CoeffID())
		}
		return nil
	}
	// Count, then fill.
	it := r.GetR1CIterator()
	for c := it.Next(); c != nil; c = it.Next() {
		for s, le := range sides(c) {
			for _, t := range le {
				if err := check(t); err != nil {
					return nil, err
				}
				if t.CoeffID() != constraint.CoeffIdZero {
					cols[s].start[t.WireID()+1]++
				}
			}
		}
	}
	total := 0
	for _, c := range cols {
		for i := range nWires {
			c.start[i+1] += c.start[i]
		}
		c.terms = make([]term, c.start[nWires])
		total += len(c.terms)
	}
	fill := [3][]int32{}
	for s, c := range cols {
		fill[s] = append([]int32(nil), c.start[:nWires]...)
	}
	it = r.GetR1CIterator()
	row := int32(0)
	for c := it.Next(); c != nil; c = it.Next() {
		for s, le := range sides(c) {
			for _, t := range le {
				if t.CoeffID() == constraint.CoeffIdZero {
					continue
				}
				wi := t.WireID()
				cols[s].terms[fill[s][wi]] = term{row: row, coeff: uint32(t.CoeffID())}
				fill[s][wi]++
			}
		}
		row++
	}
	w.perWire = float64(w.work()) / float64(max(nWires, 1))
	return w, nil
}

// work is the terms' work in G1 scalar multiplications: a left term is
// summed twice in G1, a right one twice in G1 and once in G2 (3), an
// output one once; a long coefficient costs a multiplication there, a
// short one a bucket addition or two (sums.go), counted as 1/64.
func (w *wireTerms) work() int64 {
	var n float64
	for s, col := range []*column{&w.l, &w.r, &w.o} {
		weight := [3]float64{2, 5, 1}[s]
		for _, t := range col.terms {
			if w.coeffs[t.coeff].short {
				n += weight / 64
			} else {
				n += weight
			}
		}
	}
	return int64(n)
}
