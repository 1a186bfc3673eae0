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

// Context binding. Every circuit's last public input is the proof's
// context: bytes the verifier chooses (a borrower's address, a nonce, a
// chain id), which the model never reads, carried as
//
//	ContextValue(b) = keccak256(b) mod r
//
// or 0 when the prover gives none. keccak256 is what a contract computes
// cheaply, so an on-chain verifier derives the value from msg.sender and a
// nonce it tracks, and a proof made for one sender or nonce fails for any
// other (a collision of keccak256 mod r would be needed).
//
// Binding: in Groth16 a public input that no constraint reads has a zero
// verifying-key point (its u_i, v_i, w_i are all zero), so anyone could
// change it in a valid proof without the prover. defineContext makes the
// context an operand of one multiplication, which gives it a non-zero point:
// the proof then holds for one context value only. CheckPublicWires checks
// the same of every public input of a compiled circuit.

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
