package evm

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
)

// abi is the bundle contract's ABI, as solc writes it (tests compare the
// two).
func (b *Bundle) abi() ([]byte, error) {
	u := func(name, typ string) abiParam { return abiParam{name, typ, typ} }
	none := []abiParam{}
	fn := func(name, mut string, in, out []abiParam) abiEntry {
		if in == nil {
			in = none
		}
		return abiEntry{Type: "function", Name: name, Inputs: in, Outputs: out, StateMutability: mut}
	}
	errEntry := func(name string, in ...abiParam) abiEntry {
		if in == nil {
			in = none
		}
		return abiEntry{Type: "error", Name: name, Inputs: in}
	}
	n := len(b.Segments)
	withProofs := []abiParam{u("proofs", fmt.Sprintf("bytes[%d]", n))}
	for _, a := range b.args {
		withProofs = append(withProofs, u(a.name, a.solType()))
	}
	subject := []abiParam{u("subject", "address")}
	entries := []abiEntry{
		errEntry("WrongContext", u("expected", "uint256"), u("got", "uint256")),
		errEntry("SegmentRejected", u("segment", "uint256")),
		fn("MODEL_SHA256", "view", nil, []abiParam{u("", "bytes32")}),
		fn("SEGMENTS", "view", nil, []abiParam{u("", "uint256")}),
		fn(BundleCheck, "view", withProofs, none),
		fn(BundleVerify, "nonpayable", withProofs, none),
		fn("contextBytes", "view", subject, []abiParam{u("", "bytes")}),
		fn("contextOf", "view", subject, []abiParam{u("", "uint256")}),
		fn("nonces", "view", []abiParam{u("", "address")}, []abiParam{u("", "uint256")}),
	}
	if n > 1 {
		entries = append(entries, fn("boundaryChallenge", "pure", []abiParam{u("proofs", fmt.Sprintf("bytes[%d]", n))}, []abiParam{u("", "uint256")}))
	}
	for k, s := range b.Segments {
		entries = append(entries, fn(fmt.Sprintf("verifier%d", k), "view", nil, []abiParam{{"", "address", "contract " + s.Verifier.Contract}}))
	}
	ctor := abiEntry{Type: "constructor", Inputs: none, StateMutability: "nonpayable"}
	if b.Linked {
		ctor.Inputs = append(ctor.Inputs, u("verifiers_", fmt.Sprintf("address[%d]", n)))
		entries = append(entries, errEntry("NoVerifier", u("segment", "uint256")))
	}
	if b.commitment {
		ctor.Inputs = append(ctor.Inputs, u("modelCommitment_", "bytes32"))
		entries = append(entries, errEntry("WrongModelCommitment"), fn("modelCommitment", "view", nil, []abiParam{u("", "bytes32")}))
	}
	entries = append(entries, ctor)
	if b.Claim != "" {
		entries = append(entries, fn("CLAIM", "view", nil, []abiParam{u("", "string")}))
	}
	if b.pedersen {
		entries = append(entries, errEntry("WrongProofLength", u("segment", "uint256"), u("got", "uint256"), u("expected", "uint256")))
	}
	if b.signed {
		entries = append(entries, errEntry("ValueOutOfRange", u("value", "int256")))
	}
	out, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Signature is the canonical signature of BundleVerify or BundleCheck.
func (b *Bundle) Signature(fn string) string {
	types := []string{fmt.Sprintf("bytes[%d]", len(b.Segments))}
	for _, a := range b.args {
		types = append(types, a.solType())
	}
	return fn + "(" + strings.Join(types, ",") + ")"
}

// BundleCall is a bundle contract call's arguments: each slot's proof in
// the EVM's encoding, and the 32-byte words of the arguments after them.
type BundleCall struct {
	Proofs [][]byte
	Words  [][]byte
}

// Args reads a call's arguments from the segment proofs' calls, one per
// slot, in order: each must fit its slot's verifier (length and number of
// public inputs); what they prove is the chain's to check. The boundaries
// are the producing segments' boundary_out, the context the first
// segment's.
func (b *Bundle) Args(calls []*Call) (*BundleCall, error) {
	if len(calls) != len(b.Segments) {
		return nil, fmt.Errorf("the bundle has %d segment proofs, the contract %d segments", len(calls), len(b.Segments))
	}
	bc := &BundleCall{}
	for k, c := range calls {
		if err := c.Check(b.Segments[k].Verifier); err != nil {
			return nil, fmt.Errorf("segment %d: %w", k, err)
		}
		bc.Proofs = append(bc.Proofs, c.Proof)
	}
	field := ecc.BN254.ScalarField()
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	for _, a := range b.args {
		for _, s := range a.from {
			v := calls[s.seg].Inputs[s.offset]
			if a.signed {
				v = new(big.Int).Mod(ops.Signed(field, v), mod)
			}
			bc.Words = append(bc.Words, word(v))
		}
	}
	return bc, nil
}

// Encode is the ABI encoding of fn (BundleVerify or BundleCheck) with the
// arguments: the selector; the offset of the proofs (a bytes[N], dynamic)
// and the static words in place; then the proofs: N offsets from the
// array's start, and each proof's length and bytes padded to 32.
func (b *Bundle) Encode(fn string, bc *BundleCall) ([]byte, error) {
	if fn != BundleVerify && fn != BundleCheck {
		return nil, fmt.Errorf("evm: the bundle contract has no function %q (%s, %s)", fn, BundleVerify, BundleCheck)
	}
	if len(bc.Proofs) != len(b.Segments) {
		return nil, fmt.Errorf("evm: %d proofs for %d segments", len(bc.Proofs), len(b.Segments))
	}
	out := append([]byte(nil), Selector(b.Signature(fn))...)
	out = append(out, word64(32*(len(bc.Words)+1))...)
	for _, w := range bc.Words {
		out = append(out, w...)
	}
	at := 32 * len(bc.Proofs)
	for _, p := range bc.Proofs {
		out = append(out, word64(at)...)
		at += 32 + pad32(len(p))
	}
	for _, p := range bc.Proofs {
		out = append(out, word64(len(p))...)
		out = append(out, p...)
		out = append(out, make([]byte, pad32(len(p))-len(p))...)
	}
	return out, nil
}

func pad32(n int) int { return (n + 31) / 32 * 32 }

// Calldata is the ABI encoding of fn with the segment proofs' calls.
func (b *Bundle) Calldata(fn string, calls []*Call) ([]byte, error) {
	bc, err := b.Args(calls)
	if err != nil {
		return nil, err
	}
	return b.Encode(fn, bc)
}

// BundleCalls reads a bundle's segment proofs as verifier calls (their
// encoding only, not their validity).
func BundleCalls(proofs []*proof.Proof) ([]*Call, error) {
	calls := make([]*Call, len(proofs))
	for k, p := range proofs {
		c, err := NewCall(p)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", k, err)
		}
		calls[k] = c
	}
	return calls, nil
}
