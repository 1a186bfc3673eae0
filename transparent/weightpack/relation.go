package weightpack

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// The statement: one sumcheck over P = max(N, b) variables (package doc,
// "Protocol") whose every term is κ·C·F_1·…: C a public coefficient that
// is zero outside one block of the space — the points whose first P − n
// variables are the bits of an offset o (a slot table's place in V, or 0)
// — and C's values c(y) on the block; each F a table over the last n
// variables (a slot table, the leaves, a wide table, the range check's G
// and M, or the public range T), repeated over the first P − n, or the
// full table H of P variables. C's multilinear extension is
// eq(x_pre, o)·c̃(y): the prover never forms a table of 2^P entries for a
// block of 2^n (blocksum.go), and the verifier evaluates each C at the
// end in O(P) (coefFinal).

// kind is an instance table's role.
type kind int

const (
	coefKind kind = iota // public coefficient on a block (prover: c; verifier: coefFinal)
	dataKind             // committed, over the last vars variables
	pubKind              // the public range table T, over the last b variables
	fullKind             // a bin of H, committed, over its bin's variables (H in the terms' blocks)
)

// coefId names a public coefficient: which one and of what.
type coefId int

const (
	cH  coefId = iota // 1 + λ·α·eq(r, x) on bin k of the table space
	cR                // eq(r, x) on slot table k's block
	cA                // 2^(b·i)·eq(ρ, j) at entry y's place i·2^m + j in V, on slot table k's block
	cE                // eq(ρ, j) on the leaves' block (offset 0)
	cEt               // eq(r_t, y) on the range table's block (offset 0)
	cG                // −1 + λ²·α·eq(r_t, y) on the same block
	cD                // eq(z_t, y) on wide table t's block (offset 0)
	cP                // eq(r, x)·[y is padding] on slot table k's block (a narrow table)
	cQ                // eq(z_t, y)·[y is padding] on wide table t's block (offset 0)
)

// itab is one instance table of the statement.
type itab struct {
	kind kind
	vars int    // n: the table spans the last n of the P variables
	off  int    // coefKind: the block's first point (a multiple of 2^n)
	coef coefId // coefKind: which coefficient
	k    int    // cR, cA: the slot table; cD: the input table; dataKind: the committed table (role below)
	role role   // dataKind: whose commitment
}

// role says which commitment a data table's claim is on.
type role int

const (
	roleSlot   role = iota // slot table k
	roleLeaves             // the leaves
	roleWide               // input table k (a wide table's own)
	roleG                  // the range check's G
	roleM                  // its M
	roleH                  // its H's bin k (fullKind)
)

// chal are the statement's challenges.
type chal struct {
	alpha, lambda fr.Element
	r, rt         []fr.Element   // the range check's zero-check points (P and b coordinates)
	rho           []fr.Element   // the packing's point (m coordinates)
	z             [][]fr.Element // per input table, its wide point (nil: none)
}

// stmt is the statement: P, the instance tables, the terms, the claim.
type stmt struct {
	P     int
	tabs  []itab
	terms []sumcheck.Term
	claim fr.Element
	slotT []int // slot table k's data table
	rng   bool  // the range check is part of it (omit["range"] drops it)
}

// rangeOn reports whether the range check is proven (omit["range"]: not).
func rangeOn() bool { return !omit["range"] }

// space returns P: the table space's variables (the least that holds the
// bins), at least b (the range table's) and m (the leaves').
func (l *Layout) space() int {
	bs := l.bins()
	end := bs[len(bs)-1].off + 1<<bs[len(bs)-1].vars
	P := max(l.Bits, l.LeafVars)
	for end > 1<<P {
		P++
	}
	return P
}

// bin is a part of the table space committed as one table of H: whole
// slot tables, at off (a multiple of 2^vars).
type bin struct{ off, vars int }

// bins cuts the used table space [0, T), T = Σ_k 2^(n_k), into at most two
// bins: [0, 2^q) with 2^q ≤ T < 2^(q+1), and the rest, rounded up to a
// power of two, at 2^q (no table straddles 2^q: the tables lie by
// decreasing size at multiples of their sizes). cnn_c32: 2^18 + 2^16
// entries of H where one bin would take 2^19.
func (l *Layout) bins() []bin {
	T := 0
	for _, n := range l.Vars {
		T += 1 << n
	}
	q := 0
	for 2<<q <= T {
		q++
	}
	out := []bin{{0, q}}
	if rest := T - 1<<q; rest > 0 {
		r := 0
		for 1<<r < rest {
			r++
		}
		out = append(out, bin{1 << q, r})
	}
	return out
}

// binOf returns the bin slot table k lies in.
func (l *Layout) binOf(k int) int {
	bs := l.bins()
	for i := len(bs) - 1; i >= 0; i-- {
		if l.Offsets[k] >= bs[i].off {
			return i
		}
	}
	return 0
}

