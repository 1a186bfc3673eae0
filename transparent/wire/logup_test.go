package wire

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestLogupLink: a lookup proof with and without the link to f's
// repetition (vanishing masks, 8 lookups into 16 entries; binding) decodes
// to a proof that verifies and re-encodes to the same bytes; a presence
// byte other than 0 and 1 is refused.
func TestLogupLink(t *testing.T) {
	table, _ := logup.Range(4)
	f := mle.FromInt64([]int64{3, 15, 1, 0, 9, 4, 2, 2})
	for _, c := range []struct {
		name string
		p    pcs.Params
		link bool
	}{
		{"binding", pcs.Params{RateLog: 1, Queries: 16}, false},
		{"vanishing", pcs.Params{RateLog: 1, Queries: 16, Hiding: true, Vanishing: true}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fData, err := pcs.Commit(c.p, f)
			if err != nil {
				t.Fatal(err)
			}
			ptr, bp := transcript.New("t"), batch.NewProver()
			fData.Commitment().Absorb(ptr, "f")
			proof, err := logup.ProveBatched(ptr, c.p, fData, f, table, bp)
			if err != nil {
				t.Fatal(err)
			}
			bproof, err := bp.Prove(ptr)
			if err != nil {
				t.Fatal(err)
			}
			if (proof.Link != nil) != c.link {
				t.Fatalf("link present %v, want %v", proof.Link != nil, c.link)
			}
			var w writer
			w.logup(&proof)
			linkAt := 3 * 34
			if w.b[linkAt] != map[bool]byte{false: 0, true: 1}[c.link] {
				t.Fatalf("presence byte %d", w.b[linkAt])
			}
			r := reader{b: w.b}
			var got logup.Proof
			r.logup(&got)
			if r.err != nil || r.left() != 0 {
				t.Fatalf("decode: %v (%d bytes left)", r.err, r.left())
			}
			var w2 writer
			w2.logup(&got)
			if !bytes.Equal(w2.b, w.b) {
				t.Fatal("re-encoding differs")
			}
			vtr, bv := transcript.New("t"), batch.NewVerifier()
			fData.Commitment().Absorb(vtr, "f")
			if err := logup.VerifyBatched(vtr, c.p, fData.Commitment(), table, got, bv); err != nil {
				t.Fatal(err)
			}
			if err := bv.Verify(vtr, c.p, bproof); err != nil {
				t.Fatal(err)
			}
			bad := append([]byte(nil), w.b...)
			bad[linkAt] = 2
			r = reader{b: bad}
			r.logup(&got)
			if r.err == nil || !strings.Contains(r.err.Error(), "presence byte") {
				t.Fatalf("presence byte 2: got %v", r.err)
			}
		})
	}
}
