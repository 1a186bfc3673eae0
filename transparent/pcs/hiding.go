package pcs

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// msgLen returns the length of an encoded row's message for rows of C
// entries: C, or with hiding the power of two L ≥ C + Queries + 1, so that
// at least t + 1 coefficients are random. Any t' ≤ t + 1 positions of the
// row on the code's domain then take uniform values: for a row
// m(X) + X^C·s(X) with s uniform of degree < L − C, the map
// s ↦ (x_j^C·s(x_j))_j is diag(x_j^C) times a t' × (L − C) Vandermonde
// matrix of rank t' (the x_j are distinct and nonzero: the domain is a
// subgroup), onto F^t'. t random coefficients make the ≤ t opened columns
// uniform; the one more makes every unopened column's entry uniform given
// them, so the unopened leaves' hashes are of unpredictable inputs (the
// Merkle tree's leaves are not salted: this is what hides them, in the
// random-oracle model). The rest are drawn because the FFT's length is a
// power of two anyway.
func (p Params) msgLen(C int) int {
	if !p.Hiding {
		return C
	}
	L := 1
	for L < C+p.Queries+1 {
		L <<= 1
	}
	return L
}

// matRows returns the number of committed rows for a table of R rows: R, or
// with hiding R + 2 (μ_u and μ_v below the table), or with hiding and
// [Params].Vanishing R + 3 (s, μ_u, μ_v).
func (p Params) matRows(R int) int {
	switch {
	case p.Hiding && p.Vanishing:
		return R + 3
	case p.Hiding:
		return R + 2
	}
	return R
}

// zeroMasks, set only by tests, replaces every random coefficient by 0:
// the commitment stops hiding, which the tests use to show that their
// statistics can fail. zeroVanishing replaces only the vanishing mask s
// by 0: f̂ = f̃, which the zero-knowledge tests of f̂'s values use.
var zeroMasks, zeroVanishing bool

// messages returns the encoded messages: the rows without hiding; with it
// each row copied into L coefficients, the last L − C ≥ t + 1 random, then
// (with [Params].Vanishing) the vanishing mask s, C uniform entries padded
// as a data row, then μ_u and μ_v, L random each, drawn from pd.seed in that
// order (so the same seed regenerates them: the prover stores 32 bytes
// instead of a padded copy of the table, and a seeded commitment stays
// deterministic).
func (pd *ProverData) messages() [][]fr.Element {
	if !pd.params.Hiding {
		return pd.rows
	}
	return padRows(pd.rows, pd.params.msgLen(len(pd.rows[0])), pd.params.matRows(len(pd.rows)), rngFor(&pd.seed))
}

// padRows draws the hiding messages from g (see messages): Rm rows, the
// len(rows) data rows first, every row after them uniform (s, when Rm is
// len(rows) + 3, then μ_u, μ_v).
func padRows(rows [][]fr.Element, L, Rm int, g rng) [][]fr.Element {
	R, C := len(rows), len(rows[0])
	flat := make([]fr.Element, Rm*L)
	out := make([][]fr.Element, Rm)
	for i := range out {
		out[i] = flat[i*L : (i+1)*L : (i+1)*L]
		switch {
		case i < R:
			copy(out[i], rows[i])
			g.fill(out[i][C:])
		case i == R && Rm == R+3:
			g.fill(out[i])
			if zeroVanishing {
				clear(out[i][:C])
			}
		default:
			g.fill(out[i])
		}
	}
	return out
}

// rng draws uniform field elements from ChaCha8 keyed by crypto/rand: a
// cryptographic generator, one key per commitment.
type rng struct{ c *rand.ChaCha8 }

func newRNG() rng {
	var seed [32]byte
	if _, err := crand.Read(seed[:]); err != nil {
		panic("pcs: crypto/rand failed: " + err.Error())
	}
	return rng{rand.NewChaCha8(seed)}
}

var modWords = func() [4]uint64 {
	var b [32]byte
	fr.Modulus().FillBytes(b[:])
	var w [4]uint64
	for i := range w {
		w[i] = binary.BigEndian.Uint64(b[24-8*i:])
	}
	return w
}()

// fill sets dst to uniform elements: 254-bit words below r by rejection
// (accepted with probability r/2^254 > 3/4), read as the Montgomery form,
// a bijection of [0, r).
func (g rng) fill(dst []fr.Element) {
	for i := range dst {
		if zeroMasks {
			dst[i] = fr.Element{}
			continue
		}
		for {
			w := [4]uint64{g.c.Uint64(), g.c.Uint64(), g.c.Uint64(), g.c.Uint64() >> 2}
			if less(w, modWords) {
				dst[i] = fr.Element(w)
				break
			}
		}
	}
}

// less compares little-endian words.
func less(a, b [4]uint64) bool {
	var borrow uint64
	for i := range a {
		_, borrow = bits.Sub64(a[i], b[i], borrow)
	}
	return borrow == 1
}
