package evm

import (
	"fmt"
	"math/big"

	"golang.org/x/crypto/sha3"

	"github.com/zkinfer/zkinfer/proof"
)

// Call is a verifyProof call decoded from a proof file.
type Call struct {
	Proof  []byte     // MarshalSolidity: A, B, C (EIP-197), then the commitment and its proof of knowledge
	Inputs []*big.Int // the public inputs, in the circuit's order
}

// NewCall reads a proof file's proof and public inputs as the verifier's
// arguments. It checks the encoding only, not the proof.
func NewCall(p *proof.Proof) (*Call, error) {
	if p.Protocol != proof.Protocol {
		return nil, fmt.Errorf("proof protocol is %q, want %q", p.Protocol, proof.Protocol)
	}
	inputs, err := p.PublicValues()
	if err != nil {
		return nil, err
	}
	c := &Call{Inputs: inputs}
	prf, err := proof.DecodeGroth16(p.Proof)
	if err != nil {
		return nil, err
	}
	if len(prf.Commitments) > 1 {
		return nil, fmt.Errorf("the proof has %d commitments; the Solidity verifier supports at most one", len(prf.Commitments))
	}
	c.Proof = prf.MarshalSolidity()
	return c, nil
}

// Check says whether the call fits verifier v.
func (c *Call) Check(v *Verifier) error {
	if len(c.Inputs) != v.Inputs {
		return fmt.Errorf("the proof has %d public inputs, the verifier takes %d: it is for another model or settings", len(c.Inputs), v.Inputs)
	}
	if len(c.Proof) != v.ProofBytes() {
		return fmt.Errorf("the proof has %d bytes for the EVM, the verifier takes %d (%d commitment(s)): it is for another model or settings", len(c.Proof), v.ProofBytes(), v.Commitments)
	}
	return nil
}

// Signature is the canonical signature of the verifyProof overload the
// call needs.
func (c *Call) Signature() string {
	return fmt.Sprintf("verifyProof(bytes,uint256[%d])", len(c.Inputs))
}

// Selector returns the first 4 bytes of keccak256(signature).
func Selector(signature string) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(signature))
	return h.Sum(nil)[:4]
}

// Calldata is the ABI encoding of verifyProof(bytes proof, uint256[N] input):
// the selector, the offset of proof, the N inputs in place (a static
// array), then proof's length and its bytes padded to 32.
func (c *Call) Calldata() []byte {
	n := len(c.Inputs)
	out := make([]byte, 0, 4+32*(n+2)+len(c.Proof)+31)
	out = append(out, Selector(c.Signature())...)
	out = append(out, word(big.NewInt(int64(32*(n+1))))...)
	for _, v := range c.Inputs {
		out = append(out, word(v)...)
	}
	out = append(out, word(big.NewInt(int64(len(c.Proof))))...)
	out = append(out, c.Proof...)
	if r := len(c.Proof) % 32; r != 0 {
		out = append(out, make([]byte, 32-r)...)
	}
	return out
}

// word is v as a 32-byte big-endian word (v must fit).
func word(v *big.Int) []byte {
	var w [32]byte
	v.FillBytes(w[:])
	return w[:]
}
