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
//	Σ_k Σ_x A_k(x)·S_k(x_last) − Σ_x E(x)·L(x_last)
//	  + Σ_wide t Σ_x D_t(x)·(W_t − lo_t − 2^b·hi_t)(x_last) = −K + w·2^(b−1),
//
// A_k = a on slot table k's block and 0 elsewhere, E(x) = [i = 0]·eq(ρ, j),
// D_t(x) = [x < 2^(n_t)]·eq(z_t, x_last) for each of the w wide tables
// (z_t drawn with ρ), every table repeated over the first variables it
// does not span, K = [Layout.offsetSum]. Instance tables 2k, 2k + 1 are A_k
// and S_k; then E and L; then D_t and W_t for each wide table (its limbs
// are slot tables already).

// wideOn reports whether input t is wide and its limb relation proven
// (omit["limbs"] drops it: TestChecksNeeded).
func (l *Layout) wideOn(t int) bool { return l.Wide[t] && !omit["limbs"] }

// claim returns the relation's right side, −K + w·2^(b−1).
func (l *Layout) claim() fr.Element {
	c := l.offsetSum()
	c.Neg(&c)
	h := l.half()
	for t := range l.Wide {
		if l.wideOn(t) {
			c.Add(&c, &h)
		}
	}
	return c
}

// terms returns the relation's terms (above).
func terms(l *Layout) []sumcheck.Term {
	n := l.Tables()
	var out []sumcheck.Term
	for k := range n {
		out = append(out, sumcheck.Term{Coef: fr.One(), Factors: []int{2 * k, 2*k + 1}})
	}
	var minus, limb fr.Element
	minus.SetOne()
	minus.Neg(&minus)
	limb.SetUint64(1 << l.Bits)
	limb.Neg(&limb)
	out = append(out, sumcheck.Term{Coef: minus, Factors: []int{2 * n, 2*n + 1}})
	i := 2*n + 2
	for t, ks := range l.Slots {
		if !l.wideOn(t) {
			continue
		}
		out = append(out,
			sumcheck.Term{Coef: fr.One(), Factors: []int{i, i + 1}},
			sumcheck.Term{Coef: minus, Factors: []int{i, 2*ks[0] + 1}},
			sumcheck.Term{Coef: limb, Factors: []int{i, 2*ks[1] + 1}})
		i += 2
	}
	return out
}

// instance returns the prover's tables (above; 2^N entries each): slots
// are the slot tables, inputs the input tables (for the wide ones).
func instance(l *Layout, rho []fr.Element, z [][]fr.Element, slots []mle.Table, leaves mle.Table, inputs []mle.Table) sumcheck.Instance {
	N := l.N()
	eq := mle.EqTable(rho)
	c := l.slotCoefs()
	in := sumcheck.Instance{Terms: terms(l)}
	for k, tab := range slots {
		a := make(mle.Table, 1<<N)
		off, size := l.Offsets[k], len(tab)
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
	for t := range l.Wide {
		if l.wideOn(t) {
			d := make(mle.Table, 1<<N)
			copy(d, mle.EqTable(z[t]))
			in.Tables = append(in.Tables, d, repeat(inputs[t], N))
		}
	}
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

// coefAt returns the MLE of coefficient j at ρ' (j < l.Tables(): A_j;
// j = l.Tables(): E; after: D of the wide tables in order): the product
// over V's variables of a linear factor each, O(N). Variable k < s is the
// slot's bit of weight 2^(s−1−k), factor 1 or 2^(b·2^(s−1−k)); variable
// s + k is leaf bit k, factor eq(ρ_k, ·). A_j's first N − Vars[j]
// variables are fixed to Offsets[j]'s bits (eq of the bit and ρ'_k times
// the factor there); E's first s are fixed to 0. D_t is
// Π_{k<N−n_t}(1 − ρ'_k)·eq(z_t, ρ'_last).
func coefAt(l *Layout, rho []fr.Element, z [][]fr.Element, j int, rp []fr.Element) fr.Element {
	N := l.N()
	one := fr.One()
	if j > l.Tables() {
		w := j - l.Tables() - 1
		for t := range l.Wide {
			if !l.wideOn(t) {
				continue
			}
			if w > 0 {
				w--
				continue
			}
			n := l.In[t]
			out := mle.Eq(z[t], rp[N-n:])
			for k := range N - n {
				var v fr.Element
				v.Sub(&one, &rp[k])
				out.Mul(&out, &v)
			}
			return out
		}
	}
	fixed, off := l.SlotVars, 0
	if j < l.Tables() {
		fixed, off = N-l.Vars[j], l.Offsets[j]
	}
	c := l.slotCoefs()
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
