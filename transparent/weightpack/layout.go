package weightpack

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
)

// DefaultBits is b, the signed width every packed entry is range-checked
// to: 15 bits, 16 slots a leaf (16·15 = 240 ≤ 253). cnn_c32's weights lie in
// [−3409, 3398] (13 bits); its biases, at the accumulator's scale, do not
// fit (up to ±483,754: docs/TRANSPARENT.md, "Packing the weights").
const DefaultBits = 15

// Layout places committed tables' entries in the slot space V of
// 2^(s+m) entries, slot-major: entry x = i·2^m + j is slot i of leaf j,
// i < 2^s, j < 2^m (the first s variables of Ṽ are the slot's, the last m
// the leaf's).
//
// The input tables are given in the model commitment's order
// (matmul.ModelCommitment: convolutions, then dense layers, each W then b;
// each the padded table the layer commits, of 2^In[t] entries), the salt's
// last. A narrow table is one slot table (entries of b bits); a wide one
// (Wide[t]: a bias at the accumulator's scale, entries of 2b bits) is two,
// its low and high limbs lo, hi of b bits (w = lo + 2^b·hi + 2^(b−1),
// [splitLimbs]), which the prover commits. Only a table's valid entries
// (Valid[t]: rows < Rows, columns < Cols; the rest is the layer's padding,
// proven zero) are packed: the valid rectangle is cut into aligned
// sub-blocks (Blocks[k]; the binary digits of Rows times those of Cols),
// placed in V by decreasing size, ties in order, each at a multiple of its
// size; the salt's 2^SaltVars entries likewise. m is the least that fits
// every block, at least 2; the rest of V is zero.
//
// The range check works in a second space, the table space of 2^P
// entries: each slot table whole (padding included) at Offsets[k], by
// decreasing size at multiples of its size, zeros elsewhere.
type Layout struct {
	Bits     int       // b: every slot entry lies in [−2^(b−1), 2^(b−1))
	SlotVars int       // s: 2^s slots a leaf, 2^s·b ≤ 253
	LeafVars int       // m: 2^m leaves
	In       []int     // each input table's variables, the salt's last
	Wide     []bool    // input t packed as two limbs (never the salt)
	Valid    []Valid   // each input table's valid rectangle (the salt's whole)
	Slots    [][]int   // input t's slot tables: one, or lo and hi
	Vars     []int     // each slot table's variables, the salt's last
	Offsets  []int     // each slot table's first entry in the table space
	Blocks   [][]Block // each slot table's valid sub-blocks and their places in V
}

// Valid is a table's valid rectangle: entry y = row·2^ColVars + col is
// valid when row < Rows and col < Cols (the layer's padding elsewhere).
type Valid struct{ Rows, Cols, ColVars int }

// Block is an aligned sub-block of a slot table's valid entries: rows
// RowBase..RowBase + 2^RowFree − 1 by columns ColBase..ColBase + 2^ColFree
// − 1, placed at V[At..At + 2^(RowFree+ColFree)) (entry (RowBase + a,
// ColBase + c) at At + a·2^ColFree + c).
type Block struct{ RowBase, RowFree, ColBase, ColFree, At int }

// saltVars returns the salt's variables: the least k with 2^k·b ≥ 240
// (240 secret bits: docs/TRANSPARENT.md, "Packing the weights", hiding).
func saltVars(bits int) int {
	k := 0
	for (1<<k)*bits < 240 {
		k++
	}
	return k
}

// NewLayout returns the layout of narrow tables of 2^vars[t] entries each
// under b-bit entries (b from 2 to 16: the range check's table has 2^b
// entries), every entry valid.
func NewLayout(vars []int, bits int) (*Layout, error) { return NewLayoutValid(vars, nil, nil, bits) }

// NewLayoutWide is NewLayout with wide[t] marking tables of 2b-bit entries,
// packed as two b-bit limbs (nil: none).
func NewLayoutWide(vars []int, wide []bool, bits int) (*Layout, error) {
	return NewLayoutValid(vars, wide, nil, bits)
}

