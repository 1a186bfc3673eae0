package circuit

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"golang.org/x/crypto/sha3"
)

// The context: see "Binding a proof to its context" in the package
// documentation.

// MaxContextBytes bounds a context: a few words, never a payload.
const MaxContextBytes = 1024

// ContextValue is the public input that carries context b: keccak256(b)
// reduced modulo BN254's scalar field, or 0 for no context (nil or empty).
func ContextValue(b []byte) *big.Int {
	if len(b) == 0 {
		return new(big.Int)
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	v := new(big.Int).SetBytes(h.Sum(nil))
	return v.Mod(v, ecc.BN254.ScalarField())
}

// ParseContext reads a context given as hex (optional 0x): "" is none.
func ParseContext(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), "0x"))
	if err != nil {
		return nil, fmt.Errorf("context %.80q is not hex", s)
	}
	if len(b) > MaxContextBytes {
		return nil, fmt.Errorf("context has %d bytes, more than %d: pass a hash of it", len(b), MaxContextBytes)
	}
	return b, nil
}

// defineContext binds the context public input into the circuit: one
// constraint ctx·ctx = t, with t an internal wire nothing else reads.
func defineContext(api frontend.API, ctx frontend.Variable) {
	api.Mul(ctx, ctx)
}
