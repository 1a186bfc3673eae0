package pcs

import (
	"fmt"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/merkle"
)

// The encoded matrix (Rm rows of W = L·2^RateLog entries) is not kept
// after Commit once the retention budget is spent (retain.go): it is Rm/2 times the Merkle tree and 4·L/C times the table
// itself (16× and more for a hiding commitment of C < 2^9), and a batched
// prover holds every commitment until the proof's end. An opening needs
// only the ≤ t queried columns; they are recomputed from the messages (the
// table's rows and, with hiding, the rows regenerated from the seed) by an
// FFT pruned to the queried outputs (prunedDIF): the encoding is a linear
// function of the message, so the columns, and every byte of the proof,
// are those the commit hashed. Its cost is that of the commit's FFTs times
// about (log t + 2)/log W (the blocks of the last stages that no queried
// position needs are skipped, and the first RateLog stages, on the zero
// padding, are one multiplication per message coefficient), without the
// commit's column hashing.

// width returns W, the number of encoded columns (Merkle leaves).
func (pd *ProverData) width() int {
	return pd.params.msgLen(len(pd.rows[0])) << pd.params.RateLog
}

// RetainedBytes returns the bytes a ProverData holds besides the table it
// was given (whose rows it shares with the caller): the Merkle tree's
// upper levels and the vanishing mask, and, while it is kept under the
// retention budget (retain.go), the encoded matrix, Rm·W field elements,
// and the tree's lowest levels.
func (pd *ProverData) RetainedBytes() int {
	n := 32 * (len(pd.mask) + len(pd.enc))
	for _, l := range pd.upper {
		n += 32 * len(l)
	}
	for _, l := range pd.lower {
		n += 32 * len(l)
	}
	return n
}

// commitColumns encodes the messages, hashes the columns into the Merkle
// tree's leaves and builds the tree. The encoded matrix lives only here:
// row-major, each row left in the FFT's bit-reversed order (column j of the
// code is entry bitrev(j) of every row), so the leaves are read in that
// order and no row is permuted.
func (pd *ProverData) commitColumns(msg [][]fr.Element) error {
	Rm, W := len(msg), pd.width()
	k := log2(W)
	enc := make([]fr.Element, Rm*W)
	par.For(Rm, max(1, 1<<12/len(msg[0])), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := enc[i*W : (i+1)*W]
			copy(row, msg[i])
			if W > 1 {
				domain(W).FFT(row, fft.DIF)
			}
		}
	})
	leaves := make([]merkle.Hash, W)
	par.For(W, max(1, 1<<12/Rm), func(lo, hi int) {
		col := make([]fr.Element, Rm)
		buf := make([]byte, 0, Rm*fr.Bytes)
		for p := lo; p < hi; p++ {
			for i := range col {
				col[i] = enc[i*W+p]
			}
			j := bitrev(p, k)
			if pd.tamper != nil {
				pd.tamper(j, col)
			}
			leaves[j] = leafInto(buf, col)
		}
	})
	tree, err := merkle.Build(leaves)
	if err != nil {
		return err
	}
	pd.drop = min(treeDrop, k)
	pd.unkeep() // a recommit (tests) replaces what the last commit kept
	pd.keep(enc, tree.Levels[:pd.drop])
	// A copy of the level headers: a subslice would keep the dropped
	// levels reachable through the shared backing array.
	pd.upper = append([][]merkle.Hash(nil), tree.Levels[pd.drop:]...)
	return nil
}

// treeDrop is how many of the Merkle tree's lowest levels a ProverData
// does not keep: the leaves and their parents, 3/4 of the tree's 2W − 1
// hashes. An opening rebuilds them for the aligned groups of 2^treeDrop
// leaves that hold its queried columns (openColumns): it encodes those
// groups' ≤ 4t columns instead of t (the pruned FFT's cost grows by about
// two stages of W/2 butterflies, from ≈ 7 to ≈ 9, still below the
// commit's log W) and hashes them, and checks each group's root against
// the kept level.
const treeDrop = 2