// NewLayoutValid is NewLayoutWide with valid[t] the valid rectangle of
// table t (nil, or a zero Valid: every entry valid); only valid entries
// are packed, the others proven zero.
func NewLayoutValid(vars []int, wide []bool, valid []Valid, bits int) (*Layout, error) {
	if bits < 2 || bits > 16 {
		return nil, fmt.Errorf("weightpack: %d-bit entries, want 2 to 16 (the range table has 2^b entries)", bits)
	}
	if len(vars) == 0 {
		return nil, fmt.Errorf("weightpack: no tables to pack")
	}
	if wide != nil && len(wide) != len(vars) {
		return nil, fmt.Errorf("weightpack: %d wide flags for %d tables", len(wide), len(vars))
	}
	if valid != nil && len(valid) != len(vars) {
		return nil, fmt.Errorf("weightpack: %d valid rectangles for %d tables", len(valid), len(vars))
	}
	s := 0
	for (2<<s)*bits <= 253 {
		s++
	}
	sv := saltVars(bits)
	l := &Layout{Bits: bits, SlotVars: s, Wide: make([]bool, len(vars)+1)}
	copy(l.Wide, wide)
	l.In = append(append([]int(nil), vars...), sv)
	for t, v := range l.In {
		if v < 0 || v > 30 {
			return nil, fmt.Errorf("weightpack: table %d has %d variables, want 0 to 30", t, v)
		}
		va := Valid{Rows: 1, Cols: 1 << v, ColVars: v}
		if t < len(vars) && valid != nil && valid[t] != (Valid{}) {
			va = valid[t]
		}
		if va.ColVars < 0 || va.ColVars > v || va.Rows < 1 || va.Rows > 1<<(v-va.ColVars) || va.Cols < 1 || va.Cols > 1<<va.ColVars {
			return nil, fmt.Errorf("weightpack: table %d's valid rectangle %d×%d with 2^%d columns of 2^%d entries (want 1..rows by 1..columns)", t, va.Rows, va.Cols, va.ColVars, v)
		}
		l.Valid = append(l.Valid, va)
		n := 1
		if l.Wide[t] {
			n = 2
		}
		var ks []int
		for range n {
			ks = append(ks, len(l.Vars))
			l.Vars = append(l.Vars, v)
			l.Blocks = append(l.Blocks, blocksOf(va))
		}
		l.Slots = append(l.Slots, ks)
	}
	// V: every block by decreasing size, at a multiple of its size.
	type ref struct{ k, j int }
	var refs []ref
	total := 0
	for k, bs := range l.Blocks {
		for j, b := range bs {
			refs = append(refs, ref{k, j})
			total += 1 << (b.RowFree + b.ColFree)
		}
	}
	size := func(r ref) int { b := l.Blocks[r.k][r.j]; return b.RowFree + b.ColFree }
	sort.SliceStable(refs, func(a, b int) bool { return size(refs[a]) > size(refs[b]) })
	off := 0
	for _, r := range refs {
		l.Blocks[r.k][r.j].At = off
		off += 1 << size(r)
	}
	m := 2 // at least 4 leaves
	for total > 1<<(s+m) {
		m++
	}
	l.LeafVars = m
	// The table space: each slot table whole.
	order := make([]int, len(l.Vars))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return l.Vars[order[a]] > l.Vars[order[b]] })
	l.Offsets = make([]int, len(l.Vars))
	off = 0
	for _, k := range order {
		l.Offsets[k] = off
		off += 1 << l.Vars[k]
	}
	return l, nil
}

// blocksOf cuts the valid rectangle into aligned sub-blocks: one per set
// bit of Rows times one per set bit of Cols (positions At unset).
func blocksOf(v Valid) []Block {
	var out []Block
	for _, r := range intervals(v.Rows) {
		for _, c := range intervals(v.Cols) {
			out = append(out, Block{RowBase: r[0], RowFree: r[1], ColBase: c[0], ColFree: c[1]})
		}
	}
	return out
}

