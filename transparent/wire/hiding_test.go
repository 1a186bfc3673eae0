package wire

import (
	"bytes"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// TestHidingRoundTrip: a batched proof with hiding commitments carries its
// mask values through the encoding (version 2): it round-trips byte for
// byte, verifies once decoded, and fails to verify with a mask value changed
// or the masks dropped.
func TestHidingRoundTrip(t *testing.T) {
	hp := pcs.Params{RateLog: testParams.RateLog, Queries: testParams.Queries, Hiding: true}
	m, x := small(t)
	p, y, err := mlp.ProveBatched(hp, m, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeMLPBatched(&p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := DecodeMLPBatched(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := mlp.VerifyBatched(hp, m, 1, y, *q); err != nil {
		t.Fatalf("the decoded hiding proof does not verify: %v", err)
	}
	if again, err := EncodeMLPBatched(q); err != nil || !bytes.Equal(again, b) {
		t.Fatalf("decode then encode changed the bytes (%v)", err)
	}
	masks := 0
	for _, g := range q.Batch.Groups {
		masks += len(g.Open.Masks)
	}
	if masks == 0 {
		t.Fatal("no mask values in a hiding proof")
	}
	g := &q.Batch.Groups[0].Open
	one := g.Masks[0]
	one.SetOne()
	g.Masks[0].Add(&g.Masks[0], &one)
	if err := mlp.VerifyBatched(hp, m, 1, y, *q); err == nil {
		t.Error("a changed mask value accepted")
	}
	g.Masks = nil
	if err := mlp.VerifyBatched(hp, m, 1, y, *q); err == nil {
		t.Error("dropped masks accepted")
	}
}
