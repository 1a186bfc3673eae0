package poseidon2gkr

import (
	"fmt"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Claim states Σ_j W_j·õut_j(Point) = Value on a batch's three output
// lanes out = (Perm(x)_0, Perm(x)_1, x_1): the permutation's two lanes and
// its second input fed forward (the compression's out_1 + out_2).
type Claim struct {
	Point []fr.Element
	W     [3]fr.Element
	Value fr.Element
}

// PermProof proves a [Claim] on N = 2^n permutations: one sumcheck per
// round, the output round (55) first. Each has n rounds of degree 6 and
// four finals: eq(ρ, ρ'), û_0, û_1 (the round's keyed input lanes) and the
// fed-forward lane, at its point ρ'.
type PermProof struct {
	Layers []sumcheck.Proof
}

// Size returns the proof's size in bytes, 32 per field element.
func (p *PermProof) Size() int {
	n := 0
	for i := range p.Layers {
		n += p.Layers[i].Size()
	}
	return n
}

// The layer sumcheck's tables: eq(ρ, ·), u_0, u_1 (the round's input plus
// its key) and the fed-forward lane.
const (
	tEq = iota
	tU0
	tU1
	tCarry
	numTables
)

// terms returns round r's sum for the output weights w: with
// β_k = Σ_j w_j·M[j][k],
//
//	Σ_j w_j·õut_j(ρ) = Σ_x eq(ρ, x)·(β_0·u_0(x)^5 + β_1·S(u_1(x)) + w_2·c(x)),
//
// S(u) = u^5 in a full round and u in a partial one: degree 6.
func terms(r *round, w [3]fr.Element) []sumcheck.Term {
	var b [2]fr.Element
	var t fr.Element
	for k := range 2 {
		b[k].Mul(&w[0], &r.m[0][k])
		t.Mul(&w[1], &r.m[1][k])
		b[k].Add(&b[k], &t)
	}
	five := func(k int) []int { return []int{tEq, k, k, k, k, k} }
	out := []sumcheck.Term{{Coef: b[0], Factors: five(tU0)}, {Coef: b[1], Factors: five(tU1)}, {Coef: w[2], Factors: []int{tEq, tCarry}}}
	if !r.full {
		out[1].Factors = []int{tEq, tU1}
	}
	return out
}

// next turns round i's finals into the claim on its input state's lanes
// and the fed-forward lane at ρ': s_k(ρ') = û_k − key_k, c(ρ') = ĉ.
func next(i int, fin []fr.Element) [3]fr.Element {
	var v [3]fr.Element
	v[0].Sub(&fin[tU0], &schedule[i].key[0])
	v[1].Sub(&fin[tU1], &schedule[i].key[1])
	v[2] = fin[tCarry]
	return v
}

// combine draws λ_1, λ_2 and returns the weights (1, λ_1, λ_2) and the
// combined claim v_0 + λ_1·v_1 + λ_2·v_2 (one linear form in the λ's:
// a false v survives with 1/|F|).
func combine(tr *transcript.Transcript, v [3]fr.Element) ([3]fr.Element, fr.Element) {
	w := [3]fr.Element{fr.One(), tr.Challenge("poseidon2gkr/lambda1"), tr.Challenge("poseidon2gkr/lambda2")}
	y := v[0]
	var t fr.Element
	for j := 1; j < 3; j++ {
		t.Mul(&w[j], &v[j])
		y.Add(&y, &t)
	}
	return w, y
}

// absorbClaim binds a batch's claim before its first layer.
func absorbClaim(tr *transcript.Transcript, c Claim) {
	tr.AppendUint64("poseidon2gkr/vars", uint64(len(c.Point)))
	tr.AppendElements("poseidon2gkr/claim", append(append([]fr.Element{c.Value}, c.W[:]...), c.Point...)...)
}

// layerHook, for the soundness tests, may rewrite round i's instance
// (tables and all) before it is proven; claim is the layer's claim.
type layerHook func(i int, in *sumcheck.Instance, claim fr.Element)

// ProvePerms proves c on the N = 2^n permutations of x (two lane tables of
// N entries; the fed-forward lane is x_1) and returns the proof, the point
// ρ' and x̃(ρ') = (x̃_0(ρ'), x̃_1(ρ')), claims the caller must check (by
// evaluating x or opening its commitment). The prover's c.Value must be
// the true one, or the verifier rejects.
func ProvePerms(tr *transcript.Transcript, x [2]mle.Table, c Claim) (PermProof, []fr.Element, [2]fr.Element, error) {
	if len(x[0]) != len(x[1]) || x[0].NumVars() != len(c.Point) {
		return PermProof{}, nil, [2]fr.Element{}, fmt.Errorf("poseidon2gkr: lanes of %d and %d entries for a claim at a point of %d coordinates (want 2^%d each)", len(x[0]), len(x[1]), len(c.Point), len(c.Point))
	}
	st := states(x)
	absorbClaim(tr, c)
	return provePerms(tr, &st, x[1], c, nil, nil, 0)
}

// provePerms runs the 56 layers from c down, on the states st and the
// fed-forward table carry; with z (zero knowledge, zk.go) every layer's
// lanes are masked factors under level k's mask rows, each sumcheck is
// masked and takes the tail z holds, and the finals are the masked ones.
func provePerms(tr *transcript.Transcript, st *[Rounds + 1][2]mle.Table, carry mle.Table, c Claim, hook layerHook, z *zkRun, k int) (PermProof, []fr.Element, [2]fr.Element, error) {
	proof := PermProof{Layers: make([]sumcheck.Proof, Rounds)}
	point, w, y := c.Point, c.W, c.Value
	var v [3]fr.Element
	for i := Rounds - 1; i >= 0; i-- {
		r := &schedule[i]
		in := sumcheck.Instance{Tables: make([]mle.Table, numTables), Terms: terms(r, w)}
		in.Tables[tEq] = mle.EqTable(point)
		for k := range 2 {
			u := make(mle.Table, len(carry))
			for j := range u {
				u[j].Add(&st[i][k][j], &r.key[k])
			}
			in.Tables[tU0+k] = u
		}
		in.Tables[tCarry] = append(mle.Table(nil), carry...)
		sum := y
		var plain [3]mle.Table
		if z != nil {
			sum = z.layer(&in, k, i, y)
			if z.hook != nil {
				plain = [3]mle.Table{slices.Clone(in.Tables[tU0]), slices.Clone(in.Tables[tU1]), slices.Clone(in.Tables[tCarry])}
			}
		}
		if hook != nil {
			hook(i, &in, sum)
		}
		var p sumcheck.Proof
		var rho []fr.Element
		var err error
		if z != nil {
			p, rho, err = sumcheck.ProveSumPooled(tr, y, in, z.pool, z.nextSlot())
		} else {
			p, rho, err = sumcheck.ProveSum(tr, y, in, false)
		}
		if err != nil {
			return PermProof{}, nil, [2]fr.Element{}, fmt.Errorf("poseidon2gkr: round %d: %v", i, err)
		}
		proof.Layers[Rounds-1-i] = p
		point = rho
		v = next(i, p.Finals)
		if z != nil {
			z.done(rho, p.Tail)
			if z.hook != nil {
				z.hook(k, i, plain, rho, &p)
			}
		}
		if i > 0 {
			w, y = combine(tr, v)
			if z != nil {
				z.layerTail(k, i, w, rho)
			}
		}
	}
	xs := extInv([2]fr.Element{v[0], v[1]})
	return proof, point, xs, nil
}

// VerifyPerms checks a [ProvePerms] proof of c on 2^n permutations
// (n = len(c.Point)) and returns ρ' and the stated x̃(ρ'), which the caller
// must check against x.
func VerifyPerms(tr *transcript.Transcript, c Claim, proof PermProof) ([]fr.Element, [2]fr.Element, error) {
	absorbClaim(tr, c)
	rho, xs, err := verifyPerms(tr, c, proof, nil, 0)
	if err != nil {
		return nil, xs, fmt.Errorf("poseidon2gkr: %v", err)
	}
	return rho, xs, nil
}

// verifyOmit, set only by tests, deletes the named checks ("eq", "carry",
// "open"; TestChecksNeeded).
var verifyOmit map[string]bool

// verifyPerms is VerifyPerms after the claim is absorbed, with z the
// zero-knowledge state of level k (nil: binding); its errors have no
// package prefix (the callers add theirs).
func verifyPerms(tr *transcript.Transcript, c Claim, proof PermProof, z *zkRun, k int) ([]fr.Element, [2]fr.Element, error) {
	var none [2]fr.Element
	if len(proof.Layers) != Rounds {
		return nil, none, fmt.Errorf("proof of %d layers, want %d (one per round)", len(proof.Layers), Rounds)
	}
	n := len(c.Point)
	point, w, y := c.Point, c.W, c.Value
	var v [3]fr.Element
	for i := Rounds - 1; i >= 0; i-- {
		sh := sumcheck.Shape{Tables: numTables, Terms: terms(&schedule[i], w)}
		if z != nil {
			z.shape(&sh)
		}
		var rho, fin []fr.Element
		var tail fr.Element
		var err error
		if z != nil {
			rho, fin, tail, err = sumcheck.VerifySumPooled(tr, y, n, sh, z.pv, z.nextSlot(), proof.Layers[Rounds-1-i])
		} else {
			rho, fin, tail, err = sumcheck.VerifySum(tr, y, n, sh, proof.Layers[Rounds-1-i])
		}
		if err != nil {
			return nil, none, fmt.Errorf("round %d's layer: %v", i, err)
		}
		if z != nil {
			z.done(rho, &tail)
		}
		// eq's final is the verifier's own: a prover free to choose it could
		// solve for a point where a false claim's sum comes out right.
		if e := mle.Eq(point, rho); !e.Equal(&fin[tEq]) && !verifyOmit["eq"] {
			return nil, none, fmt.Errorf("round %d's layer: eq final differs from eq(ρ, ρ')", i)
		}
		point = rho
		v = next(i, fin)
		if i > 0 {
			w, y = combine(tr, v)
			if z != nil {
				z.layerTail(k, i, w, rho)
			}
		}
	}
	xs := extInv([2]fr.Element{v[0], v[1]})
	// The fed-forward lane is x_1: its claim and the one derived from the
	// state must agree, or the prover fed forward something else.
	if !xs[1].Equal(&v[2]) && !verifyOmit["carry"] {
		return nil, none, fmt.Errorf("the fed-forward lane's final differs from the second input lane's at ρ'")
	}
	return point, xs, nil
}
