package cnn

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// FlattenProof re-commits the last block's tensor in the flat layout when
// its H·W is not a power of two (see the package doc, "Flatten"): X is the
// flat table's commitment, AtR its value at the verifier's random r, and
// Gather reduces that value to a claim on the block's committed table
// through the public index map u = c·H·W + p ↦ c·2^⌈log H·W⌉ + p.
type FlattenProof struct {
	X      pcs.Commitment
	AtR    fr.Element
	Gather sumcheck.Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *FlattenProof) Size() int {
	return 48 + 32 + p.Gather.Size()
}

// flatIndex returns the flat table's index map into the block layout of a
// C×H·W tensor whose planes are padded to stride entries (−1 on padding).
func flatIndex(c, hw, stride int) []int32 {
	size, _ := mle.Pow2(c * hw)
	idx := make([]int32, size)
	for u := range idx {
		idx[u] = -1
		if u < c*hw {
			idx[u] = int32(u/hw*stride + u%hw)
		}
	}
	return idx
}

// flatTable lays the block-layout table x out flat (zero-padded).
func flatTable(x []int64, c, hw, stride int) []int64 {
	size, _ := mle.Pow2(c * hw)
	out := make([]int64, size)
	for ch := 0; ch < c; ch++ {
		copy(out[ch*hw:(ch+1)*hw], x[ch*stride:ch*stride+hw])
	}
	return out
}

// proveFlatten commits the flat table (absorbed into tr) and reduces its
// value at a random r to the block table's, both claims deferred into bp.
// The identity flat(u) = block(idx(u)), over the flat cube, is checked at r.
//
// Under pcs.Params{Hiding, Vanishing} (zero knowledge) AtR is f̂lat(r) =
// f̃lat(r) + Z(r)·s̃(r_col) (s: the flat commitment's vanishing row, r_col
// its column coordinates), uniform; the gather's claim then carries the
// tail Z(r)·s̃(r_col) (sumcheck.Tail), the block is a masked factor (final
// b̂lock(ρ), uniform), and the tail's final s̃ at the gather's point is a
// mask claim on the flat commitment (a fresh form of s). Soundness: the
// gather's sumcheck of degree 4 (eq-free: S_r·b̂lock, 1 + 3 in the last
// round; the tail 2): 4·n/|F| for n block variables, plus the claims'
// pcs error; without Vanishing the protocol is unchanged (degree 2:
// 2n/|F|).
func (m *Model) proveFlatten(tr *transcript.Transcript, params pcs.Params, block []int64, blockData *pcs.ProverData, flat []int64, bp *batch.Prover) (*FlattenProof, *pcs.ProverData, error) {
	ft := mle.FromInt64(flat)
	fData, err := pcs.Commit(params, ft)
	if err != nil {
		return nil, nil, err
	}
	p := &FlattenProof{X: fData.Commitment()}
	p.X.Absorb(tr, "cnn/flat")
	r := tr.Challenges("cnn/flat-r", p.X.NumVars)
	p.AtR = fData.MaskedEval(r) // f̃lat(r) without a vanishing mask
	tr.AppendElements("cnn/flat(r)", p.AtR)
	var rho []fr.Element
	if cf := maskedVars(params, p.X); cf < 0 || maskedVars(params, blockData.Commitment()) < 0 {
		if p.Gather, rho, err = conv.ProveGatherZK(tr, m.flatIdx, r, p.AtR, mle.FromInt64(block), params.Hiding); err != nil {
			return nil, nil, err
		}
	} else {
		sel, err := selector(m.flatIdx, r, blockData.Commitment().NumVars)
		if err != nil {
			return nil, nil, err
		}
		in := sumcheck.Instance{
			Tables: []mle.Table{sel, mle.FromInt64(block)},
			Masks:  [][]fr.Element{nil, blockData.MaskRow()},
			Terms:  []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}},
			Tail:   &sumcheck.Tail{Coef: pcs.Vanishing(r), Point: r[len(r)-cf:], S: fData.MaskRow()},
		}
		if fakeFlattenTail {
			fakeTail(in.Tail, p.AtR, mle.Inner(sel, mle.FromInt64(block)))
		}
		if p.Gather, rho, err = sumcheck.ProveSum(tr, p.AtR, in, params.Hiding); err != nil {
			return nil, nil, err
		}
		if !fakeFlattenTail {
			if err := bp.ClaimMask(fData, tailAt(in.Tail.Point, rho), *p.Gather.Tail); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, o := range []struct {
		d *pcs.ProverData
		x []fr.Element
	}{{fData, r}, {blockData, rho}} {
		if openHook != nil {
			openHook(o.d, o.x)
		}
		if _, err := bp.Open(tr, o.d, o.x); err != nil {
			return nil, nil, err
		}
	}
	return p, fData, nil
}

