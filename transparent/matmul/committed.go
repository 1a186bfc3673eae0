package matmul

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Committed weights (docs/TRANSPARENT.md, "Secret weights"). A layer made
// by [Layer.Commit] (prover) or [NewCommittedLayer] (verifier) holds
// hiding commitments to W's padded k×n table and to b's n-entry table,
// made afresh for each proof, instead of public values. In a step its digest binds the commitments,
// not the weights; the verifier never reads W or b: the sumcheck's final
// value W̃(r_k, r_j) and the stated b̃(r_j) (StepProof.BAtR, absorbed before
// the sumcheck's claim is formed from it) become claims of the step's
// batch (package batch), which reduces every claim on a commitment to one
// point and opens it once. Soundness: that of the batch's openings in
// place of the verifier's own evaluation (docs/TRANSPARENT.md,
// "Soundness"): a W̃ or b̃ other than the committed table's passes with at
// most the batch's error.

// WeightTables returns the tables Commit commits: W's padded k×n table
// (its entries row-major, zero padding) and, when l has a bias, b's n-entry
// table (nil otherwise). The model commitment (package weightroot) packs
// exactly these.
func (l *Layer) WeightTables() (w, b mle.Table) {
	d := (&Public{Layer: l, M: 1}).dims()
	w = make(mle.Table, d.k*d.n)
	for r := 0; r < l.K; r++ {
		copy(w[r*d.n:r*d.n+l.N], l.W[r*l.N:(r+1)*l.N])
	}
	if l.B != nil {
		b = make(mle.Table, d.n)
		copy(b, l.B)
	}
	return w, b
}

// Commit returns a copy of l whose W and b (when l has one) are committed
// with the hiding params and fresh randomness (CommitWeights): every call
// gives other commitments, so that the weights stay hidden across proofs
// (docs/TRANSPARENT.md, "Secret weights"). The copy keeps W and b for the
// prover's sumcheck; its data serves one proof.
func (l *Layer) Commit(params pcs.Params) (*Layer, error) {
	if !params.Hiding {
		return nil, fmt.Errorf("matmul: committed weights need hiding commitments (pcs.Params.Hiding)")
	}
	w, b := l.WeightTables()
	c, err := CommitWeights(params, w, b)
	if err != nil {
		return nil, err
	}
	out := &Layer{K: l.K, N: l.N, W: l.W, B: l.B, com: c, dense: l.dense}
	out.digest = committedDigest(l.K, l.N, l.B != nil, c)
	return out, nil
}

// NewCommittedLayer is the verifier's layer of K×N weights committed in w
// and, when hasBias, a bias committed in b: no weights, only their
// commitments, whose shapes are checked here. Committed weights are a
// dense chain's: the layer is padded as NewDenseLayer's (K and N at least
// MinDim), the shapes its prover's Commit gives.
func NewCommittedLayer(K, N int, hasBias bool, w, b pcs.Commitment) (*Layer, error) {
	if K < 1 || N < 1 {
		return nil, fmt.Errorf("matmul: weights of shape %d×%d", K, N)
	}
	_, c := Dim(K)
	_, e := Dim(N)
	if w.NumVars != c+e || w.RowVars > w.NumVars {
		return nil, fmt.Errorf("matmul: W committed over %d variables, want %d for %d×%d", w.NumVars, c+e, K, N)
	}
	if hasBias && (b.NumVars != e || b.RowVars > b.NumVars) {
		return nil, fmt.Errorf("matmul: b committed over %d variables, want %d for %d entries", b.NumVars, e, N)
	}
	if !hasBias && b != (pcs.Commitment{}) {
		return nil, fmt.Errorf("matmul: a bias commitment for a layer without bias")
	}
	com := &WeightCom{W: w}
	if hasBias {
		com.B = b
	}
	l := &Layer{K: K, N: N, com: com, dense: true}
	l.digest = committedDigest(K, N, hasBias, com)
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
	return l.B != nil
}