// intervals returns [0, n) as aligned intervals (base, log2 size), the
// largest first.
func intervals(n int) [][2]int {
	var out [][2]int
	base := 0
	for q := 30; q >= 0; q-- {
		if n>>q&1 == 1 {
			out = append(out, [2]int{base, q})
			base += 1 << q
		}
	}
	return out
}

// place calls f(y, x) for every valid entry y of slot table k and its
// place x in V.
func (l *Layout) place(k int, f func(y, x int)) {
	cv := l.Valid[l.inputOf(k)].ColVars
	for _, b := range l.Blocks[k] {
		for a := range 1 << b.RowFree {
			for c := range 1 << b.ColFree {
				f((b.RowBase+a)<<cv|(b.ColBase+c), b.At+a<<b.ColFree+c)
			}
		}
	}
}

// valid returns the number of packed entries (every slot table's blocks).
func (l *Layout) valid() int {
	n := 0
	for _, bs := range l.Blocks {
		for _, b := range bs {
			n += 1 << (b.RowFree + b.ColFree)
		}
	}
	return n
}

// inputOf returns the input table of slot table k.
func (l *Layout) inputOf(k int) int {
	for t, ks := range l.Slots {
		for _, kk := range ks {
			if kk == k {
				return t
			}
		}
	}
	return -1
}

// N returns V's variables, s + m.
func (l *Layout) N() int { return l.SlotVars + l.LeafVars }

// Tables returns the number of slot tables, the salt's included.
func (l *Layout) Tables() int { return len(l.Vars) }

// Inputs returns the number of input tables, the salt's included.
func (l *Layout) Inputs() int { return len(l.In) }

// check verifies that the input tables (the salt's last) have the
// layout's sizes.
func (l *Layout) check(tables []mle.Table) error {
	if len(tables) != len(l.In) {
		return fmt.Errorf("weightpack: %d tables for a layout of %d (the salt's last)", len(tables), len(l.In))
	}
	for t, v := range l.In {
		if len(tables[t]) != 1<<v {
			return fmt.Errorf("weightpack: table %d has %d entries, the layout 2^%d", t, len(tables[t]), v)
		}
	}
	return nil
}

// slotTables returns the slot tables of the input tables: narrow ones as
// they are, wide ones split ([splitLimbs]).
func (l *Layout) slotTables(tables []mle.Table) ([]mle.Table, error) {
	if err := l.check(tables); err != nil {
		return nil, err
	}
	out := make([]mle.Table, len(l.Vars))
	for t, ks := range l.Slots {
		if len(ks) == 1 {
			out[ks[0]] = tables[t]
			continue
		}
		lo, hi, err := splitLimbs(tables[t], l.Bits)
		if err != nil {
			return nil, fmt.Errorf("weightpack: wide table %d: %v", t, err)
		}
		out[ks[0]], out[ks[1]] = lo, hi
	}
	return out, nil
}

// splitLimbs returns the b-bit limbs of entries w in [−2^(2b−1), 2^(2b−1)):
// with u = w + 2^(2b−1) ∈ [0, 2^(2b)), lo = (u mod 2^b) − 2^(b−1) and
// hi = ⌊u/2^b⌋ − 2^(b−1), both in [−2^(b−1), 2^(b−1)), and
// w = lo + 2^b·hi + 2^(b−1): a bijection between the 2b-bit range and
// pairs of b-bit limbs.
func splitLimbs(w mle.Table, bits int) (mle.Table, mle.Table, error) {
	lo, hi := make(mle.Table, len(w)), make(mle.Table, len(w))
	half2 := int64(1) << (2*bits - 1)
	half := int64(1) << (bits - 1)
	for y := range w {
		v, ok := signed(w[y], half2)
		if !ok {
			return nil, nil, fmt.Errorf("entry %d = %s is outside [−2^%d, 2^%d)", y, w[y].String(), 2*bits-1, 2*bits-1)
		}
		u := v + half2
		lo[y].SetInt64(u&(1<<bits-1) - half)
		hi[y].SetInt64(u>>bits - half)
	}
	return lo, hi, nil
}

