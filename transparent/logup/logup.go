// Package logup proves that every entry of a committed vector lies in a
// public table, with the log-derivative lookup argument of Haböck
// ("Multivariate lookups based on logarithmic derivatives", ePrint 2022/1530)
// run over multilinear tables with the sumcheck protocol, as in the
// sumcheck-based zkML provers. Range checks (the remainder and quotient
// bounds of a rescale, a ReLU's sign) are lookups into [0, 2^L).
//
// # Protocol
//
// f (2^n entries) is committed by the caller, whose transcript has absorbed
// the commitment; the table T (padded to 2^ℓ entries by repeating T[0]) is
// public. With m_j the number of i with f_i = T_j (counted at T's first
// occurrence of each value):
//
//  1. the prover commits to m; the transcript absorbs T's digest and m's
//     commitment and draws α;
//  2. the prover commits to h_i = 1/(α − f_i) and g_j = m_j/(α − T_j) and
//     states S = Σ_i h_i; the transcript absorbs them and draws r_f ∈ F^n,
//     r_t ∈ F^ℓ;
//  3. four sumchecks: Σ_x h(x) = S and Σ_y g(y) = S (degree 1);
//     Σ_x eq(r_f, x)·h(x)·(α − f(x)) = 1 and, with the stated μ = m̃(r_t),
//     Σ_y eq(r_t, y)·g(y)·(α − T(y)) = μ (degree 3, the "zero-checks" that h
//     and g are the claimed fractions on the whole cube);
//  4. the final claims are opened: h̃ (twice), g̃ (twice), f̃ and m̃ through
//     their commitments; eq and T̃ the verifier evaluates itself.
//
// # Soundness
//
// Lemma (Haböck 2022, Lemma 5): over a field of characteristic p larger than
// the number of lookups, Σ_i 1/(X − f_i) = Σ_j m_j/(X − T_j) as rational
// functions implies {f_i} ⊆ {T_j}: the left side has a pole of nonzero residue
// (a count < p) at every f_i, the right side poles only at the T_j. With f and
// m committed before α is drawn, a false identity holds at α with probability
// ≤ (2^n + 2^ℓ)/|F| (clear denominators: a nonzero polynomial of that degree).
// The zero-check Σ_x eq(r, x)·(h(x)(α − f(x)) − 1) = 0 is the multilinear
// extension of h·(α − f) − 1 restricted to the cube, at r: if h_i ≠ 1/(α − f_i)
// for some i it vanishes with probability ≤ n/|F|. Each sumcheck adds
// (rounds·degree)/|F| and each opening the pcs error (docs/TRANSPARENT.md):
// the total is below 2^-100 with pcs.DefaultParams.
package logup

