package wire

import (
	"bytes"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestLogupVanishing: lookup proofs with fewer and more lookups than table
// entries (8 and 32 into 16), binding and under vanishing masks (where the
// smaller tables are masked factors spanning their own variables: h over 8
// entries, g over 16), opened and batched, decode to proofs that verify and
// re-encode to the same bytes; every shorter prefix is refused.
func TestLogupVanishing(t *testing.T) {
	table, _ := logup.Range(4)
	for _, vals := range [][]int64{{3, 15, 1, 0, 9, 4, 2, 2}, {3, 15, 1, 0, 9, 4, 2, 2, 7, 7, 1, 12, 11, 0, 5, 4, 3, 15, 1, 0, 9, 4, 2, 2, 7, 7, 1, 12, 11, 0, 5, 4}} {
		f := mle.FromInt64(vals)
		for _, p := range []pcs.Params{{RateLog: 1, Queries: 16}, {RateLog: 1, Queries: 16, Hiding: true, Vanishing: true}} {
			for _, batched := range []bool{false, true} {
				fData, err := pcs.Commit(p, f)
				if err != nil {
					t.Fatal(err)
				}
				var bp *batch.Prover
				var bv *batch.Verifier
				if batched {
					bp, bv = batch.NewProver(), batch.NewVerifier()
				}
				ptr := transcript.New("t")
				fData.Commitment().Absorb(ptr, "f")
				proof, err := logup.ProveBatched(ptr, p, fData, f, table, bp)
				if err != nil {
					t.Fatal(err)
				}
				var bproof batch.Proof
				if bp != nil {
					if bproof, err = bp.Prove(ptr); err != nil {
						t.Fatal(err)
					}
				}
				var w writer
				w.logup(&proof)
				r := reader{b: w.b}
				var got logup.Proof
				r.logup(&got)
				if r.err != nil || r.left() != 0 {
					t.Fatalf("%d lookups, %+v: decode: %v (%d bytes left)", len(vals), p, r.err, r.left())
				}
				var w2 writer
				w2.logup(&got)
				if !bytes.Equal(w2.b, w.b) {
					t.Fatal("re-encoding differs")
				}
				vtr := transcript.New("t")
				fData.Commitment().Absorb(vtr, "f")
				if err := logup.VerifyBatched(vtr, p, fData.Commitment(), table, got, bv); err != nil {
					t.Fatalf("%d lookups, %+v, batched %v: decoded proof rejected: %v", len(vals), p, batched, err)
				}
				if bv != nil {
					if err := bv.Verify(vtr, p, bproof); err != nil {
						t.Fatal(err)
					}
				}
				for cut := 0; cut < len(w.b); cut += 97 {
					r := reader{b: w.b[:cut]}
					r.logup(&got)
					if r.err == nil {
						t.Fatalf("a prefix of %d of %d bytes decoded", cut, len(w.b))
					}
				}
			}
		}
	}
}
