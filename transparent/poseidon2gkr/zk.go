package poseidon2gkr

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Zero knowledge (package doc, "Zero knowledge"). Every layer's three
// lanes are masked factors û = ũ + Z(x)·m̃(x_last), Z over the level's
// variables, m a row of maskCols random entries (one variable); all the
// rows of all levels are one committed table M (row (k, i, j) for level
// k, round i, lane j: u_0, u_1, the fed-forward lane; a fourth slot per
// layer is zero), committed before any challenge. A claim Σ_j w_j·v_j on
// round i's masked finals is Σ_j w_j·ṽ_j(ρ) + Z(ρ)·Σ_j w_j·m̃_{i,j}(ρ_last):
// the layer below proves it with the tail Coef = Z(ρ), Point = ρ_last,
// S = Σ_j w_j·m_{i,j}, whose final s̃ at the new point is a mask claim: a
// linear form of M's rows at one column point, all of them reduced at the
// end by one masked sumcheck Σ_x A(x)·M̂(x) (A public: the claims'
// coefficients under powers of γ) to one claim on M's commitment, which
// carries its own vanishing mask.

// maskCols is a mask row's length (2^1: one variable, the layer's last).
const maskCols = 2

// slots is the mask rows per layer (three lanes and one zero).
const slots = 4

// zeroMasks, set only by tests, makes every mask row zero (the statistics
// of TestZeroKnowledge must then fail).
var zeroMasks bool

// maskRows returns M's row count for n levels: a power of two ≥ n·56·4.
func maskRows(n int) int {
	r := 1
	for r < n*Rounds*slots {
		r *= 2
	}
	return r
}

func rowOf(k, i, j int) int { return (k*Rounds+i)*slots + j }

// newMasks draws M for n levels: uniform rows, but round 0's fed-forward
// row is (2·m_1 − m_0)/3 = (M_E^{-1}·m)_1, so that the masked carry final
// equals the masked x̂_1 = (M_E^{-1}·ŝ^0)_1 as the unmasked ones do.
func newMasks(n int) mle.Table {
	m := make(mle.Table, maskRows(n)*maskCols)
	if zeroMasks {
		return m
	}
	for k := range n {
		for i := range Rounds {
			for j := range 3 {
				for b := range maskCols {
					if _, err := m[rowOf(k, i, j)*maskCols+b].SetRandom(); err != nil {
						panic("poseidon2gkr: crypto/rand failed: " + err.Error())
					}
				}
			}
		}
		m0, m1, c := rowOf(k, 0, 0)*maskCols, rowOf(k, 0, 1)*maskCols, rowOf(k, 0, 2)*maskCols
		for b := range maskCols {
			v := extInv([2]fr.Element{m[m0+b], m[m1+b]})
			m[c+b] = v[1]
		}
	}
	return m
}

// maskClaim states Σ_t Coefs_t·m̃_{Rows_t}(W) = Value: a tail's final.
type maskClaim struct {
	rows  []int
	coefs []fr.Element
	w     fr.Element
	value fr.Element
}

// zkRun is a zero-knowledge proof's state, the prover's (m set) or the
// verifier's: the mask table, the tail the next sumcheck takes and the
// mask claims so far.
type zkRun struct {
	m      mle.Table // prover only
	pend   *pendingTail
	claims []maskClaim
	// The Libra masks of every sumcheck, one pool slot each in proof
	// order (poolSlots): the prover's pool or the verifier's pv.
	pool *sumcheck.MaskPool
	pv   *sumcheck.PoolVerifier
	slot int
	// hook (tests) sees level k's round i: its plain lane tables, point
	// and proof; then (k = n) the leaves' sumcheck with plain[0] the
	// leaves, (k = −1) the mask claims' with plain[0] the mask table, and
	// (k = −2, no tables) the Libra masks' pool's reduction.
	hook func(k, i int, plain [3]mle.Table, rho []fr.Element, p *sumcheck.Proof)
}

// nextSlot returns the next sumcheck's pool slot.
func (z *zkRun) nextSlot() int {
	z.slot++
	return z.slot - 1
}

// poolSlots returns the round degrees of a zero-knowledge tree proof's
// sumchecks, in proof order: level k's 56 layers over max(k, 1) variables
// (the first of level 0 without a tail), the leaves' sumcheck over n (the
// leaves' f̂ masked over lc column variables, a tail) and the mask claims'
// over mVars (M̂ masked over mc). The shapes, not the tables, fix them,
// so the pool is committed before any challenge.
func poolSlots(n, lc, mVars, mc int) ([][]int, error) {
	var slots [][]int
	add := func(vars int, sh sumcheck.Shape) error {
		degs, err := sumcheck.RoundDegrees(vars, sh)
		slots = append(slots, degs)
		return err
	}
	one := fr.One()
	prod := []sumcheck.Term{{Coef: one, Factors: []int{0, 1}}}
	tail := &sumcheck.Tail{Point: make([]fr.Element, 1)}
	for k := range n {
		for i := Rounds - 1; i >= 0; i-- {
			sh := sumcheck.Shape{Tables: numTables, Terms: terms(&schedule[i], topWeights())}
			z := zkRun{}
			if k > 0 || i < Rounds-1 {
				z.pend = &pendingTail{tail: *tail}
			}
			z.shape(&sh)
			if err := add(max(k, 1), sh); err != nil {
				return nil, err
			}
		}
	}
	if err := add(n, sumcheck.Shape{Tables: 2, Terms: prod, Masked: []int{-1, lc}, Tail: tail}); err != nil {
		return nil, err
	}
	if err := add(mVars, sumcheck.Shape{Tables: 2, Terms: prod, Masked: []int{-1, mc}}); err != nil {
		return nil, err
	}
	return slots, nil
}

