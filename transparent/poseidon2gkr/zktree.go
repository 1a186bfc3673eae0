package poseidon2gkr

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// ZKProof is what a zero-knowledge [Proof] adds (leaves committed with
// pcs.Params.Vanishing): the mask table's commitment, the sumcheck that
// moves the last claim onto the leaves' f̂ (Σ_x eq(z, x)·L̂(x) plus the
// last tail), the sumcheck reducing the mask claims to one claim on M̂,
// M's opening (empty when batched), the Libra masks' pool's commitment
// (every sumcheck's mask is a slot of it: sumcheck.MaskPool) and its one
// opening.
type ZKProof struct {
	Masks       pcs.Commitment
	Leaves      sumcheck.Proof
	Reduce      sumcheck.Proof
	MaskOpening pcs.Opening
	Pool        pcs.Commitment
	PoolOpening sumcheck.PoolOpening
}

// Size returns the bytes it adds (a commitment counts 48, as package
// sumcheck counts its masks').
func (z *ZKProof) Size() int {
	return 2*48 + z.Leaves.Size() + z.Reduce.Size() + z.MaskOpening.Size() + z.PoolOpening.Size()
}

// proveTreeZK is proveTree under zero knowledge, from the levels' values
// vs and fed-forward tables carries (vs[n] the leaves, n ≥ 1).
func proveTreeZK(tr *transcript.Transcript, data *pcs.ProverData, bp *batch.Prover, ch cheats, vs, carries []mle.Table, sts []*[Rounds + 1][2]mle.Table, cf func(int) func(mle.Table) mle.Table, hook func(k, i int, plain [3]mle.Table, rho []fr.Element, p *sumcheck.Proof)) (Proof, fr.Element, error) {
	n := len(vs) - 1
	out0, carry0, st0 := levelStates(padRoot(vs[1]), cf(0))
	root := out0[0]
	absorbTree(tr, data.Commitment(), root)
	z := &zkRun{m: newMasks(n), hook: hook}
	mdata, err := pcs.Commit(data.Params(), z.m)
	if err != nil {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: the mask table: %v", err)
	}
	zp := &ZKProof{Masks: mdata.Commitment()}
	zp.Masks.Absorb(tr, "poseidon2gkr/masks")
	// Every sumcheck's Libra mask in one pool, committed before any challenge.
	slots, err := poolSlots(n, data.Commitment().NumVars-data.Commitment().RowVars, zp.Masks.NumVars, zp.Masks.NumVars-zp.Masks.RowVars)
	if err != nil {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: the masks' pool: %v", err)
	}
	if z.pool, err = sumcheck.NewMaskPool(tr, slots); err != nil {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: the masks' pool: %v", err)
	}
	zp.Pool = z.pool.Commitment()
	proof := Proof{Levels: make([]PermProof, n), ZK: zp}
	c := Claim{Point: make([]fr.Element, 1), W: topWeights(), Value: root}
	for k := range n {
		st, carry := st0, carry0
		if k > 0 {
			st, carry = sts[k], carries[k]
		}
		var lh layerHook
		if ch.forgeEq && k == n-1 {
			lh = forgeHook(data.Table())
		}
		p, rho, xs, err := provePerms(tr, st, carry, c, lh, z, k)
		sts[k] = nil // consumed
		if err != nil {
			return Proof{}, fr.Element{}, err
		}
		proof.Levels[k] = p
		if c, err = z.descend(tr.Challenge("poseidon2gkr/mu"), rho, xs, k); err != nil {
			return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: level %d: %v", k, err)
		}
	}
	// The last claim is on ṽ_n = L̃ plus the tail: Σ_x eq(z, x)·L̂(x) with
	// L̂ the leaves' f̂ (the commitment's mask row), final L̂(ρ) a claim
	// on the commitment.
	leaves := vs[n]
	if ch.forgeEq || ch.forgeLeafEq || ch.forgeMask { // the committed leaves from here on
		leaves = data.Table()
	}
	in := sumcheck.Instance{
		Tables: []mle.Table{mle.EqTable(c.Point), append(mle.Table(nil), leaves...)},
		Masks:  [][]fr.Element{nil, data.MaskRow()},
		Terms:  []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}},
		Tail:   &z.pend.tail,
	}
	forgeLeaves(ch, &in, c, z)
	p, rhoL, err := sumcheck.ProveSumPooled(tr, c.Value, in, z.pool, z.nextSlot())
	if err != nil {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: the leaves' sumcheck: %v", err)
	}
	z.done(rhoL, p.Tail)
	zp.Leaves = p
	if z.hook != nil {
		z.hook(n, 0, [3]mle.Table{leaves}, rhoL, &p)
	}
	if zp.Reduce, zp.MaskOpening, err = proveMaskClaims(tr, z, mdata, bp, ch.forgeMask); err != nil {
		return Proof{}, fr.Element{}, err
	}
	if zp.PoolOpening, err = z.pool.Open(tr); err != nil {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: the masks' pool: %v", err)
	}
	if z.hook != nil {
		z.hook(-2, 0, [3]mle.Table{}, nil, &zp.PoolOpening.Reduce)
	}
	if proof.Opening, err = bp.Open(tr, data, rhoL); err != nil {
		return Proof{}, fr.Element{}, err
	}
	return proof, root, nil
}

