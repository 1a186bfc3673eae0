// Package matmul proves a MatMul/Gemm layer Y = X·W + b with the sumcheck
// protocol, in the transparent setting: W (K×N) and b (N) are public, fixed
// by the model; X (M×K) is private and committed with package pcs; Y (M×N)
// is public.
//
// # Protocol (Thaler, "Time-optimal interactive proofs for circuit
// evaluation", CRYPTO 2013, §5)
//
// Dimensions are padded with zeros to powers of two m = 2^a, k = 2^c, n = 2^e
// (k and n at least MinDim for a chain's layers, NewDenseLayer), and every matrix is the multilinear extension of its row-major table. With
// Z = Y − 1·bᵀ on the M real rows (zero on padding rows),
//
//	Z̃(r_i, r_j) = Σ_{κ ∈ {0,1}^c} X̃(r_i, κ) · W̃(κ, r_j)
//
// holds for every (r_i, r_j) when Z = X·W, and for a random point fails with
// probability ≥ 1 − (a+e)/|F| when Z ≠ X·W (Schwartz–Zippel on the
// multilinear Z̃ − (XW)~). The transcript absorbs the shape, the layer's
// SHA-256 digest of W and b (computed once, [NewLayer]), a digest of Y, and
// the commitment to X; the verifier's point
// (r_i, r_j) is drawn from it; the sumcheck over κ (two factors, degree 2)
// reduces the claim to X̃(r_i, r_k) and W̃(r_k, r_j) at a random r_k. The
// verifier evaluates W̃(r_k, r_j) itself from the public W in O(K·N) and checks
// X̃(r_i, r_k) through a pcs opening of X's commitment.
//
// [ProveStep] and [VerifyStep] are the same reduction between committed
// tensors, for chains of layers: X committed before, Y committed by the step,
// and the claim Ỹ(r_i, r_j) opened through Y's commitment instead of computed
// from a public Y; the bias enters as (Σ_{i<M} eq(r_i)_i)·(Σ_j eq(r_j)_j·b_j),
// so Y's padding entries are proven zero too.
//
// # Soundness
//
// A false Y passes with probability at most (a+e)/|F| (the random point) +
// 2c/|F| (the sumcheck) + the PCS's error ε_pcs ((3/4)^t + 2^(c+a)/|F| with
// pcs.DefaultParams, ≤ 2^-100) — under 2^-99 for any layer of fewer than
// 2^64 entries, before Fiat–Shamir's factor for the prover's hash queries
// (docs/TRANSPARENT.md).
//
// # Cost
//
// The prover's reduction is linear in the tensor sizes, not in the M·K·N
// multiply-adds: m·k multiplications to fold X along r_i, k·n to fold W along
// r_j, m + n for the eq tables and 5(k − 1) for the sumcheck; the commitment
// adds the FFT of X's rows and the hashing of its columns. The verifier does
// O(M·N + K·N) for Z̃ and W̃ plus the opening's check.
package matmul

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Layer is the part of the statement the model fixes: W (K×N, row-major)
// and b (N, or nil for no bias). [NewLayer] hashes them once; the digest
// binds them into every transcript, so neither prover nor verifier rehashes
// the weights per proof.
type Layer struct {
	K, N   int
	W      []fr.Element
	B      []fr.Element
	digest [32]byte
	com    *WeightCom // committed weights (committed.go); nil: W and b public
	dense  bool       // K and N padded to at least MinDim (NewDenseLayer)
}

// NewLayer checks the shapes and computes the weights' digest,
// SHA-256(K ‖ N ‖ bias? ‖ W ‖ b) with 32-byte big-endian elements.
func NewLayer(K, N int, W, B []fr.Element) (*Layer, error) {
	if K < 1 || N < 1 {
		return nil, fmt.Errorf("matmul: weights of shape %d×%d", K, N)
	}
	if len(W) != K*N {
		return nil, fmt.Errorf("matmul: W has %d entries, want %d×%d", len(W), K, N)
	}
	if B != nil && len(B) != N {
		return nil, fmt.Errorf("matmul: b has %d entries, want %d", len(B), N)
	}
	l := &Layer{K: K, N: N, W: W, B: B}
	h := sha256.New()
	var hdr [17]byte
	binary.BigEndian.PutUint64(hdr[:], uint64(K))
	binary.BigEndian.PutUint64(hdr[8:], uint64(N))
	if B != nil {
		hdr[16] = 1
	}
	h.Write(hdr[:])
	writeElements(h, W)
	writeElements(h, B)
	h.Sum(l.digest[:0])
	return l, nil
}

// NewDenseLayer is NewLayer for a layer of a dense chain (packages mlp
// and cnn): its K and N are padded to at least MinDim, so that its tables
// hide under vanishing masks. A chain's next layer reads its padded
// output, so every layer of a chain is made with it. (The standalone
// Prove and a residual network's average pool, whose c×1 output is a
// tensor's layout, use NewLayer.)
func NewDenseLayer(K, N int, W, B []fr.Element) (*Layer, error) {
	l, err := NewLayer(K, N, W, B)
	if err != nil {
		return nil, err
	}
	l.dense = true
	return l, nil
}

