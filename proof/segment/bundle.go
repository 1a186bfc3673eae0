package segment

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// Bundle is the proof file of a segmented directory: every segment's
// proof in order and, for the reader, what they establish together (each
// a copy that Verify recomputes from the segments' public inputs).
type Bundle struct {
	Protocol    proof.Backend `json:"protocol"`
	ModelSHA256 string        `json:"model_sha256"`
	// Segments are the segments' proofs, in the directory's order.
	Segments []*proof.Proof `json:"segments"`
	// Outputs, Claim: the last segment's; Commitments: the input's (the
	// first segment's), the output's (the last's) and the model's
	// (ModelCommitment of the segments' weight commitments).
	Outputs     [][]float64       `json:"outputs,omitempty"`
	Commitments map[string]string `json:"commitments,omitempty"`
	Claim       string            `json:"claim,omitempty"`
	Context     string            `json:"context,omitempty"`
}

// Assemble makes the bundle of the segments' proofs.
func (d *Dir) Assemble(proofs []*proof.Proof) (*Bundle, error) {
	if len(proofs) != d.Len() {
		return nil, fmt.Errorf("prove: %d segment proofs for %d segments", len(proofs), d.Len())
	}
	first, last := proofs[0], proofs[len(proofs)-1]
	b := &Bundle{Protocol: d.Manifest.Backend, ModelSHA256: d.Manifest.ModelSHA256, Segments: proofs,
		Outputs: last.Outputs, Claim: last.Claim, Context: last.Context}
	cm, err := summary(proofs)
	if err != nil {
		return nil, err
	}
	if v, ok := first.Commitments["input"]; ok {
		cm["input"] = v
	}
	if v, ok := last.Commitments["output"]; ok {
		cm["output"] = v
	}
	if len(cm) > 0 {
		b.Commitments = cm
	}
	return b, nil
}

// summary is the model commitment of the segments' proofs, under
// "params", when any segment commits to weights.
func summary(proofs []*proof.Proof) (map[string]string, error) {
	per := make([]string, len(proofs))
	any := false
	for k, p := range proofs {
		per[k] = p.Commitments["params"]
		any = any || per[k] != ""
	}
	cm := map[string]string{}
	if any {
		c, err := ModelCommitment(per)
		if err != nil {
			return nil, err
		}
		cm["params"] = c
	}
	return cm, nil
}

// ModelCommitment combines the weight commitments of the segments (one
// per segment, "" for a segment without secret weights; each a Poseidon2
// field element or a Pedersen point in hex) into the one commitment a
// model owner publishes:
//
//	SHA-256("zkinfer-segments-v1" ‖ for each segment k with weights: k ‖ len ‖ bytes)
//
// (k and len as 4-byte big-endian integers). It binds every segment's
// commitment at its position: two lists with one commitment are one
// SHA-256 collision apart.
func ModelCommitment(per []string) (string, error) {
	h := sha256.New()
	h.Write([]byte("zkinfer-segments-v1"))
	for k, c := range per {
		if c == "" {
			continue
		}
		b, err := hex.DecodeString(strings.TrimPrefix(c, "0x"))
		if err != nil || (len(b) != 32 && len(b) != 64) {
			return "", fmt.Errorf("segment %d's weight commitment %.140q is not a field element or a point in hex", k, c)
		}
		var n [8]byte
		binary.BigEndian.PutUint32(n[:4], uint32(k))
		binary.BigEndian.PutUint32(n[4:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	return "0x" + hex.EncodeToString(h.Sum(nil)), nil
}

// WriteBundle writes b to path atomically.
func WriteBundle(path string, b *Bundle) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// ReadBundle reads a bundle file.
func ReadBundle(path string) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, verifier.MaxProofBytes+1))
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	if len(raw) > verifier.MaxProofBytes {
		return nil, fmt.Errorf("proof: %s is larger than %d bytes", path, verifier.MaxProofBytes)
	}
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("proof: %s is not a proof file: %v", path, err)
	}
	if len(b.Segments) == 0 {
		return nil, fmt.Errorf("proof: %s holds no segment proofs: it is not a segmented proof (verify it with an unsegmented directory)", path)
	}
	for k, p := range b.Segments {
		if p == nil {
			return nil, fmt.Errorf("proof: %s: segment %d is null", path, k)
		}
	}
	return &b, nil
}

// boundary returns the public input of proof p (of a circuit whose
// settings are s) in the segment name (circuit.SegBoundaryIn or Out).
func boundary(s *proof.Settings, p *proof.Proof, name string) (string, error) {
	off := s.Layout().Offset(name)
	if off < 0 || off >= len(p.PublicInputs) {
		return "", fmt.Errorf("the circuit has no %s public input", name)
	}
	return strings.ToLower(p.PublicInputs[off]), nil
}
