package wire

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/maxpool"
)

// provenCNN proves onnxbuild.ConvStem (Conv, ReLU, 2×2 max pool, a
// flatten of 3×3 maps that needs its own proof, Gemm): every part of a
// cnn.Proof is present.
func provenCNN(t testing.TB) (*cnn.Model, []int64, []byte) {
	t.Helper()
	c, x := lowered(t, onnxbuild.Bytes(onnxbuild.ConvStem(4)), 9)
	p, y, err := cnn.Prove(testParams, c.CNN, x)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Pools) == 0 || p.Flatten == nil {
		t.Fatalf("ConvStem's proof has %d pools and flatten %v: the test needs both", len(p.Pools), p.Flatten != nil)
	}
	b, err := EncodeCNN(&p)
	if err != nil {
		t.Fatal(err)
	}
	return c.CNN, y, b
}

// TestCNN: a CNN proof round-trips, verifies once decoded, is not read as
// another kind, and no prefix, extension or sampled bit flip of it is
// accepted.
func TestCNN(t *testing.T) {
	m, y, b := provenCNN(t)
	p, err := DecodeCNN(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := cnn.Verify(testParams, m, y, *p); err != nil {
		t.Fatalf("the decoded proof does not verify: %v", err)
	}
	if again, err := EncodeCNN(p); err != nil || !bytes.Equal(again, b) {
		t.Fatalf("decode then encode changed the bytes (%v)", err)
	}
	if _, err := DecodeMLPBatched(b); err == nil || !strings.Contains(err.Error(), "kind 3") {
		t.Fatalf("a CNN proof read as an MLP one: %v", err)
	}
	for n := 0; n < len(b); n += 1 + n/32 {
		if _, err := DecodeCNN(b[:n]); err == nil {
			t.Fatalf("a %d-byte prefix decoded", n)
		}
	}
	if _, err := DecodeCNN(append(append([]byte(nil), b...), 0)); err == nil {
		t.Fatal("an extended proof decoded")
	}
	stride := len(b)/300 + 1
	for i := 0; i < len(b); i += stride {
		c := append([]byte(nil), b...)
		c[i] ^= 0x01
		if q, err := DecodeCNN(c); err == nil && cnn.Verify(testParams, m, y, *q) == nil {
			if rb, _ := EncodeCNN(q); !bytes.Equal(rb, b) {
				t.Fatalf("flipping bit 0 of byte %d left a valid proof", i)
			}
		}
	}
	// The flatten's presence byte is 0 or 1.
	q := *p
	q.Flatten = nil
	nb, _ := EncodeCNN(&q)
	if _, err := DecodeCNN(nb); err != nil {
		t.Fatalf("a proof without a flatten: %v", err)
	}
}

func TestCNNFieldsCovered(t *testing.T) {
	want := map[reflect.Type]string{
		reflect.TypeFor[cnn.Proof]():        "X Input Convs ConvRq Pools Flatten Steps Requan Batch",
		reflect.TypeFor[cnn.FlattenProof](): "X AtR Gather",
		reflect.TypeFor[conv.Proof]():       "Y YAtR BAtR Matmul Gather X YOpen",
		reflect.TypeFor[maxpool.Proof]():    "Y L0 L1 R Lookups Zero Link Gather Openings",
	}
	for typ, fields := range want {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if g := strings.Join(got, " "); g != fields {
			t.Errorf("%v has fields %q, transparent/wire encodes %q: update cnn.go and bump Version", typ, g, fields)
		}
	}
}
