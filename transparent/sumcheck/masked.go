package sumcheck

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// MaskedProof is a zero-knowledge sumcheck (Chiesa, Forbes and Spooner,
// "A zero knowledge sumcheck and its applications", 2017; in the form of
// Libra, Xie et al., CRYPTO 2019, §4.1): the prover commits (hiding, one
// row) to a random g(x) = Σ_i g_i(x_i), each g_i of degree d with uniform
// coefficients, and states G = Σ_{x∈{0,1}^n} g(x); the verifier draws ρ;
// the sumcheck runs on f + ρ·g for claim + ρ·G; at the end the prover
// states f's factors at r (Finals, as in [Proof]) and g(r) = Σ_i g_i(r_i),
// opened from g's commitment as the linear form with weights r_i^k
// ([pcs.ProverData.OpenLinear]); the verifier checks
// Π_k P_k(r) + ρ·g(r) against the last round's claim.
//
// Zero knowledge (Libra, Theorem 3): every round polynomial of f + ρ·g
// is, up to the constraint h_j(0) + h_j(1) = previous claim, uniform: round
// j's polynomial contains ρ·2^(n−j−1)·g_j(X), whose d + 1 coefficients are
// uniform and appear nowhere else except in g(r), one more linear form; a
// simulator holding only the claim and f's final values at r samples g,
// runs the honest verifier's ρ and r, and outputs the rounds of ρ·g plus a
// random polynomial family with the same sums, distributed as the real
// ones. The commitment and its opening reveal nothing beyond g(r)
// (pcs hiding). What remains revealed is Finals: the values of f's factors
// at r, which the caller must mask or open from hiding commitments
// (docs/TRANSPARENT.md, "Zero knowledge").
//
// Soundness: ρ is drawn after g's commitment and G are bound, so a false
// claim or a false G survives the shift with probability 1/|F|; then the
// sumcheck of degree d errs with n·d/|F|; g(r) is bound by its commitment
// (the pcs error of one opening).
//
// A masked proof is a [Proof] whose Mask is set; [Verify] checks either
// kind. The mask's commitment is always made and checked under
// [MaskParams], so that the verifier, not the prover, fixes its soundness.
type MaskedProof = Proof

// MaskPart is a masked sumcheck's masking polynomial as the verifier sees it.
type MaskPart struct {
	Com   pcs.Commitment // g's coefficients c_{i,k} at Σ_{i'<i}(deg_i' + 1) + k (i·(d+1) + k for one degree), zero-padded, one hiding row
	Sum   fr.Element     // G = Σ_{x∈{0,1}^n} g(x)
	Value fr.Element     // g(r)
	Open  pcs.Opening    // ⟨c, (r_i^k)⟩ = g(r)
}

// MaskParams are the masks' commitments' parameters: pcs.DefaultParams,
// hiding (their tables are n·(d+1) coefficients: the cost is the opening's
// t columns and its u and v, not the commitment). Prover and verifier read
// the same variable; only tests change it (for speed), never a caller.
var MaskParams = pcs.Params{RateLog: 2, Queries: 241, Hiding: true}

// ProveZK is [Prove] when zk is false and [ProveMasked] when it is true.
// A sumcheck over 0 variables (one-entry tables: a 1×1 layer) has no
// rounds to mask and is proven by [Prove] either way.
func ProveZK(tr *transcript.Transcript, claim fr.Element, tables []mle.Table, zk bool) (Proof, []fr.Element, Stats, error) {
	if !zk || len(tables) > 0 && len(tables[0]) == 1 {
		return Prove(tr, claim, tables)
	}
	p, r, err := ProveMasked(tr, claim, tables)
	return p, r, Stats{}, err
}

// ProveMasked proves claim = Σ_x Π_k tables_k(x) in zero knowledge of the
// rounds, g committed under [MaskParams]. The tables are consumed as in
// [Prove]. It returns the proof (Mask set) and the point r.
func ProveMasked(tr *transcript.Transcript, claim fr.Element, tables []mle.Table) (Proof, []fr.Element, error) {
	return proveMasked(tr, claim, tables, MaskParams)
}

