package dp

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2native "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"golang.org/x/crypto/sha3"

	"github.com/zkinfer/zkinfer/internal/strictjson"
)

// Domain tags of the hashes (package circuit uses 1 to 4, audit 5).
const (
	TagSeed = 16 // the seed's commitment: H(16, seed)
	TagKey  = 17 // the noise key's IV: H(17, n, b_0) (Key)
)

// Coins are the verifier's public coins: between MinCoins and MaxCoins
// bytes, drawn after the prover's seed commitment is published.
const (
	MinCoins = 16
	MaxCoins = 64
)

// NewSeed draws a secret seed: 31 random bytes, below the field modulus.
func NewSeed() (*big.Int, error) {
	var b [31]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b[:]), nil
}

// NewCoins draws 32 random bytes of public coins (what a verifier runs).
func NewCoins() ([]byte, error) {
	b := make([]byte, 32)
	_, err := rand.Read(b)
	return b, err
}

// ParseCoins reads coins given as hex (optional 0x).
func ParseCoins(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), "0x"))
	if err != nil {
		return nil, fmt.Errorf("coins %.80q are not hex", s)
	}
	if len(b) < MinCoins || len(b) > MaxCoins {
		return nil, fmt.Errorf("coins have %d bytes: give %d to %d random bytes drawn by the verifier (zkinfer dp coins)", len(b), MinCoins, MaxCoins)
	}
	return b, nil
}

// CoinsValue is the public input that carries the coins: keccak256 of
// their bytes reduced modulo BN254's scalar field (as package circuit
// carries a context), so a contract derives it cheaply.
func CoinsValue(b []byte) *big.Int {
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	v := new(big.Int).SetBytes(h.Sum(nil))
	return v.Mod(v, ecc.BN254.ScalarField())
}

func hashNative(vals ...*big.Int) *big.Int {
	h := p2native.NewMerkleDamgardHasher()
	for _, v := range vals {
		var e fr.Element
		e.SetBigInt(v)
		b := e.Bytes()
		h.Write(b[:])
	}
	var out fr.Element
	out.SetBytes(h.Sum(nil))
	return out.BigInt(new(big.Int))
}

// SeedCommitment is H(TagSeed, seed): Poseidon2 [GKS23] in gnark's
// Merkle–Damgård construction. The seed has 248 random bits, so the
// commitment hides it without a salt, and binds it (collision resistance).
func SeedCommitment(seed *big.Int) *big.Int { return hashNative(big.NewInt(TagSeed), seed) }

// Key is the noise stream of one release, a sponge [BDPV08] over the
// width-4 Poseidon2 permutation P4 [GKS23] (R_F = 8, R_P = 56, the
// reference 128-bit instance for BN254) with one capacity lane:
//
//	IV  = H(TagKey, n, b_0)            n = len(bound), b_0 = 0 when n = 0
//	S_0 = (IV, 0, 0, 0)
//	for each block of 3 of (b_1 … b_{n−1}, seed, coins), zero-padded:
//	    S_0[1..3] += block; S_0 = P4(S_0)
//	S_{i+1} = P4(S_i)                  the squeeze
//	u_j = S_{⌊j/3⌋}[1 + j mod 3]       draw j's uniform field element
//
// bound are the values the release is about (package query binds the
// statement's tag and the dataset commitment, package circuit the
// statement's tag and the context), so one seed and coins used for two
// different queries, or for one query over two datasets, give independent
// noise. The first bound value goes into the IV so that a circuit that
// pins it as a constant (a statement's tag) computes the IV at no
// constraint; n in the IV makes the zero padding unambiguous. With two
// bound values, as every caller has, absorbing is one permutation of
// (IV, b_1, seed, coins), whose three rate lanes are the first three
// draws: a release of one to three values costs one permutation (about
// 264 constraints) where the width-2 hash and one compression a draw cost
// 744 + 186; each further three draws cost one more. The capacity lane is
// never output and is one field element (254 bits): generic attacks on
// the sponge cost about 2^127, as on the width-2 Merkle–Damgård hash of
// the seed commitment.
func Key(seed, coins *big.Int, bound ...*big.Int) *Stream {
	b0, rest := big.NewInt(0), bound
	if len(bound) > 0 {
		b0, rest = bound[0], bound[1:]
	}
	var state [4]fr.Element
	state[0].SetBigInt(hashNative(big.NewInt(TagKey), big.NewInt(int64(len(bound))), b0))
	in := append(append([]*big.Int{}, rest...), seed, coins)
	for len(in)%3 != 0 {
		in = append(in, new(big.Int))
	}
	for i := 0; i < len(in); i += 3 {
		for l := range 3 {
			var e fr.Element
			e.SetBigInt(in[i+l])
			state[1+l].Add(&state[1+l], &e)
		}
		permute(&state)
	}
	return &Stream{blocks: [][4]fr.Element{state}}
}

