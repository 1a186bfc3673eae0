package evm

import (
	"encoding/hex"
	"fmt"
	"math/big"

	"golang.org/x/crypto/sha3"

	"github.com/zkinfer/zkinfer/proof"
)

// Call is a verifier call decoded from a proof file: verifyProof for
// Groth16, Verify for PLONK.
type Call struct {
	Backend proof.Backend // proof.Groth16 or proof.Plonk
	Proof   []byte        // MarshalSolidity: Groth16's A, B, C (EIP-197), then the commitment and its proof of knowledge; PLONK's proof
	Inputs  []*big.Int    // the public inputs, in the circuit's order
}

// NewCall reads a proof file's proof and public inputs as the verifier's
// arguments. It checks the encoding only, not the proof.
func NewCall(p *proof.Proof) (*Call, error) {
	if p.Protocol != proof.Groth16 && p.Protocol != proof.Plonk {
		return nil, fmt.Errorf("proof protocol is %q, want %q or %q", p.Protocol, proof.Groth16, proof.Plonk)
	}
	inputs, err := p.PublicValues()
	if err != nil {
		return nil, err
	}
	c := &Call{Backend: p.Protocol, Inputs: inputs}
	raw, err := hex.DecodeString(p.Proof)
	if err != nil {
		return nil, fmt.Errorf("proof is not hex: %v", err)
	}
	if c.Backend == proof.Plonk {
		if c.Proof, err = plonkCall(raw); err != nil {
			return nil, err
		}
		return c, nil
	}
	prf, err := proof.DecodeGroth16(raw, proof.AnyCommitments)
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
	if c.Backend != v.Backend {
		return fmt.Errorf("proof was made with %s, the verifier is %s", c.Backend, v.Backend)
	}
	if len(c.Inputs) != v.Inputs {
		return fmt.Errorf("the proof has %d public inputs, the verifier takes %d: it is for another model or settings", len(c.Inputs), v.Inputs)
	}
	if len(c.Proof) != v.ProofBytes() {
		return fmt.Errorf("the proof has %d bytes for the EVM, the verifier takes %d (%d commitment(s)): it is for another model or settings", len(c.Proof), v.ProofBytes(), v.Commitments)
	}
	return nil
}

// Signature is the canonical signature of the function the call needs.
func (c *Call) Signature() string { return signature(c.Backend, len(c.Inputs)) }

// Selector returns the first 4 bytes of keccak256(signature).
func Selector(signature string) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(signature))
	return h.Sum(nil)[:4]
}

// Calldata is the ABI encoding of the call. Groth16's verifyProof(bytes
// proof, uint256[N] input): the selector, the offset of proof, the N inputs
// in place (a static array), then proof's length and its bytes padded to
// 32. PLONK's: plonkCalldata.
func (c *Call) Calldata() []byte {
	if c.Backend == proof.Plonk {
		return c.plonkCalldata()
	}
	words := make([][]byte, len(c.Inputs))
	for i, v := range c.Inputs {
		words[i] = word(v)
	}
	return encodeWithBytes(Selector(c.Signature()), c.Proof, words)
}

// word64 is n as a 32-byte big-endian word.
func word64(n int) []byte { return word(big.NewInt(int64(n))) }

// word is v as a 32-byte big-endian word (v must fit).
func word(v *big.Int) []byte {
	var w [32]byte
	v.FillBytes(w[:])
	return w[:]
}
