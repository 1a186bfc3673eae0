package conv

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Shape is a 2-D convolution of one C×H×W image by O filters of C×KH×KW,
// with a square stride and zero padding on every side.
type Shape struct {
	C, H, W, O, KH, KW, Stride, Pad int
}

// Out returns the output's height and width.
func (s Shape) Out() (int, int) {
	return (s.H+2*s.Pad-s.KH)/s.Stride + 1, (s.W+2*s.Pad-s.KW)/s.Stride + 1
}

// Tensor layout: a C×H×W tensor is the table of 2^⌈log C⌉ channels of
// 2^⌈log H·W⌉ entries each, row-major inside a channel, zero on padding — the
// layout a convolution's output has, so convolutions chain. A table has at
// least MinTable entries: a tensor of fewer (C·H·W ≤ 2) gets longer planes.
func tableSize(c, hw int) (size, stride int) {
	cp, _ := mle.Pow2(c)
	stride, _ = mle.Pow2(max(hw, (MinTable+cp-1)/cp))
	return cp * stride, stride
}

// TableSize returns the table size of a tensor of c channels of hw entries
// and its per-channel stride: the layout of every tensor of a CNN (package
// cnn), a convolution's X and Y and a max pool's.
func TableSize(c, hw int) (size, stride int) { return tableSize(c, hw) }

// MinTable is the least size of a tensor's table (three variables; issue
// 22). Under vanishing masks a table hides at most as many claims as its
// vanishing row has entries: a table of one entry has no mask (Z ≡ 0), a
// convolution's output of ≤ 2 values revealed its accumulator, a pool's
// output of ≤ 2 its window differences (maxpool's fresh mask R takes its
// c from the output's variables; a one-entry pool output failed the
// batch), and an input of 4 entries receives 5 claims (the input range's,
// the convolution's gather's, the batch's), which the batch refuses.
// Longer planes are zero padding, proven as every plane's padding: a
// convolution's accumulators there are its bias term's (Σ over the real
// positions only) and its patches' (−1 in the index map), so 0; a pool's
// windows there gather only 0.
const MinTable = 8

// MinPatch is the least padded size of the patch cube κ (C·KH·KW entries;
// two variables; issue 22). Under vanishing masks the patch table B(κ) is
// masked by Y's vanishing row over c_B = min(c_y, kv) variables, and B̂(r_k)
// is uniform only when c_B ≥ 2 (zk.go): a 1×1 kernel on one or two
// channels had kv ≤ 1. Padding κ with zero columns of Wmat (and patches
// the index map leaves at −1, zero) changes no accumulator: the matmul
// sumcheck's extra terms are 0·P, and soundness is the padded product's.
const MinPatch = 4

// Layer is a convolution with public weights (O×C×KH×KW, ONNX order) and
// bias (O, or nil), hashed once.
type Layer struct {
	Shape
	Weights []int64 // O×C×KH×KW
	Bias    []int64 // O, or nil
	idx     []int32 // the im2col index map over the patches' table
	kv, pv  int     // variables of the patch row (κ) and column (p) indices
	digest  [32]byte
	com     *matmul.WeightCom // committed weights (committed.go); nil: public
}