// Stream is a release's noise stream (Key): the squeezed sponge states.
type Stream struct {
	mu     sync.Mutex
	blocks [][4]fr.Element
}

// u is draw j's uniform field element.
func (s *Stream) u(j int) *big.Int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.blocks) <= j/3 {
		next := s.blocks[len(s.blocks)-1]
		permute(&next)
		s.blocks = append(s.blocks, next)
	}
	return s.blocks[j/3][1+j%3].BigInt(new(big.Int))
}

func permute(state *[4]fr.Element) {
	if err := perm4.Permutation(state[:]); err != nil {
		panic(err) // a buffer of the permutation's width: cannot fail
	}
}

// perm4 is the stream's permutation: width 4 with the reference constants
// of gnark-crypto (HorizenLabs' poseidon2 parameters, 128-bit security).
var perm4 = p2native.NewPermutation(4, 8, 56)

// Uniform is draw j's uniform value: u_j of the stream, split as u = lo +
// 2^k·hi. ok is false when hi ≥ ⌊p/2^k⌋, where the split would not be
// canonical (with probability below 2^k/p < 2^-189 for a random u): no
// noise is defined and the prover must draw a new seed.
func Uniform(key *Stream, j int) (lo, hi *big.Int, ok bool) {
	u := key.u(j)
	lo = new(big.Int).And(u, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), UniformBits), big.NewInt(1)))
	hi = new(big.Int).Rsh(u, UniformBits)
	return lo, hi, hi.Cmp(hiBound()) < 0
}

// hiBound is ⌊p/2^k⌋: a canonical split has hi below it.
func hiBound() *big.Int { return new(big.Int).Rsh(ecc.BN254.ScalarField(), UniformBits) }

// Noise is draw j of key from table t: the integer reference of the
// circuit's sampler (Sampler.Draw proves exactly this value).
func Noise(t *Table, key *Stream, j int) (int64, error) {
	lo, _, ok := Uniform(key, j)
	if !ok {
		return 0, fmt.Errorf("dp: draw %d of this seed and coins has no canonical uniform value (probability < 2^-189): draw a new seed", j)
	}
	return t.Sample(lo)
}

// SeedFile is the prover's secret seed file (zkinfer dp commit
// --seed-out); CommitmentFile the public one.
type SeedFile struct {
	Format     string `json:"format"`
	Seed       string `json:"seed"`
	Commitment string `json:"commitment"`
}

// CommitmentFile is what the prover publishes before the verifier draws
// coins.
type CommitmentFile struct {
	Format     string `json:"format"`
	Commitment string `json:"commitment"`
}

// File formats.
const (
	SeedFormat       = "zkinfer-dp-seed-v1"
	CommitmentFormat = "zkinfer-dp-commitment-v1"
)

// FieldHex writes a field element as 0x and 64 hex digits.
func FieldHex(v *big.Int) string { return fmt.Sprintf("0x%064x", v) }

// ParseField reads 0x and 64 hex digits below the field modulus.
func ParseField(what, s string) (*big.Int, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 || !strings.HasPrefix(s, "0x") {
		return nil, fmt.Errorf("%s %.80q is not a field element in hex (0x and 64 digits)", what, s)
	}
	v := new(big.Int).SetBytes(b)
	if v.Cmp(ecc.BN254.ScalarField()) >= 0 {
		return nil, fmt.Errorf("%s %.80q is not below the BN254 scalar field modulus", what, s)
	}
	return v, nil
}

// ReadSeed reads a seed file and checks that its commitment is the seed's.
func ReadSeed(path string) (seed, commitment *big.Int, err error) {
	var f SeedFile
	if err := readJSON(path, &f); err != nil {
		return nil, nil, err
	}
	if f.Format != SeedFormat {
		return nil, nil, fmt.Errorf("%s: format %.40q is not %s", path, f.Format, SeedFormat)
	}
	if seed, err = ParseField("seed", f.Seed); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	commitment = SeedCommitment(seed)
	if FieldHex(commitment) != f.Commitment {
		return nil, nil, fmt.Errorf("%s: the commitment %.80q is not the seed's (%s): the file was edited", path, f.Commitment, FieldHex(commitment))
	}
	return seed, commitment, nil
}

// ReadCommitment reads a published seed commitment file.
func ReadCommitment(path string) (*big.Int, error) {
	var f CommitmentFile
	if err := readJSON(path, &f); err != nil {
		return nil, err
	}
	if f.Format != CommitmentFormat {
		return nil, fmt.Errorf("%s: format %.40q is not %s", path, f.Format, CommitmentFormat)
	}
	v, err := ParseField("commitment", f.Commitment)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

func readJSON(path string, v any) error { return strictjson.Read(path, 1<<20, v) }
