package weightpack

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// The range check of every slot table at once (package doc): a logUp
// lookup (Haböck 2022) of the space V — 2^P entries, each slot table's at
// its offset, zeros elsewhere — into T = [−2^(b−1), 2^(b−1)), with one
// multiplicity table M and fractions H = 1/(α − V), G = M/(α − T): three
// commitments for all the tables, where a lookup a table committed three.

// rangeData is the prover's side of the range check.
type rangeData struct {
	m, h, g        *pcs.ProverData
	mv, hv, gv, tv mle.Table // M, H, G, T (the sumcheck's, consumed)
}

// spaceTable returns V: slot table k's entries at its offset, zeros elsewhere
// (2^P entries).
func (l *Layout) spaceTable(slots []mle.Table) mle.Table {
	v := make(mle.Table, 1<<l.space())
	for k, s := range slots {
		copy(v[l.Offsets[k]:], s)
	}
	return v
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
func commitRange(tr *transcript.Transcript, params pcs.Params, l *Layout, slots []mle.Table, proof *Proof, c *chal) (*rangeData, error) {
	v := l.spaceTable(slots)
	half := int64(1) << (l.Bits - 1)
	rd := &rangeData{mv: make(mle.Table, 1<<l.Bits), tv: l.rangeTable()}
	count := make([]uint64, 1<<l.Bits)
	for x := range v {
		e, ok := signed(v[x], half)
		if !ok {
			k, y := l.slotAt(x)
			return nil, fmt.Errorf("weightpack: the range check: slot table %d's entry %d = %s is outside [−2^%d, 2^%d)", k, y, v[x].String(), l.Bits-1, l.Bits-1)
		}
		count[e+half]++
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
	rd.hv = fractions(c.alpha, v, nil)
	rd.gv = fractions(c.alpha, rd.tv, rd.mv)
	if rd.h, err = pcs.Commit(params, rd.hv); err != nil {
		return nil, err
	}
	if rd.g, err = pcs.Commit(params, rd.gv); err != nil {
		return nil, err
	}
	proof.H, proof.G = rd.h.Commitment(), rd.g.Commitment()
	rd.hv, rd.gv, rd.mv = clone(rd.hv), clone(rd.gv), clone(rd.mv)
	rangePoints(tr, l, proof, c)
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
	if p.M.NumVars != l.Bits || p.G.NumVars != l.Bits || p.H.NumVars != l.space() {
		return fmt.Errorf("weightpack: range commitments over %d, %d, %d variables, want %d, %d, %d (M, G, H)", p.M.NumVars, p.G.NumVars, p.H.NumVars, l.Bits, l.Bits, l.space())
	}
	return nil
}
