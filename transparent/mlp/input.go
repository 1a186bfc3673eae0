package mlp

// The input range (InputRange, proveInput and verifyInput in prove.go).
//
// # Soundness
//
// The lookups put v0 in [0, 2^12) and v1 in [0, 2^(InBits−12)) (package
// logup's error). The relation L = x + 2^(InBits−1) − v0 − 2^12·v1 (+ λ·v1
// with one limb) is a multilinear table fixed by the commitments before λ
// and z are drawn. With one limb, L_λ = L₁ + λ·v1 is zero for more than one
// λ only when L₁ = 0 and v1 = 0: error 1/|F|. A nonzero L has L̃(z) ≠ 0 but
// with probability n/|F| (Schwartz–Zippel, n = x's variables), and
// Σ_i eq(z, i)·L(i) = L̃(z); the sumcheck of degree 2 proving it 0 errs with
// 2n/|F|; its final is recomputed from x̃, ṽ0, ṽ1 at ρ, which are openings
// (package pcs / batch). So x + 2^(InBits−1) = v0 + 2^12·v1 on the cube,
// which is in [0, 2^InBits): x is a signed InBits-bit integer. Error of the
// zero-check: (3n + 1)/|F|, plus the lookups' and the openings'.
//
// No relation is checked among different tables' values at one point: the
// verifier only recomputes the sumcheck's final from the tables' values at
// ρ, as the design for vanishing masks needs (docs/TRANSPARENT.md, "Zero
// knowledge"). Under pcs.Params.Hiding the zero-check is masked.

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
	return (&Model{InBits: inBits}).proveInput(tr, params, xData, x, bp, nil, nil)
}

// VerifyInput checks an InputRange proof for the input committed in x
// (absorbed into tr as the prover's was), deferring the openings' claims
// into bv when it is not nil.
func VerifyInput(tr *transcript.Transcript, params pcs.Params, inBits int, x pcs.Commitment, ir *InputRange, bv *batch.Verifier) error {
	return (&Model{InBits: inBits}).verifyInput(tr, params, x, ir, bv)
}
