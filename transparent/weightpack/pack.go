package weightpack

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Proof proves that a committed leaves table is [Layout.Leaves] of
// committed tables: the wide tables' limb commitments, one range proof a
// slot table, then the packing sumcheck. Every claim on a commitment is
// deferred into the caller's batch.
type Proof struct {
	Limbs    []pcs.Commitment // lo, hi of each wide table, in order
	Range    []logup.Proof    // slot table k's entries in [−2^(b−1), 2^(b−1))
	Sumcheck sumcheck.Proof   // the packing relation (package doc)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := p.Sumcheck.Size() + 48*len(p.Limbs)
	for i := range p.Range {
		n += p.Range[i].Size()
	}
	return n
}

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
}

// omit deletes checks from both prover and verifier (TestChecksNeeded):
// "range" the range proofs, "table" the claims on the tables, "leaves" the
// claim on the leaves, "coef" the verifier's Ã_t(ρ') and Ẽ(ρ'), "limbs"
// the wide tables' limb relation, "wide" the claims on the wide tables.
var omit = map[string]bool{}

// claimHook, when set (TestZeroKnowledge), sees every claim the packing
// makes: the table's data and the point.
var claimHook func(d *pcs.ProverData, z []fr.Element)

// signedRange is the range check's table [−2^(b−1), 2^(b−1)).
func signedRange(bits int) (*logup.Table, error) {
	half := int64(1) << (bits - 1)
	vals := make([]fr.Element, 2*half)
	for i := range vals {
		vals[i].SetInt64(int64(i) - half)
	}
	return logup.NewTable(vals)
}

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

// widePoints draws one point z_t for each wide table, over its variables.
func widePoints(tr *transcript.Transcript, l *Layout) [][]fr.Element {
	z := make([][]fr.Element, l.Inputs())
	for t, w := range l.Wide {
		if w {
			z[t] = tr.Challenges("weightpack/z", l.In[t])
		}
	}
	return z
}

// Prove proves that the leaves committed in leaves are l.Leaves(tables),
// tables[t] committed in data[t] (the salt's last, [Layout.SaltTable]),
// every entry of every narrow table in [−2^(b−1), 2^(b−1)) and of every
// wide one in [−2^(2b−1), 2^(2b−1)). All commitments share params (the
// limbs are committed under them); with Hiding and Vanishing the proof is
// zero knowledge (each claim is on f̂, every sumcheck masked). The claims
// go to bp.
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
			// Under vanishing masks a limb takes three claims (range,
			// packing, the batch's reduction): at least 4 columns.
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
	if !omit["range"] {
		rt, err := signedRange(l.Bits)
		if err != nil {
			return Proof{}, err
		}
		proof.Range = make([]logup.Proof, len(slots))
		for k := range slots {
			if proof.Range[k], err = logup.ProveBatched(tr, params, sdata[k], slots[k], rt, bp); err != nil {
				return Proof{}, fmt.Errorf("weightpack: slot table %d's range check: %v", k, err)
			}
		}
	}
	rho := tr.Challenges("weightpack/rho", l.LeafVars)
	z := widePoints(tr, l)
	sum := slots
	if ch.sum != nil {
		if sum, err = l.slotTables(ch.sum); err != nil {
			return Proof{}, err
		}
	}
	lv := leafTable(leaves)
	if ch.leaves != nil {
		lv = ch.leaves
	}
	inputs := tables
	if ch.wideSum != nil {
		inputs = ch.wideSum
	}
	in := instance(l, rho, z, sum, lv, inputs)
	if ch.scaleE {
		scale(in.Tables[2*len(slots)], l, rho, tables, lv)
	}
	all := instanceData(l, sdata, leaves, data)
	if params.Hiding && params.Vanishing {
		in.Masks, in.Spans = make([][]fr.Element, len(in.Tables)), make([]int, len(in.Tables))
		for i, d := range all {
			if d == nil {
				continue
			}
			if row := d.MaskRow(); row != nil && d.Commitment().NumVars > 0 {
				in.Masks[i], in.Spans[i] = row, d.Commitment().NumVars
			}
		}
	}
	claim := l.claim()
	var rp []fr.Element
	if proof.Sumcheck, rp, err = sumcheck.ProveSum(tr, claim, in, params.Hiding); err != nil {
		return Proof{}, err
	}
	for i, d := range all {
		if d == nil || omit[claimKey(l, i)] {
			continue
		}
		v := d.Commitment().NumVars
		if claimHook != nil {
			claimHook(d, rp[l.N()-v:])
		}
		if err := bp.Claim(d, rp[l.N()-v:], proof.Sumcheck.Finals[i]); err != nil {
			return Proof{}, err
		}
	}
	return proof, nil
}

