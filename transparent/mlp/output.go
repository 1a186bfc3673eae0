package mlp

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// OutputPoints returns the points at which a chain's committed output Y
// (n variables) is checked against the public y: one random ρ, or, under
// vanishing masks (params.Hiding and params.Vanishing, n > 0), the two
// halves' points (0, ρ_1..) and (1, ρ_1..); ρ is drawn under label.
//
// Why two points under vanishing masks: the batch opens the masked
// Ŷ = Ỹ + Z·s̃_Y, and Ŷ(ρ) ≠ ỹ(ρ) at a random ρ; stating s̃_Y(ρ_col) would
// add a claim and a proof field. Z vanishes wherever one coordinate is 0 or
// 1, so Ŷ = Ỹ at both points, and the verifier compares them with ỹ's
// values there, computed from the public y. Nothing private is revealed
// (the values are the public output's; their s-parts are zero, so they use
// none of s_Y's hiding). Soundness: Ỹ(b, ρ') = ỹ(b, ρ') for b = 0, 1 gives
// Ỹ(x_0, ρ') = ỹ(x_0, ρ') for every x_0 (both linear in x_0), so a Y ≠ y
// passes with probability ≤ (n − 1)/|F| over ρ' (Schwartz–Zippel), as one
// random point's n/|F|. Shared by package cnn's chains.
func OutputPoints(tr *transcript.Transcript, label string, params pcs.Params, n int) [][]fr.Element {
	rho := tr.Challenges(label, n)
	if !params.Hiding || !params.Vanishing || n == 0 {
		return [][]fr.Element{rho}
	}
	lo := append([]fr.Element(nil), rho...)
	hi := append([]fr.Element(nil), rho...)
	lo[0].SetZero()
	hi[0].SetOne()
	return [][]fr.Element{lo, hi}
}