// root returns the Merkle root.
func (pd *ProverData) root() merkle.Hash { return pd.upper[len(pd.upper)-1][0] }

// bitrev reverses the k low bits of p.
func bitrev(p, k int) int {
	if k == 0 {
		return 0
	}
	return int(bits.Reverse64(uint64(p)) >> (64 - k))
}

// leafInto hashes a column, its entries' canonical big-endian bytes in
// order (leafOf), using buf's capacity.
func leafInto(buf []byte, col []fr.Element) merkle.Hash {
	buf = buf[:0]
	for i := range col {
		b := col[i].Bytes()
		buf = append(buf, b[:]...)
	}
	return merkle.LeafHash(buf)
}

// openColumns returns the encoded columns at the distinct positions idx
// and their Merkle multiproof. The columns of every aligned group of
// 2^drop positions holding a queried one are recomputed from the Rm
// messages by the pruned FFT (one buffer of W entries per worker); their
// hashes rebuild the tree's dropped levels over those groups, each group's
// root checked against the kept level (a mismatch is a prover bug: the
// recomputation is not what was committed). scratch holds the rebuilt
// levels between the tables of a multi-opening (one shape: one width).
func (pd *ProverData) openColumns(idx []int, scratch *[][]merkle.Hash) ([][]fr.Element, []merkle.Hash, error) {
	if pd.enc != nil { // kept under the budget (retain.go)
		cols, proof, err := pd.keptColumns(idx)
		if pd.params.Hiding { // opened once: the share is of no more use
			pd.unkeep()
		}
		return cols, proof, err
	}
	recomputes.Add(1)
	msg := pd.messages()
	Rm, W, d := len(msg), pd.width(), pd.drop
	g := 1 << d
	var groups []int // distinct groups, in order of first query
	seen := map[int]int{}
	for _, j := range idx {
		if _, ok := seen[j>>d]; !ok {
			seen[j>>d] = len(groups)
			groups = append(groups, j>>d)
		}
	}
	all := make([]int, 0, len(groups)*g) // every position of every group, group by group
	for _, grp := range groups {
		for r := range g {
			all = append(all, grp<<d+r)
		}
	}
	plan := newPrune(W, all)
	flat := make([]fr.Element, len(all)*Rm)
	cols := make([][]fr.Element, len(all))
	for q := range cols {
		cols[q] = flat[q*Rm : (q+1)*Rm : (q+1)*Rm]
	}
	par.For(Rm, max(1, 1<<12/W), func(lo, hi int) {
		buf := make([]fr.Element, W)
		for i := lo; i < hi; i++ {
			plan.dif(buf, msg[i], pd.params.RateLog)
			for q, p := range plan.pos {
				cols[q][i] = buf[p]
			}
		}
	})
	if pd.tamper != nil {
		for q, j := range all {
			pd.tamper(j, cols[q])
		}
	}
	// The dropped levels, filled over the groups only: MultiPath reads
	// nothing else below level d (every sibling it needs there is in a
	// queried group), so scratch levels left by another table of the same
	// width serve as they are.
	if len(*scratch) != d || d > 0 && len((*scratch)[0]) != W {
		*scratch = make([][]merkle.Hash, d)
		for l := range *scratch {
			(*scratch)[l] = make([]merkle.Hash, W>>l)
		}
	}
	levels := append(make([][]merkle.Hash, 0, d+len(pd.upper)), *scratch...)
	buf := make([]byte, 0, Rm*fr.Bytes)
	for k, grp := range groups {
		leaves := make([]merkle.Hash, g)
		for r := range leaves {
			leaves[r] = leafInto(buf, cols[k*g+r])
		}
		sub, err := merkle.Build(leaves)
		if err != nil {
			return nil, nil, err
		}
		if sub.Root() != pd.upper[0][grp] {
			return nil, nil, fmt.Errorf("pcs: recomputed columns %d..%d do not hash to the committed tree", grp<<d, grp<<d+g-1)
		}
		for l := range levels {
			copy(levels[l][grp<<(d-l):], sub.Levels[l])
		}
	}
	tree := &merkle.Tree{Levels: append(levels, pd.upper...)}
	proof, err := tree.MultiPath(idx)
	if err != nil {
		return nil, nil, err
	}
	out := make([][]fr.Element, len(idx))
	for q, j := range idx {
		out[q] = cols[seen[j>>d]*g+j&(g-1)]
	}
	return out, proof, nil
}