// instanceData lists the committed table behind each instance table (nil
// for a public coefficient): slot tables, the leaves, the wide tables.
func instanceData(l *Layout, sdata []*pcs.ProverData, leaves *pcs.ProverData, data []*pcs.ProverData) []*pcs.ProverData {
	out := make([]*pcs.ProverData, 0, 2*len(sdata)+2)
	for _, d := range sdata {
		out = append(out, nil, d)
	}
	out = append(out, nil, leaves)
	for t := range l.Wide {
		if l.wideOn(t) {
			out = append(out, nil, data[t])
		}
	}
	return out
}

// instanceComs is instanceData's verifier side.
func instanceComs(l *Layout, scoms []pcs.Commitment, leaves pcs.Commitment, coms []pcs.Commitment) []*pcs.Commitment {
	out := make([]*pcs.Commitment, 0, 2*len(scoms)+2)
	for k := range scoms {
		out = append(out, nil, &scoms[k])
	}
	out = append(out, nil, &leaves)
	for t := range l.Wide {
		if l.wideOn(t) {
			out = append(out, nil, &coms[t])
		}
	}
	return out
}

// claimKey names the check behind instance table i's claim (omit).
func claimKey(l *Layout, i int) string {
	switch {
	case i == 2*l.Tables()+1:
		return "leaves"
	case i > 2*l.Tables()+1:
		return "wide"
	}
	return "table"
}

// leafTable is the leaves' table, kept by the prover's data.
func leafTable(d *pcs.ProverData) mle.Table { return d.Table() }

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
	if !omit["range"] {
		if len(proof.Range) != len(scoms) {
			return fmt.Errorf("weightpack: %d range proofs for %d slot tables", len(proof.Range), len(scoms))
		}
		rt, err := signedRange(l.Bits)
		if err != nil {
			return err
		}
		for k := range scoms {
			if err := logup.VerifyBatched(tr, params, scoms[k], rt, proof.Range[k], bv); err != nil {
				return fmt.Errorf("weightpack: slot table %d's range check: %v", k, err)
			}
		}
	}
	rho := tr.Challenges("weightpack/rho", l.LeafVars)
	z := widePoints(tr, l)
	all := instanceComs(l, scoms, leaves, coms)
	sh := sumcheck.Shape{Tables: len(all), Terms: terms(l)}
	if params.Hiding && params.Vanishing {
		sh.Masked, sh.Spans = make([]int, sh.Tables), make([]int, sh.Tables)
		for i, c := range all {
			sh.Masked[i] = -1
			if c != nil && c.NumVars > 0 {
				sh.Masked[i], sh.Spans[i] = c.NumVars-c.RowVars, c.NumVars
			}
		}
	}
	if masked := params.Hiding && l.N() > 0; masked != (proof.Sumcheck.Mask != nil) {
		return fmt.Errorf("weightpack: packing sumcheck masked %v under hiding %v (want masked exactly under hiding)", proof.Sumcheck.Mask != nil, params.Hiding)
	}
	rp, fin, _, err := sumcheck.VerifySum(tr, l.claim(), l.N(), sh, proof.Sumcheck)
	if err != nil {
		return fmt.Errorf("weightpack: the packing sumcheck: %v", err)
	}
	for i, c := range all {
		if c != nil {
			continue
		}
		want := coefAt(l, rho, z, i/2, rp)
		if !omit["coef"] && !fin[i].Equal(&want) {
			return fmt.Errorf("weightpack: the packing sumcheck's coefficient %d is not the layout's", i/2)
		}
	}
	for i, c := range all {
		if c == nil || omit[claimKey(l, i)] {
			continue
		}
		if err := bv.Check(tr, params, *c, rp[l.N()-c.NumVars:], fin[i], pcs.Opening{}); err != nil {
			return fmt.Errorf("weightpack: claim %d of the packing: %v", i/2, err)
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
