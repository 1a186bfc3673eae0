package conv

import (
	"crypto/sha256"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Committed weights (docs/TRANSPARENT.md, "Secret weights"), as for dense
// layers (matmul/committed.go): Wmat (O×C·KH·KW, padded to 2^ov × 2^kv) and
// b (O, padded to 2^ov) committed hiding from a seed; the step's digest
// binds the commitments; the verifier's Wmat̃(r_o, r_κ) (the matmul
// sumcheck's final value) and the stated b̃(r_o) (Proof.BAtR, absorbed
// before the claim is formed from it) are claims of the batch, which
// reduces and opens them with the rest: a weight other than the committed
// one passes with at most the batch's error.

// Commit returns a copy of l whose weights and bias are committed with the
// hiding params from seed (pcs.CommitSeeded): the same layer, params and
// seed give the same commitments. The copy keeps the weights for the
// prover; its data serves one proof.
func (l *Layer) Commit(params pcs.Params, seed [32]byte) (*Layer, error) {
	if !params.Hiding {
		return nil, fmt.Errorf("conv: committed weights need hiding commitments (pcs.Params.Hiding)")
	}
	op, ov := mle.Pow2(l.O)
	kc := l.C * l.KH * l.KW
	w := make(mle.Table, op<<l.kv)
	for o := 0; o < l.O; o++ {
		for k := 0; k < kc; k++ {
			w[o<<l.kv+k].SetInt64(l.Weights[o*kc+k])
		}
	}
	var b mle.Table
	if l.Bias != nil {
		b = make(mle.Table, op)
		for o, v := range l.Bias {
			b[o].SetInt64(v)
		}
	}
	c, err := matmul.CommitWeights(params, "zkinfer/conv/weights/", seed, w, ov+l.kv, b, ov)
	if err != nil {
		return nil, err
	}
	out := *l
	out.com = c
	out.digest = committedDigest(l.Shape, l.Bias != nil, c)
	return &out, nil
}

// NewCommittedLayer is the verifier's convolution of shape s whose weights
// are committed in w and, when hasBias, its bias in b: no weights, only
// their commitments, whose shapes are checked here.
func NewCommittedLayer(s Shape, hasBias bool, w, b pcs.Commitment) (*Layer, error) {
	var bias []int64
	if hasBias {
		bias = make([]int64, s.O)
	}
	l, err := NewLayer(s, make([]int64, s.O*s.C*s.KH*s.KW), bias)
	if err != nil {
		return nil, err
	}
	_, ov := mle.Pow2(s.O)
	if w.NumVars != ov+l.kv || w.RowVars > w.NumVars {
		return nil, fmt.Errorf("conv: weights committed over %d variables, want %d", w.NumVars, ov+l.kv)
	}
	if hasBias && (b.NumVars != ov || b.RowVars > b.NumVars) {
		return nil, fmt.Errorf("conv: bias committed over %d variables, want %d", b.NumVars, ov)
	}
	if !hasBias && b != (pcs.Commitment{}) {
		return nil, fmt.Errorf("conv: a bias commitment for a layer without bias")
	}
	l.Weights, l.Bias = nil, nil
	l.com = &matmul.WeightCom{W: w, B: b}
	l.digest = committedDigest(s, hasBias, l.com)
	return l, nil
}

// Committed reports whether the layer's weights are committed, and returns
// the commitments (b's is the zero Commitment without a bias).
func (l *Layer) Committed() (w, b pcs.Commitment, ok bool) {
	return l.com.Commitments()
}

// HasBias reports whether the layer adds a bias (public or committed).
func (l *Layer) HasBias() bool {
	if l.com != nil {
		return l.com.HasBias()
	}
	return l.Bias != nil
}

// committedDigest is SHA-256("zkinfer/conv/committed" ‖ the shape ‖ bias?
// ‖ the commitments' model digest): never a public layer's digest.
func committedDigest(s Shape, hasBias bool, c *matmul.WeightCom) [32]byte {
	h := sha256.New()
	h.Write([]byte("zkinfer/conv/committed"))
	fmt.Fprintf(h, "%d %d %d %d %d %d %d %d %t/", s.C, s.H, s.W, s.O, s.KH, s.KW, s.Stride, s.Pad, hasBias)
	d := matmul.ModelCommitment([]pcs.Commitment{c.W, c.B})
	h.Write(d[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// patchSum is Σ_{p<P} eq(r_p)_p, the bias's factor.
func (l *Layer) patchSum(eqP []fr.Element) fr.Element {
	oh, ow := l.Out()
	var sp fr.Element
	for p := 0; p < oh*ow; p++ {
		sp.Add(&sp, &eqP[p])
	}
	return sp
}

// proveClaim returns the matmul sumcheck's claim Ỹ(r) − bias part: the
// public bias's computed, a committed one's stated in *bAtR, absorbed and
// claimed into bp.
func (l *Layer) proveClaim(tr *transcript.Transcript, yAtR fr.Element, ro, eqO, eqP []fr.Element, bAtR *fr.Element, bp *batch.Prover) (fr.Element, error) {
	if l.com == nil {
		return l.claim(yAtR, eqO, eqP), nil
	}
	if bp == nil {
		return fr.Element{}, fmt.Errorf("conv: committed weights are opened through a batch: prove with a batch.Prover")
	}
	if l.com.BData == nil {
		return yAtR, nil
	}
	for o, v := range l.Bias {
		var t fr.Element
		t.SetInt64(v)
		t.Mul(&t, &eqO[o])
		bAtR.Add(bAtR, &t)
	}
	tr.AppendElements("conv/b(r)", *bAtR)
	if err := bp.Claim(l.com.BData, ro, *bAtR); err != nil {
		return fr.Element{}, err
	}
	sp := l.patchSum(eqP)
	sp.Mul(&sp, bAtR)
	var c fr.Element
	return *c.Sub(&yAtR, &sp), nil
}

// verifyClaim is proveClaim's side of the verifier; bAtR must be zero
// unless the bias is committed.
func (l *Layer) verifyClaim(tr *transcript.Transcript, yAtR fr.Element, ro, eqO, eqP []fr.Element, bAtR fr.Element, bv *batch.Verifier) (fr.Element, error) {
	if l.com != nil && bv == nil {
		return fr.Element{}, fmt.Errorf("conv: committed weights are opened through a batch: verify with a batch.Verifier")
	}
	if l.com == nil || l.com.B == (pcs.Commitment{}) {
		if !bAtR.IsZero() {
			return fr.Element{}, fmt.Errorf("conv: a stated bias value for a layer whose bias is not committed")
		}
		if l.com == nil {
			return l.claim(yAtR, eqO, eqP), nil
		}
		return yAtR, nil
	}
	tr.AppendElements("conv/b(r)", bAtR)
	if err := bv.Check(tr, pcs.Params{}, l.com.B, ro, bAtR, pcs.Opening{}); err != nil {
		return fr.Element{}, err
	}
	sp := l.patchSum(eqP)
	sp.Mul(&sp, &bAtR)
	var c fr.Element
	return *c.Sub(&yAtR, &sp), nil
}

// proveW claims Wmat̃(r_o, r_κ) = wAtR (the sumcheck's final value) on a
// committed layer's weights; nothing for public ones.
func (l *Layer) proveW(ro, rk []fr.Element, wAtR fr.Element, bp *batch.Prover) error {
	return l.com.ClaimW(ro, rk, wAtR, bp)
}

// checkW checks Wmat̃(r_o, r_κ) = wAtR from the public weights, or as a
// claim on their commitment deferred into bv.
func (l *Layer) checkW(tr *transcript.Transcript, ro, rk, eqO []fr.Element, wAtR fr.Element, bv *batch.Verifier) error {
	if l.com == nil {
		if w, _ := l.foldW(eqO).Eval(rk); !w.Equal(&wAtR) {
			return fmt.Errorf("conv: the sumcheck's claim on the weights differs from the public W")
		}
		return nil
	}
	return l.com.CheckW(tr, ro, rk, wAtR, bv)
}
