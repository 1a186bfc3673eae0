package rescale

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Column indices: the witness's tables (check.go's layout orders them).
const (
	colA = iota
	colQ
	colR
	colV0
	colV1
	colSigma
	numCols
)

// tables returns the lookup tables of r, v0 and (when v has two limbs) v1.
func (p Params) tables() ([]*logup.Table, error) {
	lo, hi := p.limbBits()
	bits := []int{p.Shift, lo}
	if hi > 0 {
		bits = append(bits, hi)
	}
	out := make([]*logup.Table, len(bits))
	for i, b := range bits {
		t, err := logup.Range(b)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

func pad(v []int64, size int) mle.Table {
	t := make(mle.Table, size)
	for i := range v {
		t[i].SetInt64(v[i])
	}
	return t
}

// Prove proves the rescale (and ReLU) of the committed a, whose commitment
// tr has absorbed; a holds the integers behind it (len(a) ≤ its table size,
// zero-padded). The returned ProverData is y's commitment, for the next
// layer to open.
func Prove(tr *transcript.Transcript, p Params, aData *pcs.ProverData, a []int64) (Proof, *pcs.ProverData, error) {
	return ProveBatched(tr, p, aData, a, nil)
}

// ProveBatched is Prove with every opening (its own and its lookups')
// deferred into b (package batch): the proof's openings are empty.
func ProveBatched(tr *transcript.Transcript, p Params, aData *pcs.ProverData, a []int64, bp *batch.Prover) (Proof, *pcs.ProverData, error) {
	if err := p.check(); err != nil {
		return Proof{}, nil, err
	}
	size := 1 << aData.Commitment().NumVars
	if len(a) > size {
		return Proof{}, nil, fmt.Errorf("rescale: %d values for a commitment of %d entries", len(a), size)
	}
	padded := make([]int64, size)
	copy(padded, a)
	w, err := Compute(p, padded)
	if err != nil {
		return Proof{}, nil, err
	}
	return prove(tr, p, aData, padded, w, bp, cheats{})
}

// cheats are the hooks through which the soundness tests play a cheating
// prover: edit may rewrite the witness's field tables (the columns and y)
// before they are committed; sumTable may rewrite the copies the zero-check
// runs on (the commitments keep the originals: caught by the openings).
type cheats struct {
	edit     func(cols *[numCols]mle.Table, y mle.Table)
	sumTable func(l layout, tables []mle.Table)
	// forgeEq: the zero-check runs with eq(r', ·) for an r' the prover
	// solves for so that its sum comes out right.
	forgeEq bool
	// separateY: without ReLU, commit y apart from q (y is then unchecked).
	separateY bool
	// omit, by column (colY for y): the claims on those tables' finals are
	// left out (with verifyOmit: the tests of which checks are needed).
	omit map[int]bool
}

// prove is Prove from a given witness, under the tests' hooks.
func prove(tr *transcript.Transcript, p Params, aData *pcs.ProverData, a []int64, w Witness, bp *batch.Prover, ch cheats) (Proof, *pcs.ProverData, error) {
	edit := ch.edit
	n := aData.Commitment().NumVars
	size := 1 << n
	present := p.present()
	vals := [numCols]mle.Table{pad(a, size), pad(w.Q, size), pad(w.R, size), pad(w.V0, size), pad(w.V1, size), pad(w.Sigma, size)}
	yTable := pad(w.Y, size)
	if edit != nil {
		edit(&vals, yTable)
	}
	data := [numCols]*pcs.ProverData{colA: aData}
	var proof Proof
	coms := [numCols]*pcs.Commitment{colQ: &proof.Q, colR: &proof.R, colV0: &proof.V0, colV1: &proof.V1, colSigma: &proof.Sigma}
	for c := colQ; c < numCols; c++ {
		if !present[c] {
			continue
		}
		d, err := pcs.Commit(p.PCS, vals[c])
		if err != nil {
			return Proof{}, nil, err
		}
		data[c], *coms[c] = d, d.Commitment()
	}
	yData := data[colQ]
	if p.ReLU || ch.separateY {
		var err error
		if yData, err = pcs.Commit(p.PCS, yTable); err != nil {
			return Proof{}, nil, err
		}
	}
	proof.Y = yData.Commitment()
	absorb(tr, p, &proof)

	tables, err := p.tables()
	if err != nil {
		return Proof{}, nil, err
	}
	for i, c := range []int{colR, colV0, colV1}[:len(tables)] {
		lp, err := logup.ProveBatched(tr, p.PCS, data[c], vals[c], tables[i], bp)
		if err != nil {
			return Proof{}, nil, fmt.Errorf("rescale: %v", err)
		}
		proof.Lookups = append(proof.Lookups, lp)
	}

	rho, err := proveCheck(tr, p, &proof, &vals, &data, yTable, yData, ch)
	if err != nil {
		return Proof{}, nil, err
	}
	l := p.layout()
	for _, c := range l.claimed(ch.omit) {
		d := yData
		if c < numCols {
			d = data[c]
		}
		op, err := bp.Open(tr, d, rho)
		if err != nil {
			return Proof{}, nil, err
		}
		proof.Openings = append(proof.Openings, op)
	}
	return proof, yData, nil
}

// claimed lists the tables whose finals are opened, in order: the present
// columns, then y (colY); omit leaves some out (tests; nil: none).
func (l layout) claimed(omit map[int]bool) []int {
	var out []int
	for c, k := range l.idx {
		if k >= 0 && !omit[c] {
			out = append(out, c)
		}
	}
	if l.y >= 0 && !omit[colY] {
		out = append(out, colY)
	}
	return out
}

func absorb(tr *transcript.Transcript, p Params, proof *Proof) {
	relu := uint64(0)
	if p.ReLU {
		relu = 1
	}
	tr.AppendUint64("rescale/shift", uint64(p.Shift))
	tr.AppendUint64("rescale/bits", uint64(p.Bits))
	tr.AppendUint64("rescale/relu", relu)
	for _, c := range []struct {
		l string
		c *pcs.Commitment
	}{{"q", &proof.Q}, {"r", &proof.R}, {"v0", &proof.V0}, {"v1", &proof.V1}, {"sigma", &proof.Sigma}, {"y", &proof.Y}} {
		c.c.Absorb(tr, "rescale/"+c.l)
	}
}

// Verify checks a rescale proof for the a committed in aCom (absorbed into tr
// as the prover's was). On success proof.Y is the commitment to the output.
func Verify(tr *transcript.Transcript, p Params, aCom pcs.Commitment, proof Proof) error {
	return VerifyBatched(tr, p, aCom, proof, nil)
}

// VerifyBatched is Verify with every opening's claim deferred into v
// (package batch); nil checks them at once.
func VerifyBatched(tr *transcript.Transcript, p Params, aCom pcs.Commitment, proof Proof, bv *batch.Verifier) error {
	if err := p.check(); err != nil {
		return err
	}
	n := aCom.NumVars
	coms := [numCols]*pcs.Commitment{colA: &aCom, colQ: &proof.Q, colR: &proof.R, colV0: &proof.V0, colV1: &proof.V1, colSigma: &proof.Sigma}
	present := p.present()
	for c := range coms {
		if present[c] && coms[c].NumVars != n {
			return fmt.Errorf("rescale: commitment %d over %d variables, want %d", c, coms[c].NumVars, n)
		}
	}
	if !p.ReLU && proof.Y != proof.Q {
		return fmt.Errorf("rescale: without ReLU the output's commitment must be the quotient's")
	}
	if p.ReLU && proof.Y.NumVars != n {
		return fmt.Errorf("rescale: output committed over %d variables, want %d", proof.Y.NumVars, n)
	}
	absorb(tr, p, &proof)
	tables, err := p.tables()
	if err != nil {
		return err
	}
	if len(proof.Lookups) != len(tables) {
		return fmt.Errorf("rescale: %d lookups, want %d", len(proof.Lookups), len(tables))
	}
	for i, c := range []int{colR, colV0, colV1}[:len(tables)] {
		if err := logup.VerifyBatched(tr, p.PCS, *coms[c], tables[i], proof.Lookups[i], bv); err != nil {
			return fmt.Errorf("rescale: range check %d: %v", i, err)
		}
	}
	l, rho, fin, err := verifyCheck(tr, p, &proof, &coms, n)
	if err != nil {
		return err
	}
	claimed := l.claimed(verifyOmit)
	if len(proof.Openings) != len(claimed) {
		return fmt.Errorf("rescale: %d openings, want %d", len(proof.Openings), len(claimed))
	}
	for i, c := range claimed {
		var com pcs.Commitment
		var v fr.Element
		if c < numCols {
			com, v = *coms[c], fin[l.idx[c]]
		} else {
			com, v = proof.Y, fin[l.y]
		}
		if err := bv.Check(tr, p.PCS, com, rho, v, proof.Openings[i]); err != nil {
			return fmt.Errorf("rescale: opening %d: %v", i, err)
		}
	}
	return nil
}

// verifyOmit, set only by tests, leaves claims out (cheats.omit).
var verifyOmit map[int]bool