// verifyFlatten checks a FlattenProof against the block's commitment and
// returns the flat table's.
func (m *Model) verifyFlatten(tr *transcript.Transcript, params pcs.Params, block pcs.Commitment, p *FlattenProof, bv *batch.Verifier) (pcs.Commitment, error) {
	if p == nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: no proof of the flat layout")
	}
	if 1<<p.X.NumVars != len(m.flatIdx) {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: flat table committed over %d variables, want %d entries", p.X.NumVars, len(m.flatIdx))
	}
	p.X.Absorb(tr, "cnn/flat")
	r := tr.Challenges("cnn/flat-r", p.X.NumVars)
	tr.AppendElements("cnn/flat(r)", p.AtR)
	var rho []fr.Element
	var bv0 fr.Element
	var err error
	if cf, cb := maskedVars(params, p.X), maskedVars(params, block); cf < 0 || cb < 0 {
		if rho, bv0, err = conv.VerifyGather(tr, m.flatIdx, r, p.AtR, block.NumVars, p.Gather); err != nil {
			return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
		}
	} else {
		tail := &sumcheck.Tail{Coef: pcs.Vanishing(r), Point: r[len(r)-cf:]}
		sh := sumcheck.Shape{Tables: 2, Masked: []int{-1, cb}, Terms: []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}}, Tail: tail}
		var fin []fr.Element
		var tv fr.Element
		if rho, fin, tv, err = sumcheck.VerifySum(tr, p.AtR, block.NumVars, sh, p.Gather); err != nil {
			return pcs.Commitment{}, fmt.Errorf("cnn: flatten: gather: %v", err)
		}
		sel, err := selector(m.flatIdx, r, block.NumVars)
		if err != nil {
			return pcs.Commitment{}, err
		}
		if sv, _ := sel.Eval(rho); !sv.Equal(&fin[0]) {
			return pcs.Commitment{}, fmt.Errorf("cnn: flatten: the gather's index factor differs from the public map's")
		}
		bv0 = fin[1]
		if err := bv.CheckMask(p.X, tailAt(tail.Point, rho), tv); err != nil {
			return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
		}
	}
	if err := bv.Check(tr, params, p.X, r, p.AtR, pcs.Opening{}); err != nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
	}
	if err := bv.Check(tr, params, block, rho, bv0, pcs.Opening{}); err != nil {
		return pcs.Commitment{}, fmt.Errorf("cnn: flatten: %v", err)
	}
	return p.X, nil
}

// selector returns S_r over the block's 2^vars entries: eq(r, u) summed
// into idx(u) (package conv's gather reduction).
func selector(idx []int32, r []fr.Element, vars int) (mle.Table, error) {
	eq := mle.EqTable(r)
	if len(idx) != len(eq) {
		return nil, fmt.Errorf("cnn: flatten: index map of %d entries for a point of %d coordinates", len(idx), len(r))
	}
	s := make(mle.Table, 1<<vars)
	for u, q := range idx {
		if q < 0 {
			continue
		}
		if int(q) >= len(s) {
			return nil, fmt.Errorf("cnn: flatten: index map sends %d to %d, outside the block's %d entries", u, q, len(s))
		}
		s[q].Add(&s[q], &eq[u])
	}
	return s, nil
}

// tailAt returns the point of a tail's final (package sumcheck, tail.go):
// the sumcheck's last c coordinates, or Point's first c − n then all n.
func tailAt(point, rho []fr.Element) []fr.Element {
	c, n := len(point), len(rho)
	if c <= n {
		return append([]fr.Element(nil), rho[n-c:]...)
	}
	return append(append([]fr.Element(nil), point[:c-n]...), rho...)
}

// openHook, set only by the zero-knowledge tests, sees every table the
// flatten and Add+Relu steps open and the point.
var openHook func(d *pcs.ProverData, point []fr.Element)

// fakeFlattenTail, set only by the soundness tests, makes the flatten's
// tail use another mask row s' chosen so that the gather holds for a flat
// table other than the block's (s̃'(r_col) = (AtR − Σ S_r·block)/Z(r)):
// every sumcheck and value claim holds, only the tail's mask claim on the
// flat commitment (which the prover then leaves out) is false.
var fakeFlattenTail bool

// fakeTail changes t.S at entry 0 so that Coef·s̃(Point) = claim − sum.
func fakeTail(t *sumcheck.Tail, claim, sum fr.Element) {
	s := append([]fr.Element(nil), t.S...)
	eq := mle.EqTable(t.Point)
	var want, d fr.Element
	want.Sub(&claim, &sum)
	d.Inverse(&t.Coef)
	want.Mul(&want, &d)
	have := mle.Inner(eq, s)
	want.Sub(&want, &have)
	d.Inverse(&eq[0])
	s[0].Add(&s[0], d.Mul(&d, &want))
	t.S = s
}
