package matmul

import (
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

// CommitWeights commits w and, when b is not nil, b with the hiding
// params and fresh randomness (pcs.CommitShape: crypto/rand), each over
// at most WeightRowVars rows: two calls give independent commitments, so
// no two proofs open the same hiding commitment (docs/TRANSPARENT.md,
// "Secret weights").
func CommitWeights(params pcs.Params, w, b mle.Table) (*WeightCom, error) {
	c := &WeightCom{}
	var err error
	if c.WData, err = pcs.CommitShape(params, w, WeightRowVars(w.NumVars(), params)); err != nil {
		return nil, err
	}
	c.W = c.WData.Commitment()
	if b != nil {
		if c.BData, err = pcs.CommitShape(params, b, WeightRowVars(b.NumVars(), params)); err != nil {
			return nil, err
		}
		c.B = c.BData.Commitment()
	}
	return c, nil
}

// WeightRowVars is the row split of a committed weight table of n
// variables: pcs.RowVars', but at most n − 3 (n − 2 for n < 5), so that
// the table has at least 8 columns (4 for the smallest): under vanishing
// masks every revealed value of a table is a linear form in its mask row
// of one entry a column, and a hashed model's weight table is claimed by
// its layer, its range check and the packing (package weightpack), then
// opened by the batch — four forms, hidden while they are at most the
// columns. A table of n < 2 variables (a convolution's bias of ≤ 2 output
// channels) has ≤ 2 columns and is not hidden (docs/TRANSPARENT.md).
func WeightRowVars(n int, params pcs.Params) int {
	rv := pcs.RowVars(n, params)
	if n >= 5 {
		return min(rv, n-3)
	}
	return min(rv, max(n-2, 0))
}

// Commitments returns the commitments and true, or false when c is nil
// (public weights).
func (c *WeightCom) Commitments() (w, b pcs.Commitment, ok bool) {
	if c == nil {
		return w, b, false
	}
	return c.W, c.B, true
}

// Data returns the prover's data of W and b (b's nil without a bias; both
// nil on the verifier's side or for public weights, c nil).
func (c *WeightCom) Data() (w, b *pcs.ProverData) {
	if c == nil {
		return nil, nil
	}
	return c.WData, c.BData
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
