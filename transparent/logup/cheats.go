package logup

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
)

// cheats let the soundness tests play a dishonest prover.
type cheats struct {
	outside  bool // prove even when f has entries outside the table (count only those inside)
	balanceH bool // rewrite h at the first outside entry so that Σh = Σg
	// mDelta, hDelta, gDelta: commit the table with entry 0 plus one while
	// the sumcheck runs on the true one (caught by that table's opening).
	mDelta, hDelta, gDelta bool
	// substitute: run everything after f's commitment on f with its outside
	// entries replaced by the table's first value.
	substitute bool
	// values: the table the prover uses in place of the statement's (same size).
	values mle.Table
	// forgeEq: run the zero-check on h with eq(r', ·) for an r' the prover
	// solves for, so that Σ_x eq(r', x)·h(x)(α − f(x)) = 1 holds for its h.
	forgeEq bool
	// balanceG, forgeEqG: the same on the table's side: g_0 moved so that
	// Σg = Σh, and g's zero-check run with a solved eq point.
	balanceG, forgeEqG bool
	// noSpans: under vanishing masks, run the sumcheck with every masked
	// factor's Z over all N variables (no spans): the finals are then not
	// the committed tables' f̂ at ρ's last coordinates when n ≠ ℓ.
	noSpans bool
}

// substituted returns f with its entries outside table replaced by
// table's first value when substitute is set, else f.
func (ch cheats) substituted(f mle.Table, table *Table) mle.Table {
	if !ch.substitute {
		return f
	}
	f = clone(f)
	for i := range f {
		if _, ok := table.first[f[i]]; !ok {
			f[i] = table.Vals[0]
		}
	}
	return f
}

// statement applies substitute and values.
func (ch cheats) statement(f mle.Table, table *Table) (mle.Table, *Table) {
	f = ch.substituted(f, table)
	if ch.values != nil {
		t := *table
		t.Vals = ch.values
		t.first = make(map[fr.Element]int)
		for i := len(t.Vals) - 1; i >= 0; i-- {
			t.first[t.Vals[i]] = i
		}
		table = &t // the digest stays the statement's
	}
	return f, table
}

// committed returns t, or a copy with entry 0 plus one when delta is set.
func (ch cheats) committed(delta bool, t mle.Table) mle.Table {
	if !delta {
		return t
	}
	t = clone(t)
	one := fr.One()
	t[0].Add(&t[0], &one)
	return t
}

// balance applies balanceG and balanceH (h at the first outside entry).
func (ch cheats) balance(h, g mle.Table, outsideAt int) {
	if ch.balanceG {
		d := h.Sum()
		s := g.Sum()
		d.Sub(&d, &s)
		g[0].Add(&g[0], &d)
	}
	if ch.balanceH && outsideAt >= 0 {
		others := h.Sum()
		others.Sub(&others, &h[outsideAt])
		s := g.Sum()
		h[outsideAt].Sub(&s, &others)
	}
}
