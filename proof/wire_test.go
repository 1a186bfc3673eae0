package proof_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestProofEncoding checks the compact encoding on a proof without a
// commitment (bits range checks: 128 bytes) and one with (lookup: 192),
// that gnark's own encoding still verifies, and that other lengths and
// flipped bytes fail.
func TestProofEncoding(t *testing.T) {
	input, err := model.ReadInput(creditInput)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rangeCheck circuit.RangePolicy
		size       int
	}{{circuit.RangeBits, 128}, {circuit.RangeLookup, 192}} {
		t.Run(tc.rangeCheck.String(), func(t *testing.T) {
			c, err := proof.CompileWith(creditModel, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: tc.rangeCheck})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Setup(nil); err != nil {
				t.Fatal(err)
			}
			p, err := c.Prove(input, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(p.Proof) / 2; got != tc.size {
				t.Fatalf("proof is %d bytes, want %d", got, tc.size)
			}
			if err := c.Verify(p); err != nil {
				t.Fatalf("valid proof rejected: %v", err)
			}
			raw, _ := hex.DecodeString(p.Proof)
			prf, err := proof.DecodeGroth16(raw, proof.AnyCommitments)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(proof.EncodeGroth16(prf)) != p.Proof {
				t.Fatal("decode then encode changed the proof")
			}
			// gnark's encoding (proof files of earlier versions).
			var buf bytes.Buffer
			if _, err := (*groth16bn254.Proof)(prf).WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			legacy := *p
			legacy.Proof = hex.EncodeToString(buf.Bytes())
			if err := c.Verify(&legacy); err != nil {
				t.Fatalf("gnark-encoded proof (%d bytes) rejected: %v", buf.Len(), err)
			}
			bad := []string{
				p.Proof[:len(p.Proof)-2],             // truncated
				p.Proof + "00",                       // trailing byte
				p.Proof + strings.Repeat("00", 32),   // an extra point
				legacy.Proof + "00",                  // gnark's, trailing byte
				strings.Repeat("00", len(p.Proof)/2), // zeros
				"zz" + p.Proof[2:],                   // not hex
			}
			for i := 0; i < len(p.Proof)/2; i += 7 {
				b, _ := hex.DecodeString(p.Proof)
				b[i] ^= 0x01
				bad = append(bad, hex.EncodeToString(b))
			}
			for i, s := range bad {
				q := *p
				q.Proof = s
				if c.Verify(&q) == nil {
					t.Errorf("bad proof %d (%d hex chars) verified", i, len(s))
				}
			}
		})
	}
}
