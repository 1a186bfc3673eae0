package pcs

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestPrunedColumns: the pruned FFT gives Enc(msg) at every planned position
// (each rate, sizes from 1 to 2^12 columns, positions that are siblings, all,
// one, and t random ones), whatever the buffer held before.
func TestPrunedColumns(t *testing.T) {
	g := rand.New(rand.NewPCG(1, 2))
	for _, rateLog := range []int{1, 2, 3} {
		for _, logL := range []int{0, 1, 3, 6, 10} {
			L, W := 1<<logL, 1<<(logL+rateLog)
			msg := goldenTable(logL, uint64(rateLog*100+logL))
			want := Encode(msg, rateLog)
			sets := map[string][]int{"first": {0}, "last": {W - 1}, "siblings": {2, 3, W - 2}}
			all := make([]int, W)
			for j := range all {
				all[j] = W - 1 - j
			}
			sets["all"] = all
			rnd := distinct(func() []int {
				out := make([]int, 241)
				for q := range out {
					out[q] = g.IntN(W)
				}
				return out
			}())
			sets["random"] = rnd
			for name, idx := range sets {
				idx = distinct(func() []int { // in range: W may be 2
					var in []int
					for _, j := range idx {
						in = append(in, j%W)
					}
					return in
				}())
				pl := newPrune(W, idx)
				buf := goldenTable(logL+rateLog, 77) // stale contents
				pl.dif(buf, msg, rateLog)
				for q, j := range idx {
					if got := buf[pl.pos[q]]; !got.Equal(&want[j]) {
						t.Fatalf("rate 2^-%d, L = %d, %s: position %d differs from Encode", rateLog, L, name, j)
					}
				}
			}
		}
	}
}

// TestEncodedMatrixNotRetained: with a retention budget of 0, a commitment holds its Merkle tree's upper
// levels (and vanishing mask), not the encoded matrix nor the leaves:
// RetainedBytes is their size, well below the matrix's, and so is the heap
// a ProverData keeps alive.
func TestEncodedMatrixNotRetained(t *testing.T) {
	defer SetRetainBudget(SetRetainBudget(0))
	for _, p := range []Params{DefaultParams(), {RateLog: 2, Queries: 241, Hiding: true, Vanishing: true}} {
		t.Run(fmt.Sprintf("hiding %v", p.Hiding), func(t *testing.T) {
			const n, rv = 14, 4
			tab := goldenTable(n, 5)
			R, C := 1<<rv, 1<<(n-rv)
			W, Rm := p.msgLen(C)<<p.RateLog, p.matRows(R)
			matrix := 32 * W * Rm
			if _, err := CommitShape(p, tab, rv); err != nil { // the FFT domain's tables, cached, out of the count
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			pd, err := CommitShape(p, tab, rv)
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			kept := int(after.HeapAlloc) - int(before.HeapAlloc)
			tree := 32 * (2*(W>>treeDrop) - 1) // its levels from treeDrop up
			if got, want := pd.RetainedBytes(), tree+32*len(pd.mask); got != want {
				t.Errorf("RetainedBytes %d, want the kept tree's %d + the mask's %d", got, tree, 32*len(pd.mask))
			}
			if kept > pd.RetainedBytes()+1<<16 {
				t.Errorf("a ProverData keeps %d bytes of heap, RetainedBytes %d; the encoded matrix is %d, the whole tree %d", kept, pd.RetainedBytes(), matrix, 32*(2*W-1))
			}
			runtime.KeepAlive(pd)
		})
	}
}

// TestRecomputedColumnsChecked: columns recomputed at opening that differ
// from the committed ones (here a tamper hook set after the commit) are
// refused by the prover against the kept tree level, not sent.
func TestRecomputedColumnsChecked(t *testing.T) {
	defer SetRetainBudget(SetRetainBudget(0))
	pd, err := CommitShape(DefaultParams(), goldenTable(10, 1), 3)
	if err != nil {
		t.Fatal(err)
	}
	one := fr.One()
	pd.tamper = func(j int, col []fr.Element) { col[0].Add(&col[0], &one) }
	if _, _, _, err := pd.Open(transcript.New("t"), goldenPoint(10, 2)); err == nil {
		t.Fatal("columns that are not the committed ones were opened")
	}
	pd.tamper = nil
	if _, _, _, err := pd.Open(transcript.New("t"), goldenPoint(10, 2)); err != nil {
		t.Fatal(err)
	}
}
