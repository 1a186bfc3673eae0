package pcs

import (
	"runtime"
	"sync/atomic"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/merkle"
)

// Retention budget. Recomputing the queried columns at opening (columns.go)
// costs about (log t + 4)/log W of the commit's FFTs, +8–13% of a cnn_c32
// prove's CPU, to save memory a small proof does not need saved. So a
// commitment keeps its encoded matrix and its whole Merkle tree while the
// process-wide total so kept stays within a budget, [DefaultRetainBudget]
// unless [SetRetainBudget] changes it; a commitment made once the budget is
// spent keeps only the tree's upper levels and recomputes at opening. The
// proof's bytes are the same either way (TestProofBytesUnchanged runs both):
// a kept column is the one the commit hashed.
//
// A share is reserved at commit, all or nothing (an atomic compare-and-swap
// on the total, so concurrent commits never exceed the budget together), and
// given back when the commitment can no longer use it: after a hiding
// commitment's one opening, or when the ProverData becomes unreachable (a
// runtime cleanup, run after a garbage collection). A binding commitment may
// be opened again, so it keeps its share until dropped.

// DefaultRetainBudget is the default process-wide budget, in bytes, for
// kept encoded matrices and lower Merkle levels: 256 MiB. A kept byte is
// live heap, which the garbage collector's pacing (GOGC) lets grow about
// twice over, so the peak RSS grows by up to 2× what is kept: cnn_c32's
// zero-knowledge prove would keep 358 MiB (447 MiB with hashed weights)
// under no limit, and under 512 MiB its hashed prove peaked above 1 GB
// (docs/TRANSPARENT.md, "Prover memory").
const DefaultRetainBudget = 256 << 20

var (
	retainBudget atomic.Int64 // bytes; commitments beyond it recompute
	retainedNow  atomic.Int64 // bytes reserved by live kept commitments
	// recomputes counts openings that recomputed their columns (tests).
	recomputes atomic.Int64
)

func init() { retainBudget.Store(DefaultRetainBudget) }

// SetRetainBudget sets the process-wide budget, in bytes, for the encoded
// matrices commitments keep (0: none is kept, every opening recomputes) and
// returns the previous one. It applies to commitments made afterwards; those
// already keeping their matrix keep it.
func SetRetainBudget(bytes int64) int64 { return retainBudget.Swap(max(bytes, 0)) }

// RetainedTotal returns the bytes the live commitments keep under the budget.
func RetainedTotal() int64 { return retainedNow.Load() }

// retention is a kept commitment's share of the budget: n bytes, 0 once
// released. It holds no pointer to its ProverData, so that the runtime
// cleanup, which releases it, can run when that becomes unreachable.
type retention struct{ n atomic.Int64 }

func (r *retention) release() { retainedNow.Add(-r.n.Swap(0)) }

// reserve takes n bytes of the budget if they fit, all or none.
func reserve(n int64) bool {
	for {
		cur := retainedNow.Load()
		if cur+n > retainBudget.Load() {
			return false
		}
		if retainedNow.CompareAndSwap(cur, cur+n) {
			return true
		}
	}
}

// keep makes pd hold enc (row-major, rows in bit-reversed order) and the
// tree's levels below drop, if their size fits the budget.
func (pd *ProverData) keep(enc []fr.Element, lower [][]merkle.Hash) {
	n := int64(32 * len(enc))
	for _, l := range lower {
		n += int64(32 * len(l))
	}
	if !reserve(n) {
		return
	}
	r := &retention{}
	r.n.Store(n)
	pd.enc, pd.lower, pd.share = enc, append([][]merkle.Hash(nil), lower...), r
	runtime.AddCleanup(pd, func(r *retention) { r.release() }, r)
}

// unkeep drops pd's kept matrix and lower levels and gives back its share.
func (pd *ProverData) unkeep() {
	if pd.share != nil {
		pd.share.release()
	}
	pd.enc, pd.lower, pd.share = nil, nil, nil
}

// keptColumns returns the columns at the distinct positions idx from the
// kept matrix, and their multiproof from the kept tree.
func (pd *ProverData) keptColumns(idx []int) ([][]fr.Element, []merkle.Hash, error) {
	W := pd.width()
	Rm, k := len(pd.enc)/W, log2(W)
	flat := make([]fr.Element, len(idx)*Rm)
	cols := make([][]fr.Element, len(idx))
	for q, j := range idx {
		col := flat[q*Rm : (q+1)*Rm : (q+1)*Rm]
		p := bitrev(j, k)
		for i := range col {
			col[i] = pd.enc[i*W+p]
		}
		if pd.tamper != nil {
			pd.tamper(j, col)
		}
		cols[q] = col
	}
	tree := &merkle.Tree{Levels: append(append(make([][]merkle.Hash, 0, len(pd.lower)+len(pd.upper)), pd.lower...), pd.upper...)}
	proof, err := tree.MultiPath(idx)
	if err != nil {
		return nil, nil, err
	}
	return cols, proof, nil
}
