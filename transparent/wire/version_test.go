package wire

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/mlp"
)

// TestVersionEight: every encoder writes version 8 (hashed weights bound
// to a Poseidon2 root in every proof, after version 7's pooled Libra
// masks), and a proof of version 7 — in another format — is refused by
// every decoder with one line saying to prove again.
func TestVersionEight(t *testing.T) {
	if Version != 8 {
		t.Fatalf("Version %d, want 8", Version)
	}
	b, err := EncodeMLPBatched(&mlp.BatchedProof{})
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.BigEndian.Uint16(b[len(Magic):]); v != 8 {
		t.Fatalf("encoded version %d, want 8", v)
	}
	for kind, dec := range map[int]func([]byte) error{
		1: func(b []byte) error { _, err := DecodeMLP(b); return err },
		2: func(b []byte) error { _, err := DecodeMLPBatched(b); return err },
		3: func(b []byte) error { _, err := DecodeCNN(b); return err },
		4: func(b []byte) error { _, err := DecodeMLPCommitted(b); return err },
		5: func(b []byte) error { _, err := DecodeCNNCommitted(b); return err },
		6: func(b []byte) error { _, err := DecodeResidual(b); return err },
		7: func(b []byte) error { _, err := DecodeResidualCommitted(b); return err },
	} {
		old := append([]byte(Magic), 0, 7, byte(kind))
		old = append(old, make([]byte, 64)...)
		err := dec(old)
		if err == nil || !strings.Contains(err.Error(), "format version 7, this zkinfer reads 8: prove it again") || strings.Contains(err.Error(), "\n") {
			t.Errorf("kind %d, version 7: got %v, want a one-line refusal saying to prove again", kind, err)
		}
	}
}
