// Package maxpool proves a K×K max pool with stride K (no padding) between
// committed tensors in the transparent setting, by the ops circuit's own
// argument (ops/maxpool.go) turned into lookups and a zero-check over the
// cube: for every window w with entries x_{w,i} and claimed maximum m_w,
//
//	m_w − x_{w,i} ∈ [0, 2^Bits)   for every i   (logUp range checks)
//	Π_i (m_w − x_{w,i}) = 0                     (a zero-check by sumcheck)
//
// # Protocol
//
// Tensors have package conv's layout (channel-major, each channel padded to
// a power of two). Let D(i, w) = m(w) − G(i, w) over the cube of the window
// slot i (K² slots padded to 2^sv by repeating slot 0) and the output index
// w, where G(i, w) = X[idx(i, w)] gathers the input through the public index
// map (0 on padding windows). The prover commits to the output m and to the
// limbs D = L0 + 2^12·L1; then
//
//  1. logUp: L0 ∈ [0, 2^12), L1 ∈ [0, 2^(Bits−12)) (one limb when Bits ≤ 12);
//  2. a zero-check at a random r: Σ_w eq(r, w)·Π_i D(i, w) = 0, a sumcheck
//     (sumcheck.ProveSum, one product term) of degree 2^sv + 1 ending at ρ
//     with the finals eq(r, ρ) (checked) and D̂(i, ρ) for every slot i;
//  3. the verifier draws r_i and sets d = Σ_i eq(r_i, i)·D̂(i, ρ) (p =
//     (r_i, ρ)) and λ; the link, one sumcheck of degree 2 over the sv + wv
//     variables of (i, w), four terms eq·L0, eq·L1, eq·G, eq·Y (Y repeated
//     over the slots) with public coefficients, proves
//     Σ_x eq(p, x)·[(1+λ)·(L0 + 2^12·L1)(x) + λ·(G(x) − Y(x_w))] = d,
//     i.e. (L0 + 2^12·L1)~(p) = D̃(p) and the eq-weighted zero-check
//     Σ_x eq(p, x)·(L0 + 2^12·L1 + G − Y)(x) = 0, combined by λ; its finals
//     are eq(p, σ) (checked), L̂0(σ), L̂1(σ), Ĝ(σ) and Ŷ(σ_w) (σ_w: σ's
//     last wv coordinates). Ĝ(σ) is reduced to X̂(ρ') by the gather
//     reduction (package conv's argument: Σ_q S_σ(q)·X(q), S_σ computed by
//     the verifier from the public index map). No relation is checked
//     among different tables' values at one point and nothing private is
//     stated: every value is a sumcheck's final;
//  4. claims: L0, L1 at σ, Y at σ_w, X at ρ' (openings, or package batch).
//
// Every sumcheck (the product, the link, the gather) is masked under
// pcs.Params.Hiding. Under pcs.Params.Vanishing the committed tables are
// masked factors and the virtual D and G get a fresh committed mask R, the
// claims d and Ĝ(σ) tails on it (mask.go, "Zero knowledge"): every value
// the verifier receives is then an f̂ value or a mask claim, uniform.
// Before issue 22's part B the finals were f̃ values and the link's four
// table values were stated apart (Proof.At); proofs changed in every mode.
//
// # Soundness
//
// Let x be the committed input, each entry an integer in [lo, lo + 2^Bits)
// (the caller's statement: a ReLU'd rescale gives [0, 2^(b−1))). The link
// (3) checks the multilinear identity E = L0 + 2^12·L1 + G − m = 0, fixed
// by the commitments before p is drawn, at p: error (sv + wv)/|F|; then
// (L0 + 2^12·L1)~(p) + λ·Ẽ(p) = d for λ drawn after p and d unless both
// hold: error 1/|F|; its sumcheck of degree 2: 2(sv + wv)/|F|; the stated
// values are the openings' (pcs) and the gather's. So the link adds
// (3(sv + wv) + 1)/|F| plus the gather's sumcheck. Given D = m − G on the
// cube, the ranges and the product: some factor m − x_{w,j} is 0 (a product
// in a field is zero only when a factor is), so m_w = x_{w,j}; then every
// m_w − x_{w,i} = x_{w,j} − x_{w,i} is an integer in (−2^Bits, 2^Bits), whose
// field image lies in [0, 2^Bits) only when it is ≥ 0: m_w ≥ every x_{w,i}.
// So m_w is the window's maximum, and on padding windows (G = 0) m = 0.
// The product's stated D̃(i, ρ) are checked through their combination d at
// r_i, which the link proves to be (L0 + 2^12·L1)~(r_i, ρ): a wrong one
// survives with probability sv/|F|. The total is below the logUp and pcs
// errors (docs/TRANSPARENT.md), < 2^-100 with pcs.DefaultParams.
package maxpool

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// Layer is a K×K max pool of stride K over a C×H×W tensor whose entries lie
// in an interval of 2^Bits integers.
type Layer struct {
	C, H, W, K, Bits int
	sv, wv           int     // variables of the window slot and of the output table
	xStride, yStride int     // per-channel padded plane sizes
	idx              []int32 // (i, w) → X's table index, −1 on padding windows
	digest           [32]byte
}