// prune is a radix-2 decimation-in-frequency FFT of size W restricted to
// the outputs at positions pos (natural order j, found at bitrev(j) of the
// DIF's output): at stage s the array splits into 2^s blocks of W/2^s
// entries, and block b of stage s feeds exactly the outputs whose
// bit-reversed positions start with b's s bits; need[s][b] says whether any
// queried one does. A block no query needs is skipped; a block of which
// one half is needed computes that half (the sum, or the difference times
// the twiddles). For t random positions the stages s ≥ log t touch about
// t blocks each, so the cost is about (W/2)·(log t + 2) butterflies
// instead of (W/2)·log W.
type prune struct {
	W, k int
	pos  []int    // bitrev(j) of every queried j, in the order given
	need [][]bool // need[s][b], s = 0..k (need[k] marks single outputs)
	tw   [][]fr.Element
}

func newPrune(W int, idx []int) *prune {
	k := log2(W)
	pr := &prune{W: W, k: k, pos: make([]int, len(idx)), need: make([][]bool, k+1)}
	for s := range pr.need {
		pr.need[s] = make([]bool, 1<<s)
	}
	for q, j := range idx {
		p := bitrev(j, k)
		pr.pos[q] = p
		for s := 0; s <= k; s++ {
			pr.need[s][p>>(k-s)] = true
		}
	}
	if k > 0 {
		tw, err := domain(W).Twiddles()
		if err != nil {
			panic("pcs: FFT domain without twiddles: " + err.Error())
		}
		pr.tw = tw
	}
	return pr
}

// dif sets a to the DIF transform of msg zero-padded to W entries (its
// bit-reversed-order output), correct at the planned positions only.
// msg has W/2^rateLog entries: while a block is at least twice msg's
// length its second half of input is zero, so the butterfly leaves the
// first half as it is and the second half is the first times the
// twiddles (one multiplication per message coefficient). The blocks are
// visited depth first, as gnark-crypto's FFT does, so that a block's
// descendants are computed while it is in cache.
func (pr *prune) dif(a, msg []fr.Element, rateLog int) {
	copy(a, msg)
	clear(a[len(msg):])
	if pr.k > 0 {
		pr.block(a, 0, 0, len(msg), rateLog)
	}
}

// block computes stage s on block b (a, of W/2^s entries) and recurses
// into the halves some planned position needs.
func (pr *prune) block(a []fr.Element, s, b, L, rateLog int) {
	m := len(a) / 2
	top, bot := fr.Vector(a[:m]), fr.Vector(a[m:])
	tw := fr.Vector(pr.tw[s][:m])
	lo, hi := pr.need[s+1][2*b], pr.need[s+1][2*b+1]
	switch {
	case s < rateLog && L <= m: // the second half's input is zero
		if hi { // bot[L:] is zero already: a block's entries from L on are
			v := bot[:L]
			v.Mul(top[:L], tw[:L])
		}
	case lo && hi:
		for i := range top {
			fr.Butterfly(&top[i], &bot[i])
		}
		bot.Mul(bot, tw)
	case lo:
		top.Add(top, bot)
	case hi:
		bot.Sub(top, bot)
		bot.Mul(bot, tw)
	}
	if s+1 == pr.k {
		return
	}
	if lo {
		pr.block(a[:m], s+1, 2*b, L, rateLog)
	}
	if hi {
		pr.block(a[m:], s+1, 2*b+1, L, rateLog)
	}
}
