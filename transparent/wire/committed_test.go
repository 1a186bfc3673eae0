package wire

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
	"github.com/zkinfer/zkinfer/transparent/weightpack"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

var hidingTest = pcs.Params{RateLog: testParams.RateLog, Queries: testParams.Queries, Hiding: true}

// roundTrip checks Decode∘Encode is the identity on b, that the decoded
// proof verifies, that no other kind reads it, and that every prefix and a
// sample of single-bit flips are refused by the decoder or the verifier.
func roundTrip[P any](t *testing.T, b []byte, enc func(*P) ([]byte, error), dec func([]byte) (*P, error), verify func(*P) error) {
	t.Helper()
	p, err := dec(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(p); err != nil {
		t.Fatalf("the decoded proof does not verify: %v", err)
	}
	if again, err := enc(p); err != nil || !bytes.Equal(again, b) {
		t.Fatalf("decode then encode changed the bytes (%v)", err)
	}
	if _, err := DecodeMLPBatched(b); err == nil {
		t.Error("read as kind 2")
	}
	if _, err := DecodeCNN(b); err == nil {
		t.Error("read as kind 3")
	}
	for _, n := range []int{0, 7, 7 + 4, 7 + 4 + 34, len(b) / 2, len(b) - 1} {
		if _, err := dec(b[:n]); err == nil {
			t.Errorf("a prefix of %d bytes decoded", n)
		}
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 40 {
		c := bytes.Clone(b)
		i := 7 + rng.IntN(len(c)-7)
		c[i] ^= 1 << rng.IntN(8)
		if q, err := dec(c); err == nil && verify(q) == nil {
			t.Errorf("a flip at byte %d of %d accepted", i, len(c))
		}
	}
}

// TestMLPCommitted: kind 4 round-trips with its weight commitments.
func TestMLPCommitted(t *testing.T) {
	m, x := small(t)
	cm, coms, err := m.CommitWeights(hidingTest, [32]byte{1})
	if err != nil {
		t.Fatal(err)
	}
	p, y, err := mlp.ProveCommitted(hidingTest, cm, coms, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeMLPCommitted(&p)
	if err != nil {
		t.Fatal(err)
	}
	if b[6] != KindMLPCommitted {
		t.Fatalf("kind %d", b[6])
	}
	roundTrip(t, b, EncodeMLPCommitted, DecodeMLPCommitted, func(q *mlp.CommittedProof) error {
		if q.ModelCommitment() != p.ModelCommitment() {
			t.Fatal("the decoded proof has another model commitment")
		}
		return mlp.VerifyCommitted(hidingTest, m, 1, y, *q)
	})
}

// TestMLPCommittedZK: kind 4 round-trips under vanishing masks (the CLI's
// parameters), whose tree proof has its zero-knowledge part.
func TestMLPCommittedZK(t *testing.T) {
	zk := hidingTest
	zk.Vanishing = true
	m, x := small(t)
	cm, coms, err := m.CommitWeights(zk, [32]byte{1})
	if err != nil {
		t.Fatal(err)
	}
	p, y, err := mlp.ProveCommitted(zk, cm, coms, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	if p.Root.Tree.ZK == nil {
		t.Fatal("no zero-knowledge tree proof under vanishing masks")
	}
	b, err := EncodeMLPCommitted(&p)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, b, EncodeMLPCommitted, DecodeMLPCommitted, func(q *mlp.CommittedProof) error {
		return mlp.VerifyCommitted(zk, m, 1, y, *q)
	})
}

// TestCNNCommitted: kind 5 round-trips with its weight commitments.
func TestCNNCommitted(t *testing.T) {
	c, x := lowered(t, onnxbuild.Bytes(onnxbuild.ConvStem(4)), 9)
	cm, coms, err := c.CNN.CommitWeights(hidingTest, [32]byte{2})
	if err != nil {
		t.Fatal(err)
	}
	p, y, err := cnn.ProveCommitted(hidingTest, cm, coms, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeCNNCommitted(&p)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, b, EncodeCNNCommitted, DecodeCNNCommitted, func(q *cnn.CommittedProof) error {
		return cnn.VerifyCommitted(hidingTest, c.CNN, y, *q)
	})
}

// TestCommittedFieldsCovered: the committed proofs' fields are the ones
// committed.go encodes.
func TestCommittedFieldsCovered(t *testing.T) {
	for typ, fields := range map[reflect.Type]string{
		reflect.TypeFor[mlp.CommittedProof]():     "Weights Root BatchedProof",
		reflect.TypeFor[cnn.CommittedProof]():     "Weights Root Proof",
		reflect.TypeFor[weightroot.Proof]():       "Root Salt Leaves Pack Tree",
		reflect.TypeFor[weightpack.Proof]():       "Limbs M H G Sumcheck",
		reflect.TypeFor[poseidon2gkr.Proof]():     "Levels Opening ZK",
		reflect.TypeFor[poseidon2gkr.PermProof](): "Layers",
		reflect.TypeFor[poseidon2gkr.ZKProof]():   "Masks Leaves Reduce MaskOpening Pool PoolOpening",
	} {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if g := strings.Join(got, " "); g != fields {
			t.Errorf("%v has fields %q, transparent/wire encodes %q: update committed.go and bump Version", typ, g, fields)
		}
	}
}