// NewLayer checks the shape and weights and builds the index map.
func NewLayer(s Shape, w, b []int64) (*Layer, error) {
	if s.C < 1 || s.H < 1 || s.W < 1 || s.O < 1 || s.KH < 1 || s.KW < 1 || s.Stride < 1 || s.Pad < 0 {
		return nil, fmt.Errorf("conv: shape %+v", s)
	}
	oh, ow := s.Out()
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("conv: %dx%d kernel larger than the padded %dx%d input", s.KH, s.KW, s.H+2*s.Pad, s.W+2*s.Pad)
	}
	kc := s.C * s.KH * s.KW
	if len(w) != s.O*kc {
		return nil, fmt.Errorf("conv: %d weights, want %d×%d×%d×%d", len(w), s.O, s.C, s.KH, s.KW)
	}
	if b != nil && len(b) != s.O {
		return nil, fmt.Errorf("conv: %d biases, want %d", len(b), s.O)
	}
	l := &Layer{Shape: s, Weights: w, Bias: b}
	kp, kv := mle.Pow2(max(kc, MinPatch))
	_, ys := tableSize(s.O, oh*ow)
	pp, pv := mle.Pow2(ys)
	l.kv, l.pv = kv, pv
	_, xStride := tableSize(s.C, s.H*s.W)
	l.idx = make([]int32, kp*pp)
	for i := range l.idx {
		l.idx[i] = -1
	}
	for c := 0; c < s.C; c++ {
		for i := 0; i < s.KH; i++ {
			for j := 0; j < s.KW; j++ {
				k := (c*s.KH+i)*s.KW + j
				for y := 0; y < oh; y++ {
					for x := 0; x < ow; x++ {
						h, v := y*s.Stride+i-s.Pad, x*s.Stride+j-s.Pad
						if h >= 0 && h < s.H && v >= 0 && v < s.W {
							l.idx[k*pp+y*ow+x] = int32(c*xStride + h*s.W + v)
						}
					}
				}
			}
		}
	}
	hs := sha256.New()
	for _, v := range []int{s.C, s.H, s.W, s.O, s.KH, s.KW, s.Stride, s.Pad, len(b)} {
		binary.Write(hs, binary.BigEndian, int64(v))
	}
	binary.Write(hs, binary.BigEndian, w)
	binary.Write(hs, binary.BigEndian, b)
	hs.Sum(l.digest[:0])
	return l, nil
}

// Tables returns the sizes of X's and Y's tables.
func (l *Layer) Tables() (xSize, ySize int) {
	oh, ow := l.Out()
	xSize, _ = tableSize(l.C, l.H*l.W)
	ySize, _ = tableSize(l.O, oh*ow)
	return
}

// Run returns Y's table (accumulators, no rescale) for X's table, in int64,
// or an error when an accumulator leaves ±2^62. Each product must fit an
// int64, as compile's bounds (quant.MaxBound) guarantee for real models.
func (l *Layer) Run(x []int64) ([]int64, error) {
	xSize, ySize := l.Tables()
	if len(x) != xSize {
		return nil, fmt.Errorf("conv: X table of %d entries, want %d", len(x), xSize)
	}
	oh, ow := l.Out()
	pp := 1 << l.pv
	kc := l.C * l.KH * l.KW
	y := make([]int64, ySize)
	for o := 0; o < l.O; o++ {
		for p := 0; p < oh*ow; p++ {
			var s int64
			if l.Bias != nil {
				s = l.Bias[o]
			}
			for k := 0; k < kc; k++ {
				if q := l.idx[k*pp+p]; q >= 0 {
					s += l.Weights[o*kc+k] * x[q]
				}
			}
			if s > 1<<62 || s < -(1<<62) {
				return nil, fmt.Errorf("conv: accumulator (%d, %d) exceeds 2^62", o, p)
			}
			y[o*pp+p] = s
		}
	}
	return y, nil
}

// Proof is a convolution step between committed X and committed Y.
type Proof struct {
	Y        pcs.Commitment
	YAtR     fr.Element
	BAtR     fr.Element     // b̃(r_o) when the bias is committed (committed.go); zero otherwise
	Matmul   sumcheck.Proof // over κ: Wmat̃(r_o, κ)·P̃(κ, r_p)
	Gather   sumcheck.Proof // over X: S̃(q)·X̃(q)
	X, YOpen pcs.Opening
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 48 + 64 + p.X.Size() + p.YOpen.Size()
	for _, s := range []*sumcheck.Proof{&p.Matmul, &p.Gather} {
		n += s.Size()
	}
	return n
}

func (l *Layer) start(tr *transcript.Transcript, y pcs.Commitment) ([]fr.Element, []fr.Element) {
	tr.AppendBytes("conv/layer", l.digest[:])
	y.Absorb(tr, "conv/Y")
	_, ov := mle.Pow2(l.O)
	return tr.Challenges("conv/r_o", ov), tr.Challenges("conv/r_p", l.pv)
}

