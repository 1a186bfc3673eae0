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
// committed tables: one range proof a table, then the packing sumcheck.
// Every claim on a commitment is deferred into the caller's batch.
type Proof struct {
	Range    []logup.Proof  // table t's entries in [−2^(b−1), 2^(b−1))
	Sumcheck sumcheck.Proof // the packing relation (package doc)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := p.Sumcheck.Size()
	for i := range p.Range {
		n += p.Range[i].Size()
	}
	return n
}

// cheats let the soundness tests play a dishonest prover.
type cheats struct {
	// sum: the packing sumcheck runs on these tables (the salt's last), not
	// the committed ones, whose claims then differ.
	sum []mle.Table
	// leaves: the packing sumcheck runs on these leaves, not the committed.
	leaves mle.Table
	// scaleE: E is scaled so that the committed (tampered) leaves satisfy
	// the relation at ρ; its final is then not Ẽ(ρ') (the "coef" check).
	scaleE bool
}

// omit deletes checks from both prover and verifier (TestChecksNeeded):
// "range" the range proofs, "table" the claims on the tables, "leaves" the
// claim on the leaves, "coef" the verifier's Ã_t(ρ') and Ẽ(ρ').
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

// absorb binds the layout and every commitment, the leaves' last.
func absorb(tr *transcript.Transcript, l *Layout, coms []pcs.Commitment, leaves pcs.Commitment) {
	tr.AppendUint64("weightpack/bits", uint64(l.Bits))
	tr.AppendUint64("weightpack/slots", uint64(l.SlotVars))
	tr.AppendUint64("weightpack/leaves", uint64(l.LeafVars))
	for t, c := range coms {
		tr.AppendUint64("weightpack/vars", uint64(l.Vars[t]))
		tr.AppendUint64("weightpack/offset", uint64(l.Offsets[t]))
		c.Absorb(tr, "weightpack/table")
	}
	leaves.Absorb(tr, "weightpack/leaves")
}

// Prove proves that the leaves committed in leaves are l.Leaves(tables),
// tables[t] committed in data[t] (the salt's last, [Layout.SaltTable]),
// every entry of every table in [−2^(b−1), 2^(b−1)). All commitments share
// params; with Hiding and Vanishing the proof is zero knowledge (each
// claim is on f̂, every sumcheck masked). The claims go to bp.
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
		if coms[t] = d.Commitment(); coms[t].NumVars != l.Vars[t] {
			return Proof{}, fmt.Errorf("weightpack: table %d committed over %d variables, the layout's %d", t, coms[t].NumVars, l.Vars[t])
		}
	}
	if leaves.Commitment().NumVars != l.LeafVars {
		return Proof{}, fmt.Errorf("weightpack: leaves committed over %d variables, the layout's %d", leaves.Commitment().NumVars, l.LeafVars)
	}
	absorb(tr, l, coms, leaves.Commitment())
	var proof Proof
	if !omit["range"] {
		rt, err := signedRange(l.Bits)
		if err != nil {
			return Proof{}, err
		}
		proof.Range = make([]logup.Proof, len(tables))
		for t := range tables {
			if proof.Range[t], err = logup.ProveBatched(tr, params, data[t], tables[t], rt, bp); err != nil {
				return Proof{}, fmt.Errorf("weightpack: table %d's range check: %v", t, err)
			}
		}
	}
	rho := tr.Challenges("weightpack/rho", l.LeafVars)
	sum := tables
	if ch.sum != nil {
		sum = ch.sum
	}
	lv := leafTable(leaves)
	if ch.leaves != nil {
		lv = ch.leaves
	}
	in := instance(l, rho, sum, lv)
	if ch.scaleE {
		scale(in.Tables[2*len(tables)], l, rho, tables, lv)
	}
	if params.Hiding && params.Vanishing {
		in.Masks, in.Spans = make([][]fr.Element, len(in.Tables)), make([]int, len(in.Tables))
		for t, d := range append(append([]*pcs.ProverData(nil), data...), leaves) {
			if row := d.MaskRow(); row != nil && d.Commitment().NumVars > 0 {
				in.Masks[2*t+1], in.Spans[2*t+1] = row, d.Commitment().NumVars
			}
		}
	}
	claim := l.offsetSum()
	claim.Neg(&claim)
	var err error
	var rp []fr.Element
	if proof.Sumcheck, rp, err = sumcheck.ProveSum(tr, claim, in, params.Hiding); err != nil {
		return Proof{}, err
	}
	for t, d := range append(append([]*pcs.ProverData(nil), data...), leaves) {
		if omit[key(t, len(data))] {
			continue
		}
		v := d.Commitment().NumVars
		if claimHook != nil {
			claimHook(d, rp[l.N()-v:])
		}
		if err := bp.Claim(d, rp[l.N()-v:], proof.Sumcheck.Finals[2*t+1]); err != nil {
			return Proof{}, err
		}
	}
	return proof, nil
}

