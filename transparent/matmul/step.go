package matmul

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// StepProof proves Y = X·W + b between committed tensors, one step of a
// chain of layers: X was committed before (by the previous layer, or as the
// private input) and Y is committed here, for the next layer to read.
type StepProof struct {
	Y        pcs.Commitment // Y's table: m×n, row-major, zero on padding
	YAtR     fr.Element     // Ỹ(r_i, r_j)
	BAtR     fr.Element     // b̃(r_j) when the bias is committed (committed.go); zero otherwise
	Sumcheck sumcheck.Proof
	X, YOpen pcs.Opening // X̃(r_i, r_k) and Ỹ(r_i, r_j)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *StepProof) Size() int {
	return 48 + 64 + p.Sumcheck.Size() + p.X.Size() + p.YOpen.Size()
}

// Tables returns the padded table sizes (m·k for X, m·n for Y) of an M-row
// input to layer: the layout ProveStep expects and produces.
func Tables(layer *Layer, M int) (xSize, ySize int) {
	d := (&Public{Layer: layer, M: M}).dims()
	return d.m * d.k, d.m * d.n
}

// biasClaim returns b'~(r_i, r_j) for b' the bias broadcast on the M real
// rows: (Σ_{i<M} eq(r_i)_i)·(Σ_{j<N} eq(r_j)_j·b_j).
func (pub *Public) biasClaim(eqI, eqJ []fr.Element) fr.Element {
	var rows, cols, t fr.Element
	if pub.B == nil {
		return cols
	}
	for i := 0; i < pub.M; i++ {
		rows.Add(&rows, &eqI[i])
	}
	for j := 0; j < pub.N; j++ {
		t.Mul(&eqJ[j], &pub.B[j])
		cols.Add(&cols, &t)
	}
	rows.Mul(&rows, &cols)
	return rows
}

func (pub *Public) stepStart(tr *transcript.Transcript, y pcs.Commitment) ([]fr.Element, []fr.Element) {
	tr.AppendBytes("matmul/layer", pub.digest[:])
	tr.AppendUint64("matmul/M", uint64(pub.M))
	y.Absorb(tr, "matmul/Y")
	d := pub.dims()
	return tr.Challenges("matmul/r_i", d.a), tr.Challenges("matmul/r_j", d.e)
}

// ProveStep proves Y = X·W + b for the X committed in xData (absorbed into tr
// by the caller) with table x (m×k, see [Tables]), and the output table y
// (m×n) the prover computed. It commits to y and returns its prover data; it
// does not check y: a wrong one yields a proof VerifyStep rejects.
func ProveStep(tr *transcript.Transcript, params pcs.Params, layer *Layer, M int, xData *pcs.ProverData, x, y mle.Table) (StepProof, *pcs.ProverData, error) {
	return proveStep(tr, params, layer, M, xData, x, y, nil, nil, nil)
}

// ProveStepBatched is ProveStep with the openings deferred into b (package
// batch): the proof's openings are empty.
func ProveStepBatched(tr *transcript.Transcript, params pcs.Params, layer *Layer, M int, xData *pcs.ProverData, x, y mle.Table, bp *batch.Prover) (StepProof, *pcs.ProverData, error) {
	return proveStep(tr, params, layer, M, xData, x, y, nil, nil, bp)
}

