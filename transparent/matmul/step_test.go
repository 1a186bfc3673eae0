package matmul

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// mode is a commitment setting the step tests run in: binding, hiding, and
// hiding with vanishing masks (which proves batched only).
type mode struct {
	name    string
	params  pcs.Params
	batched bool
}

var (
	hidingParams    = pcs.Params{RateLog: 1, Queries: 20, Hiding: true}
	vanishingParams = pcs.Params{RateLog: 1, Queries: 20, Hiding: true, Vanishing: true}
	modes           = []mode{
		{"binding", testParams, false},
		{"binding batched", testParams, true},
		{"hiding", hidingParams, false},
		{"hiding batched", hidingParams, true},
		{"vanishing", vanishingParams, true},
	}
	stepParams = modes[0] // the mode stepInstance commits X in
)

// stepInstance returns a true step: X and Y as padded tables, X committed.
func stepInstance(t *testing.T, M, K, N int) (*Layer, *pcs.ProverData, mle.Table, mle.Table) {
	t.Helper()
	pub, x := instance(rand.New(rand.NewPCG(9, 9)), M, K, N, true)
	pub.Layer.dense = true // a chain's layer (NewDenseLayer): K and N padded to MinDim
	d := pub.dims()
	xt := xTable(x, M, K, d)
	yt := make(mle.Table, d.m*d.n)
	for i := 0; i < M; i++ {
		copy(yt[i*d.n:i*d.n+N], pub.Y[i*N:(i+1)*N])
	}
	xData, err := pcs.Commit(stepParams.params, xt)
	if err != nil {
		t.Fatal(err)
	}
	return pub.Layer, xData, xt, yt
}

// stepCheat is a cheating step prover: it may change Y, and run the
// sumcheck on another X or W than the committed and public ones.
type stepCheat struct {
	editY func(mle.Table)
	usedX func(x mle.Table, y mle.Table, layer *Layer) mle.Table
	usedW func(y mle.Table, x mle.Table, layer *Layer) []fr.Element
}

func stepRun(t *testing.T, M, K, N int, editY func(mle.Table), editP func(*StepProof)) error {
	return stepRunCheat(t, M, K, N, stepCheat{editY: editY}, editP)
}

func stepRunCheat(t *testing.T, M, K, N int, ch stepCheat, editP func(*StepProof)) error {
	t.Helper()
	layer, xData, xt, yt := stepInstance(t, M, K, N)
	return runStep(t, stepParams, layer, M, xData, xt, yt, ch, editP)
}

// runStep proves and verifies one step of layer in mode md (X committed
// under md.params); batched, it also proves and checks the batch.
func runStep(t *testing.T, md mode, layer *Layer, M int, xData *pcs.ProverData, xt, yt mle.Table, ch stepCheat, editP func(*StepProof)) error {
	t.Helper()
	if ch.editY != nil {
		ch.editY(yt)
	}
	var ux mle.Table
	var uw []fr.Element
	if ch.usedX != nil {
		ux = ch.usedX(xt, yt, layer)
	}
	if ch.usedW != nil {
		uw = ch.usedW(yt, xt, layer)
	}
	var bp *batch.Prover
	if md.batched {
		bp = batch.NewProver()
	}
	ptr := transcript.New("chain")
	xData.Commitment().Absorb(ptr, "x")
	proof, _, err := proveStep(ptr, md.params, layer, M, xData, xt, yt, ux, uw, bp)
	if err != nil {
		t.Fatal(err)
	}
	var bproof batch.Proof
	if bp != nil {
		if bproof, err = bp.Prove(ptr); err != nil {
			t.Fatal(err)
		}
		lastBatch = &bproof
	}
	if editP != nil {
		editP(&proof)
	}
	vtr := transcript.New("chain")
	xData.Commitment().Absorb(vtr, "x")
	if bp == nil {
		return VerifyStep(vtr, md.params, layer, M, xData.Commitment(), proof)
	}
	bv := batch.NewVerifier()
	if err := VerifyStepBatched(vtr, md.params, layer, M, xData.Commitment(), proof, bv); err != nil {
		return err
	}
	return bv.Verify(vtr, md.params, bproof)
}