// padded reports whether slot table k has padding (entries not packed).
func (l *Layout) padded(k int) bool {
	n := 0
	for _, b := range l.Blocks[k] {
		n += 1 << (b.RowFree + b.ColFree)
	}
	return n < 1<<l.Vars[k]
}

// paddingOn reports whether the padding is proven zero (with the range
// check's λ; omit["padding"] drops it).
func paddingOn() bool { return rangeOn() && !omit["padding"] }

// statement builds the statement of layout l under challenges c.
func statement(l *Layout, c chal) *stmt {
	P := l.space()
	s := &stmt{P: P, rng: rangeOn(), slotT: make([]int, l.Tables())}
	add := func(t itab) int { s.tabs = append(s.tabs, t); return len(s.tabs) - 1 }
	term := func(coef fr.Element, f ...int) {
		s.terms = append(s.terms, sumcheck.Term{Coef: coef, Factors: f})
	}
	one := fr.One()
	var minus fr.Element
	minus.Neg(&one)
	mu := one // the packing's weight: λ³ with the range check, 1 without
	bins := l.bins()
	h := make([]int, len(bins))
	if s.rng {
		mu.Square(&c.lambda).Mul(&mu, &c.lambda)
		for i, b := range bins {
			ch := add(itab{kind: coefKind, vars: b.vars, off: b.off, coef: cH, k: i})
			h[i] = add(itab{kind: fullKind, vars: b.vars, off: b.off, k: i, role: roleH})
			term(one, ch, h[i])
		}
	}
	var ml, l2 fr.Element
	ml.Neg(&c.lambda)
	l2.Square(&c.lambda).Neg(&l2)
	for k := range l.Tables() {
		n, o := l.Vars[k], l.Offsets[k]
		s.slotT[k] = add(itab{kind: dataKind, vars: n, k: k, role: roleSlot})
		if s.rng {
			term(ml, add(itab{kind: coefKind, vars: n, off: o, coef: cR, k: k}), h[l.binOf(k)], s.slotT[k])
		}
		term(mu, add(itab{kind: coefKind, vars: n, off: o, coef: cA, k: k}), s.slotT[k])
		if paddingOn() && l.padded(k) && !l.Wide[l.inputOf(k)] {
			var l4 fr.Element
			l4.Square(&c.lambda).Square(&l4)
			term(l4, add(itab{kind: coefKind, vars: n, off: o, coef: cP, k: k}), s.slotT[k])
		}
	}
	var mmu fr.Element
	mmu.Neg(&mu)
	e := add(itab{kind: coefKind, vars: l.LeafVars, coef: cE})
	term(mmu, e, add(itab{kind: dataKind, vars: l.LeafVars, role: roleLeaves}))
	if s.rng {
		b := l.Bits
		et := add(itab{kind: coefKind, vars: b, coef: cEt})
		cg := add(itab{kind: coefKind, vars: b, coef: cG})
		g := add(itab{kind: dataKind, vars: b, role: roleG})
		m := add(itab{kind: dataKind, vars: b, role: roleM})
		tt := add(itab{kind: pubKind, vars: b})
		term(one, cg, g)
		term(l2, et, tt, g)
		term(l2, et, m)
	}
	var limb fr.Element
	limb.SetUint64(1 << l.Bits)
	limb.Mul(&limb, &mmu)
	for t, ks := range l.Slots {
		if !l.wideOn(t) {
			continue
		}
		n := l.In[t]
		d := add(itab{kind: coefKind, vars: n, coef: cD, k: t})
		wt := add(itab{kind: dataKind, vars: n, k: t, role: roleWide})
		term(mu, d, wt)
		term(mmu, d, s.slotT[ks[0]])
		term(limb, d, s.slotT[ks[1]])
		// The padding of W_t, not of its limbs: a zero splits into
		// lo = −2^(b−1), hi = 0, and the limb relation holds everywhere.
		if paddingOn() && l.padded(ks[0]) {
			var l4 fr.Element
			l4.Square(&c.lambda).Square(&l4)
			term(l4, add(itab{kind: coefKind, vars: n, coef: cQ, k: t}), wt)
		}
	}
	// The claim: λ·Σ_bins eq(r_pre, o) (Σ_{x in the bins} eq(r, x)·H·(α − V_T)
	// = Σ_{x in the bins} eq(r, x)) + μ·(−K + w·2^(b−1)).
	s.claim = l.claim()
	s.claim.Mul(&s.claim, &mu)
	if s.rng {
		var e fr.Element
		for _, b := range bins {
			w := eqBits(c.r[:P-b.vars], b.off>>b.vars)
			e.Add(&e, &w)
		}
		e.Mul(&e, &c.lambda)
		s.claim.Add(&s.claim, &e)
	}
	return s
}

