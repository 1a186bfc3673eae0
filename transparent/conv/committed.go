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
// b (O, padded to 2^ov, and repeated to at least MinBiasVars variables:
// biasVars) committed hiding, afresh for each proof; the step's digest
// binds the commitments; the verifier's Wmat̃(r_o, r_κ) (the matmul
// sumcheck's final value) and the stated b̃(r_o) (Proof.BAtR, absorbed
// before the claim is formed from it) are claims of the batch, which
// reduces and opens them with the rest: a weight other than the committed
// one passes with at most the batch's error.

// MinBiasVars is the least number of variables of a committed bias table.
// A bias of O ≤ 2 channels has ov ≤ 1: a table of ≤ 2 columns, whose
// vanishing mask hides at most 2 revealed forms, while a hashed model's
// bias is claimed by its step and by the packing (package weightroot),
// then opened by the batch: three. Its table is therefore b repeated
// 2^(MinBiasVars − ov) times, B[h·2^ov + o] = b[o], and the step reads the
// mean of the copies: with a stated b̃(r_o) (binding or hiding-only
// parameters) as a claim on B̃ at (½, …, ½) ‖ r_o (biasPoint), under
// vanishing masks as the bias term Σ_x biasEq(x)·B̂(x) of the step's
// sumcheck over B's variables, B̂'s final a claim at a point of B's own
// (Z there is nonzero, so the claim stays masked). For the honest table
// the mean is b; for any committed table it is a function of the table
// alone: the bias the model commitment binds.
const MinBiasVars = 2

// biasVars returns ov and the committed bias table's variables,
// max(ov, MinBiasVars).
func (l *Layer) biasVars() (ov, bv int) {
	_, ov = mle.Pow2(l.O)
	return ov, max(ov, MinBiasVars)
}

// biasPad returns the committed bias table's leading coordinates, ½ each
// (none when ov ≥ MinBiasVars).
func (l *Layer) biasPad() []fr.Element {
	ov, bv := l.biasVars()
	pad := make([]fr.Element, bv-ov)
	for i := range pad {
		pad[i].SetUint64(2)
		pad[i].Inverse(&pad[i])
	}
	return pad
}

// biasEq returns the bias term's eq factor under vanishing masks (zk.go):
// eq(r_o, ·) (eqO) over the committed bias table's variables, repeated
// over the leading ones and scaled by 2^(ov − bv), so that
// Σ_x biasEq(x)·B(x) = b̃(r_o) for B's equal copies of b. With eqO nil it
// returns the scale alone (one entry): the factor's MLE at (ρ_pad, ρ_o) is
// the scale times eq(r_o, ρ_o).
func (l *Layer) biasEq(eqO []fr.Element) mle.Table {
	ov, bv := l.biasVars()
	var scale fr.Element
	scale.SetUint64(1 << (bv - ov))
	scale.Inverse(&scale)
	if eqO == nil {
		return mle.Table{scale}
	}
	out := make(mle.Table, len(eqO)<<(bv-ov))
	for i := range out {
		out[i].Mul(&eqO[i&(len(eqO)-1)], &scale)
	}
	return out
}

// biasPoint is the point of the committed bias table that stands for b̃'s
// point r (biasPad ‖ r).
func (l *Layer) biasPoint(r []fr.Element) []fr.Element {
	return append(l.biasPad(), r...)
}

// WeightTables returns the tables Commit commits: Wmat's padded
// 2^ov × 2^kv table (row o, patch entry k) and, when l has a bias, b's
// table of 2^max(ov, MinBiasVars) entries (nil otherwise), zero on
// padding, repeated (MinBiasVars). The model commitment (package
// weightroot) packs exactly these.
func (l *Layer) WeightTables() (w, b mle.Table) {
	op, _ := mle.Pow2(l.O)
	kc := l.C * l.KH * l.KW
	w = make(mle.Table, op<<l.kv)
	for o := 0; o < l.O; o++ {
		for k := 0; k < kc; k++ {
			w[o<<l.kv+k].SetInt64(l.Weights[o*kc+k])
		}
	}
	return w, l.biasTable()
}

// biasTable returns the committed bias table of l.Bias (nil without a
// bias): b padded to 2^ov and repeated to 2^bv entries (MinBiasVars).
func (l *Layer) biasTable() mle.Table {
	if l.Bias == nil {
		return nil
	}
	ov, bv := l.biasVars()
	b := make(mle.Table, 1<<bv)
	for h := 0; h < 1<<(bv-ov); h++ {
		for o, v := range l.Bias {
			b[h<<ov+o].SetInt64(v)
		}
	}
	return b
}

// Commit returns a copy of l whose weights and bias are committed with the
// hiding params and fresh randomness (matmul.CommitWeights): every call
// gives other commitments. The copy keeps the weights for the prover; its
// data serves one proof.
func (l *Layer) Commit(params pcs.Params) (*Layer, error) {
	if !params.Hiding {
		return nil, fmt.Errorf("conv: committed weights need hiding commitments (pcs.Params.Hiding)")
	}
	w, b := l.WeightTables()
	c, err := matmul.CommitWeights(params, w, b)
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
	ov, bv := l.biasVars()
	if w.NumVars != ov+l.kv || w.RowVars > w.NumVars {
		return nil, fmt.Errorf("conv: weights committed over %d variables, want %d", w.NumVars, ov+l.kv)
	}
	if hasBias && (b.NumVars != bv || b.RowVars > b.NumVars) {
		return nil, fmt.Errorf("conv: bias committed over %d variables, want %d", b.NumVars, bv)
	}
	if !hasBias && b != (pcs.Commitment{}) {
		return nil, fmt.Errorf("conv: a bias commitment for a layer without bias")
	}
	l.Weights, l.Bias = nil, nil
	l.com = &matmul.WeightCom{W: w, B: b}
	l.digest = committedDigest(s, hasBias, l.com)
	return l, nil
}

// WeightData returns the prover's data of the committed W and b (b's nil
// without a bias; both nil for public weights or a verifier's layer).
func (l *Layer) WeightData() (w, b *pcs.ProverData) { return l.com.Data() }

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
	d := matmul.CommitmentsDigest([]pcs.Commitment{c.W, c.B})
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
	if err := bp.Claim(l.com.BData, l.biasPoint(ro), *bAtR); err != nil {
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
	if err := bv.Check(tr, pcs.Params{}, l.com.B, l.biasPoint(ro), bAtR, pcs.Opening{}); err != nil {
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