// maskTable is A, the mask claims' coefficients under γ^t:
// A(r, b) = Σ_t γ^t·Σ_s coefs_{t,s}·[r = rows_{t,s}]·eq(w_t, b), so that
// Σ_t γ^t·value_t = Σ_x A(x)·M(x); also that sum (only the sum for
// rows = 0).
func maskTable(claims []maskClaim, gamma fr.Element, rows int) (mle.Table, fr.Element) {
	a := make(mle.Table, rows*maskCols)
	var sum, g, t, e fr.Element
	g.SetOne()
	one := fr.One()
	for _, c := range claims {
		for s, r := range c.rows {
			if rows == 0 { // the verifier: the sum only
				break
			}
			t.Mul(&g, &c.coefs[s])
			e.Sub(&one, &c.w).Mul(&e, &t)
			a[r*maskCols].Add(&a[r*maskCols], &e)
			e.Mul(&c.w, &t)
			a[r*maskCols+1].Add(&a[r*maskCols+1], &e)
		}
		t.Mul(&g, &c.value)
		sum.Add(&sum, &t)
		g.Mul(&g, &gamma)
	}
	return a, sum
}

// maskEval is Ã(ρ) for the verifier: Σ_t γ^t·Σ_s coefs·eq(r_s, ρ_row)·eq(w_t, ρ_last).
func maskEval(claims []maskClaim, gamma fr.Element, rho []fr.Element) fr.Element {
	e := mle.EqTable(rho[:len(rho)-1])
	last := rho[len(rho)-1]
	var out, g, t, u, one fr.Element
	one.SetOne()
	g.SetOne()
	for _, c := range claims {
		var rs fr.Element
		for s, r := range c.rows {
			t.Mul(&c.coefs[s], &e[r])
			rs.Add(&rs, &t)
		}
		// eq(w, ρ_last) = w·ρ + (1 − w)(1 − ρ).
		t.Mul(&c.w, &last)
		u.Sub(&one, &c.w)
		var v fr.Element
		v.Sub(&one, &last).Mul(&v, &u).Add(&v, &t)
		rs.Mul(&rs, &v).Mul(&rs, &g)
		out.Add(&out, &rs)
		g.Mul(&g, &gamma)
	}
	return out
}

// proveMaskClaims reduces z's mask claims to one claim M̂(ρ) by a masked
// sumcheck Σ_x A(x)·M̂(x) and opens M there (or defers it into bp).
func proveMaskClaims(tr *transcript.Transcript, z *zkRun, mdata *pcs.ProverData, bp *batch.Prover, forge bool) (sumcheck.Proof, pcs.Opening, error) {
	a, sum := maskTable(z.claims, tr.Challenge("poseidon2gkr/gamma"), len(z.m)/maskCols)
	if forge {
		forgeA(a, z.m, sum)
	}
	in := sumcheck.Instance{
		Tables: []mle.Table{a, append(mle.Table(nil), z.m...)},
		Masks:  [][]fr.Element{nil, mdata.MaskRow()},
		Terms:  []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}},
	}
	p, rho, err := sumcheck.ProveSumPooled(tr, sum, in, z.pool, z.nextSlot())
	if err != nil {
		return sumcheck.Proof{}, pcs.Opening{}, fmt.Errorf("poseidon2gkr: the mask claims' sumcheck: %v", err)
	}
	if z.hook != nil {
		z.hook(-1, 0, [3]mle.Table{z.m}, rho, &p)
	}
	op, err := bp.Open(tr, mdata, rho)
	if err != nil {
		return sumcheck.Proof{}, pcs.Opening{}, fmt.Errorf("poseidon2gkr: the mask table's opening: %v", err)
	}
	return p, op, nil
}