// proveStep runs the sumcheck on usedX and usedW when they are not nil (the
// soundness tests' cheating prover), on x and the layer's W otherwise.
func proveStep(tr *transcript.Transcript, params pcs.Params, layer *Layer, M int, xData *pcs.ProverData, x, y, usedX mle.Table, usedW []fr.Element, bp *batch.Prover) (StepProof, *pcs.ProverData, error) {
	pub := &Public{Layer: layer, M: M}
	d := pub.dims()
	if M < 1 {
		return StepProof{}, nil, fmt.Errorf("matmul: X has %d rows", M)
	}
	if len(x) != d.m*d.k || xData.Commitment().NumVars != d.a+d.c {
		return StepProof{}, nil, fmt.Errorf("matmul: X table of %d entries committed over %d variables, want %d×%d", len(x), xData.Commitment().NumVars, d.m, d.k)
	}
	if len(y) != d.m*d.n {
		return StepProof{}, nil, fmt.Errorf("matmul: Y table of %d entries, want %d×%d", len(y), d.m, d.n)
	}
	yData, err := pcs.Commit(params, y)
	if err != nil {
		return StepProof{}, nil, err
	}
	proof := StepProof{Y: yData.Commitment()}
	ri, rj := pub.stepStart(tr, proof.Y)
	if vanishing(params) {
		if usedX == nil {
			usedX = x
		}
		if err := pub.proveVanishing(tr, d, xData, yData, usedX, usedW, ri, rj, &proof, bp); err != nil {
			return StepProof{}, nil, err
		}
		return proof, yData, nil
	}
	yPoint := append(append([]fr.Element(nil), ri...), rj...)
	proof.YAtR, _ = y.Eval(yPoint)
	tr.AppendElements("matmul/Y(r)", proof.YAtR)
	eqI, eqJ := mle.EqTable(ri), mle.EqTable(rj)
	b, err := pub.proveBias(tr, eqI, eqJ, rj, &proof.BAtR, bp)
	if err != nil {
		return StepProof{}, nil, err
	}
	var claim fr.Element
	claim.Sub(&proof.YAtR, &b)
	if usedX == nil {
		usedX = x
	}
	a, w := pub.operands(usedX, usedW, ri, eqJ, d.k)
	sc, rk, _, err := sumcheck.ProveZK(tr, claim, []mle.Table{a, w}, params.Hiding)
	if err != nil {
		return StepProof{}, nil, err
	}
	proof.Sumcheck = sc
	if err := pub.proveW(rk, rj, sc.Finals[1], bp); err != nil {
		return StepProof{}, nil, err
	}
	if proof.X, err = bp.Open(tr, xData, append(append([]fr.Element(nil), ri...), rk...)); err != nil {
		return StepProof{}, nil, err
	}
	if proof.YOpen, err = bp.Open(tr, yData, yPoint); err != nil {
		return StepProof{}, nil, err
	}
	return proof, yData, nil
}

// VerifyStep checks a step proof for the X committed in xCom (absorbed into
// tr as the prover's was); on success proof.Y commits to the layer's output.
func VerifyStep(tr *transcript.Transcript, params pcs.Params, layer *Layer, M int, xCom pcs.Commitment, proof StepProof) error {
	return VerifyStepBatched(tr, params, layer, M, xCom, proof, nil)
}

// VerifyStepBatched is VerifyStep with the openings' claims deferred into v
// (package batch); nil checks them at once.
func VerifyStepBatched(tr *transcript.Transcript, params pcs.Params, layer *Layer, M int, xCom pcs.Commitment, proof StepProof, bv *batch.Verifier) error {
	pub := &Public{Layer: layer, M: M}
	if M < 1 {
		return fmt.Errorf("matmul: X has %d rows", M)
	}
	d := pub.dims()
	if xCom.NumVars != d.a+d.c || proof.Y.NumVars != d.a+d.e {
		return fmt.Errorf("matmul: X and Y committed over %d and %d variables, want %d and %d", xCom.NumVars, proof.Y.NumVars, d.a+d.c, d.a+d.e)
	}
	ri, rj := pub.stepStart(tr, proof.Y)
	if vanishing(params) {
		return pub.verifyVanishing(tr, d, xCom, ri, rj, proof, bv)
	}
	tr.AppendElements("matmul/Y(r)", proof.YAtR)
	eqJ := mle.EqTable(rj)
	b, err := pub.verifyBias(tr, mle.EqTable(ri), eqJ, rj, proof.BAtR, bv)
	if err != nil {
		return fmt.Errorf("matmul: %v", err)
	}
	var claim fr.Element
	claim.Sub(&proof.YAtR, &b)
	rk, finals, err := sumcheck.Verify(tr, claim, d.c, 2, proof.Sumcheck)
	if err != nil {
		return fmt.Errorf("matmul: %v", err)
	}
	if err := pub.checkW(tr, rk, rj, eqJ, d.k, finals[1], bv); err != nil {
		return err
	}
	if err := bv.Check(tr, params, xCom, append(append([]fr.Element(nil), ri...), rk...), finals[0], proof.X); err != nil {
		return fmt.Errorf("matmul: opening X: %v", err)
	}
	if err := bv.Check(tr, params, proof.Y, append(append([]fr.Element(nil), ri...), rj...), proof.YAtR, proof.YOpen); err != nil {
		return fmt.Errorf("matmul: opening Y: %v", err)
	}
	return nil
}