import (
	"crypto/sha256"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Table is a public lookup table, padded to a power of two by repeating its
// first entry, with the digest the transcript binds.
type Table struct {
	Vals   mle.Table
	first  map[fr.Element]int // value → index of its first occurrence
	digest [32]byte
}

// NewTable builds a table from its entries (at least one).
func NewTable(vals []fr.Element) (*Table, error) {
	if len(vals) == 0 {
		return nil, fmt.Errorf("logup: empty table")
	}
	size, _ := mle.Pow2(len(vals))
	t := &Table{Vals: make(mle.Table, size), first: make(map[fr.Element]int, len(vals))}
	copy(t.Vals, vals)
	for i := len(vals); i < size; i++ {
		t.Vals[i] = vals[0]
	}
	h := sha256.New()
	for i := range t.Vals {
		if _, ok := t.first[t.Vals[i]]; !ok {
			t.first[t.Vals[i]] = i
		}
		b := t.Vals[i].Bytes()
		h.Write(b[:])
	}
	h.Sum(t.digest[:0])
	return t, nil
}

// Range returns the table [0, 2^bits), the range check's table.
func Range(bits int) (*Table, error) {
	if bits < 0 || bits > 24 {
		return nil, fmt.Errorf("logup: range table of %d bits outside 0..24", bits)
	}
	vals := make([]fr.Element, 1<<bits)
	for i := range vals {
		vals[i].SetUint64(uint64(i))
	}
	return NewTable(vals)
}

// Proof is a lookup proof.
type Proof struct {
	M, H, G      pcs.Commitment
	Sum          fr.Element // S = Σ h = Σ g
	MAtR         fr.Element // μ = m̃(r_t)
	SumH, SumG   sumcheck.Proof
	ZeroH, ZeroG sumcheck.Proof
	Openings     [6]pcs.Opening // h̃(ρ1), g̃(ρ2), h̃(ρ3), f̃(ρ3), g̃(ρ4), m̃(r_t)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 3*48 + 64
	for _, s := range []*sumcheck.Proof{&p.SumH, &p.SumG, &p.ZeroH, &p.ZeroG} {
		n += s.Size()
	}
	for i := range p.Openings {
		n += p.Openings[i].Size()
	}
	return n
}

// cheats let the soundness tests play a dishonest prover.
type cheats struct {
	outside  bool // prove even when f has entries outside the table (count only those inside)
	balanceH bool // rewrite h at the first outside entry so that Σh = Σg
	mDelta   bool // commit m with m_0 + 1 while g uses the true m
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
}

// forgedPoint returns r' (n ≥ 1 coordinates) with Σ_x eq(r', x)·q(x) = target:
// the sum is (1 − r'_0)·A0 + r'_0·A1 for the halves' sums A0, A1 under
// eq(r'_rest), solved for r'_0.
func forgedPoint(tr *transcript.Transcript, q mle.Table, target fr.Element) []fr.Element {
	n := q.NumVars()
	r := tr.Challenges("forge", n) // any values the prover likes
	e := mle.EqTable(r[1:])
	h := len(q) / 2
	a0, a1 := mle.Inner(e, q[:h]), mle.Inner(e, q[h:])
	var num, den fr.Element
	num.Sub(&target, &a0)
	den.Sub(&a1, &a0)
	den.Inverse(&den)
	r[0].Mul(&num, &den)
	return r
}

// Prove proves that every entry of f lies in table. fData is f's commitment,
// already absorbed into tr by the caller.
func Prove(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, table *Table) (Proof, error) {
	return prove(tr, params, fData, f, table, nil, cheats{})
}

// ProveBatched is Prove with the openings deferred into b (package batch):
// the proof's openings are empty.
func ProveBatched(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, table *Table, bp *batch.Prover) (Proof, error) {
	return prove(tr, params, fData, f, table, bp, cheats{})
}

func prove(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, table *Table, bp *batch.Prover, ch cheats) (Proof, error) {
	n, l := f.NumVars(), table.Vals.NumVars()
	if n < 0 {
		return Proof{}, fmt.Errorf("logup: f of length %d is not a power of two", len(f))
	}
	if fData.Commitment().NumVars != n {
		return Proof{}, fmt.Errorf("logup: f has %d variables, its commitment %d", n, fData.Commitment().NumVars)
	}
	if ch.substitute {
		f = clone(f)
		for i := range f {
			if _, ok := table.first[f[i]]; !ok {
				f[i] = table.Vals[0]
			}
		}
	}
	if ch.values != nil {
		t := *table
		t.Vals = ch.values
		t.first = make(map[fr.Element]int)
		for i := len(t.Vals) - 1; i >= 0; i-- {
			t.first[t.Vals[i]] = i
		}
		table = &t // the digest stays the statement's
	}
	// 1. Multiplicities.
	m := make(mle.Table, len(table.Vals))
	outsideAt := -1
	one := fr.One()
	for i := range f {
		j, ok := table.first[f[i]]
		if !ok {
			if !ch.outside {
				return Proof{}, fmt.Errorf("logup: f[%d] = %s is not in the table", i, f[i].String())
			}
			if outsideAt < 0 {
				outsideAt = i
			}
			continue
		}
		m[j].Add(&m[j], &one)
	}
	mCommitted := m
	if ch.mDelta {
		mCommitted = append(mle.Table(nil), m...)
		mCommitted[0].Add(&mCommitted[0], &one)
	}
	mData, err := pcs.Commit(params, mCommitted)
	if err != nil {
		return Proof{}, err
	}
	var proof Proof
	proof.M = mData.Commitment()
	alpha := absorbTable(tr, table, proof.M)

	// 2. The fractions.
	h := fractions(alpha, f, nil)
	g := fractions(alpha, table.Vals, m)
	sumG := sum(g)
	if ch.balanceG {
		d := sum(h)
		d.Sub(&d, &sumG)
		g[0].Add(&g[0], &d)
		sumG = sum(g)
	}
	if ch.balanceH && outsideAt >= 0 {
		others := sum(h)
		others.Sub(&others, &h[outsideAt])
		h[outsideAt].Sub(&sumG, &others)
	}
	proof.Sum = sum(h)
	hData, err := pcs.Commit(params, h)
	if err != nil {
		return Proof{}, err
	}
	gData, err := pcs.Commit(params, g)
	if err != nil {
		return Proof{}, err
	}
	proof.H, proof.G = hData.Commitment(), gData.Commitment()
	rf, rt := absorbFractions(tr, &proof, n, l)

	// 3. The sumchecks.
	var rho [4][]fr.Element
	if proof.SumH, rho[0], _, err = sumcheck.ProveZK(tr, proof.Sum, []mle.Table{clone(h)}, params.Hiding); err != nil {
		return Proof{}, err
	}
	if proof.SumG, rho[1], _, err = sumcheck.ProveZK(tr, proof.Sum, []mle.Table{clone(g)}, params.Hiding); err != nil {
		return Proof{}, err
	}
	eqF := mle.EqTable(rf)
	if ch.forgeEq {
		q := shift(alpha, f)
		for i := range q {
			q[i].Mul(&q[i], &h[i])
		}
		eqF = mle.EqTable(forgedPoint(transcript.New("forge"), q, one))
	}
	if proof.ZeroH, rho[2], _, err = sumcheck.ProveZK(tr, one, []mle.Table{eqF, clone(h), shift(alpha, f)}, params.Hiding); err != nil {
		return Proof{}, err
	}
	proof.MAtR, _ = mCommitted.Eval(rt)
	tr.AppendElements("logup/m(r_t)", proof.MAtR)
	eqG := mle.EqTable(rt)
	if ch.forgeEqG {
		q := shift(alpha, table.Vals)
		for i := range q {
			q[i].Mul(&q[i], &g[i])
		}
		eqG = mle.EqTable(forgedPoint(transcript.New("forge"), q, proof.MAtR))
	}
	if proof.ZeroG, rho[3], _, err = sumcheck.ProveZK(tr, proof.MAtR, []mle.Table{eqG, clone(g), shift(alpha, table.Vals)}, params.Hiding); err != nil {
		return Proof{}, err
	}

	// 4. The openings, in the verifier's order.
	for i, o := range []struct {
		d *pcs.ProverData
		p []fr.Element
	}{{hData, rho[0]}, {gData, rho[1]}, {hData, rho[2]}, {fData, rho[2]}, {gData, rho[3]}, {mData, rt}} {
		if proof.Openings[i], err = bp.Open(tr, o.d, o.p); err != nil {
			return Proof{}, err
		}
	}
	return proof, nil
}

// Verify checks a proof that every entry of the vector committed in f lies in
// table; tr must have absorbed f's commitment as the prover's had.
func Verify(tr *transcript.Transcript, params pcs.Params, f pcs.Commitment, table *Table, proof Proof) error {
	return VerifyBatched(tr, params, f, table, proof, nil)
}

// VerifyBatched is Verify with the openings' claims deferred into v
// (package batch); nil checks them at once.
func VerifyBatched(tr *transcript.Transcript, params pcs.Params, f pcs.Commitment, table *Table, proof Proof, bv *batch.Verifier) error {
	n, l := f.NumVars, table.Vals.NumVars()
	if proof.H.NumVars != n || proof.G.NumVars != l || proof.M.NumVars != l {
		return fmt.Errorf("logup: commitments over %d, %d, %d variables, want %d, %d, %d", proof.H.NumVars, proof.G.NumVars, proof.M.NumVars, n, l, l)
	}
	alpha := absorbTable(tr, table, proof.M)
	rf, rt := absorbFractions(tr, &proof, n, l)
	one := fr.One()
	rho1, finH, err := sumcheck.Verify(tr, proof.Sum, n, 1, proof.SumH)
	if err != nil {
		return fmt.Errorf("logup: Σh: %v", err)
	}
	rho2, finG, err := sumcheck.Verify(tr, proof.Sum, l, 1, proof.SumG)
	if err != nil {
		return fmt.Errorf("logup: Σg: %v", err)
	}
	rho3, finZH, err := sumcheck.VerifyEq(tr, one, rf, 3, proof.ZeroH, "logup: h = 1/(α − f)")
	if err != nil {
		return err
	}
	tr.AppendElements("logup/m(r_t)", proof.MAtR)
	rho4, finZG, err := sumcheck.VerifyEq(tr, proof.MAtR, rt, 3, proof.ZeroG, "logup: g = m/(α − T)")
	if err != nil {
		return err
	}
	tv, _ := table.Vals.Eval(rho4)
	if tv.Sub(&alpha, &tv); !tv.Equal(&finZG[2]) {
		return fmt.Errorf("logup: g = m/(α − T): table factor differs from α − T̃(ρ)")
	}
	var fv fr.Element
	fv.Sub(&alpha, &finZH[2]) // f̃(ρ3) = α − (α − f̃)(ρ3)
	for i, o := range []struct {
		name string
		c    pcs.Commitment
		p    []fr.Element
		v    fr.Element
	}{{"h at ρ1", proof.H, rho1, finH[0]}, {"g at ρ2", proof.G, rho2, finG[0]}, {"h at ρ3", proof.H, rho3, finZH[1]},
		{"f at ρ3", f, rho3, fv}, {"g at ρ4", proof.G, rho4, finZG[1]}, {"m at r_t", proof.M, rt, proof.MAtR}} {
		if err := bv.Check(tr, params, o.c, o.p, o.v, proof.Openings[i]); err != nil {
			return fmt.Errorf("logup: opening %s: %v", o.name, err)
		}
	}
	return nil
}

func absorbTable(tr *transcript.Transcript, table *Table, m pcs.Commitment) fr.Element {
	tr.AppendBytes("logup/table", table.digest[:])
	m.Absorb(tr, "logup/m")
	return tr.Challenge("logup/alpha")
}

func absorbFractions(tr *transcript.Transcript, p *Proof, n, l int) ([]fr.Element, []fr.Element) {
	p.H.Absorb(tr, "logup/h")
	p.G.Absorb(tr, "logup/g")
	tr.AppendElements("logup/sum", p.Sum)
	return tr.Challenges("logup/r_f", n), tr.Challenges("logup/r_t", l)
}

// fractions returns num_i/(α − v_i) (num_i = 1 when num is nil), with one
// batch inversion.
func fractions(alpha fr.Element, v, num mle.Table) mle.Table {
	d := shift(alpha, v)
	out := mle.Table(fr.BatchInvert(d))
	if num != nil {
		for i := range out {
			out[i].Mul(&out[i], &num[i])
		}
	}
	return out
}

// shift returns α − v_i.
func shift(alpha fr.Element, v mle.Table) mle.Table {
	out := make(mle.Table, len(v))
	for i := range v {
		out[i].Sub(&alpha, &v[i])
	}
	return out
}

func sum(v mle.Table) fr.Element {
	var s fr.Element
	for i := range v {
		s.Add(&s, &v[i])
	}
	return s
}

func clone(t mle.Table) mle.Table { return append(mle.Table(nil), t...) }
