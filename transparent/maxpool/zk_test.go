package maxpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestZeroKnowledge: two inputs with the same maxima (they differ in a
// non-maximal entry of every window), 48 proofs each under vanishing
// masks: every field element of the product, the link and the gather
// (rounds; finals D̂(i, ρ), L̂0, L̂1, Ĝ, Ŷ at σ, X̂(ρ') and the public
// eq/selector values; both tails' finals; the Libra masks' sums and
// values) and the vanishing parts Z(z)·s̃(z_col) of the four claims have
// uniform low bits. With the vanishing masks zeroed
// (pcs.SetZeroVanishingForTests; R's row too) the vanishing parts are 0
// and the test fails, so it can (zktest.MaskedRuns). The lookups are package logup's.
//
// Shapes: 2 channels of 4×4 (an output table of 8 entries), 4 channels of
// 2×2 pooled to 1×1, and one channel of 2×2 pooled to one value — both
// padded to conv.MinTable entries (wv = 3; the one-value pool, with wv = 0
// and no fresh mask R, failed the batch on an honest proof before).
func TestZeroKnowledge(t *testing.T) {
	for _, c := range []struct{ c, h, w int }{{2, 4, 4}, {4, 2, 2}, {1, 2, 2}} {
		t.Run(fmt.Sprintf("%dx%dx%d", c.c, c.h, c.w), func(t *testing.T) {
			l, err := NewLayer(c.c, c.h, c.w, 2, 12)
			if err != nil {
				t.Fatal(err)
			}
			zeroKnowledge(t, l)
		})
	}
}

func zeroKnowledge(t *testing.T, l *Layer) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}
	x1 := input(rand.New(rand.NewPCG(7, 7)), l)
	x2 := append([]int64(nil), x1...)
	y1, _ := l.Run(x1)
	for w, q := range l.idx[:len(y1)] { // slot 0 of each window
		if q >= 0 {
			for s := 0; s < 4; s++ {
				u := l.idx[s*len(y1)+w]
				if x1[u] < y1[w] {
					x2[u] = (x1[u] + y1[w]) / 2 // still not above the maximum
					break
				}
			}
		}
	}
	if y2, _ := l.Run(x2); fmt.Sprint(y1) != fmt.Sprint(y2) {
		t.Fatal("the two inputs' maxima differ: the test's premise is wrong")
	}
	xs := [][]int64{x1, x2}
	masks := pcs.Params{RateLog: 1, Queries: 10, Hiding: true} // the Libra masks' commitments
	zktest.MaskedRuns(t, masks, func(h zktest.OpenHook) { openHook = h }, func(input int, c zktest.Counts) {
		x := xs[input]
		xData, err := pcs.Commit(p, mle.FromInt64(x))
		if err != nil {
			t.Fatal(err)
		}
		tr, bp := start(xData), batch.NewProver()
		proof, _, err := l.ProveBatched(tr, p, xData, x, y1, bp)
		if err != nil {
			t.Fatal(err)
		}
		bproof, err := bp.Prove(tr)
		if err != nil {
			t.Fatal(err)
		}
		tv, bv := start(xData), batch.NewVerifier()
		if err := l.VerifyBatched(tv, p, xData.Commitment(), proof, bv); err != nil {
			t.Fatal(err)
		}
		if err := bv.Verify(tv, p, bproof); err != nil {
			t.Fatal(err)
		}
		c.Sumcheck("product", &proof.Zero)
		c.Sumcheck("link", &proof.Link)
		c.Sumcheck("gather", &proof.Gather)
	})
}