// verifyTreeZK is VerifyTree under zero knowledge (n ≥ 1 levels).
func verifyTreeZK(tr *transcript.Transcript, params pcs.Params, com pcs.Commitment, root fr.Element, proof Proof, bv *batch.Verifier) error {
	n := com.NumVars
	zp := proof.ZK
	if zp == nil {
		return fmt.Errorf("poseidon2gkr: a binding proof for a commitment with a vanishing mask (zero knowledge expected)")
	}
	if want := mle.Table(make([]fr.Element, maskRows(n)*maskCols)).NumVars(); zp.Masks.NumVars != want {
		return fmt.Errorf("poseidon2gkr: a mask table of 2^%d entries for 2^%d leaves, want 2^%d", zp.Masks.NumVars, n, want)
	}
	absorbTree(tr, com, root)
	zp.Masks.Absorb(tr, "poseidon2gkr/masks")
	z := &zkRun{}
	slots, err := poolSlots(n, com.NumVars-com.RowVars, zp.Masks.NumVars, zp.Masks.NumVars-zp.Masks.RowVars)
	if err != nil {
		return fmt.Errorf("poseidon2gkr: the masks' pool: %v", err)
	}
	if z.pv, err = sumcheck.NewPoolVerifier(tr, zp.Pool, slots); err != nil {
		return fmt.Errorf("poseidon2gkr: the masks' pool: %v", err)
	}
	c := Claim{Point: make([]fr.Element, 1), W: topWeights(), Value: root}
	for k := range n {
		rho, xs, err := verifyPerms(tr, c, proof.Levels[k], z, k)
		if err != nil {
			return fmt.Errorf("poseidon2gkr: level %d of %d (2^%d compressions): %v", k, n, k, err)
		}
		if c, err = z.descend(tr.Challenge("poseidon2gkr/mu"), rho, xs, k); err != nil {
			return fmt.Errorf("poseidon2gkr: level %d: %v", k, err)
		}
	}
	lc := com.NumVars - com.RowVars
	sh := sumcheck.Shape{Tables: 2, Terms: []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}}, Masked: []int{-1, lc},
		Tail: &sumcheck.Tail{Coef: z.pend.tail.Coef, Point: z.pend.tail.Point}}
	rhoL, fin, tail, err := sumcheck.VerifySumPooled(tr, c.Value, n, sh, z.pv, z.nextSlot(), zp.Leaves)
	if err != nil {
		return fmt.Errorf("poseidon2gkr: the leaves' sumcheck: %v", err)
	}
	if e := mle.Eq(c.Point, rhoL); !e.Equal(&fin[0]) && !verifyOmit["leafeq"] {
		return fmt.Errorf("poseidon2gkr: the leaves' sumcheck: eq final differs from eq(z, ρ)")
	}
	z.done(rhoL, &tail)
	gamma := tr.Challenge("poseidon2gkr/gamma")
	mc := zp.Masks.NumVars - zp.Masks.RowVars
	msh := sumcheck.Shape{Tables: 2, Terms: []sumcheck.Term{{Coef: fr.One(), Factors: []int{0, 1}}}, Masked: []int{-1, mc}}
	_, sum := maskTable(z.claims, gamma, 0)
	rhoM, mfin, _, err := sumcheck.VerifySumPooled(tr, sum, zp.Masks.NumVars, msh, z.pv, z.nextSlot(), zp.Reduce)
	if err != nil {
		return fmt.Errorf("poseidon2gkr: the mask claims' sumcheck: %v", err)
	}
	// A is the verifier's: a prover free to state Ã(ρ) could make any
	// mask claims, hence any tails, pass.
	if a := maskEval(z.claims, gamma, rhoM); !a.Equal(&mfin[0]) && !verifyOmit["maskA"] {
		return fmt.Errorf("poseidon2gkr: the mask claims' sumcheck: A's final differs from Ã(ρ)")
	}
	if err := bv.Check(tr, params, zp.Masks, rhoM, mfin[1], zp.MaskOpening); err != nil {
		return fmt.Errorf("poseidon2gkr: the mask table's opening: %v", err)
	}
	if err := z.pv.Verify(tr, zp.PoolOpening); err != nil {
		return fmt.Errorf("poseidon2gkr: the masks' pool: %v", err)
	}
	if verifyOmit["open"] {
		return nil
	}
	if err := bv.Check(tr, params, com, rhoL, fin[1], proof.Opening); err != nil {
		return fmt.Errorf("poseidon2gkr: the leaves' opening: %v", err)
	}
	return nil
}
