// Package matmul proves a MatMul/Gemm layer Y = X·W + b with the sumcheck
// protocol, in the transparent setting: W (K×N) and b (N) are public, fixed
// by the model; X (M×K) is private and committed with package pcs; Y (M×N)
// is public.
//
// # Protocol (Thaler, "Time-optimal interactive proofs for circuit
// evaluation", CRYPTO 2013, §5)
//
// Dimensions are padded with zeros to powers of two m = 2^a, k = 2^c, n = 2^e,
// and every matrix is the multilinear extension of its row-major table. With
// Z = Y − 1·bᵀ on the M real rows (zero on padding rows),
//
//	Z̃(r_i, r_j) = Σ_{κ ∈ {0,1}^c} X̃(r_i, κ) · W̃(κ, r_j)
//
// holds for every (r_i, r_j) when Z = X·W, and for a random point fails with
// probability ≥ 1 − (a+e)/|F| when Z ≠ X·W (Schwartz–Zippel on the
// multilinear Z̃ − (XW)~). The transcript absorbs the shape, a SHA-256 digest
// of the public W, b, Y, and the commitment to X; the verifier's point
// (r_i, r_j) is drawn from it; the sumcheck over κ (two factors, degree 2)
// reduces the claim to X̃(r_i, r_k) and W̃(r_k, r_j) at a random r_k. The
// verifier evaluates W̃(r_k, r_j) itself from the public W in O(K·N) and checks
// X̃(r_i, r_k) through a pcs opening of X's commitment.
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
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Public is the statement: the shape, the layer's weights and bias, and its
// output, each row-major. B may be nil (no bias).
type Public struct {
	M, K, N int
	W       []fr.Element // K×N
	B       []fr.Element // N, or nil
	Y       []fr.Element // M×N
}

// Proof is a MatMul proof.
type Proof struct {
	X        pcs.Commitment // commitment to the private X
	Sumcheck sumcheck.Proof // Finals[0] = X̃(r_i, r_k), Finals[1] = W̃(r_k, r_j)
	Opening  pcs.Opening    // X̃ at (r_i, r_k)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p Proof) Size() int {
	n := 32 + 16 // commitment root and shape
	for _, g := range p.Sumcheck.Rounds {
		n += 32 * len(g)
	}
	return n + 32*len(p.Sumcheck.Finals) + p.Opening.Size()
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
	if pub.M < 1 || pub.K < 1 || pub.N < 1 {
		return fmt.Errorf("matmul: shape %d×%d·%d×%d has an empty dimension", pub.M, pub.K, pub.K, pub.N)
	}
	if len(pub.W) != pub.K*pub.N {
		return fmt.Errorf("matmul: W has %d entries, want %d×%d", len(pub.W), pub.K, pub.N)
	}
	if pub.B != nil && len(pub.B) != pub.N {
		return fmt.Errorf("matmul: b has %d entries, want %d", len(pub.B), pub.N)
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
	return d
}

// start absorbs the statement and the commitment and draws (r_i, r_j).
func (pub *Public) start(com pcs.Commitment) (*transcript.Transcript, []fr.Element, []fr.Element) {
	tr := transcript.New("zkinfer/transparent/matmul")
	tr.AppendUint64("M", uint64(pub.M))
	tr.AppendUint64("K", uint64(pub.K))
	tr.AppendUint64("N", uint64(pub.N))
	h := sha256.New()
	for _, part := range [][]fr.Element{pub.W, pub.B, pub.Y} {
		for i := range part {
			b := part[i].Bytes()
			h.Write(b[:])
		}
		h.Write([]byte{0xff}) // separates W, b and Y
	}
	hasBias := uint64(0)
	if pub.B != nil {
		hasBias = 1
	}
	tr.AppendUint64("bias", hasBias)
	tr.AppendBytes("statement", h.Sum(nil))
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
		folder.W = usedW
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
