package mlp

import (
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// ProveInput proves that every entry of the committed private input x (its
// table, already absorbed into tr) is a signed inBits-bit integer, as Prove
// does for a dense chain's input; other chains (transparent/cnn) use it. With
// bp not nil the openings are deferred into it (package batch).
func ProveInput(tr *transcript.Transcript, params pcs.Params, inBits int, xData *pcs.ProverData, x []int64, bp *batch.Prover) (InputRange, error) {
	return (&Model{InBits: inBits}).proveInput(tr, params, xData, x, bp)
}

// VerifyInput checks an InputRange proof for the input committed in x
// (absorbed into tr as the prover's was), deferring the openings' claims
// into bv when it is not nil.
func VerifyInput(tr *transcript.Transcript, params pcs.Params, inBits int, x pcs.Commitment, ir *InputRange, bv *batch.Verifier) error {
	return (&Model{InBits: inBits}).verifyInput(tr, params, x, ir, bv)
}
