// Package rescale proves zkinfer's fixed-point rescale, optionally fused
// with a ReLU, on a committed tensor in the transparent setting, with the
// semantics of ops (ops/doc.go, "Rescaling" and "Signs, ReLU and range
// checks"):
//
//	q = floor((a + 2^(s−1)) / 2^s),  −2^(b−1) ≤ q < 2^(b−1),  y = q or y = max(q, 0).
//
// # Protocol
//
// The prover commits to the quotient q, the remainder r = a + 2^(s−1) − q·2^s,
// the limbs v = v0 + 2^12·v1 of the bounded value v (v = q + 2^(b−1) ∈ [0, 2^b);
// with ReLU, v = q + (1 − σ)·2^(b−1) ∈ [0, 2^(b−1)) for the sign bit σ, 1 when
// q ≥ 0, which bounds q and proves σ at once, as the circuit does), and with
// ReLU σ and y = σ·q. Then:
//
//   - lookups (package logup): r ∈ [0, 2^s), v0 ∈ [0, 2^12), v1 ∈ [0, 2^(b'−12));
//   - every relation among the tables as one eq-weighted zero-check by
//     sumcheck (check.go; sumcheck.ProveSum, masked under hiding, the
//     tables masked factors under vanishing masks): with λ, κ1, κ2 drawn
//     after the commitments and a random z,
//     Σ_x eq(z, x)·(L1 + λ·L2 + κ1·(σ² − σ) + κ2·(σ·q − y))(x) = 0 for
//     L1 = a + 2^(s−1) − 2^s·q − r and L2 = q + 2^(b−1)(1 − σ) − v0 −
//     2^12·v1 (without ReLU σ ≡ 0 and the last two terms are absent). Its
//     finals are eq(z, ρ), checked by the verifier, and single tables'
//     values at ρ, opened (claims to batch): no check combines different
//     tables' opened values at one point, so each claim can carry its own
//     vanishing mask, and nothing private is stated beyond the finals
//     (docs/TRANSPARENT.md, "Zero knowledge").
//
// # Soundness
//
// If a relation fails somewhere on the cube, the zero-check passes with
// probability ≤ (4n + 2)/|F|, (8n + 2)/|F| under vanishing masks (the
// coefficients, z, the sumcheck of degree 3 or 7, its mask; check.go
// derives it); the lookups and the openings add their own errors (docs/TRANSPARENT.md), ≤ 2^-100 in all with
// pcs.DefaultParams. Given the relations, r < 2^s and |q| < 2^(b−1) make
// q·2^s + r range over an interval of 2^(s+b) ≪ |F| values, so (q, r) is the
// unique solution and equals the integer rescale of a whenever one exists: a
// wrong quotient, remainder, sign or output cannot be proven.
package rescale

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Limb is the width of the range-check tables for the bound on q.
const Limb = 12

// Params fix the operation and the commitment.
type Params struct {
	Shift int  // s, 1..16: the remainder is looked up in [0, 2^s)
	Bits  int  // b, 2..2·Limb+1: q is a signed b-bit integer
	ReLU  bool // y = max(q, 0) instead of q
	PCS   pcs.Params
}

// Check reports parameters outside the supported ranges.
func (p Params) Check() error { return p.check() }

func (p Params) check() error {
	if p.Shift < 1 || p.Shift > 16 {
		return fmt.Errorf("rescale: shift %d outside 1..16", p.Shift)
	}
	if p.Bits < 2 || p.vBits() > 2*Limb {
		return fmt.Errorf("rescale: %d bits outside 2..%d", p.Bits, 2*Limb+1)
	}
	return nil
}

// vBits is the width of v: b, or b−1 with ReLU.
func (p Params) vBits() int {
	if p.ReLU {
		return p.Bits - 1
	}
	return p.Bits
}

// limbBits returns the widths of v0 and v1 (0 when v has one limb).
func (p Params) limbBits() (int, int) {
	w := p.vBits()
	if w <= Limb {
		return w, 0
	}
	return Limb, w - Limb
}

// present reports which columns are committed tables: v1 only when v has
// two limbs, σ only with ReLU (an absent column is the zero table).
func (p Params) present() [numCols]bool {
	_, hi := p.limbBits()
	return [numCols]bool{colA: true, colQ: true, colR: true, colV0: true, colV1: hi > 0, colSigma: p.ReLU}
}

// Proof is a rescale proof. Y is the output's commitment (Q's without ReLU).
type Proof struct {
	Q, R, V0, V1, Sigma, Y pcs.Commitment
	Lookups                []logup.Proof // r, v0, and v1 when v has two limbs
	// Check is the zero-check of every relation (check.go); its finals are
	// eq(z, ρ), the present columns' and (ReLU) y's values at ρ.
	Check sumcheck.Proof
	// Openings: the present columns (a, q, r, v0, v1, σ), then y, at ρ.
	Openings []pcs.Opening
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 6*48 + p.Check.Size()
	for i := range p.Lookups {
		n += p.Lookups[i].Size()
	}
	for i := range p.Openings {
		n += p.Openings[i].Size()
	}
	return n
}

// Witness is what the prover computes from the integer accumulators.
type Witness struct {
	Q, R, V0, V1, Sigma, Y []int64
}

// Compute returns the rescale's witness for a (ops' semantics), or an error
// naming the first entry whose quotient does not fit b signed bits.
func Compute(p Params, a []int64) (Witness, error) {
	if err := p.check(); err != nil {
		return Witness{}, err
	}
	w := Witness{Q: make([]int64, len(a)), R: make([]int64, len(a)), V0: make([]int64, len(a)),
		V1: make([]int64, len(a)), Sigma: make([]int64, len(a)), Y: make([]int64, len(a))}
	half, lim := int64(1)<<(p.Shift-1), int64(1)<<(p.Bits-1)
	for i, ai := range a {
		if ai > 1<<62 || ai < -(1<<62) {
			return Witness{}, fmt.Errorf("rescale: a[%d] = %d exceeds 2^62", i, ai)
		}
		t := ai + half
		q := t >> p.Shift // floor division by 2^s
		if q < -lim || q >= lim {
			return Witness{}, fmt.Errorf("rescale: a[%d] = %d rescales to %d, outside %d signed bits", i, ai, q, p.Bits)
		}
		if p.ReLU && q == -lim {
			// As ops.IntArith.RescaleRelu: |q| < 2^(b−1) (the proof itself
			// accepts q = −2^(b−1), whose ReLU is 0 either way).
			return Witness{}, fmt.Errorf("rescale: a[%d] = %d rescales to %d, outside the ReLU's range (-2^%d, 2^%d)", i, ai, q, p.Bits-1, p.Bits-1)
		}
		w.Q[i], w.R[i] = q, t-q<<p.Shift
		v := q + lim
		w.Y[i] = q
		if p.ReLU {
			if q >= 0 {
				w.Sigma[i], v = 1, q
			} else {
				w.Y[i] = 0
			}
		}
		w.V0[i], w.V1[i] = v&(1<<Limb-1), v>>Limb
	}
	return w, nil
}
