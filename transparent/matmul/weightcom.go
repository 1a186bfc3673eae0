package matmul

import (
	"crypto/sha256"
	"io"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// WeightCom is a layer's committed weights (committed.go; package conv's
// convolutions share it): the commitments to the weight table W and the
// bias table B (the zero Commitment without a bias), and on the prover's
// side their data (nil on the verifier's).
type WeightCom struct {
	W, B         pcs.Commitment
	WData, BData *pcs.ProverData
}

// CommitWeights commits w (over wVars variables) and, when b is not nil, b
// (over bVars) with the hiding params, each table's randomness drawn from
// SubSeed(prefix, seed, "W") and SubSeed(prefix, seed, "b")
// (pcs.CommitSeeded): the same tables, params, prefix and seed give the
// same commitments.
func CommitWeights(params pcs.Params, prefix string, seed [32]byte, w mle.Table, wVars int, b mle.Table, bVars int) (*WeightCom, error) {
	c := &WeightCom{}
	var err error
	if c.WData, err = pcs.CommitSeeded(params, w, pcs.RowVars(wVars, params), SubSeed(prefix, seed, "W")); err != nil {
		return nil, err
	}
	c.W = c.WData.Commitment()
	if b != nil {
		if c.BData, err = pcs.CommitSeeded(params, b, pcs.RowVars(bVars, params), SubSeed(prefix, seed, "b")); err != nil {
			return nil, err
		}
		c.B = c.BData.Commitment()
	}
	return c, nil
}

// SubSeed is SHA-256(prefix ‖ label ‖ "/" ‖ seed): a table's seed derived
// from a layer's, apart for each prefix and label.
func SubSeed(prefix string, seed [32]byte, label string) [32]byte {
	return sha256.Sum256(append([]byte(prefix+label+"/"), seed[:]...))
}

// Commitments returns the commitments and true, or false when c is nil
// (public weights).
func (c *WeightCom) Commitments() (w, b pcs.Commitment, ok bool) {
	if c == nil {
		return w, b, false
	}
	return c.W, c.B, true
}

// HasBias reports whether a bias is committed.
func (c *WeightCom) HasBias() bool { return c.B != (pcs.Commitment{}) }

// WriteCommitments writes each commitment's root ‖ numVars ‖ rowVars (one
// byte each) to h, in order.
func WriteCommitments(h io.Writer, coms ...pcs.Commitment) {
	for _, c := range coms {
		h.Write(c.Root[:])
		h.Write([]byte{byte(c.NumVars), byte(c.RowVars)})
	}
}

// ClaimW defers the claim W̃(x ‖ y) = v (a sumcheck's final value) on the
// committed weights into bp; nothing when c is nil (public weights).
func (c *WeightCom) ClaimW(x, y []fr.Element, v fr.Element, bp *batch.Prover) error {
	if c == nil {
		return nil
	}
	return bp.Claim(c.WData, append(append([]fr.Element(nil), x...), y...), v)
}

// CheckW is ClaimW's check: W̃(x ‖ y) = v as a claim on W's commitment
// deferred into bv (c not nil).
func (c *WeightCom) CheckW(tr *transcript.Transcript, x, y []fr.Element, v fr.Element, bv *batch.Verifier) error {
	return bv.Check(tr, pcs.Params{}, c.W, append(append([]fr.Element(nil), x...), y...), v, pcs.Opening{})
}