type pendingTail struct {
	tail  sumcheck.Tail
	rows  []int
	coefs []fr.Element
}

// setTail makes the next sumcheck's tail Z(point)·Σ_t coefs_t·m̃_{rows_t}
// at point's last coordinate (point: the masked finals' point).
func (z *zkRun) setTail(rows []int, coefs []fr.Element, point []fr.Element) {
	p := &pendingTail{rows: rows, coefs: coefs}
	p.tail.Coef = pcs.Vanishing(point)
	p.tail.Point = []fr.Element{point[len(point)-1]}
	if z.m != nil {
		p.tail.S = make([]fr.Element, maskCols)
		var t fr.Element
		for k, r := range rows {
			for b := range maskCols {
				t.Mul(&coefs[k], &z.m[r*maskCols+b])
				p.tail.S[b].Add(&p.tail.S[b], &t)
			}
		}
	}
	z.pend = p
}

// layerTail sets the tail for the layer below level k's round i, whose
// finals at rho are combined with the weights w.
func (z *zkRun) layerTail(k, i int, w [3]fr.Element, rho []fr.Element) {
	z.setTail([]int{rowOf(k, i, 0), rowOf(k, i, 1), rowOf(k, i, 2)}, w[:], rho)
}

// tailValue is the pending tail's Coef·s̃(Point) (prover), 0 without one.
func (z *zkRun) tailValue() fr.Element {
	var v fr.Element
	if z.pend == nil {
		return v
	}
	s, _ := mle.Table(z.pend.tail.S).Eval(z.pend.tail.Point)
	return *v.Mul(&s, &z.pend.tail.Coef)
}

// layer masks round i's lanes of level k in in and gives it the pending
// tail; it returns the claim less the tail (the tables' own sum).
func (z *zkRun) layer(in *sumcheck.Instance, k, i int, claim fr.Element) fr.Element {
	in.Masks = make([][]fr.Element, numTables)
	for j := range 3 {
		r := rowOf(k, i, j) * maskCols
		in.Masks[tU0+j] = z.m[r : r+maskCols]
	}
	if z.pend != nil {
		in.Tail = &z.pend.tail
	}
	tv := z.tailValue()
	return *claim.Sub(&claim, &tv)
}

// shape is the verifier's side of layer: the lanes masked (one variable)
// and the pending tail's Coef and Point.
func (z *zkRun) shape(sh *sumcheck.Shape) {
	sh.Masked = []int{-1, 1, 1, 1}
	if z.pend != nil {
		sh.Tail = &sumcheck.Tail{Coef: z.pend.tail.Coef, Point: z.pend.tail.Point}
	}
}

// done records the pending tail's final (at rho's last coordinate) as a
// mask claim.
func (z *zkRun) done(rho []fr.Element, tail *fr.Element) {
	if z.pend == nil {
		return
	}
	z.claims = append(z.claims, maskClaim{z.pend.rows, z.pend.coefs, rho[len(rho)-1], *tail})
	z.pend = nil
}

// descend is the zero-knowledge two-to-one step below level k (finals'
// point rho, masked x̂ = xs): the claim (1 − t)·a + t·b at (rho, μ), t = μ,
// or at (μ) with t = (μ − ρ)/(1 − 2ρ) below the padded root level (its
// inputs are ṽ_1(ρ) and ṽ_1(1 − ρ): [padRoot]); and the tail
// Z(rho)·((1 − t)·n_0 + t·n_1)(rho_last), n = M_E^{-1}·(m_{k,0,0}, m_{k,0,1})
// the masks of x̂: n_0 = (2m_0 − m_1)/3, n_1 = (2m_1 − m_0)/3.
func (z *zkRun) descend(mu fr.Element, rho []fr.Element, xs [2]fr.Element, k int) (Claim, error) {
	t := mu
	point := append(append([]fr.Element(nil), rho...), mu)
	if k == 0 {
		var den fr.Element
		one := fr.One()
		den.Double(&rho[0]).Sub(&one, &den)
		if den.IsZero() {
			return Claim{}, fmt.Errorf("the root level's point is 1/2 (probability 1/|F|): ṽ(ρ) and ṽ(1 − ρ) are one point")
		}
		den.Inverse(&den)
		t.Sub(&mu, &rho[0]).Mul(&t, &den)
		point = []fr.Element{mu}
	}
	var v, third, three fr.Element
	v.Sub(&xs[1], &xs[0]).Mul(&v, &t).Add(&v, &xs[0])
	three.SetUint64(3)
	third.Inverse(&three)
	c := make([]fr.Element, 2)
	one := fr.One()
	// c_0 = (2 − 3t)/3, c_1 = (3t − 1)/3.
	var t3, two fr.Element
	t3.Mul(&t, &three)
	two.Double(&one)
	c[0].Sub(&two, &t3).Mul(&c[0], &third)
	c[1].Sub(&t3, &one).Mul(&c[1], &third)
	z.setTail([]int{rowOf(k, 0, 0), rowOf(k, 0, 1)}, c, rho)
	return Claim{Point: point, W: topWeights(), Value: v}, nil
}

// padRoot returns the root level's tables over one variable: instance 0
// compresses (v_0, v_1) (the root), instance 1 (v_1, v_0), so that its
// inputs l(x) = v_x and r(x) = v_{1−x} have MLEs ṽ(ρ) and ṽ(1 − ρ) (a
// level of no variable has no Z ≠ 0 to mask it). The claim is at x = 0.
func padRoot(v1 mle.Table) mle.Table {
	return mle.Table{v1[0], v1[1], v1[1], v1[0]}
}