func key(t, n int) string {
	if t == n {
		return "leaves"
	}
	return "table"
}

// leafTable is the leaves' table, kept by the prover's data.
func leafTable(d *pcs.ProverData) mle.Table { return d.Table() }

// Verify checks a proof that the leaves committed in leaves pack the
// tables committed in coms (the salt's last) under l; the claims go to bv
// (whose Verify the caller runs with the proof's other claims).
func Verify(tr *transcript.Transcript, params pcs.Params, l *Layout, coms []pcs.Commitment, leaves pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	if len(coms) != l.Tables() || bv == nil {
		return fmt.Errorf("weightpack: %d commitments for a layout of %d tables and a batch (want one a table, the salt's last, and a batch.Verifier)", len(coms), l.Tables())
	}
	for t, c := range coms {
		if c.NumVars != l.Vars[t] {
			return fmt.Errorf("weightpack: table %d committed over %d variables, the layout's %d", t, c.NumVars, l.Vars[t])
		}
	}
	if leaves.NumVars != l.LeafVars {
		return fmt.Errorf("weightpack: leaves committed over %d variables, the layout's %d", leaves.NumVars, l.LeafVars)
	}
	absorb(tr, l, coms, leaves)
	if !omit["range"] {
		if len(proof.Range) != len(coms) {
			return fmt.Errorf("weightpack: %d range proofs for %d tables", len(proof.Range), len(coms))
		}
		rt, err := signedRange(l.Bits)
		if err != nil {
			return err
		}
		for t := range coms {
			if err := logup.VerifyBatched(tr, params, coms[t], rt, proof.Range[t], bv); err != nil {
				return fmt.Errorf("weightpack: table %d's range check: %v", t, err)
			}
		}
	}
	rho := tr.Challenges("weightpack/rho", l.LeafVars)
	all := append(append([]pcs.Commitment(nil), coms...), leaves)
	sh := sumcheck.Shape{Tables: 2 * len(all), Terms: terms(len(all))}
	if params.Hiding && params.Vanishing {
		sh.Masked, sh.Spans = make([]int, sh.Tables), make([]int, sh.Tables)
		for k := range sh.Masked {
			sh.Masked[k] = -1
		}
		for t, c := range all {
			if c.NumVars > 0 {
				sh.Masked[2*t+1], sh.Spans[2*t+1] = c.NumVars-c.RowVars, c.NumVars
			}
		}
	}
	if masked := params.Hiding && l.N() > 0; masked != (proof.Sumcheck.Mask != nil) {
		return fmt.Errorf("weightpack: packing sumcheck masked %v under hiding %v (want masked exactly under hiding)", proof.Sumcheck.Mask != nil, params.Hiding)
	}
	claim := l.offsetSum()
	claim.Neg(&claim)
	rp, fin, _, err := sumcheck.VerifySum(tr, claim, l.N(), sh, proof.Sumcheck)
	if err != nil {
		return fmt.Errorf("weightpack: the packing sumcheck: %v", err)
	}
	for t := range all {
		want := coefAt(l, rho, t, rp)
		if !omit["coef"] && !fin[2*t].Equal(&want) {
			return fmt.Errorf("weightpack: the packing sumcheck's coefficient of table %d is not the layout's", t)
		}
	}
	for t, c := range all {
		if omit[key(t, len(coms))] {
			continue
		}
		if err := bv.Check(tr, params, c, rp[l.N()-c.NumVars:], fin[2*t+1], pcs.Opening{}); err != nil {
			return fmt.Errorf("weightpack: claim on table %d: %v", t, err)
		}
	}
	return nil
}

// scale multiplies E by P̃(ρ)/L̃(ρ) (the cheats' scaleE).
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