// claim returns Ỹ(r) minus the bias's part (Σ_o eq(r_o)_o·b_o)·(Σ_{p<P} eq(r_p)_p).
func (l *Layer) claim(yAtR fr.Element, eqO, eqP []fr.Element) fr.Element {
	if l.Bias == nil {
		return yAtR
	}
	oh, ow := l.Out()
	var bo, sp, t fr.Element
	for o := 0; o < l.O; o++ {
		t.SetInt64(l.Bias[o])
		t.Mul(&t, &eqO[o])
		bo.Add(&bo, &t)
	}
	for p := 0; p < oh*ow; p++ {
		sp.Add(&sp, &eqP[p])
	}
	bo.Mul(&bo, &sp)
	var c fr.Element
	return *c.Sub(&yAtR, &bo)
}

// foldW returns Wmat̃(r_o, κ) over κ: Σ_o eq(r_o)_o·W[o][κ].
func (l *Layer) foldW(eqO []fr.Element) mle.Table {
	kc := l.C * l.KH * l.KW
	t := make(mle.Table, 1<<l.kv)
	var w fr.Element
	for o := 0; o < l.O; o++ {
		for k := 0; k < kc; k++ {
			w.SetInt64(l.Weights[o*kc+k])
			w.Mul(&w, &eqO[o])
			t[k].Add(&t[k], &w)
		}
	}
	return t
}

// ProveStep proves Y = conv(X) + b for the X committed in xData (absorbed
// into tr by the caller) with table x, and commits to the output table y
// (from [Layer.Run]); a wrong y yields a proof VerifyStep rejects.
func (l *Layer) ProveStep(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x, y mle.Table) (Proof, *pcs.ProverData, error) {
	return l.proveStep(tr, params, xData, x, y, nil, cheats{})
}

// ProveStepBatched is ProveStep with the openings deferred into b (package
// batch): the proof's openings are empty.
func (l *Layer) ProveStepBatched(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x, y mle.Table, bp *batch.Prover) (Proof, *pcs.ProverData, error) {
	return l.proveStep(tr, params, xData, x, y, bp, cheats{})
}

// cheats are the soundness tests' cheating prover: run the reductions on
// another X or other weights, or commit another Y than the one the claims
// are computed from.
type cheats struct {
	usedX      mle.Table
	usedW      []int64
	committedY mle.Table
}