// NewLayer checks the shape and builds the index map.
func NewLayer(c, h, w, k, bits int) (*Layer, error) {
	if c < 1 || k < 1 || h < k || w < k {
		return nil, fmt.Errorf("maxpool: %dx%d window over %dx%dx%d", k, k, c, h, w)
	}
	if bits < 1 || bits > 2*rescale.Limb {
		return nil, fmt.Errorf("maxpool: differences of %d bits outside 1..%d", bits, 2*rescale.Limb)
	}
	l := &Layer{C: c, H: h, W: w, K: k, Bits: bits}
	oh, ow := l.Out()
	slots, sv := mle.Pow2(k * k)
	// conv's tensor layout (at least conv.MinTable entries a table: a
	// smaller output would leave R's row too short, mask.go).
	_, l.xStride = conv.TableSize(c, h*w)
	ySize, yStride := conv.TableSize(c, oh*ow)
	l.yStride = yStride
	_, l.wv = mle.Pow2(ySize)
	l.sv = sv
	l.idx = make([]int32, slots*ySize)
	for i := range l.idx {
		l.idx[i] = -1
	}
	for s := 0; s < slots; s++ {
		tap := s
		if tap >= k*k {
			tap = 0 // padded slots repeat slot 0: a duplicate changes no maximum
		}
		di, dj := tap/k, tap%k
		for ch := 0; ch < c; ch++ {
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					l.idx[s*ySize+ch*l.yStride+y*ow+x] = int32(ch*l.xStride + (y*k+di)*w + x*k + dj)
				}
			}
		}
	}
	hs := sha256.New()
	for _, v := range []int{c, h, w, k, bits} {
		binary.Write(hs, binary.BigEndian, int64(v))
	}
	hs.Sum(l.digest[:0])
	return l, nil
}

// Out returns the output's height and width (floor mode).
func (l *Layer) Out() (int, int) { return l.H / l.K, l.W / l.K }

// Tables returns the sizes of X's and the output's tables.
func (l *Layer) Tables() (xSize, ySize int) {
	cp, _ := mle.Pow2(l.C)
	return cp * l.xStride, 1 << l.wv
}

// Run returns the output's table for X's table: each window's maximum, 0
// on padding.
func (l *Layer) Run(x []int64) ([]int64, error) {
	xSize, ySize := l.Tables()
	if len(x) != xSize {
		return nil, fmt.Errorf("maxpool: X table of %d entries, want %d", len(x), xSize)
	}
	y := make([]int64, ySize)
	for w := range y {
		if l.idx[w] < 0 {
			continue
		}
		m := x[l.idx[w]]
		for s := 1; s < 1<<l.sv; s++ {
			m = max(m, x[l.idx[s*ySize+w]])
		}
		y[w] = m
	}
	return y, nil
}

// limbBits returns the widths of L0 and L1 (0 when one limb suffices).
func (l *Layer) limbBits() (int, int) {
	if l.Bits <= rescale.Limb {
		return l.Bits, 0
	}
	return rescale.Limb, l.Bits - rescale.Limb
}
