package weightpack

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// The packing relation as one sumcheck over V's N = s + m variables
// (package doc): with a(x) = 2^(b·i)·eq(ρ, j) for x = i·2^m + j,
//
//	Σ_t Σ_x A_t(x)·T_t(x_last) − Σ_x E(x)·L(x_last) = −K,
//
// A_t = a on table t's block and 0 elsewhere, E(x) = [i = 0]·eq(ρ, j), each
// table T_t (and the leaves L) repeated over the first variables it does
// not span, K = [Layout.offsetSum]. Tables 2t and 2t + 1 of the instance
// are A_t and T_t; the leaves' pair is last.

// terms returns Σ_t A_t·T_t − E·L for n committed tables, the leaves' last.
func terms(n int) []sumcheck.Term {
	out := make([]sumcheck.Term, n)
	for t := range out {
		out[t] = sumcheck.Term{Coef: fr.One(), Factors: []int{2 * t, 2*t + 1}}
	}
	out[n-1].Coef.Neg(&out[n-1].Coef)
	return out
}

// instance returns the prover's tables: A_t and T_t repeated, then E and L
// repeated (2^N entries each).
func instance(l *Layout, rho []fr.Element, tables []mle.Table, leaves mle.Table) sumcheck.Instance {
	N := l.N()
	eq := mle.EqTable(rho)
	c := l.slotCoefs()
	in := sumcheck.Instance{Terms: terms(len(tables) + 1)}
	for t, tab := range tables {
		a := make(mle.Table, 1<<N)
		off, size := l.Offsets[t], len(tab)
		par.For(size, 1024, func(lo, hi int) {
			for y := lo; y < hi; y++ {
				x := off + y
				a[x].Mul(&c[x>>l.LeafVars], &eq[x&(len(eq)-1)])
			}
		})
		in.Tables = append(in.Tables, a, repeat(tab, N))
	}
	e := make(mle.Table, 1<<N)
	copy(e, eq)
	in.Tables = append(in.Tables, e, repeat(leaves, N))
	return in
}

// repeat returns t repeated to 2^N entries.
func repeat(t mle.Table, N int) mle.Table {
	out := make(mle.Table, 1<<N)
	for i := 0; i < len(out); i += len(t) {
		copy(out[i:], t)
	}
	return out
}

// coefAt returns the MLE of table t's coefficient (A_t, or E for the
// leaves, t = l.Tables()) at ρ': the product over V's variables of a
// linear factor each, O(N). Variable k < s is the slot's bit of weight
// 2^(s−1−k), factor 1 or 2^(b·2^(s−1−k)); variable s + k is leaf bit k,
// factor eq(ρ_k, ·). A_t's first N − Vars[t] variables are fixed to
// Offsets[t]'s bits (eq of the bit and ρ'_k times the factor there); E's
// first s are fixed to 0.
func coefAt(l *Layout, rho []fr.Element, t int, rp []fr.Element) fr.Element {
	N := l.N()
	fixed, off := l.SlotVars, 0
	if t < l.Tables() {
		fixed, off = N-l.Vars[t], l.Offsets[t]
	}
	c := l.slotCoefs()
	one := fr.One()
	out := fr.One()
	for k := range N {
		var f0, f1 fr.Element // the factor at bit 0 and at bit 1
		if k < l.SlotVars {
			f0 = one
			f1 = c[1<<(l.SlotVars-1-k)]
		} else {
			f1 = rho[k-l.SlotVars]
			f0.Sub(&one, &f1)
		}
		var v, w fr.Element
		if k < fixed {
			if (off>>(N-1-k))&1 == 1 {
				v.Mul(&rp[k], &f1)
			} else {
				w.Sub(&one, &rp[k])
				v.Mul(&w, &f0)
			}
		} else {
			// (1 − ρ'_k)·f0 + ρ'_k·f1
			w.Sub(&f1, &f0)
			w.Mul(&w, &rp[k])
			v.Add(&f0, &w)
		}
		out.Mul(&out, &v)
	}
	return out
}
