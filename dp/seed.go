package dp

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2native "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"golang.org/x/crypto/sha3"

	"github.com/zkinfer/zkinfer/internal/strictjson"
)

// Domain tags of the hashes (package circuit uses 1 to 4, audit 5).
const (
	TagSeed = 16 // the seed's commitment: H(16, seed)
	TagKey  = 17 // the noise key: H(17, bound…, seed, coins)
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

// Key is the noise key H(TagKey, bound…, seed, coins) of one release:
// bound are the values the release is about (package query binds the
// statement's tag and the dataset commitment, package circuit the
// statement's tag and the context), so one seed and coins used for two
// different queries, or for one query over two datasets, give independent
// noise. The bound values come first so that those a circuit pins as
// constants (a statement's tag) fold into the hash's initial state at no
// constraint; the order changes nothing else (each input is one block of
// the Merkle–Damgård chain, and the chain is injective on fixed-length
// inputs by the compression function's collision resistance).
func Key(seed, coins *big.Int, bound ...*big.Int) *big.Int {
	vals := append([]*big.Int{big.NewInt(TagKey)}, bound...)
	return hashNative(append(vals, seed, coins)...)
}

var perm = p2native.NewPermutation(2, 6, 50)

// Uniform is draw j's uniform value: u = Compress(key, j) (the width-2
// Poseidon2 permutation with feed-forward), split as u = lo + 2^k·hi. ok is
// false when hi ≥ ⌊p/2^k⌋, where the split would not be canonical (with
// probability below 2^k/p < 2^-189 for a random u): no noise is defined
// and the prover must draw a new seed.
func Uniform(key *big.Int, j int) (lo, hi *big.Int, ok bool) {
	var l, r fr.Element
	l.SetBigInt(key)
	r.SetInt64(int64(j))
	lb, rb := l.Bytes(), r.Bytes()
	out, err := perm.Compress(lb[:], rb[:])
	if err != nil {
		panic(err) // canonical 32-byte inputs: cannot fail
	}
	u := new(big.Int).SetBytes(out)
	lo = new(big.Int).And(u, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), UniformBits), big.NewInt(1)))
	hi = new(big.Int).Rsh(u, UniformBits)
	return lo, hi, hi.Cmp(hiBound()) < 0
}

// hiBound is ⌊p/2^k⌋: a canonical split has hi below it.
func hiBound() *big.Int { return new(big.Int).Rsh(ecc.BN254.ScalarField(), UniformBits) }

// Noise is draw j of key from table t: the integer reference of the
// circuit's sampler (Sampler.Draw proves exactly this value).
func Noise(t *Table, key *big.Int, j int) (int64, error) {
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
