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
	Com   pcs.Commitment // g's coefficients c_{i,k} at i·(d+1) + k, zero-padded, one hiding row
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

// zeroMask, set only by tests, makes g zero: the rounds stop being masked.
var zeroMask bool

// maskWeights returns the weights (r_i^k) at i·(d+1) + k, zero-padded to 2^vars.
func maskWeights(r []fr.Element, d, vars int) []fr.Element {
	w := make([]fr.Element, 1<<vars)
	for i := range r {
		var pw fr.Element
		pw.SetOne()
		for k := 0; k <= d; k++ {
			w[i*(d+1)+k] = pw
			pw.Mul(&pw, &r[i])
		}
	}
	return w
}

func maskVars(n, d int) int {
	v := 0
	for 1<<v < n*(d+1) {
		v++
	}
	return v
}

func pow2(m int) fr.Element {
	var e fr.Element
	e.SetUint64(1)
	for range m {
		e.Double(&e)
	}
	return e
}

// Mask is the prover's masking polynomial g = Σ_i g_i(x_i) of a masked
// sumcheck over n variables and degree d, for provers that run their own
// sumcheck (package batch's reduction, say): commit with [NewMask], absorb
// its commitment and [Mask.Sum], draw ρ and [Mask.Start]; in each round add
// [Mask.AddRound] to the round polynomial before it is absorbed and
// [Mask.Bind] the challenge after; state [Mask.Value] with the finals and
// [Mask.Open] it. The verifier adds ρ·G to the claim, checks the finals'
// combination plus ρ·g(r), and calls [VerifyMaskOpening].
type Mask struct {
	n, d   int
	coef   mle.Table // c_{i,k} at i·(d+1) + k
	data   *pcs.ProverData
	ends   []fr.Element // g_i(0) + g_i(1)
	sum    fr.Element   // G
	rho    fr.Element
	prefix fr.Element // Σ_{i<j} g_i(r_i)
	rest   fr.Element // Σ_{i>j} (g_i(0) + g_i(1))
	j      int
	point  []fr.Element
}

// NewMask draws g with uniform coefficients and commits them as one hiding
// row under p (Hiding is set whatever p says).
func NewMask(n, d int, p pcs.Params) (*Mask, error) {
	if n < 1 || d < 1 {
		return nil, fmt.Errorf("sumcheck: mask for %d variables of degree %d (want both ≥ 1)", n, d)
	}
	p.Hiding = true
	m := &Mask{n: n, d: d, coef: make(mle.Table, 1<<maskVars(n, d)), ends: make([]fr.Element, n)}
	for i := 0; i < n*(d+1); i++ {
		if !zeroMask {
			if _, err := m.coef[i].SetRandom(); err != nil {
				return nil, fmt.Errorf("sumcheck: drawing the mask: %v", err)
			}
		}
	}
	var zero, one, total fr.Element
	one.SetOne()
	for i := range m.ends {
		a, b := m.gi(i, zero), m.gi(i, one)
		m.ends[i].Add(&a, &b)
		total.Add(&total, &m.ends[i])
	}
	h := pow2(n - 1)
	m.sum.Mul(&total, &h)
	m.rest.Sub(&total, &m.ends[0])
	var err error
	if m.data, err = pcs.CommitShape(p, m.coef, 0); err != nil {
		return nil, err
	}
	return m, nil
}

// gi evaluates g_i at x (Horner).
func (m *Mask) gi(i int, x fr.Element) fr.Element {
	var s fr.Element
	for k := m.d; k >= 0; k-- {
		s.Mul(&s, &x).Add(&s, &m.coef[i*(m.d+1)+k])
	}
	return s
}

// Commitment returns g's commitment.
func (m *Mask) Commitment() pcs.Commitment { return m.data.Commitment() }

// Sum returns G = Σ_{x∈{0,1}^n} g(x) = 2^(n−1)·Σ_i (g_i(0) + g_i(1)).
func (m *Mask) Sum() fr.Element { return m.sum }

// Start sets ρ, the mask's coefficient, drawn after the commitment and G.
func (m *Mask) Start(rho fr.Element) { m.rho = rho }

// AddRound adds to the current round's polynomial g (its values at
// 0..len(g)−1, len(g) ≥ d + 1) ρ times the mask's round polynomial
// 2^(n−j−1)·(Σ_{i<j} g_i(r_i) + g_j(X)) + 2^(n−j−2)·Σ_{i>j} (g_i(0) + g_i(1)).
func (m *Mask) AddRound(g []fr.Element) {
	mm := m.n - m.j - 1
	scale := pow2(mm)
	var tail fr.Element
	if mm > 0 {
		tail.Mul(&m.rest, ptr(pow2(mm-1)))
	}
	for t := range g {
		var x fr.Element
		x.SetUint64(uint64(t))
		mv := m.gi(m.j, x)
		mv.Add(&mv, &m.prefix).Mul(&mv, &scale).Add(&mv, &tail).Mul(&mv, &m.rho)
		g[t].Add(&g[t], &mv)
	}
}

// Bind records the round's challenge r_j.
func (m *Mask) Bind(r fr.Element) {
	v := m.gi(m.j, r)
	m.prefix.Add(&m.prefix, &v)
	m.point = append(m.point, r)
	m.j++
	if m.j < m.n {
		m.rest.Sub(&m.rest, &m.ends[m.j])
	}
}

// Value returns g(r) once every round is bound.
func (m *Mask) Value() fr.Element { return m.prefix }

// Open opens g(r) from the commitment (the linear form with weights r_i^k).
func (m *Mask) Open(tr *transcript.Transcript) (pcs.Opening, error) {
	if m.j != m.n {
		return pcs.Opening{}, fmt.Errorf("sumcheck: mask opened after %d of %d rounds", m.j, m.n)
	}
	val, op, err := m.data.OpenLinear(tr, maskWeights(m.point, m.d, maskVars(m.n, m.d)))
	if err != nil {
		return pcs.Opening{}, err
	}
	if !val.Equal(&m.prefix) {
		return pcs.Opening{}, fmt.Errorf("sumcheck: internal error: g(r) differs from its opening")
	}
	return op, nil
}

// VerifyMaskOpening checks a [Mask.Open] of g(point) = value against g's
// commitment com (one row of 2^maskVars(n, d) coefficients).
func VerifyMaskOpening(tr *transcript.Transcript, p pcs.Params, com pcs.Commitment, point []fr.Element, d int, value fr.Element, op pcs.Opening) error {
	n := len(point)
	p.Hiding = true
	if n < 1 || d < 1 || com.NumVars != maskVars(n, d) || com.RowVars != 0 {
		return fmt.Errorf("sumcheck: mask commitment of %d variables (%d row variables), want %d (one row)", com.NumVars, com.RowVars, maskVars(n, d))
	}
	return pcs.VerifyLinear(tr, p, com, maskWeights(point, d, maskVars(n, d)), value, op)
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
	deg := func(int) int { return d }
	proof.Rounds, point = s.rounds(tr, nil, mask, deg, deg)
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
	if mp.Com.NumVars != maskVars(n, d) || mp.Com.RowVars != 0 {
		return nil, nil, fmt.Errorf("sumcheck: mask commitment of %d variables (%d row variables), want %d (one row)", mp.Com.NumVars, mp.Com.RowVars, maskVars(n, d))
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
// or hash; a commitment counts 48): 0 for an unmasked one.
func (p *Proof) MaskSize() int {
	if p.Mask == nil {
		return 0
	}
	return 48 + 64 + p.Mask.Open.Size()
}
