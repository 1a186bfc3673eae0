package proof

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// Proof is a proof file (verifier.Proof): its protocol (Groth16 or Plonk),
// the proof (the wire format, verifier/wire.go), its public inputs (32-byte
// big-endian field elements, in the circuit's order) and, when the outputs
// are public, their dequantized values in the layout `run` prints; with
// hashed tensors or a claim, the commitments and the claim's text.
type Proof = verifier.Proof

// WriteProof writes p to path atomically.
func WriteProof(path string, p *Proof) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // claims read "<=", not "\u003c="
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// ReadProof reads a proof file.
func ReadProof(path string) (*Proof, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, verifier.MaxProofBytes+1))
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	return verifier.ParseProof(path, b)
}
