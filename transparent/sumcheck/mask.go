package sumcheck

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// zeroMask, set only by tests, makes g zero: the rounds stop being masked.
var zeroMask bool

// Mask is the prover's masking polynomial g = Σ_i g_i(x_i) of a masked
// sumcheck over n variables, g_i of degree degs[i] (round i's degree), for
// provers that run their own sumcheck (package batch's reduction, say):
// commit with [NewMask] (one degree for every round) or [NewMaskDegrees],
// absorb its commitment and [Mask.Sum], draw ρ and [Mask.Start]; in each
// round add [Mask.AddRound] to the round polynomial before it is absorbed
// and [Mask.Bind] the challenge after; state [Mask.Value] with the finals
// and [Mask.Open] it. The verifier adds ρ·G to the claim, checks the
// finals' combination plus ρ·g(r), and calls [VerifyMaskOpening] (or
// [VerifyMaskOpeningDegrees] with the same degrees).
//
// Degrees (Libra, Xie et al. CRYPTO 2019, Theorem 3; Chiesa, Forbes and
// Spooner 2017): round j sends h_j + ρ·m_j, h_j the statement's round
// polynomial and m_j(X) = 2^(n−j−1)·(Σ_{i<j} g_i(r_i) + g_j(X)) + a
// constant, so the coefficient of X^k (1 ≤ k ≤ deg g_j) of what is sent is
// h_j's plus ρ·2^(n−j−1)·c_{j,k}, c_{j,k} uniform and ρ ≠ 0: a one-time pad
// on each of h_j's coefficients of degree ≥ 1 (its constant is fixed by
// h_j(0) + h_j(1) = the running claim, public). The theorem's simulator
// needs exactly this per variable: g_j of degree ≥ deg h_j in round j.
// Were deg g_j < deg h_j, h_j's top coefficients (functions of the private
// tables) would be sent in the clear; a higher degree than h_j's adds
// nothing. So each g_j has its round's own degree, not the largest round's:
// round j sends deg_j + 1 values and g has Σ_j (deg_j + 1) coefficients.
// G and g(r) are revealed as in the theorem (two more linear forms of g).
type Mask struct {
	n      int
	degs   []int     // g_i's degree, per round
	offs   []int     // g_i's coefficients start at offs[i]
	coef   mle.Table // c_{i,k} at offs[i] + k, zero-padded to 2^maskVars
	data   *pcs.ProverData
	ends   []fr.Element // g_i(0) + g_i(1)
	sum    fr.Element   // G
	rho    fr.Element
	prefix fr.Element // Σ_{i<j} g_i(r_i)
	rest   fr.Element // Σ_{i>j} (g_i(0) + g_i(1))
	j      int
	point  []fr.Element
}

// uniformDegrees returns n copies of d (every round of degree d).
func uniformDegrees(n, d int) []int {
	degs := make([]int, max(n, 0))
	for i := range degs {
		degs[i] = d
	}
	return degs
}

// checkDegrees refuses a mask of no variable or a round of degree < 1.
func checkDegrees(degs []int) error {
	if len(degs) < 1 {
		return fmt.Errorf("sumcheck: mask for %d variables (want ≥ 1)", len(degs))
	}
	for i, d := range degs {
		if d < 1 || d > 64 {
			return fmt.Errorf("sumcheck: mask round %d of degree %d (want 1..64)", i, d)
		}
	}
	return nil
}

// maskOffsets returns where each g_i's coefficients start (the running
// sum of deg_i + 1) and their total.
func maskOffsets(degs []int) ([]int, int) {
	offs := make([]int, len(degs))
	total := 0
	for i, d := range degs {
		offs[i] = total
		total += d + 1
	}
	return offs, total
}

// maskVars returns the variables of g's committed row: ⌈log2 Σ_i (deg_i + 1)⌉.
func maskVars(degs []int) int {
	_, total := maskOffsets(degs)
	v := 0
	for 1<<v < total {
		v++
	}
	return v
}

// maskWeights returns the weights (r_i^k) at offs[i] + k, k ≤ deg_i,
// zero-padded to 2^maskVars(degs): ⟨c, weights⟩ = g(r).
func maskWeights(r []fr.Element, degs []int) []fr.Element {
	offs, _ := maskOffsets(degs)
	w := make([]fr.Element, 1<<maskVars(degs))
	for i := range r {
		var pw fr.Element
		pw.SetOne()
		for k := 0; k <= degs[i]; k++ {
			w[offs[i]+k] = pw
			pw.Mul(&pw, &r[i])
		}
	}
	return w
}

// NewMask draws g over n variables, every g_i of degree d, with uniform
// coefficients and commits them as one hiding row under p (Hiding is set
// whatever p says). The coefficients lie at i·(d+1) + k.
func NewMask(n, d int, p pcs.Params) (*Mask, error) {
	if n < 1 || d < 1 {
		return nil, fmt.Errorf("sumcheck: mask for %d variables of degree %d (want both ≥ 1)", n, d)
	}
	return NewMaskDegrees(uniformDegrees(n, d), p)
}