// committedDigest is SHA-256("zkinfer/matmul/committed" ‖ K ‖ N ‖ bias? ‖
// W's commitment ‖ b's): never a public layer's digest (another prefix).
func committedDigest(K, N int, hasBias bool, c *WeightCom) [32]byte {
	h := sha256.New()
	h.Write([]byte("zkinfer/matmul/committed"))
	var hdr [17]byte
	binary.BigEndian.PutUint64(hdr[:], uint64(K))
	binary.BigEndian.PutUint64(hdr[8:], uint64(N))
	if hasBias {
		hdr[16] = 1
	}
	h.Write(hdr[:])
	WriteCommitments(h, c.W, c.B)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// proveBias returns the bias's part of Ỹ(r_i, r_j): computed from b for a
// public layer; for a committed one the prover states b̃(r_j) in *bAtR,
// absorbs it and defers its claim into bp.
func (pub *Public) proveBias(tr *transcript.Transcript, eqI, eqJ, rj []fr.Element, bAtR *fr.Element, bp *batch.Prover) (fr.Element, error) {
	if pub.com == nil {
		return pub.biasClaim(eqI, eqJ), nil
	}
	if bp == nil {
		return fr.Element{}, fmt.Errorf("matmul: committed weights are opened through a batch: prove with a batch.Prover")
	}
	if pub.com.BData == nil {
		return fr.Element{}, nil
	}
	*bAtR = mle.Inner(eqJ[:pub.N], pub.B)
	tr.AppendElements("matmul/b(r)", *bAtR)
	if err := bp.Claim(pub.com.BData, rj, *bAtR); err != nil {
		return fr.Element{}, err
	}
	return pub.rowsTimes(eqI, *bAtR), nil
}

// verifyBias is proveBias's check: a public layer's part computed, a
// committed one's claimed into bv. bAtR must be zero unless the bias is
// committed (one encoding per proof).
func (pub *Public) verifyBias(tr *transcript.Transcript, eqI, eqJ, rj []fr.Element, bAtR fr.Element, bv *batch.Verifier) (fr.Element, error) {
	if pub.com == nil || pub.com.B == (pcs.Commitment{}) {
		if !bAtR.IsZero() {
			return fr.Element{}, fmt.Errorf("matmul: a stated bias value for a layer whose bias is not committed")
		}
		if pub.com == nil {
			return pub.biasClaim(eqI, eqJ), nil
		}
		if bv == nil {
			return fr.Element{}, fmt.Errorf("matmul: committed weights are opened through a batch: verify with a batch.Verifier")
		}
		return fr.Element{}, nil
	}
	if bv == nil {
		return fr.Element{}, fmt.Errorf("matmul: committed weights are opened through a batch: verify with a batch.Verifier")
	}
	tr.AppendElements("matmul/b(r)", bAtR)
	if err := bv.Check(tr, pcs.Params{}, pub.com.B, rj, bAtR, pcs.Opening{}); err != nil {
		return fr.Element{}, err
	}
	return pub.rowsTimes(eqI, bAtR), nil
}

// rowsTimes returns (Σ_{i<M} eq(r_i)_i)·v: the bias's part for b̃(r_j) = v.
func (pub *Public) rowsTimes(eqI []fr.Element, v fr.Element) fr.Element {
	var rows fr.Element
	for i := 0; i < pub.M; i++ {
		rows.Add(&rows, &eqI[i])
	}
	rows.Mul(&rows, &v)
	return rows
}

// proveW defers the claim W̃(r_k, r_j) = wAtR (the sumcheck's final value)
// for a committed layer; nothing for a public one, whose verifier computes it.
func (pub *Public) proveW(rk, rj []fr.Element, wAtR fr.Element, bp *batch.Prover) error {
	return pub.com.ClaimW(rk, rj, wAtR, bp)
}

// checkW checks W̃(r_k, r_j) = wAtR: from the public W, or as a claim on
// W's commitment deferred into bv.
func (pub *Public) checkW(tr *transcript.Transcript, rk, rj, eqJ []fr.Element, k int, wAtR fr.Element, bv *batch.Verifier) error {
	if pub.com == nil {
		if w := mle.Inner(mle.EqTable(rk), pub.foldW(eqJ, k)); !w.Equal(&wAtR) {
			return fmt.Errorf("matmul: the sumcheck's claim on W̃ differs from the public W")
		}
		return nil
	}
	if bv == nil {
		return fmt.Errorf("matmul: committed weights are opened through a batch: verify with a batch.Verifier")
	}
	return pub.com.CheckW(tr, rk, rj, wAtR, bv)
}

// CommitmentsDigest is the digest of weight commitments in order:
// SHA-256("zkinfer/transparent/model-commitment" ‖ count ‖ each root ‖
// numVars ‖ rowVars) (a convolution's digest binds its two with it). Until
// wire version 8 it was the model commitment of hashed weights; that is now
// the Poseidon2 root of package weightroot.
func CommitmentsDigest(coms []pcs.Commitment) [32]byte {
	h := sha256.New()
	h.Write([]byte("zkinfer/transparent/model-commitment"))
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(coms)))
	h.Write(n[:])
	WriteCommitments(h, coms...)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
