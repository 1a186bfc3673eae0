package weightpack

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// The range check of every slot table at once (package doc): a logUp
// lookup (Haböck 2022) of the table space V_T — each slot table whole at
// its offset, zeros elsewhere, in one or two bins ([Layout.bins]) — into
// T = [−2^(b−1), 2^(b−1)), with one multiplicity table M and fractions
// H = 1/(α − V_T) (a commitment a bin), G = M/(α − T): three or four
// commitments for all the tables, where a lookup a table committed three.

// rangeData is the prover's side of the range check.
type rangeData struct {
	m, g       *pcs.ProverData
	h          []*pcs.ProverData // H's bins
	mv, gv, tv mle.Table         // M, G, T (the sumcheck's, consumed)
	hv         []mle.Table       // H's bins (consumed)
}

// binTables returns V_T's bins: slot table k's entries at its offset
// within its bin, zeros elsewhere.
func (l *Layout) binTables(slots []mle.Table) []mle.Table {
	bs := l.bins()
	out := make([]mle.Table, len(bs))
	for i, b := range bs {
		out[i] = make(mle.Table, 1<<b.vars)
	}
	for k, s := range slots {
		i := l.binOf(k)
		copy(out[i][l.Offsets[k]-bs[i].off:], s)
	}
	return out
}

// rangeTable returns T: entry y is y − 2^(b−1).
func (l *Layout) rangeTable() mle.Table {
	t := make(mle.Table, 1<<l.Bits)
	half := int64(1) << (l.Bits - 1)
	for y := range t {
		t[y].SetInt64(int64(y) - half)
	}
	return t
}

// commitRange commits M, then (after α) H and G, into proof, and draws the
// range check's challenges into c. slots are the prover's slot tables.
func commitRange(tr *transcript.Transcript, params pcs.Params, l *Layout, slots []mle.Table, proof *Proof, c *chal, forgeH bool) (*rangeData, error) {
	vs := l.binTables(slots)
	half := int64(1) << (l.Bits - 1)
	rd := &rangeData{mv: make(mle.Table, 1<<l.Bits), tv: l.rangeTable()}
	count := make([]uint64, 1<<l.Bits)
	for i, v := range vs {
		for x := range v {
			e, ok := signed(v[x], half)
			if !ok && forgeH {
				continue
			}
			if !ok {
				k, y := l.slotAt(l.bins()[i].off + x)
				return nil, fmt.Errorf("weightpack: the range check: slot table %d's entry %d = %s is outside [−2^%d, 2^%d)", k, y, v[x].String(), l.Bits-1, l.Bits-1)
			}
			count[e+half]++
		}
	}
	for y, n := range count {
		rd.mv[y].SetUint64(n)
	}
	var err error
	if rd.m, err = pcs.Commit(params, rd.mv); err != nil {
		return nil, err
	}
	proof.M = rd.m.Commitment()
	c.alpha = rangeAlpha(tr, proof)
	for _, v := range vs {
		hv := fractions(c.alpha, v, nil)
		d, err := pcs.Commit(params, hv)
		if err != nil {
			return nil, err
		}
		rd.h, rd.hv = append(rd.h, d), append(rd.hv, clone(hv))
		proof.H = append(proof.H, d.Commitment())
	}
	rd.gv = fractions(c.alpha, rd.tv, rd.mv)
	if rd.g, err = pcs.Commit(params, rd.gv); err != nil {
		return nil, err
	}
	proof.G = rd.g.Commitment()
	rd.gv, rd.mv = clone(rd.gv), clone(rd.mv)
	rangePoints(tr, l, proof, c)
	if forgeH {
		forgeFractions(l, rd, vs[0], *c)
	}
	return rd, nil
}

// slotAt returns the slot table and entry at x in V (−1: none).
func (l *Layout) slotAt(x int) (int, int) {
	for k, n := range l.Vars {
		if o := l.Offsets[k]; x >= o && x < o+1<<n {
			return k, x - o
		}
	}
	return -1, x
}

// fractions returns num_i/(α − v_i) (num_i = 1 when num is nil), with one
// batch inversion; α equal to an entry is an error of probability
// (2^P + 2^b)/|F|, and makes an entry 0 (the check then fails).
func fractions(alpha fr.Element, v, num mle.Table) mle.Table {
	d := make(mle.Table, len(v))
	for i := range v {
		d[i].Sub(&alpha, &v[i])
	}
	out := mle.Table(fr.BatchInvert(d))
	if num != nil {
		for i := range out {
			out[i].Mul(&out[i], &num[i])
		}
	}
	return out
}

// checkRangeShapes refuses range commitments of the wrong sizes.
func checkRangeShapes(l *Layout, p *Proof) error {
	if p.M.NumVars != l.Bits || p.G.NumVars != l.Bits {
		return fmt.Errorf("weightpack: range commitments M, G over %d, %d variables, want %d", p.M.NumVars, p.G.NumVars, l.Bits)
	}
	bs := l.bins()
	if len(p.H) != len(bs) {
		return fmt.Errorf("weightpack: %d commitments of H, want one a bin (%d)", len(p.H), len(bs))
	}
	for i, b := range bs {
		if p.H[i].NumVars != b.vars {
			return fmt.Errorf("weightpack: H's bin %d committed over %d variables, want %d", i, p.H[i].NumVars, b.vars)
		}
	}
	return nil
}

// forgeFractions (the cheats' forgeH) moves H's bin 0 at its entries 0 and
// 1 by δ_0, δ_1 with δ_0 + δ_1 = −(Σ H − Σ G) and Σ_i a_i·δ_i = 0,
// a_i = eq(r, x_i)·(α − V_T(x_i)): both identities then hold for the H the
// sumcheck runs on.
func forgeFractions(l *Layout, rd *rangeData, v mle.Table, c chal) {
	b := l.bins()[0]
	P := l.space()
	var gap fr.Element
	for _, h := range rd.hv {
		for i := range h {
			gap.Add(&gap, &h[i])
		}
	}
	for i := range rd.gv {
		gap.Sub(&gap, &rd.gv[i])
	}
	e := mle.EqTable(c.r[P-b.vars:])
	w := eqBits(c.r[:P-b.vars], b.off>>b.vars)
	var a [2]fr.Element
	for i := range a {
		a[i].Sub(&c.alpha, &v[i]).Mul(&a[i], &e[i]).Mul(&a[i], &w)
	}
	// δ_0 = −gap·a_1/(a_1 − a_0), δ_1 = −gap − δ_0.
	var d0, d1, t fr.Element
	t.Sub(&a[1], &a[0]).Inverse(&t)
	d0.Mul(&gap, &a[1]).Mul(&d0, &t).Neg(&d0)
	d1.Neg(&gap).Sub(&d1, &d0)
	rd.hv[0][0].Add(&rd.hv[0][0], &d0)
	rd.hv[0][1].Add(&rd.hv[0][1], &d1)
}
