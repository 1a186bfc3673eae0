package wire

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/lower"
)

// residual proves a small residual network (onnxbuild.ResNet) on a random
// input with params: the lowered chain, the proof's encoding and outputs.
func residual(t *testing.T, seed uint64) (*lower.Chain, []byte, []int64) {
	t.Helper()
	c, x := lowered(t, onnxbuild.Bytes(onnxbuild.ResNet(2, 8)), seed)
	if c.Res == nil {
		t.Fatalf("lowered to %s, want a residual network", c.Describe())
	}
	p, y, err := cnn.ProveResidual(testParams, c.Res, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeResidual(&p)
	if err != nil {
		t.Fatal(err)
	}
	return c, b, y
}

// TestResidual: kind 6 round-trips; prefixes, bit flips, other kinds and
// a node's presence byte with an unknown bit are refused without a panic.
func TestResidual(t *testing.T) {
	c, b, y := residual(t, 5)
	if b[6] != KindResidual {
		t.Fatalf("kind %d", b[6])
	}
	roundTrip(t, b, EncodeResidual, DecodeResidual, func(q *cnn.ResProof) error {
		return cnn.VerifyResidual(testParams, c.Res, y, *q)
	})
	_, other, _ := residual(t, 6)
	if p, err := DecodeResidual(other); err != nil {
		t.Fatal(err)
	} else if cnn.VerifyResidual(testParams, c.Res, y, *p) == nil {
		t.Error("another input's proof verified for these outputs")
	}
	// The first node's presence byte follows the header, x, the input
	// range and the nodes' count.
	p, _ := DecodeResidual(b)
	w := &writer{}
	header(w, KindResidual)
	w.commitment(&p.X)
	w.inputRange(&p.Input)
	at := len(w.b) + 4
	if b[at] != 1|2|4 { // the stem: Conv, Rq, Pool
		t.Fatalf("byte %d is %#x, not the stem's presence byte", at, b[at])
	}
	for _, v := range []byte{0x20, 0x80, 0xff} {
		bad := bytes.Clone(b)
		bad[at] = v
		if _, err := DecodeResidual(bad); err == nil || !strings.Contains(err.Error(), "presence") {
			t.Errorf("presence byte %#x: %v", v, err)
		}
	}
}

// TestResidualFieldsCovered: the residual proof's fields are the ones
// residual.go encodes.
func TestResidualFieldsCovered(t *testing.T) {
	for typ, fields := range map[reflect.Type]string{
		reflect.TypeFor[cnn.ResProof]():     "X Input Nodes Steps Requan Batch",
		reflect.TypeFor[cnn.NodeProof]():    "Conv Rq Pool Add Avg",
		reflect.TypeFor[cnn.AddReluProof](): "Y S V0 V1 Lookups Sum",
	} {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if g := strings.Join(got, " "); g != fields {
			t.Errorf("%v has fields %q, transparent/wire encodes %q: update residual.go and bump Version", typ, g, fields)
		}
	}
}