func proveMasked(tr *transcript.Transcript, claim fr.Element, tables []mle.Table, p pcs.Params) (Proof, []fr.Element, error) {
	d := len(tables)
	if d == 0 {
		return Proof{}, nil, fmt.Errorf("sumcheck: no factors")
	}
	n := tables[0].NumVars()
	if n < 1 {
		return Proof{}, nil, fmt.Errorf("sumcheck: masked sumcheck over %d variables (want ≥ 1, tables of a power-of-two length ≥ 2)", n)
	}
	for k, t := range tables {
		if len(t) != len(tables[0]) {
			return Proof{}, nil, fmt.Errorf("sumcheck: factor %d has %d entries, factor 0 has %d", k, len(t), len(tables[0]))
		}
	}
	mask, err := NewMask(n, d, p)
	if err != nil {
		return Proof{}, nil, err
	}
	mp := &MaskPart{Com: mask.Commitment(), Sum: mask.Sum()}
	proof := Proof{Mask: mp}
	start(tr, claim, n, d)
	mp.Com.Absorb(tr, "sumcheck/mask")
	tr.AppendElements("sumcheck/masksum", mp.Sum)
	mask.Start(tr.Challenge("sumcheck/rho"))
	s := newSumProver(tables, nil, nil, []Term{productTerm(d)})
	var point []fr.Element
	proof.Rounds, point = s.rounds(tr, nil, mask, func(int) int { return d })
	proof.Finals = s.finals()
	mp.Value = mask.Value()
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	tr.AppendElements("sumcheck/maskvalue", mp.Value)
	if mp.Open, err = mask.Open(tr); err != nil {
		return Proof{}, nil, err
	}
	return proof, point, nil
}

func ptr(e fr.Element) *fr.Element { return &e }

// verifyMasked checks a masked proof (proof.Mask set) of claim over n
// variables and degree d, g's opening under p; it returns r and f's final
// values, which the caller checks as after [Verify].
func verifyMasked(tr *transcript.Transcript, claim fr.Element, n, d int, p pcs.Params, proof Proof) ([]fr.Element, []fr.Element, error) {
	mp := proof.Mask
	if n < 1 || d < 1 || len(proof.Rounds) != n || len(proof.Finals) != d {
		return nil, nil, fmt.Errorf("sumcheck: masked proof of %d rounds and %d finals for %d variables, degree %d", len(proof.Rounds), len(proof.Finals), n, d)
	}
	p.Hiding = true
	if err := checkMaskCom(mp.Com, uniformDegrees(n, d)); err != nil {
		return nil, nil, err
	}
	start(tr, claim, n, d)
	mp.Com.Absorb(tr, "sumcheck/mask")
	tr.AppendElements("sumcheck/masksum", mp.Sum)
	rho := tr.Challenge("sumcheck/rho")
	var cur fr.Element
	cur.Mul(&rho, &mp.Sum).Add(&cur, &claim)
	point := make([]fr.Element, n)
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
		point[j] = tr.Challenge("sumcheck/r")
		cur = Interpolate(g, point[j])
	}
	var prod, t fr.Element
	prod.SetOne()
	for k := range proof.Finals {
		prod.Mul(&prod, &proof.Finals[k])
	}
	prod.Add(&prod, t.Mul(&rho, &mp.Value))
	if !prod.Equal(&cur) {
		return nil, nil, fmt.Errorf("sumcheck: product of the final values plus ρ·g(r) differs from the last round's claim")
	}
	tr.AppendElements("sumcheck/finals", proof.Finals...)
	tr.AppendElements("sumcheck/maskvalue", mp.Value)
	if err := VerifyMaskOpening(tr, p, mp.Com, point, d, mp.Value, mp.Open); err != nil {
		return nil, nil, fmt.Errorf("sumcheck: mask opening: %v", err)
	}
	return point, proof.Finals, nil
}

// Size returns the proof's size in bytes, 32 per field element (its round
// polynomials, final values and tail final) plus the mask's (MaskSize).
func (p *Proof) Size() int {
	n := 32 * len(p.Finals)
	if p.Tail != nil {
		n += 32
	}
	for _, g := range p.Rounds {
		n += 32 * len(g)
	}
	return n + p.MaskSize()
}

// MaskSize returns the bytes the mask adds to a proof (32 per field element
// or hash; a commitment counts 48): 0 for an unmasked one, 64 (G and g(r))
// for a pooled one ([ProveSumPooled]: no commitment, no opening).
func (p *Proof) MaskSize() int {
	if p.Mask == nil {
		return 0
	}
	if p.Mask.Com == (pcs.Commitment{}) {
		return 64 + p.Mask.Open.Size()
	}
	return 48 + 64 + p.Mask.Open.Size()
}