// NewMaskDegrees is [NewMask] with g_i of degree degs[i], round i's own
// degree (see [Mask] for why that suffices); the coefficients of g_i lie at
// Σ_{i'<i}(degs[i'] + 1) + k. degs is copied.
func NewMaskDegrees(degs []int, p pcs.Params) (*Mask, error) {
	if err := checkDegrees(degs); err != nil {
		return nil, err
	}
	p.Hiding = true
	offs, total := maskOffsets(degs)
	coef := make(mle.Table, 1<<maskVars(degs))
	if err := drawMask(coef[:total]); err != nil {
		return nil, err
	}
	m := maskOver(degs, offs, coef)
	var err error
	if m.data, err = pcs.CommitShape(p, m.coef, 0); err != nil {
		return nil, err
	}
	return m, nil
}

// drawMask fills c with uniform coefficients (zeros under zeroMask).
func drawMask(c []fr.Element) error {
	if zeroMask {
		return nil
	}
	for i := range c {
		if _, err := c[i].SetRandom(); err != nil {
			return fmt.Errorf("sumcheck: drawing the mask: %v", err)
		}
	}
	return nil
}

// maskOver is the mask g whose g_i has degree degs[i] and coefficients
// coef[offs[i]..offs[i]+degs[i]], not committed (data nil): [NewMaskDegrees]
// commits it, a [MaskPool] slot lies in the pool's commitment.
func maskOver(degs, offs []int, coef mle.Table) *Mask {
	n := len(degs)
	m := &Mask{n: n, degs: append([]int(nil), degs...), offs: offs, coef: coef, ends: make([]fr.Element, n)}
	var zero, one, all fr.Element
	one.SetOne()
	for i := range m.ends {
		a, b := m.gi(i, zero), m.gi(i, one)
		m.ends[i].Add(&a, &b)
		all.Add(&all, &m.ends[i])
	}
	h := pow2(n - 1)
	m.sum.Mul(&all, &h)
	m.rest.Sub(&all, &m.ends[0])
	return m
}

// gi evaluates g_i at x (Horner).
func (m *Mask) gi(i int, x fr.Element) fr.Element {
	var s fr.Element
	c := m.coef[m.offs[i] : m.offs[i]+m.degs[i]+1]
	for k := len(c) - 1; k >= 0; k-- {
		s.Mul(&s, &x).Add(&s, &c[k])
	}
	return s
}

// Commitment returns g's commitment.
func (m *Mask) Commitment() pcs.Commitment { return m.data.Commitment() }

// Sum returns G = Σ_{x∈{0,1}^n} g(x) = 2^(n−1)·Σ_i (g_i(0) + g_i(1)).
func (m *Mask) Sum() fr.Element { return m.sum }

// Start sets ρ, the mask's coefficient, drawn after the commitment and G.
func (m *Mask) Start(rho fr.Element) { m.rho = rho }

// AddRound adds to the current round j's polynomial g (its values at
// 0..len(g)−1, len(g) ≥ deg_j + 1) ρ times the mask's round polynomial
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
	val, op, err := m.data.OpenLinear(tr, maskWeights(m.point, m.degs))
	if err != nil {
		return pcs.Opening{}, err
	}
	if !val.Equal(&m.prefix) {
		return pcs.Opening{}, fmt.Errorf("sumcheck: internal error: g(r) differs from its opening")
	}
	return op, nil
}

// VerifyMaskOpening checks a [Mask.Open] of g(point) = value against g's
// commitment com, every g_i of degree d ([NewMask]).
func VerifyMaskOpening(tr *transcript.Transcript, p pcs.Params, com pcs.Commitment, point []fr.Element, d int, value fr.Element, op pcs.Opening) error {
	if len(point) < 1 || d < 1 {
		return fmt.Errorf("sumcheck: mask opening at a point of %d coordinates, degree %d (want both ≥ 1)", len(point), d)
	}
	return VerifyMaskOpeningDegrees(tr, p, com, point, uniformDegrees(len(point), d), value, op)
}

// VerifyMaskOpeningDegrees checks a [Mask.Open] of g(point) = value against
// g's commitment com, g_i of degree degs[i] ([NewMaskDegrees]); com must be
// one row of 2^maskVars(degs) coefficients.
func VerifyMaskOpeningDegrees(tr *transcript.Transcript, p pcs.Params, com pcs.Commitment, point []fr.Element, degs []int, value fr.Element, op pcs.Opening) error {
	if err := checkDegrees(degs); err != nil {
		return err
	}
	if len(point) != len(degs) {
		return fmt.Errorf("sumcheck: mask opening at a point of %d coordinates for %d rounds", len(point), len(degs))
	}
	if err := checkMaskCom(com, degs); err != nil {
		return err
	}
	p.Hiding = true
	return pcs.VerifyLinear(tr, p, com, maskWeights(point, degs), value, op)
}

// checkMaskCom refuses a mask commitment that is not one row of
// 2^maskVars(degs) coefficients.
func checkMaskCom(com pcs.Commitment, degs []int) error {
	if v := maskVars(degs); com.NumVars != v || com.RowVars != 0 {
		return fmt.Errorf("sumcheck: mask commitment of %d variables (%d row variables), want %d (one row)", com.NumVars, com.RowVars, v)
	}
	return nil
}

func pow2(m int) fr.Element {
	var e fr.Element
	e.SetUint64(1)
	for range m {
		e.Double(&e)
	}
	return e
}
