// Package sumcheck is the sumcheck protocol of Lund, Fortnow, Karloff and
// Nisan ("Algebraic methods for interactive proof systems", JACM 1992) for
// a sum over the Boolean hypercube of a product of multilinear polynomials:
//
//	claim = Σ_{x ∈ {0,1}^n} P_1(x) · P_2(x) · … · P_d(x).
//
// In round j the prover sends g_j(X) = Σ_{x_{j+1..n}} Π_k P_k(r_1..r_{j−1}, X, x_{j+1..n}),
// a univariate polynomial of degree ≤ d, as its values at 0, 1, …, d. The
// verifier checks g_j(0) + g_j(1) equals the running claim, draws r_j from
// the transcript and sets the claim to g_j(r_j). After n rounds the claim is
// Π_k P_k(r) at the random point r = (r_1..r_n); the prover states the d
// values P_k(r) ([Proof.Finals]) and the verifier checks their product. The
// caller must then check each final value against the polynomial itself —
// by evaluating a public table or by opening a commitment — which is the
// reduction the layer proofs are built on.
//
// Soundness: if the claim is false, each round the prover survives only if
// its (false) g_j agrees with the true polynomial at r_j, probability ≤ d/|F|
// (two distinct polynomials of degree ≤ d agree on ≤ d points), so a false
// claim passes with probability ≤ n·d/|F| < 2^-245 for n ≤ 64, d ≤ 8.
//
// The prover is linear in the table size (Thaler 2013, "Time-optimal
// interactive proofs for circuit evaluation", §3): round j touches the
// 2^(n−j+1) live entries of each table once, so the total is
// Σ_j 2^(n−j)·((d+1)(d−1) + d) < 2^n·(d² + d) multiplications; [Stats] counts
// them.
//
// [ProveSum] and [VerifySum] generalize it (sum.go, terms.go, tail.go; the
// zero-knowledge design's part B, docs/TRANSPARENT.md "Zero knowledge"):
//
//	claim = Σ_{x∈{0,1}^n} Σ_t Coef_t·Π_{k∈t} T̂_k(x) + Tail.Coef·s̃(Tail.Point),
//
// a sum of products ([Term]s over shared tables), where a masked factor is
// the polynomial a hiding commitment with a vanishing mask opens,
// T̂_k = T̃_k + Z(x)·s̃_k(x_col) with Z(x) = Π_i x_i(1 − x_i): equal to T_k
// on the cube, so only the last round (degree 3 per masked factor) and the
// finals T̂_k(ρ) change. A [Tail] adds Coef·s̃(P) for a mask row s without
// stating s̃(P): it is summed as 2^−(n−c)·eq(P, x_col)·s(x_col) and the
// proof states s̃ at the sumcheck's own point instead ([Proof.Tail]).
// Every round is sent at its own degree, zk or not: under zk the rounds are
// masked as in [ProveMasked], with g_j of round j's degree ([Mask],
// [NewMaskDegrees]), so a masked last round of degree 7 does not pad the
// others. Soundness: Σ_j deg_j/|F| (plus, under zk, 1/|F| and the mask
// opening's pcs error). [Prove] and
// [ProveMasked] run on the same prover (one term Π_k T_k, coefficient 1)
// and produce the same bytes as before it.
//
// A [MaskPool] (pool.go) holds the Libra masks of many zero-knowledge
// sumchecks in one hiding commitment made before any of their challenges;
// [ProveSumPooled] / [VerifySumPooled] take a slot instead of committing and
// opening a mask each, and one [MaskPool.Open] / [PoolVerifier.Verify]
// proves every slot's g_s(r_s) at once: their γ-combination (γ drawn after
// all of them; a wrong one survives with (#slots − 1)/|F|) reduced by one
// zero-knowledge sumcheck to one opening of the pool. Soundness and zero
// knowledge are argued at [MaskPool]. The unpooled functions and their
// proofs are unchanged byte for byte (TestProofBytesGolden).
package sumcheck

