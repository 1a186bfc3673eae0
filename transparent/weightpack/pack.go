package weightpack

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Proof proves that a committed leaves table is [Layout.Leaves] of
// committed tables: the wide tables' limb commitments, the range check's
// M, H and G (package doc), then one sumcheck of the range check and the
// packing together. Every claim on a commitment is deferred into the
// caller's batch.
type Proof struct {
	Limbs    []pcs.Commitment // lo, hi of each wide table, in order
	M        pcs.Commitment   // the range check's multiplicities
	H        []pcs.Commitment // the table space's fractions, one commitment a bin
	G        pcs.Commitment   // the range's fractions
	Sumcheck sumcheck.Proof   // the range check and the packing relation (package doc)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int { return p.Sumcheck.Size() + 48*(len(p.Limbs)+len(p.H)+2) }

// cheats let the soundness tests play a dishonest prover.
type cheats struct {
	// sum: the packing sumcheck runs on these input tables (the salt's
	// last), not the committed ones, whose claims then differ.
	sum []mle.Table
	// limbs: the wide tables' limbs are split from these input tables, not
	// the committed ones (the "limbs" check).
	limbs []mle.Table
	// wideSum: the wide tables' terms run on these input tables, not the
	// committed ones (the "wide" check: their claims).
	wideSum []mle.Table
	// leaves: the packing sumcheck runs on these leaves, not the committed.
	leaves mle.Table
	// scaleE: E is scaled so that the committed (tampered) leaves satisfy
	// the relation at ρ; its final is then not Ẽ(ρ') (the "coef" check).
	scaleE bool
	// forgeH: entries outside the range are left out of M, and the
	// sumcheck runs on H moved at two entries so that both of H's
	// identities hold (the committed H is the true fractions: the
	// "fractions" check, H's claim).
	forgeH bool
}

// omit deletes checks from both prover and verifier (TestChecksNeeded):
// "range" the range proofs, "table" the claims on the tables, "leaves" the
// claim on the leaves, "coef" the verifier's Ã_t(ρ') and Ẽ(ρ'), "limbs"
// the wide tables' limb relation, "wide" the claims on the wide tables.
var omit = map[string]bool{}

// claimHook, when set (TestZeroKnowledge), sees every claim the packing
// makes: the table's data and the point.
var claimHook func(d *pcs.ProverData, z []fr.Element)

// absorb binds the layout and the input commitments, the leaves' last.
func absorb(tr *transcript.Transcript, l *Layout, coms []pcs.Commitment, leaves pcs.Commitment) {
	tr.AppendUint64("weightpack/bits", uint64(l.Bits))
	tr.AppendUint64("weightpack/slots", uint64(l.SlotVars))
	tr.AppendUint64("weightpack/leaves", uint64(l.LeafVars))
	for k := range l.Vars {
		tr.AppendUint64("weightpack/vars", uint64(l.Vars[k]))
		tr.AppendUint64("weightpack/offset", uint64(l.Offsets[k]))
	}
	for t, c := range coms {
		w := uint64(0)
		if l.Wide[t] {
			w = 1
		}
		tr.AppendUint64("weightpack/wide", w)
		c.Absorb(tr, "weightpack/table")
	}
	leaves.Absorb(tr, "weightpack/leaves")
}

// rangeAlpha absorbs M's commitment and draws α.
func rangeAlpha(tr *transcript.Transcript, p *Proof) fr.Element {
	p.M.Absorb(tr, "weightpack/m")
	return tr.Challenge("weightpack/alpha")
}

// rangePoints absorbs H's and G's commitments and draws r, r_t and λ.
func rangePoints(tr *transcript.Transcript, l *Layout, p *Proof, c *chal) {
	for i := range p.H {
		p.H[i].Absorb(tr, "weightpack/h")
	}
	p.G.Absorb(tr, "weightpack/g")
	c.r = tr.Challenges("weightpack/r", l.space())
	c.rt = tr.Challenges("weightpack/r_t", l.Bits)
	c.lambda = tr.Challenge("weightpack/lambda")
}

// packChallenges draws ρ and one point z_t for each wide table, over its
// variables.
func packChallenges(tr *transcript.Transcript, l *Layout, c *chal) {
	c.rho = tr.Challenges("weightpack/rho", l.LeafVars)
	c.z = make([][]fr.Element, l.Inputs())
	for t, w := range l.Wide {
		if w {
			c.z[t] = tr.Challenges("weightpack/z", l.In[t])
		}
	}
}

// Prove proves that the leaves committed in leaves are l.Leaves(tables),
// tables[t] committed in data[t] (the salt's last, [Layout.SaltTable]),
// every entry of every narrow table in [−2^(b−1), 2^(b−1)) and of every
// wide one in [−2^(2b−1), 2^(2b−1)). All commitments share params (the
// limbs, M, H and G are committed under them); with Hiding and Vanishing
// the proof is zero knowledge (each claim is on f̂, the sumcheck masked by
// a Libra mask of its own, not a slot of a mask stream attached to tr).
// The claims go to bp.
func Prove(tr *transcript.Transcript, params pcs.Params, l *Layout, data []*pcs.ProverData, tables []mle.Table, leaves *pcs.ProverData, bp *batch.Prover) (Proof, error) {
	return prove(tr, params, l, data, tables, leaves, bp, cheats{})
}

func prove(tr *transcript.Transcript, params pcs.Params, l *Layout, data []*pcs.ProverData, tables []mle.Table, leaves *pcs.ProverData, bp *batch.Prover, ch cheats) (Proof, error) {
	if err := l.check(tables); err != nil {
		return Proof{}, err
	}
	if len(data) != len(tables) || bp == nil {
		return Proof{}, fmt.Errorf("weightpack: %d commitments for %d tables and a batch (want one a table and a batch.Prover)", len(data), len(tables))
	}
	coms := make([]pcs.Commitment, len(data))
	for t, d := range data {
		if coms[t] = d.Commitment(); coms[t].NumVars != l.In[t] {
			return Proof{}, fmt.Errorf("weightpack: table %d committed over %d variables, the layout's %d", t, coms[t].NumVars, l.In[t])
		}
	}
	if leaves.Commitment().NumVars != l.LeafVars {
		return Proof{}, fmt.Errorf("weightpack: leaves committed over %d variables, the layout's %d", leaves.Commitment().NumVars, l.LeafVars)
	}
	absorb(tr, l, coms, leaves.Commitment())
	limbSrc := tables
	if ch.limbs != nil {
		limbSrc = ch.limbs
	}
	slots, err := l.slotTables(limbSrc)
	if err != nil {
		return Proof{}, err
	}
	var proof Proof
	sdata := make([]*pcs.ProverData, l.Tables())
	for t, ks := range l.Slots {
		if len(ks) == 1 {
			sdata[ks[0]], slots[ks[0]] = data[t], tables[t]
			continue
		}
		for _, k := range ks {
			// Under vanishing masks a limb takes two claims (the
			// sumcheck's, the batch's reduction): at least 4 columns.
			n := l.Vars[k]
			rv := pcs.RowVars(n, params)
			if params.Vanishing {
				rv = min(rv, max(n-2, 0))
			}
			if sdata[k], err = pcs.CommitShape(params, slots[k], rv); err != nil {
				return Proof{}, err
			}
			c := sdata[k].Commitment()
			c.Absorb(tr, "weightpack/limb")
			proof.Limbs = append(proof.Limbs, c)
		}
	}
	sum := slots
	if ch.sum != nil {
		if sum, err = l.slotTables(ch.sum); err != nil {
			return Proof{}, err
		}
	}
	var c chal
	var rc *rangeData
	if rangeOn() {
		if rc, err = commitRange(tr, params, l, sum, &proof, &c, ch.forgeH); err != nil {
			return Proof{}, err
		}
	}
	packChallenges(tr, l, &c)
	lv := leaves.Table()
	if ch.leaves != nil {
		lv = ch.leaves
	}
	inputs := tables
	if ch.wideSum != nil {
		inputs = ch.wideSum
	}
	s := statement(l, c)
	tabs := make([]ptab, len(s.tabs))
	dataOf := func(t itab) *pcs.ProverData {
		switch t.role {
		case roleSlot:
			return sdata[t.k]
		case roleLeaves:
			return leaves
		case roleWide:
			return data[t.k]
		case roleG:
			return rc.g
		case roleM:
			return rc.m
		}
		return rc.h[t.k]
	}
	for i, t := range s.tabs {
		tabs[i].itab = t
		switch t.kind {
		case coefKind:
			tabs[i].tab = l.block(t, c)
			if t.coef == cE && ch.scaleE {
				scale(tabs[i].tab, l, c.rho, tables, lv)
			}
		case pubKind:
			tabs[i].tab = rc.tv
		case fullKind:
			tabs[i].tab = rc.hv[t.k]
		case dataKind:
			switch t.role {
			case roleSlot:
				tabs[i].tab = clone(sum[t.k])
			case roleLeaves:
				tabs[i].tab = clone(lv)
			case roleWide:
				tabs[i].tab = clone(inputs[t.k])
			case roleG:
				tabs[i].tab = rc.gv
			case roleM:
				tabs[i].tab = rc.mv
			}
		}
		if t.kind == dataKind || t.kind == fullKind {
			d := dataOf(t)
			if params.Hiding && params.Vanishing && d.Commitment().NumVars > 0 {
				tabs[i].mask, tabs[i].span = d.MaskRow(), d.Commitment().NumVars
			}
		}
	}
	sh := shape(s, func(i int) *pcs.Commitment {
		if t := s.tabs[i]; t.kind == dataKind || t.kind == fullKind {
			c := dataOf(t).Commitment()
			return &c
		}
		return nil
	}, params)
	saved := tr.Attached() // the sumcheck's Libra mask is its own (package doc)
	tr.Attach(nil)
	var rp []fr.Element
	proof.Sumcheck, rp, err = proveBlocks(tr, s, tabs, sh, params.Hiding)
	tr.Attach(saved)
	if err != nil {
		return Proof{}, err
	}
	for i, t := range s.tabs {
		if (t.kind != dataKind && t.kind != fullKind) || omit[claimKey(t)] {
			continue
		}
		d := dataOf(t)
		z := rp[s.P-t.vars:]
		if claimHook != nil {
			claimHook(d, z)
		}
		if err := bp.Claim(d, z, proof.Sumcheck.Finals[i]); err != nil {
			return Proof{}, err
		}
	}
	return proof, nil
}

// shape is the statement's sumcheck.Shape: under Hiding and Vanishing
// each committed table of at least one variable is a masked factor over
// its own variables (com(i): table i's commitment, nil for a public one).
func shape(s *stmt, com func(i int) *pcs.Commitment, params pcs.Params) sumcheck.Shape {
	sh := sumcheck.Shape{Tables: len(s.tabs), Terms: s.terms}
	if params.Hiding && params.Vanishing {
		sh.Masked, sh.Spans = make([]int, sh.Tables), make([]int, sh.Tables)
		for i := range s.tabs {
			sh.Masked[i] = -1
			if c := com(i); c != nil && c.NumVars > 0 {
				sh.Masked[i], sh.Spans[i] = c.NumVars-c.RowVars, c.NumVars
			}
		}
	}
	return sh
}

// claimKey names the check behind a committed table's claim (omit).
func claimKey(t itab) string {
	switch t.role {
	case roleLeaves:
		return "leaves"
	case roleWide:
		return "wide"
	case roleSlot:
		return "table"
	}
	return "fractions"
}

// Verify checks a proof that the leaves committed in leaves pack the
// tables committed in coms (the salt's last) under l; the claims go to bv
// (whose Verify the caller runs with the proof's other claims).
func Verify(tr *transcript.Transcript, params pcs.Params, l *Layout, coms []pcs.Commitment, leaves pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	if len(coms) != l.Inputs() || bv == nil {
		return fmt.Errorf("weightpack: %d commitments for a layout of %d tables and a batch (want one a table, the salt's last, and a batch.Verifier)", len(coms), l.Inputs())
	}
	for t, c := range coms {
		if c.NumVars != l.In[t] {
			return fmt.Errorf("weightpack: table %d committed over %d variables, the layout's %d", t, c.NumVars, l.In[t])
		}
	}
	if leaves.NumVars != l.LeafVars {
		return fmt.Errorf("weightpack: leaves committed over %d variables, the layout's %d", leaves.NumVars, l.LeafVars)
	}
	absorb(tr, l, coms, leaves)
	scoms := make([]pcs.Commitment, l.Tables())
	nl := 0
	for t, ks := range l.Slots {
		if len(ks) == 1 {
			scoms[ks[0]] = coms[t]
			continue
		}
		for _, k := range ks {
			if nl >= len(proof.Limbs) {
				return fmt.Errorf("weightpack: %d limb commitments, want 2 a wide table", len(proof.Limbs))
			}
			if scoms[k] = proof.Limbs[nl]; scoms[k].NumVars != l.Vars[k] || scoms[k].RowVars > scoms[k].NumVars {
				return fmt.Errorf("weightpack: limb %d committed over %d variables (%d row variables), want %d", nl, scoms[k].NumVars, scoms[k].RowVars, l.Vars[k])
			}
			scoms[k].Absorb(tr, "weightpack/limb")
			nl++
		}
	}
	if nl != len(proof.Limbs) {
		return fmt.Errorf("weightpack: %d limb commitments, want %d", len(proof.Limbs), nl)
	}
	var c chal
	if rangeOn() {
		if err := checkRangeShapes(l, &proof); err != nil {
			return err
		}
		c.alpha = rangeAlpha(tr, &proof)
		rangePoints(tr, l, &proof, &c)
	}
	packChallenges(tr, l, &c)
	s := statement(l, c)
	comOf := func(i int) *pcs.Commitment {
		t := s.tabs[i]
		if t.kind != dataKind && t.kind != fullKind {
			return nil
		}
		switch t.role {
		case roleSlot:
			return &scoms[t.k]
		case roleLeaves:
			return &leaves
		case roleWide:
			return &coms[t.k]
		case roleG:
			return &proof.G
		case roleM:
			return &proof.M
		}
		return &proof.H[t.k]
	}
	sh := shape(s, comOf, params)
	if masked := params.Hiding && s.P > 0; masked != (proof.Sumcheck.Mask != nil) {
		return fmt.Errorf("weightpack: packing sumcheck masked %v under hiding %v (want masked exactly under hiding)", proof.Sumcheck.Mask != nil, params.Hiding)
	}
	saved := tr.Attached()
	tr.Attach(nil)
	rp, fin, _, err := sumcheck.VerifySum(tr, s.claim, s.P, sh, proof.Sumcheck)
	tr.Attach(saved)
	if err != nil {
		return fmt.Errorf("weightpack: the packing sumcheck: %v", err)
	}
	for i, t := range s.tabs {
		var want fr.Element
		switch t.kind {
		case coefKind:
			want = l.coefFinal(t, c, rp)
		case pubKind:
			want = l.rangeFinal(rp[s.P-t.vars:])
		default:
			continue
		}
		if !omit["coef"] && !fin[i].Equal(&want) {
			return fmt.Errorf("weightpack: the packing sumcheck's public table %d is not the layout's", i)
		}
	}
	for i, t := range s.tabs {
		if (t.kind != dataKind && t.kind != fullKind) || omit[claimKey(t)] {
			continue
		}
		if err := bv.Check(tr, params, *comOf(i), rp[s.P-t.vars:], fin[i], pcs.Opening{}); err != nil {
			return fmt.Errorf("weightpack: claim %d of the packing: %v", i, err)
		}
	}
	return nil
}

// scale multiplies E by P̃(ρ)/L̃(ρ) (the cheats' scaleE): tables are the
// input tables.
func scale(e mle.Table, l *Layout, rho []fr.Element, tables []mle.Table, leaves mle.Table) {
	p, _ := l.Leaves(tables)
	pv, _ := p.Eval(rho)
	lv, _ := leaves.Eval(rho)
	lv.Inverse(&lv)
	pv.Mul(&pv, &lv)
	for i := range e {
		e[i].Mul(&e[i], &pv)
	}
}

func clone(t mle.Table) mle.Table { return append(mle.Table(nil), t...) }