// wideOn reports whether input t is wide and its limb relation proven
// (omit["limbs"] drops it: TestChecksNeeded).
func (l *Layout) wideOn(t int) bool { return l.Wide[t] && !omit["limbs"] }

// claim returns the packing relation's right side, −K + w·2^(b−1).
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

// bitFactors returns, for each of V's N variables, the packing
// coefficient's factor at bit 0 and at bit 1: a(x) = Π_v f_v(x_v) =
// 2^(b·i)·eq(ρ, j) for x = i·2^m + j.
func (l *Layout) bitFactors(rho []fr.Element) (f0, f1 []fr.Element) {
	N := l.N()
	f0, f1 = make([]fr.Element, N), make([]fr.Element, N)
	c := l.slotCoefs()
	one := fr.One()
	for v := range N {
		if v < l.SlotVars {
			f0[v], f1[v] = one, c[1<<(l.SlotVars-1-v)]
		} else {
			f1[v] = rho[v-l.SlotVars]
			f0[v].Sub(&one, &f1[v])
		}
	}
	return f0, f1
}

// freeVar returns, for table variable i (of n, the first n − ColVars the
// row's) in block b, the V variable it maps to, or −1 when b fixes it (to
// bit pat).
func freeVar(b Block, va Valid, n, N, i int) (v int, pat uint) {
	rv, cv := n-va.ColVars, va.ColVars
	q := b.RowFree + b.ColFree
	switch {
	case i < rv-b.RowFree:
		return -1, uint(b.RowBase>>(rv-1-i)) & 1
	case i < rv:
		return N - q + (i - (rv - b.RowFree)), 0
	case i < n-b.ColFree:
		return -1, uint(b.ColBase>>(cv-1-(i-rv))) & 1
	}
	return N - q + b.RowFree + (i - (n - b.ColFree)), 0
}

// atWeight returns Π f_v(bit v of b.At) over V's variables the block does
// not span (its place's prefix).
func atWeight(b Block, f0, f1 []fr.Element) fr.Element {
	N := len(f0)
	w := fr.One()
	for v := range N - b.RowFree - b.ColFree {
		if (b.At>>(N-1-v))&1 == 1 {
			w.Mul(&w, &f1[v])
		} else {
			w.Mul(&w, &f0[v])
		}
	}
	return w
}

// block returns coefficient t's values c(y) on its block (2^vars entries),
// the prover's table.
func (l *Layout) block(t itab, c chal) mle.Table {
	P, n := l.space(), t.vars
	switch t.coef {
	case cH:
		out := mle.EqTable(c.r[P-n:])
		var s fr.Element
		s.Mul(&c.lambda, &c.alpha)
		w := eqBits(c.r[:P-n], t.off>>n)
		s.Mul(&s, &w)
		one := fr.One()
		for i := range out {
			out[i].Mul(&out[i], &s).Add(&out[i], &one)
		}
		return out
	case cR:
		out := mle.EqTable(c.r[P-n:])
		w := eqBits(c.r[:P-n], t.off>>n)
		for i := range out {
			out[i].Mul(&out[i], &w)
		}
		return out
	case cE:
		return mle.EqTable(c.rho)
	case cA:
		f0, f1 := l.bitFactors(c.rho)
		out := make(mle.Table, 1<<n)
		for _, b := range l.Blocks[t.k] {
			q := b.RowFree + b.ColFree
			vals := make(mle.Table, 1<<q)
			vals[0] = atWeight(b, f0, f1)
			for v := l.N() - q; v < l.N(); v++ { // the tensor product, one variable at a time
				size := 1 << (v - (l.N() - q))
				for i := size - 1; i >= 0; i-- {
					vals[2*i+1].Mul(&vals[i], &f1[v])
					vals[2*i].Mul(&vals[i], &f0[v])
				}
			}
			cv := l.Valid[l.inputOf(t.k)].ColVars
			for a := range 1 << b.RowFree {
				for cc := range 1 << b.ColFree {
					out[(b.RowBase+a)<<cv|(b.ColBase+cc)] = vals[a<<b.ColFree|cc]
				}
			}
		}
		return out
	case cP:
		out := mle.EqTable(c.r[P-n:])
		w := eqBits(c.r[:P-n], t.off>>n)
		for i := range out {
			out[i].Mul(&out[i], &w)
		}
		l.place(t.k, func(y, _ int) { out[y] = fr.Element{} })
		return out
	case cQ:
		out := mle.EqTable(c.z[t.k])
		l.place(l.Slots[t.k][0], func(y, _ int) { out[y] = fr.Element{} })
		return out
	case cEt:
		return mle.EqTable(c.rt)
	case cG:
		out := mle.EqTable(c.rt)
		var s fr.Element
		s.Square(&c.lambda).Mul(&s, &c.alpha)
		one := fr.One()
		for i := range out {
			out[i].Mul(&out[i], &s).Sub(&out[i], &one)
		}
		return out
	case cD:
		return mle.EqTable(c.z[t.k])
	}
	panic("weightpack: unknown coefficient")
}