// signed returns e as an integer in [−lim, lim), or false.
func signed(e fr.Element, lim int64) (int64, bool) {
	if e.IsUint64() && e.Uint64() < uint64(lim) {
		return int64(e.Uint64()), true
	}
	var n fr.Element
	n.Neg(&e)
	if n.IsUint64() && n.Uint64() <= uint64(lim) {
		return -int64(n.Uint64()), true
	}
	return 0, false
}

// half returns 2^(b−1), the offset that maps [−2^(b−1), 2^(b−1)) to [0, 2^b).
func (l *Layout) half() fr.Element {
	var h fr.Element
	h.SetUint64(1 << (l.Bits - 1))
	return h
}

// slotCoefs returns 2^(b·i) for i < 2^s.
func (l *Layout) slotCoefs() []fr.Element {
	c := make([]fr.Element, 1<<l.SlotVars)
	var step fr.Element
	step.SetUint64(1 << l.Bits)
	c[0].SetOne()
	for i := 1; i < len(c); i++ {
		c[i].Mul(&c[i-1], &step)
	}
	return c
}

// offsetSum returns K = Σ_i 2^(b·i)·2^(b−1): a leaf's packed value minus
// Σ_i 2^(b·i)·v_i.
func (l *Layout) offsetSum() fr.Element {
	var k fr.Element
	h := l.half()
	for _, c := range l.slotCoefs() {
		k.Add(&k, &c)
	}
	k.Mul(&k, &h)
	return k
}

// Leaves returns the 2^m leaves of the input tables (the salt's last; wide
// ones split into their limbs, an entry outside 2b bits an error): leaf
// P(j) = Σ_{i<2^s} 2^(b·i)·(V[i·2^m + j] + 2^(b−1)). With every entry in
// [−2^(b−1), 2^(b−1)) each term is a b-bit limb of P(j) < 2^(2^s·b) ≤ 2^253
// < p, so P is injective on the entries.
func (l *Layout) Leaves(tables []mle.Table) (mle.Table, error) {
	tables, err := l.slotTables(tables)
	if err != nil {
		return nil, err
	}
	m := 1 << l.LeafVars
	leaves := make(mle.Table, m)
	k := l.offsetSum()
	for j := range leaves {
		leaves[j] = k
	}
	c := l.slotCoefs()
	for k, tab := range tables {
		l.place(k, func(y, x int) {
			var e fr.Element
			e.Mul(&tab[y], &c[x>>l.LeafVars])
			leaves[x&(m-1)].Add(&leaves[x&(m-1)], &e)
		})
	}
	return leaves, nil
}

// Root returns the model commitment: the Merkle root (poseidon2gkr.Root)
// of [Layout.Leaves] — what `zkinfer commit` will print.
func (l *Layout) Root(tables []mle.Table) (fr.Element, error) {
	leaves, err := l.Leaves(tables)
	if err != nil {
		return fr.Element{}, err
	}
	return poseidon2gkr.Root(leaves)
}

// SaltTable returns the salt's 2^SaltVars entries (In's last), uniform in
// [−2^(b−1), 2^(b−1)) from ChaCha8 keyed by SHA-256("zkinfer/weightpack/salt"
// ‖ seed): at least 240 secret bits (docs/TRANSPARENT.md, "Packing the
// weights", on hiding).
func (l *Layout) SaltTable(seed [32]byte) mle.Table {
	key := sha256.Sum256(append([]byte("zkinfer/weightpack/salt"), seed[:]...))
	rng := rand.New(rand.NewChaCha8(key))
	out := make(mle.Table, 1<<l.In[len(l.In)-1])
	half := int64(1) << (l.Bits - 1)
	for j := range out {
		out[j].SetInt64(int64(rng.Uint64()&uint64(2*half-1)) - half)
	}
	return out
}