func writeElements(h hash.Hash, v []fr.Element) {
	const chunk = 1024
	buf := make([]byte, 0, chunk*fr.Bytes)
	for i := range v {
		b := v[i].Bytes()
		buf = append(buf, b[:]...)
		if len(buf) == cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
}

// Public is the statement: the layer, the number of rows M of X, and the
// output Y (M×N, row-major).
type Public struct {
	*Layer
	M int
	Y []fr.Element
}

// Proof is a MatMul proof.
type Proof struct {
	X        pcs.Commitment // commitment to the private X
	Sumcheck sumcheck.Proof // Finals[0] = X̃(r_i, r_k), Finals[1] = W̃(r_k, r_j)
	Opening  pcs.Opening    // X̃ at (r_i, r_k)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p Proof) Size() int {
	return 32 + 16 + p.Sumcheck.Size() + p.Opening.Size() // commitment root and shape
}

// Stats counts the prover's work.
type Stats struct {
	Reduce int // field multiplications of the folds, eq tables and sumcheck
	Encode int // FFT butterflies of the commitment (one multiplication each)
	Open   int // field multiplications of the opening
}

// Int64s converts integers (the evaluator's fixed-point values) to field
// elements.
func Int64s(v []int64) []fr.Element {
	out := make([]fr.Element, len(v))
	for i := range v {
		out[i].SetInt64(v[i])
	}
	return out
}

func (pub *Public) check() error {
	if pub.Layer == nil {
		return fmt.Errorf("matmul: statement without a layer")
	}
	if pub.com != nil {
		return fmt.Errorf("matmul: a layer with committed weights is proven as a step (ProveStepBatched)")
	}
	if pub.M < 1 {
		return fmt.Errorf("matmul: X has %d rows", pub.M)
	}
	if len(pub.Y) != pub.M*pub.N {
		return fmt.Errorf("matmul: Y has %d entries, want %d×%d", len(pub.Y), pub.M, pub.N)
	}
	return nil
}

type dims struct{ m, a, k, c, n, e int }

func (pub *Public) dims() dims {
	var d dims
	d.m, d.a = mle.Pow2(pub.M)
	d.k, d.c = mle.Pow2(pub.K)
	d.n, d.e = mle.Pow2(pub.N)
	if pub.dense {
		d.k, d.c = Dim(pub.K)
		d.n, d.e = Dim(pub.N)
	}
	return d
}

// MinDim is the least padded size of a dense layer's K and N
// (NewDenseLayer; two variables each; issue 22). Under vanishing masks (pcs.Params.Vanishing) a table
// hides its revealed forms only with enough variables: with K = 1 the
// sumcheck over κ has no round and states the output's mask s̃_y at r
// itself, and an accumulator of ≤ 2 entries (≤ 1 variable; one entry has
// no mask at all) has a vanishing row too short for its claims. Padding K
// and N to 4 (zero rows and columns of W, zero bias entries) gives every
// step of a dense chain (x, W, b, the accumulator and its rescale) at
// least two variables. Soundness is that of the padded product: W's
// padding rows multiply x's padding columns by zero, and the accumulator's
// padding columns are proven zero (the bias claim covers them), so their
// rescaled values are 0 — the zeros a chain's next layer reads and the
// verifier lays out in the public output's table.
const MinDim = 4

// Dim returns the padded size of a K or N dimension of d entries and its
// number of variables: the next power of two, at least MinDim.
func Dim(d int) (size, vars int) {
	size, vars = mle.Pow2(max(d, MinDim))
	return size, vars
}

// start absorbs the statement and the commitment and draws (r_i, r_j).
func (pub *Public) start(com pcs.Commitment) (*transcript.Transcript, []fr.Element, []fr.Element) {
	tr := transcript.New("zkinfer/transparent/matmul")
	tr.AppendUint64("M", uint64(pub.M))
	tr.AppendUint64("K", uint64(pub.K))
	tr.AppendUint64("N", uint64(pub.N))
	tr.AppendBytes("layer", pub.digest[:])
	h := sha256.New()
	writeElements(h, pub.Y)
	tr.AppendBytes("Y", h.Sum(nil))
	com.Absorb(tr, "X")
	d := pub.dims()
	return tr, tr.Challenges("r_i", d.a), tr.Challenges("r_j", d.e)
}

// xTable pads X (M×K) to the m×k table.
func xTable(x []fr.Element, M, K int, d dims) mle.Table {
	t := make(mle.Table, d.m*d.k)
	for i := 0; i < M; i++ {
		copy(t[i*d.k:i*d.k+K], x[i*K:(i+1)*K])
	}
	return t
}

// claim returns Z̃(r_i, r_j) for Z = Y − 1·bᵀ on the real rows, in
// M·N + m + n multiplications.
func (pub *Public) claim(ri, rj []fr.Element) fr.Element {
	eqI, eqJ := mle.EqTable(ri), mle.EqTable(rj)
	var s, row, z fr.Element
	for i := 0; i < pub.M; i++ {
		row.SetZero()
		for j := 0; j < pub.N; j++ {
			z = pub.Y[i*pub.N+j]
			if pub.B != nil {
				z.Sub(&z, &pub.B[j])
			}
			z.Mul(&z, &eqJ[j])
			row.Add(&row, &z)
		}
		row.Mul(&row, &eqI[i])
		s.Add(&s, &row)
	}
	return s
}

// foldW returns the table over κ of W̃(κ, r_j) = Σ_j W[κ][j]·eq(r_j)_j, padded
// to k entries: K·N multiplications.
func (pub *Public) foldW(eqJ []fr.Element, k int) mle.Table {
	t := make(mle.Table, k)
	var p fr.Element
	for r := 0; r < pub.K; r++ {
		row := pub.W[r*pub.N : (r+1)*pub.N]
		for j := range row {
			p.Mul(&row[j], &eqJ[j])
			t[r].Add(&t[r], &p)
		}
	}
	return t
}

// Prove proves pub.Y = X·pub.W + pub.B for the private X (M×K, row-major).
// It does not check the statement: a false one yields a proof that Verify
// rejects.
func Prove(params pcs.Params, pub Public, x []fr.Element) (Proof, Stats, error) {
	return prove(params, pub, x, x, nil)
}

// prove commits to committed and runs the reduction on used and, when usedW
// is not nil, on usedW in place of pub.W: the soundness tests play with them
// a prover whose sumcheck is not about the committed X or the public W.
func prove(params pcs.Params, pub Public, committed, used, usedW []fr.Element) (Proof, Stats, error) {
	if err := pub.check(); err != nil {
		return Proof{}, Stats{}, err
	}
	if len(committed) != pub.M*pub.K || len(used) != pub.M*pub.K {
		return Proof{}, Stats{}, fmt.Errorf("matmul: X has %d entries, want %d×%d", len(committed), pub.M, pub.K)
	}
	d := pub.dims()
	var st Stats
	xt := xTable(committed, pub.M, pub.K, d)
	pd, err := pcs.Commit(params, xt)
	if err != nil {
		return Proof{}, Stats{}, err
	}
	com := pd.Commitment()
	cols := (d.m * d.k >> com.RowVars) << params.RateLog
	st.Encode = (1 << com.RowVars) * (cols / 2) * log2(cols)

	tr, ri, rj := pub.start(com)
	claim := pub.claim(ri, rj)
	// A(κ) = X̃(r_i, κ): fold X's row variables.
	a := xTable(used, pub.M, pub.K, d)
	for _, r := range ri {
		a = a.Fold(r)
	}
	eqJ := mle.EqTable(rj)
	folder := pub
	if usedW != nil {
		l := *pub.Layer
		l.W = usedW
		folder.Layer = &l
	}
	b := folder.foldW(eqJ, d.k)
	st.Reduce = d.m*d.k + pub.K*pub.N + d.n
	sc, rk, sst, err := sumcheck.Prove(tr, claim, []mle.Table{a, b})
	if err != nil {
		return Proof{}, Stats{}, err
	}
	st.Reduce += sst.Mul
	point := append(append([]fr.Element(nil), ri...), rk...)
	_, op, ost, err := pd.Open(tr, point)
	if err != nil {
		return Proof{}, Stats{}, err
	}
	st.Open = ost.Mul
	return Proof{X: com, Sumcheck: sc, Opening: op}, st, nil
}

func log2(n int) int {
	_, k := mle.Pow2(n)
	return k
}

// Verify checks a proof that pub.Y = X·pub.W + pub.B for the X committed in
// proof.X.
func Verify(params pcs.Params, pub Public, proof Proof) error {
	if err := pub.check(); err != nil {
		return err
	}
	d := pub.dims()
	if proof.X.NumVars != d.a+d.c {
		return fmt.Errorf("matmul: X committed over %d variables, want %d", proof.X.NumVars, d.a+d.c)
	}
	tr, ri, rj := pub.start(proof.X)
	claim := pub.claim(ri, rj)
	rk, finals, err := sumcheck.Verify(tr, claim, d.c, 2, proof.Sumcheck)
	if err != nil {
		return fmt.Errorf("matmul: %v", err)
	}
	// W̃(r_k, r_j) from the public W: Σ_κ eq(r_k)_κ · (Σ_j W[κ][j] eq(r_j)_j).
	wt := pub.foldW(mle.EqTable(rj), d.k)
	if w := mle.Inner(mle.EqTable(rk), wt); !w.Equal(&finals[1]) {
		return fmt.Errorf("matmul: the sumcheck's claim on W̃ differs from the public W")
	}
	point := append(append([]fr.Element(nil), ri...), rk...)
	if err := pcs.Verify(tr, params, proof.X, point, finals[0], proof.Opening); err != nil {
		return fmt.Errorf("matmul: opening X: %v", err)
	}
	return nil
}
