package pcs

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestEncodedMatrixKept: under a large budget a commitment keeps its encoded
// matrix and whole tree (RetainedBytes and the process total count them, and
// the heap holds them), its openings do not recompute, a hiding commitment
// gives its share back at its opening and a binding one keeps it across
// openings until it is dropped.
func TestEncodedMatrixKept(t *testing.T) {
	defer SetRetainBudget(SetRetainBudget(1 << 40))
	for _, p := range []Params{DefaultParams(), {RateLog: 2, Queries: 241, Hiding: true, Vanishing: true}} {
		t.Run(fmt.Sprintf("hiding %v", p.Hiding), func(t *testing.T) {
			const n, rv = 14, 4
			tab := goldenTable(n, 5)
			R, C := 1<<rv, 1<<(n-rv)
			W, Rm := p.msgLen(C)<<p.RateLog, p.matRows(R)
			matrix, tree := 32*W*Rm, 32*(2*W-1)
			upper := 32 * (2*(W>>treeDrop) - 1)
			if _, err := CommitShape(p, tab, rv); err != nil { // the FFT domain's tables, cached, out of the count
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			total := settle() // the shares of the warm-up's and earlier tests' dropped commitments given back
			runtime.ReadMemStats(&before)
			pd, err := CommitShape(p, tab, rv)
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			kept := int(after.HeapAlloc) - int(before.HeapAlloc)
			if got, want := pd.RetainedBytes(), matrix+tree+32*len(pd.mask); got != want {
				t.Errorf("RetainedBytes %d, want the matrix's %d + the tree's %d + the mask's %d", got, matrix, tree, 32*len(pd.mask))
			}
			if got := RetainedTotal() - total; got != int64(matrix+tree-upper) || pd.share.n.Load() != got {
				t.Errorf("the process total grew by %d, the share is %d, want the matrix and the lower levels, %d", got, pd.share.n.Load(), matrix+tree-upper)
			}
			if kept < matrix || kept > pd.RetainedBytes()+1<<16 {
				t.Errorf("a ProverData keeps %d bytes of heap, RetainedBytes %d, the matrix %d", kept, pd.RetainedBytes(), matrix)
			}
			rec := recomputes.Load()
			opens := 1
			if !p.Hiding {
				opens = 2
			}
			for range opens {
				if _, _, _, err := pd.Open(transcript.New("t"), goldenPoint(n, 2)); err != nil {
					t.Fatal(err)
				}
			}
			if got := recomputes.Load() - rec; got != 0 {
				t.Errorf("%d openings of a kept commitment recomputed their columns", got)
			}
			if p.Hiding {
				if got, want := pd.RetainedBytes(), upper+32*len(pd.mask); got != want || RetainedTotal() != total {
					t.Errorf("after the hiding opening: RetainedBytes %d (want %d), process total %d (want %d)", got, want, RetainedTotal(), total)
				}
			} else if RetainedTotal() == total {
				t.Error("a binding commitment gave its share back at its opening")
			}
			runtime.KeepAlive(pd)
			pd = nil
			for i := 0; i < 100 && RetainedTotal() != total; i++ { // the cleanup runs after a collection, on its own goroutine
				runtime.GC()
				time.Sleep(time.Millisecond)
			}
			if RetainedTotal() != total {
				t.Errorf("a dropped commitment's share was not given back: total %d, want %d", RetainedTotal(), total)
			}
		})
	}
}

// settle collects until the dropped commitments' cleanups have given their
// shares back (the total stops changing), and returns the total.
func settle() int64 {
	last := int64(-1)
	for i := 0; i < 100; i++ {
		runtime.GC()
		time.Sleep(2 * time.Millisecond)
		if now := RetainedTotal(); now == last {
			return now
		} else {
			last = now
		}
	}
	return last
}

// TestRetainBudgetSpent: a commitment that does not fit what is left of the
// budget keeps nothing and recomputes at opening, with the same proof.
func TestRetainBudgetSpent(t *testing.T) {
	p := DefaultParams()
	const n, rv = 10, 3
	probe, err := CommitShape(p, goldenTable(n, 1), rv) // its size, under the default budget
	if err != nil {
		t.Fatal(err)
	}
	share := int64(probe.RetainedBytes() - 32*(2*(probe.width()>>treeDrop)-1))
	if probe.enc == nil || share <= 0 {
		t.Fatalf("a 2^%d commitment not kept under the default budget (share %d)", n, share)
	}
	defer SetRetainBudget(SetRetainBudget(settle() + share + share/2)) // room for one more, not two
	a, errA := CommitShape(p, goldenTable(n, 1), rv)
	b, errB := CommitShape(p, goldenTable(n, 1), rv)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a.enc == nil || b.enc != nil {
		t.Fatalf("kept: first %v, second %v; want the first only", a.enc != nil, b.enc != nil)
	}
	rec := recomputes.Load()
	_, opA, _, errA := a.Open(transcript.New("t"), goldenPoint(n, 2))
	_, opB, _, errB := b.Open(transcript.New("t"), goldenPoint(n, 2))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if got := recomputes.Load() - rec; got != 1 {
		t.Errorf("%d openings recomputed, want the second commitment's only", got)
	}
	da, db := &digest{}, &digest{}
	da.opening(opA)
	db.opening(opB)
	if string(da.h) != string(db.h) {
		t.Error("the kept and the recomputed openings differ")
	}
	runtime.KeepAlive(probe)
}
