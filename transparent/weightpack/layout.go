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
// Tables are given in the model commitment's order (matmul.ModelCommitment:
// convolutions, then dense layers, each W then b; each the padded table the
// layer commits, of 2^Vars[t] entries). They are placed by decreasing size,
// ties in the given order, from offset 0, so each lies at an offset that is
// a multiple of its size: its variables are the last Vars[t] of V's and the
// first N − Vars[t] are fixed to Offsets[t]'s high bits. The last slot
// column, i = 2^s − 1 (2^m entries), is the salt table's ([SaltTable]); the
// rest of V is zero. m is the least that fits all tables below the salt.
type Layout struct {
	Bits     int   // b: every entry lies in [−2^(b−1), 2^(b−1))
	SlotVars int   // s: 2^s slots a leaf, 2^s·b ≤ 253
	LeafVars int   // m: 2^m leaves
	Vars     []int // each table's variables, the salt's last (= m)
	Offsets  []int // each table's first entry in V, the salt's (2^s − 1)·2^m
}

// NewLayout returns the layout of tables of 2^vars[t] entries each under
// b-bit entries (b from 2 to 16: the range check's table has 2^b entries).
func NewLayout(vars []int, bits int) (*Layout, error) {
	if bits < 2 || bits > 16 {
		return nil, fmt.Errorf("weightpack: %d-bit entries, want 2 to 16 (the range table has 2^b entries)", bits)
	}
	if len(vars) == 0 {
		return nil, fmt.Errorf("weightpack: no tables to pack")
	}
	s := 0
	for (2<<s)*bits <= 253 {
		s++
	}
	total := 0
	for t, v := range vars {
		if v < 0 || v > 30 {
			return nil, fmt.Errorf("weightpack: table %d has %d variables, want 0 to 30", t, v)
		}
		total += 1 << v
	}
	m := 0
	for ((1<<s)-1)<<m < total {
		m++
	}
	l := &Layout{Bits: bits, SlotVars: s, LeafVars: m, Vars: append(append([]int(nil), vars...), m)}
	order := make([]int, len(vars))
	for t := range order {
		order[t] = t
	}
	sort.SliceStable(order, func(a, b int) bool { return vars[order[a]] > vars[order[b]] })
	l.Offsets = make([]int, len(l.Vars))
	off := 0
	for _, t := range order {
		l.Offsets[t] = off
		off += 1 << vars[t]
	}
	l.Offsets[len(vars)] = ((1 << s) - 1) << m
	return l, nil
}

// N returns V's variables, s + m.
func (l *Layout) N() int { return l.SlotVars + l.LeafVars }

// Tables returns the number of tables, the salt's included.
func (l *Layout) Tables() int { return len(l.Vars) }

// check verifies that tables (the salt's last) have the layout's sizes.
func (l *Layout) check(tables []mle.Table) error {
	if len(tables) != len(l.Vars) {
		return fmt.Errorf("weightpack: %d tables for a layout of %d (the salt's last)", len(tables), len(l.Vars))
	}
	for t, v := range l.Vars {
		if len(tables[t]) != 1<<v {
			return fmt.Errorf("weightpack: table %d has %d entries, the layout 2^%d", t, len(tables[t]), v)
		}
	}
	return nil
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

// Leaves returns the 2^m leaves of the tables (the salt's last): leaf
// P(j) = Σ_{i<2^s} 2^(b·i)·(V[i·2^m + j] + 2^(b−1)). With every entry in
// [−2^(b−1), 2^(b−1)) each term is a b-bit limb of P(j) < 2^(2^s·b) ≤ 2^253
// < p, so P is injective on the entries.
func (l *Layout) Leaves(tables []mle.Table) (mle.Table, error) {
	if err := l.check(tables); err != nil {
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
