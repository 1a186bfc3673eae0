// Package conv proves a 2-D convolution between committed tensors as a
// matrix product with an implicit im2col: Y = Wmat · P, where Wmat (O ×
// C·KH·KW) holds the public weights and P (C·KH·KW × OH·OW) the patches of the
// committed input X, which are never committed: a claim on P's multilinear
// extension is reduced to a claim on X's by a second sumcheck against the
// multilinear extension of the im2col index map.
//
// # Gather reduction
//
// Let P[u] = X[idx(u)] (or 0 when idx(u) = −1, the zero padding). For a point
// r on P's variables,
//
//	P̃(r) = Σ_u eq(r, u)·X[idx(u)] = Σ_q S_r(q)·X(q),  S_r(q) = Σ_{u: idx(u)=q} eq(r, u),
//
// a sum over X's cube of a product of two multilinears: the sumcheck reduces
// it to X̃(ρ) (opened through X's commitment) and S̃_r(ρ), which the verifier
// computes itself from the public index map — eq(r, ·) scattered through idx,
// then evaluated at ρ — in O(|P| + |X|). The prover's work is the same. Both
// are linear in the patch matrix (KH·KW times X for stride 1), not in the
// multiply-adds (O times more).
//
// Soundness: the sumcheck's 2·log|X|/|F|; S̃_r is computed, not trusted.
package conv

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// selector returns S_r over X's 2^xVars entries: eq(r, u) summed into idx(u).
func selector(idx []int32, r []fr.Element, xVars int) (mle.Table, error) {
	eq := mle.EqTable(r)
	if len(idx) != len(eq) {
		return nil, fmt.Errorf("conv: index map of %d entries for a point of %d coordinates", len(idx), len(r))
	}
	s := make(mle.Table, 1<<xVars)
	for u, q := range idx {
		if q < 0 {
			continue
		}
		if int(q) >= len(s) {
			return nil, fmt.Errorf("conv: index map sends %d to %d, outside X's %d entries", u, q, len(s))
		}
		s[q].Add(&s[q], &eq[u])
	}
	return s, nil
}

// proveGather reduces the claim P̃(r) = value (P = X gathered through idx) to
// X̃(ρ); it returns the sumcheck proof and ρ. x is X's table.
func proveGather(tr *transcript.Transcript, idx []int32, r []fr.Element, value fr.Element, x mle.Table, zk bool) (sumcheck.Proof, []fr.Element, error) {
	s, err := selector(idx, r, x.NumVars())
	if err != nil {
		return sumcheck.Proof{}, nil, err
	}
	proof, rho, _, err := sumcheck.ProveZK(tr, value, []mle.Table{s, append(mle.Table(nil), x...)}, zk)
	return proof, rho, err
}

// verifyGather checks the reduction and returns ρ and the claimed X̃(ρ),
// which the caller must check against X's commitment.
func verifyGather(tr *transcript.Transcript, idx []int32, r []fr.Element, value fr.Element, xVars int, proof sumcheck.Proof) ([]fr.Element, fr.Element, error) {
	rho, finals, err := sumcheck.Verify(tr, value, xVars, 2, proof)
	if err != nil {
		return nil, fr.Element{}, fmt.Errorf("conv: gather: %v", err)
	}
	s, err := selector(idx, r, xVars)
	if err != nil {
		return nil, fr.Element{}, err
	}
	if sv, _ := s.Eval(rho); !sv.Equal(&finals[0]) {
		return nil, fr.Element{}, fmt.Errorf("conv: gather: the index map's factor differs from the public map")
	}
	return rho, finals[1], nil
}