// lastBatch is the batch proof of runStep's last batched run.
var lastBatch *batch.Proof

// inModes runs f once per mode, X committed under the mode's params.
func inModes(t *testing.T, f func(t *testing.T)) {
	for _, md := range modes {
		t.Run(md.name, func(t *testing.T) {
			saved := stepParams
			stepParams = md
			defer func() { stepParams = saved }()
			f(t)
		})
	}
}

func TestStepHonest(t *testing.T) {
	inModes(t, func(t *testing.T) {
		for _, c := range []struct{ M, K, N int }{{1, 1, 1}, {1, 12, 5}, {3, 5, 7}, {4, 8, 8}, {2, 64, 3}, {16, 2, 2}} {
			if err := stepRun(t, c.M, c.K, c.N, nil, nil); err != nil {
				t.Errorf("%dx%dx%d: honest step rejected: %v", c.M, c.K, c.N, err)
			}
		}
	})
}

func TestStepWrongOutputRejected(t *testing.T) {
	one := fr.One()
	for _, c := range []struct {
		name  string
		editY func(mle.Table)
		editP func(*StepProof)
	}{
		{"wrong Y entry", func(y mle.Table) { y[1].Add(&y[1], &one) }, nil},
		{"nonzero padding column of Y", func(y mle.Table) { y[7].SetUint64(1) }, nil}, // n = 8, N = 7
		{"nonzero padding row of Y", func(y mle.Table) { y[3*8].SetUint64(1) }, nil},  // m = 4, M = 3
		{"stated Ỹ(r) moved", nil, func(p *StepProof) { p.YAtR.Add(&p.YAtR, &one) }},
		{"Y opening column", nil, func(p *StepProof) { p.YOpen.Columns[0][0].Add(&p.YOpen.Columns[0][0], &one) }},
		{"Y commitment shape", nil, func(p *StepProof) { p.Y.NumVars-- }},
	} {
		inModes(t, func(t *testing.T) {
			if stepParams.batched && c.name == "Y opening column" {
				return // no opening in the step: the batch's tampering is batch's test
			}
			t.Run(c.name, func(t *testing.T) {
				err := stepRun(t, 3, 5, 7, c.editY, c.editP)
				if err == nil {
					t.Fatal("wrong output accepted")
				}
				t.Log(err)
			})
		})
	}
}

// TestStepCheatsRejected: Y is true for another X (or W) than the committed
// X (the public W), and the sumcheck is run on that one; only the opening of
// X (the check of W̃) can catch it.
func TestStepCheatsRejected(t *testing.T) {
	one := fr.One()
	const M, K, N = 3, 5, 7
	const n = 8 // N padded
	cases := []struct {
		name string
		ch   stepCheat
	}{
		{"sumcheck on another X (caught by X's opening)", stepCheat{usedX: func(x, y mle.Table, l *Layer) mle.Table {
			x2 := append(mle.Table(nil), x...)
			x2[0].Add(&x2[0], &one) // X[0][0] + 1: row 0 of Y gains W's row 0
			for j := 0; j < N; j++ {
				y[j].Add(&y[j], &l.W[j])
			}
			return x2
		}}},
		{"sumcheck on another W (caught by the W̃ check)", stepCheat{usedW: func(y, x mle.Table, l *Layer) []fr.Element {
			w2 := append([]fr.Element(nil), l.W...)
			w2[1].Add(&w2[1], &one) // W[0][1] + 1: column 1 of Y gains X's column 0
			for i := 0; i < M; i++ {
				y[i*n+1].Add(&y[i*n+1], &x[i*8])
			}
			return w2
		}}},
	}
	for _, c := range cases {
		inModes(t, func(t *testing.T) {
			t.Run(c.name, func(t *testing.T) {
				err := stepRunCheat(t, M, K, N, c.ch, nil)
				if err == nil {
					t.Fatal("cheating step accepted")
				}
				t.Log(err)
			})
		})
	}
}
