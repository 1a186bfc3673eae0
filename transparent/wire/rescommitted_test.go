package wire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/transparent/cnn"
)

// TestResidualCommitted: kind 7 round-trips with its weight commitments;
// kind 6's decoder refuses it and kind 7's refuses kind 6.
func TestResidualCommitted(t *testing.T) {
	c, x := lowered(t, onnxbuild.Bytes(onnxbuild.ResNet(2, 8)), 11)
	if c.Res == nil {
		t.Fatalf("lowered to %s, want a residual network", c.Describe())
	}
	cr, coms, err := c.Res.CommitWeights(hidingTest, [32]byte{3})
	if err != nil {
		t.Fatal(err)
	}
	p, y, err := cnn.ProveResidualCommitted(hidingTest, cr, coms, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeResidualCommitted(&p)
	if err != nil {
		t.Fatal(err)
	}
	if b[6] != KindResidualCommitted {
		t.Fatalf("kind %d", b[6])
	}
	roundTrip(t, b, EncodeResidualCommitted, DecodeResidualCommitted, func(q *cnn.ResCommittedProof) error {
		if q.ModelCommitment() != p.ModelCommitment() {
			t.Fatal("the decoded proof has another model commitment")
		}
		return cnn.VerifyResidualCommitted(hidingTest, c.Res, y, *q)
	})
	if _, err := DecodeResidual(b); err == nil {
		t.Error("kind 7 read as kind 6")
	}
	plain, err := EncodeResidual(&p.ResProof)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeResidualCommitted(plain); err == nil {
		t.Error("kind 6 read as kind 7")
	}
}

// TestResidualCommittedFieldsCovered: the committed residual proof's
// fields are the ones rescommitted.go encodes.
func TestResidualCommittedFieldsCovered(t *testing.T) {
	typ := reflect.TypeFor[cnn.ResCommittedProof]()
	var got []string
	for i := range typ.NumField() {
		got = append(got, typ.Field(i).Name)
	}
	if g := strings.Join(got, " "); g != "Weights Root ResProof" {
		t.Errorf("%v has fields %q, transparent/wire encodes %q: update rescommitted.go and bump Version", typ, g, "Weights Root ResProof")
	}
}
