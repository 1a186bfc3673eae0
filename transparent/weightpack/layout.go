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

// Layout places committed tables in the slot space V of 2^(s+m) entries,
// slot-major: entry x = i·2^m + j is slot i of leaf j, i < 2^s, j < 2^m
// (the first s variables of Ṽ are the slot's, the last m the leaf's).
//
// The input tables are given in the model commitment's order
// (matmul.ModelCommitment: convolutions, then dense layers, each W then b;
// each the padded table the layer commits, of 2^In[t] entries), the salt's
// last. A narrow table is one slot table (entries of b bits); a wide one
// (Wide[t]: a bias at the accumulator's scale, entries of 2b bits) is two,
// its low and high limbs lo, hi of b bits (w = lo + 2^b·hi + 2^(b−1),
// [splitLimbs]), which the prover commits. Slot tables (Vars, Offsets;
// Slots[t] lists input t's) are placed by decreasing size, ties in order,
// from offset 0, so each lies at an offset that is a multiple of its size:
// its variables are the last Vars[k] of V's and the first N − Vars[k] are
// fixed to Offsets[k]'s high bits. The last slot column, i = 2^s − 1 (2^m
// entries), is the salt's ([Layout.SaltTable]); the rest of V is zero. m is
// the least that fits every slot table below the salt, at least 2.
type Layout struct {
	Bits     int     // b: every slot entry lies in [−2^(b−1), 2^(b−1))
	SlotVars int     // s: 2^s slots a leaf, 2^s·b ≤ 253
	LeafVars int     // m: 2^m leaves
	In       []int   // each input table's variables, the salt's last (= m)
	Wide     []bool  // input t packed as two limbs (never the salt)
	Slots    [][]int // input t's slot tables: one, or lo and hi
	Vars     []int   // each slot table's variables, the salt's last
	Offsets  []int   // each slot table's first entry in V, the salt's (2^s − 1)·2^m
}

// NewLayout returns the layout of narrow tables of 2^vars[t] entries each
// under b-bit entries (b from 2 to 16: the range check's table has 2^b
// entries).
func NewLayout(vars []int, bits int) (*Layout, error) { return NewLayoutWide(vars, nil, bits) }

// NewLayoutWide is NewLayout with wide[t] marking tables of 2b-bit entries,
// packed as two b-bit limbs (nil: none).
func NewLayoutWide(vars []int, wide []bool, bits int) (*Layout, error) {
	if bits < 2 || bits > 16 {
		return nil, fmt.Errorf("weightpack: %d-bit entries, want 2 to 16 (the range table has 2^b entries)", bits)
	}
	if len(vars) == 0 {
		return nil, fmt.Errorf("weightpack: no tables to pack")
	}
	if wide != nil && len(wide) != len(vars) {
		return nil, fmt.Errorf("weightpack: %d wide flags for %d tables", len(wide), len(vars))
	}
	s := 0
	for (2<<s)*bits <= 253 {
		s++
	}
	l := &Layout{Bits: bits, SlotVars: s, Wide: make([]bool, len(vars)+1)}
	copy(l.Wide, wide)
	total := 0
	for t, v := range vars {
		if v < 0 || v > 30 {
			return nil, fmt.Errorf("weightpack: table %d has %d variables, want 0 to 30", t, v)
		}
		n := 1
		if l.Wide[t] {
			n = 2
		}
		var ks []int
		for range n {
			ks = append(ks, len(l.Vars))
			l.Vars = append(l.Vars, v)
			total += 1 << v
		}
		l.Slots = append(l.Slots, ks)
	}
	m := 2 // at least 4 leaves: a salt of 2 variables, 4 columns under vanishing masks
	for ((1<<s)-1)<<m < total {
		m++
	}
	l.LeafVars = m
	l.In = append(append([]int(nil), vars...), m)
	order := make([]int, len(l.Vars))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return l.Vars[order[a]] > l.Vars[order[b]] })
	l.Offsets = make([]int, len(l.Vars)+1)
	off := 0
	for _, k := range order {
		l.Offsets[k] = off
		off += 1 << l.Vars[k]
	}
	l.Slots = append(l.Slots, []int{len(l.Vars)})
	l.Vars = append(l.Vars, m)
	l.Offsets[len(l.Vars)-1] = ((1 << s) - 1) << m
	return l, nil
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
	for t, tab := range tables {
		for y := range tab {
			x := l.Offsets[t] + y
			var e fr.Element
			e.Mul(&tab[y], &c[x>>l.LeafVars])
			leaves[x&(m-1)].Add(&leaves[x&(m-1)], &e)
		}
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

// SaltTable returns the salt's 2^m entries, uniform in [−2^(b−1), 2^(b−1))
// from ChaCha8 keyed by SHA-256("zkinfer/weightpack/salt" ‖ seed): b secret
// bits in every leaf, b·2^m in all (docs/TRANSPARENT.md, "Packing the
// weights", on hiding).
func (l *Layout) SaltTable(seed [32]byte) mle.Table {
	key := sha256.Sum256(append([]byte("zkinfer/weightpack/salt"), seed[:]...))
	rng := rand.New(rand.NewChaCha8(key))
	out := make(mle.Table, 1<<l.LeafVars)
	half := int64(1) << (l.Bits - 1)
	for j := range out {
		out[j].SetInt64(int64(rng.Uint64()&uint64(2*half-1)) - half)
	}
	return out
}
