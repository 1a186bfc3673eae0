package wire

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/mlp"
)

// TestVersionSeven: every encoder writes version 7 (the pooled Libra
// masks, after version 6's bump for issue 22's zero-knowledge changes), and
// a proof of version 6 — in another format — is refused by every decoder
// with one line saying to prove again.
func TestVersionSeven(t *testing.T) {
	if Version != 7 {
		t.Fatalf("Version %d, want 7", Version)
	}
	b, err := EncodeMLPBatched(&mlp.BatchedProof{})
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.BigEndian.Uint16(b[len(Magic):]); v != 7 {
		t.Fatalf("encoded version %d, want 7", v)
	}
	for kind, dec := range map[int]func([]byte) error{
		1: func(b []byte) error { _, err := DecodeMLP(b); return err },
		2: func(b []byte) error { _, err := DecodeMLPBatched(b); return err },
		3: func(b []byte) error { _, err := DecodeCNN(b); return err },
		4: func(b []byte) error { _, err := DecodeMLPCommitted(b); return err },
		5: func(b []byte) error { _, err := DecodeCNNCommitted(b); return err },
		6: func(b []byte) error { _, err := DecodeResidual(b); return err },
	} {
		old := append([]byte(Magic), 0, 6, byte(kind))
		old = append(old, make([]byte, 64)...)
		err := dec(old)
		if err == nil || !strings.Contains(err.Error(), "format version 6, this zkinfer reads 7: prove it again") || strings.Contains(err.Error(), "\n") {
			t.Errorf("kind %d, version 6: got %v, want a one-line refusal saying to prove again", kind, err)
		}
	}
}
