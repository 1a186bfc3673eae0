package batch

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// claimHook, set only by tests, sees every value claim a Prover records
// (Open's and Claim's): the table's prover data, the point and the value.
var claimHook func(d *pcs.ProverData, point []fr.Element, value fr.Element)

// SetClaimHookForTests makes every Prover call h on each value claim it
// records, nil to stop: the chains' zero-knowledge tests (packages mlp,
// cnn) read each claim's vanishing part, value − f̃(point), off it. Never
// call it outside tests.
func SetClaimHookForTests(h func(d *pcs.ProverData, point []fr.Element, value fr.Element)) {
	claimHook = h
}