// padFinal returns the multilinear extension of eq(r, y)·[y is padding]
// over slot table k's n variables at y = last: eq(r, last) minus, for
// each block, the product over its variables of eq(r_i, last_i) (a free
// one) or eq(r_i, pat)·eq(last_i, pat) (one it fixes to pat).
func (l *Layout) padFinal(k int, r, last []fr.Element) fr.Element {
	n := l.Vars[k]
	va := l.Valid[l.inputOf(k)]
	one := fr.One()
	v := mle.Eq(r, last)
	for _, b := range l.Blocks[k] {
		w := fr.One()
		for i := range n {
			var x fr.Element
			switch fv, pat := freeVar(b, va, n, l.N(), i); {
			case fv >= 0:
				x = mle.Eq(r[i:i+1], last[i:i+1])
			case pat == 1:
				x.Mul(&r[i], &last[i])
			default:
				var a, bb fr.Element
				a.Sub(&one, &r[i])
				bb.Sub(&one, &last[i])
				x.Mul(&a, &bb)
			}
			w.Mul(&w, &x)
		}
		v.Sub(&v, &w)
	}
	return v
}

// eqBits returns eq(r, bits of o) (o's bit len(r)−1−i against r_i).
func eqBits(r []fr.Element, o int) fr.Element {
	w := fr.One()
	one := fr.One()
	for i := range r {
		var v fr.Element
		if (o>>(len(r)-1-i))&1 == 1 {
			v = r[i]
		} else {
			v.Sub(&one, &r[i])
		}
		w.Mul(&w, &v)
	}
	return w
}

// coefFinal returns coefficient t's multilinear extension at ρ' (P
// coordinates): eq(ρ'_pre, o)·c̃(ρ'_last n), O(P) but for c̃ of cE/cA (a
// product of one linear factor a variable).
func (l *Layout) coefFinal(t itab, c chal, rp []fr.Element) fr.Element {
	P, n := l.space(), t.vars
	pre := eqBits(rp[:P-n], t.off>>n)
	last := rp[P-n:]
	var v fr.Element
	one := fr.One()
	switch t.coef {
	case cH:
		v.Mul(&c.lambda, &c.alpha)
		e := mle.Eq(c.r[P-n:], last)
		w := eqBits(c.r[:P-n], t.off>>n)
		v.Mul(&v, &e).Mul(&v, &w).Add(&v, &one)
	case cR:
		v = eqBits(c.r[:P-n], t.off>>n)
		e := mle.Eq(c.r[P-n:], last)
		v.Mul(&v, &e)
	case cE:
		v = mle.Eq(c.rho, last)
	case cA:
		f0, f1 := l.bitFactors(c.rho)
		va := l.Valid[l.inputOf(t.k)]
		for _, b := range l.Blocks[t.k] {
			w := atWeight(b, f0, f1)
			for i := range n {
				var x fr.Element
				switch fv, pat := freeVar(b, va, n, l.N(), i); {
				case fv >= 0: // (1 − ρ'_i)·f0 + ρ'_i·f1
					x.Sub(&f1[fv], &f0[fv]).Mul(&x, &last[i]).Add(&x, &f0[fv])
				case pat == 1:
					x = last[i]
				default:
					x.Sub(&one, &last[i])
				}
				w.Mul(&w, &x)
			}
			v.Add(&v, &w)
		}
	case cP:
		v = l.padFinal(t.k, c.r[P-n:], last)
		e := eqBits(c.r[:P-n], t.off>>n)
		v.Mul(&v, &e)
	case cQ:
		v = l.padFinal(l.Slots[t.k][0], c.z[t.k], last)
	case cEt:
		v = mle.Eq(c.rt, last)
	case cG:
		v.Square(&c.lambda).Mul(&v, &c.alpha)
		e := mle.Eq(c.rt, last)
		v.Mul(&v, &e).Sub(&v, &one)
	case cD:
		v = mle.Eq(c.z[t.k], last)
	}
	return *v.Mul(&v, &pre)
}

// rangeFinal returns T̃ at the last b coordinates y of ρ': T(y) = y − 2^(b−1)
// for y read as a b-bit integer, multilinear: Σ_i 2^(b−1−i)·y_i − 2^(b−1).
func (l *Layout) rangeFinal(y []fr.Element) fr.Element {
	var v, p fr.Element
	for i := range y {
		p.SetUint64(1 << (len(y) - 1 - i))
		p.Mul(&p, &y[i])
		v.Add(&v, &p)
	}
	h := l.half()
	return *v.Sub(&v, &h)
}