func (l *Layer) proveStep(tr *transcript.Transcript, params pcs.Params, xData *pcs.ProverData, x, y mle.Table, bp *batch.Prover, ch cheats) (Proof, *pcs.ProverData, error) {
	xSize, ySize := l.Tables()
	if len(x) != xSize || 1<<xData.Commitment().NumVars != xSize || len(y) != ySize {
		return Proof{}, nil, fmt.Errorf("conv: tables of %d and %d entries, want %d and %d", len(x), len(y), xSize, ySize)
	}
	committed := y
	if ch.committedY != nil {
		committed = ch.committedY
	}
	yData, err := pcs.Commit(params, committed)
	if err != nil {
		return Proof{}, nil, err
	}
	if ch.usedX != nil {
		x = ch.usedX
	}
	wl := l
	if ch.usedW != nil {
		c := *l
		c.Weights = ch.usedW
		wl = &c
	}
	proof := Proof{Y: yData.Commitment()}
	if vanishing(params) {
		if err := l.proveVanishing(tr, params, xData, yData, x, wl, &proof, bp); err != nil {
			return Proof{}, nil, err
		}
		return proof, yData, nil
	}
	ro, rp := l.start(tr, proof.Y)
	yPoint := append(append([]fr.Element(nil), ro...), rp...)
	proof.YAtR, _ = y.Eval(yPoint)
	tr.AppendElements("conv/Y(r)", proof.YAtR)
	eqO, eqP := mle.EqTable(ro), mle.EqTable(rp)
	b := l.patches(x, eqP)
	claim, err := l.proveClaim(tr, proof.YAtR, ro, eqO, eqP, &proof.BAtR, bp)
	if err != nil {
		return Proof{}, nil, err
	}
	var rk []fr.Element
	if proof.Matmul, rk, _, err = sumcheck.ProveZK(tr, claim, []mle.Table{wl.foldW(eqO), b}, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	if err := l.proveW(ro, rk, proof.Matmul.Finals[0], bp); err != nil {
		return Proof{}, nil, err
	}
	patch := append(append([]fr.Element(nil), rk...), rp...)
	var rho []fr.Element
	if proof.Gather, rho, err = proveGather(tr, l.idx, patch, proof.Matmul.Finals[1], x, params.Hiding); err != nil {
		return Proof{}, nil, err
	}
	if proof.X, err = bp.Open(tr, xData, rho); err != nil {
		return Proof{}, nil, err
	}
	if proof.YOpen, err = bp.Open(tr, yData, yPoint); err != nil {
		return Proof{}, nil, err
	}
	return proof, yData, nil
}

// patches returns B(κ) = P̃(κ, r_p) = Σ_p eq(r_p)_p·X[idx(κ, p)].
func (l *Layer) patches(x mle.Table, eqP []fr.Element) mle.Table {
	pp := 1 << l.pv
	b := make(mle.Table, 1<<l.kv)
	var t fr.Element
	for k := range b {
		for p := 0; p < pp; p++ {
			if q := l.idx[k*pp+p]; q >= 0 {
				t.Mul(&eqP[p], &x[q])
				b[k].Add(&b[k], &t)
			}
		}
	}
	return b
}

// VerifyStep checks a convolution step for the X committed in xCom
// (absorbed into tr as the prover's was); on success proof.Y commits to the
// accumulators.
func (l *Layer) VerifyStep(tr *transcript.Transcript, params pcs.Params, xCom pcs.Commitment, proof Proof) error {
	return l.VerifyStepBatched(tr, params, xCom, proof, nil)
}

// VerifyStepBatched is VerifyStep with the openings' claims deferred into v
// (package batch); nil checks them at once.
func (l *Layer) VerifyStepBatched(tr *transcript.Transcript, params pcs.Params, xCom pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	xSize, ySize := l.Tables()
	if 1<<xCom.NumVars != xSize || 1<<proof.Y.NumVars != ySize {
		return fmt.Errorf("conv: X and Y committed over %d and %d variables, want %d and %d entries", xCom.NumVars, proof.Y.NumVars, xSize, ySize)
	}
	if vanishing(params) {
		return l.verifyVanishing(tr, xCom, proof, bv)
	}
	ro, rp := l.start(tr, proof.Y)
	tr.AppendElements("conv/Y(r)", proof.YAtR)
	eqO, eqP := mle.EqTable(ro), mle.EqTable(rp)
	claim, err := l.verifyClaim(tr, proof.YAtR, ro, eqO, eqP, proof.BAtR, bv)
	if err != nil {
		return err
	}
	rk, finals, err := sumcheck.Verify(tr, claim, l.kv, 2, proof.Matmul)
	if err != nil {
		return fmt.Errorf("conv: %v", err)
	}
	if err := l.checkW(tr, ro, rk, eqO, finals[0], bv); err != nil {
		return err
	}
	patch := append(append([]fr.Element(nil), rk...), rp...)
	rho, xv, err := verifyGather(tr, l.idx, patch, finals[1], xCom.NumVars, proof.Gather)
	if err != nil {
		return err
	}
	if err := bv.Check(tr, params, xCom, rho, xv, proof.X); err != nil {
		return fmt.Errorf("conv: opening X: %v", err)
	}
	yPoint := append(append([]fr.Element(nil), ro...), rp...)
	if err := bv.Check(tr, params, proof.Y, yPoint, proof.YAtR, proof.YOpen); err != nil {
		return fmt.Errorf("conv: opening Y: %v", err)
	}
	return nil
}
