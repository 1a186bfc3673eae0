package conv

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// ProveGather reduces the claim P̃(r) = value, for P[u] = X[idx[u]] (0 where
// idx[u] = −1), to X̃(ρ) by the gather reduction of the package doc; it
// returns the sumcheck proof and ρ. len(idx) = 2^len(r); x is X's table.
// Other layers that read a committed tensor through a public index map
// (max pooling, relabellings) use it.
func ProveGather(tr *transcript.Transcript, idx []int32, r []fr.Element, value fr.Element, x mle.Table) (sumcheck.Proof, []fr.Element, error) {
	return proveGather(tr, idx, r, value, x, false)
}

// ProveGatherZK is ProveGather with its sumcheck masked when zk is set
// (sumcheck.ProveMasked; hiding commitments).
func ProveGatherZK(tr *transcript.Transcript, idx []int32, r []fr.Element, value fr.Element, x mle.Table, zk bool) (sumcheck.Proof, []fr.Element, error) {
	return proveGather(tr, idx, r, value, x, zk)
}

// VerifyGather checks a gather reduction and returns ρ and the claimed
// X̃(ρ), which the caller must check against X's commitment.
func VerifyGather(tr *transcript.Transcript, idx []int32, r []fr.Element, value fr.Element, xVars int, proof sumcheck.Proof) ([]fr.Element, fr.Element, error) {
	return verifyGather(tr, idx, r, value, xVars, proof)
}