import (
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Proof is a sumcheck proof: one round polynomial per variable, each as its
// values at 0..deg_j (d for [Prove]; each round's own degree for
// [ProveSum], which the verifier takes from the statement), and the
// factors' values at the final point.
type Proof struct {
	Rounds [][]fr.Element
	Finals []fr.Element
	// Mask is set in a masked proof (masked.go: [ProveMasked]); nil otherwise.
	Mask *MaskPart
	// Tail is s̃(ρ…), the final of a [ProveSum] statement's [Tail]; nil
	// without one (and in every [Prove]/[ProveMasked] proof).
	Tail *fr.Element
}

// Stats counts the prover's field multiplications.
type Stats struct {
	Mul int
}

// Prove proves claim = Σ_x Π_k tables[k](x). The tables are consumed (folded
// in place); pass copies to keep them. It returns the proof, the random point
// r and the prover's multiplication count; the caller absorbs nothing extra:
// the claim, every round and the finals go through tr.
func Prove(tr *transcript.Transcript, claim fr.Element, tables []mle.Table) (Proof, []fr.Element, Stats, error) {
	d := len(tables)
	if d == 0 {
		return Proof{}, nil, Stats{}, fmt.Errorf("sumcheck: no factors")
	}
	n := tables[0].NumVars()
	if n < 0 {
		return Proof{}, nil, Stats{}, fmt.Errorf("sumcheck: table of length %d is not a power of two", len(tables[0]))
	}
	for k, t := range tables {
		if len(t) != len(tables[0]) {
			return Proof{}, nil, Stats{}, fmt.Errorf("sumcheck: factor %d has %d entries, factor 0 has %d", k, len(t), len(tables[0]))
		}
	}
	start(tr, claim, n, d)
	s := newSumProver(tables, nil, nil, []Term{productTerm(d)})
	var proof Proof
	var point []fr.Element
	proof.Rounds, point = s.rounds(tr, nil, nil, func(int) int { return d })
	proof.Finals = s.finals()
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	return proof, point, Stats{Mul: s.mul}, nil
}

// productTerm is the single term Π_{k<d} T_k of [Prove].
func productTerm(d int) Term {
	t := Term{Factors: make([]int, d)}
	t.Coef.SetOne()
	for k := range t.Factors {
		t.Factors[k] = k
	}
	return t
}

func start(tr *transcript.Transcript, claim fr.Element, n, d int) {
	tr.AppendUint64("sumcheck/vars", uint64(n))
	tr.AppendUint64("sumcheck/degree", uint64(d))
	tr.AppendElements("sumcheck/claim", claim)
}

// Verify checks a proof of claim = Σ_x Π_k P_k(x) over n variables with d
// factors. On success it returns the point r and the factors' claimed values
// P_k(r), which the caller must still check against the polynomials.
func Verify(tr *transcript.Transcript, claim fr.Element, n, d int, proof Proof) ([]fr.Element, []fr.Element, error) {
	if proof.Mask != nil {
		return verifyMasked(tr, claim, n, d, MaskParams, proof)
	}
	if len(proof.Rounds) != n {
		return nil, nil, fmt.Errorf("sumcheck: proof has %d rounds, want %d", len(proof.Rounds), n)
	}
	if len(proof.Finals) != d {
		return nil, nil, fmt.Errorf("sumcheck: proof has %d final values, want %d", len(proof.Finals), d)
	}
	start(tr, claim, n, d)
	point := make([]fr.Element, n)
	cur := claim
	for j, g := range proof.Rounds {
		if len(g) != d+1 {
			return nil, nil, fmt.Errorf("sumcheck: round %d polynomial has %d values, want %d", j, len(g), d+1)
		}
		var s fr.Element
		s.Add(&g[0], &g[1])
		if !s.Equal(&cur) {
			return nil, nil, fmt.Errorf("sumcheck: round %d: g(0)+g(1) differs from the claim", j)
		}
		tr.AppendElements("sumcheck/round", g...)
		r := tr.Challenge("sumcheck/r")
		cur = Interpolate(g, r)
		point[j] = r
	}
	var prod fr.Element
	prod.SetOne()
	for k := range proof.Finals {
		prod.Mul(&prod, &proof.Finals[k])
	}
	if !prod.Equal(&cur) {
		return nil, nil, fmt.Errorf("sumcheck: product of the final values differs from the last round's claim")
	}
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	return point, proof.Finals, nil
}

// VerifyEq is Verify of a zero-check or an eq-weighted sum, whose first
// factor is eq(r, ·): it also checks that factor's final value against
// eq(r, ρ), which the verifier computes itself, so a caller only checks the
// other factors. what names the relation in errors.
func VerifyEq(tr *transcript.Transcript, claim fr.Element, r []fr.Element, d int, proof Proof, what string) ([]fr.Element, []fr.Element, error) {
	rho, fin, err := Verify(tr, claim, len(r), d, proof)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", what, err)
	}
	if eq := mle.Eq(r, rho); !eq.Equal(&fin[0]) {
		return nil, nil, fmt.Errorf("%s: eq factor differs from eq(r, ρ)", what)
	}
	return rho, fin, nil
}

// Interpolate returns g(r) for the polynomial of degree < len(ys) with
// g(i) = ys[i], i = 0..len(ys)−1 (Lagrange's formula; O(len(ys)²)).
func Interpolate(ys []fr.Element, r fr.Element) fr.Element {
	var out fr.Element
	m := len(ys)
	for i := 0; i < m; i++ {
		var num, den, t fr.Element
		num.SetOne()
		den.SetOne()
		for j := 0; j < m; j++ {
			if j == i {
				continue
			}
			var fj fr.Element
			fj.SetInt64(int64(j))
			t.Sub(&r, &fj)
			num.Mul(&num, &t)
			fj.SetInt64(int64(i - j))
			den.Mul(&den, &fj)
		}
		den.Inverse(&den)
		num.Mul(&num, &den)
		num.Mul(&num, &ys[i])
		out.Add(&out, &num)
	}
	return out
}

// roundPoly returns the round polynomial Σ_{x'} Π_k P_k(X, x') at X = 0..d
// for tables whose first variable is the round's.
func roundPoly(tables []mle.Table, d int) []fr.Element {
	h := len(tables[0]) / 2
	g := make([]fr.Element, d+1)
	// The pairs (i, i+h) are summed in parallel chunks, each into its own
	// g, merged under a lock.
	var mu sync.Mutex
	par.For(h, 1<<11, func(lo, hi int) {
		vals := make([]fr.Element, d)  // P_k at X = t for the current pair
		diffs := make([]fr.Element, d) // P_k(1) − P_k(0)
		local := make([]fr.Element, d+1)
		var prod fr.Element
		for i := lo; i < hi; i++ {
			for k := range tables {
				vals[k] = tables[k][i]
				diffs[k].Sub(&tables[k][i+h], &tables[k][i])
			}
			for t := 0; t <= d; t++ {
				if t > 0 {
					for k := range vals {
						vals[k].Add(&vals[k], &diffs[k])
					}
				}
				prod = vals[0]
				for k := 1; k < d; k++ {
					prod.Mul(&prod, &vals[k])
				}
				local[t].Add(&local[t], &prod)
			}
		}
		mu.Lock()
		for t := range g {
			g[t].Add(&g[t], &local[t])
		}
		mu.Unlock()
	})
	return g
}
