package poseidon2gkr

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Proof proves that a committed table of 2^n leaves is the leaves of a
// Merkle tree with a given root under [Compress]: one [PermProof] per
// level, the root's (one compression, 0 variables) first and the leaves'
// parents (2^(n−1) compressions) last, then the opening of the leaves'
// commitment at the last level's point (empty when batched).
type Proof struct {
	Levels  []PermProof
	Opening pcs.Opening
	ZK      *ZKProof // zero knowledge only (zk.go)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := p.Opening.Size()
	if p.ZK != nil {
		n += p.ZK.Size()
	}
	for i := range p.Levels {
		n += p.Levels[i].Size()
	}
	return n
}

// Root returns the Merkle root of 2^n leaves under [Compress]: level by
// level, node x of a level is Compress(child 2x, child 2x + 1); one leaf
// is its own root.
func Root(leaves mle.Table) (fr.Element, error) {
	if leaves.NumVars() < 0 {
		return fr.Element{}, fmt.Errorf("poseidon2gkr: %d leaves, not a power of two (pad the leaves)", len(leaves))
	}
	v := leaves
	for len(v) > 1 {
		v, _ = level(v, nil)
	}
	return v[0], nil
}

// children returns a level's inputs from the level below v:
// l(x) = v(2x) = ṽ(x, 0) and r(x) = v(2x + 1) = ṽ(x, 1).
func children(v mle.Table) [2]mle.Table {
	h := len(v) / 2
	x := [2]mle.Table{make(mle.Table, h), make(mle.Table, h)}
	for j := range h {
		x[0][j], x[1][j] = v[2*j], v[2*j+1]
	}
	return x
}

// levelStates is level with the permutations' states (states), which the
// prover keeps for the level's layers: each permutation is evaluated once.
func levelStates(v mle.Table, carry func(mle.Table) mle.Table) (mle.Table, mle.Table, *[Rounds + 1][2]mle.Table) {
	x := children(v)
	c := x[1]
	if carry != nil {
		c = carry(append(mle.Table(nil), c...))
	}
	st := states(x)
	out := make(mle.Table, len(c))
	for j := range out {
		out[j].Add(&st[Rounds][1][j], &c[j])
	}
	return out, c, &st
}

// level returns the compressions of v's pairs and the fed-forward table
// (r, or what carry makes of it: the tests' cheating prover).
func level(v mle.Table, carry func(mle.Table) mle.Table) (mle.Table, mle.Table) {
	x := children(v)
	c := x[1]
	if carry != nil {
		c = carry(append(mle.Table(nil), c...))
	}
	out := make(mle.Table, len(c))
	par.For(len(out), 64, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			p := Perm([2]fr.Element{x[0][j], x[1][j]})
			out[j].Add(&p[1], &c[j])
		}
	})
	return out, c
}

// cheats let the soundness tests play a dishonest prover.
type cheats struct {
	// leaves: the tree is computed and proven over these, not the
	// committed table (whose opening then differs: the "open" check).
	leaves mle.Table
	// carry rewrites level k's fed-forward table (out = Perm(l, r)_1 + c
	// with c ≠ r): the "carry" check.
	carry func(k int, r mle.Table) mle.Table
	// forgeEq: with leaves set, the last level's round 0 runs on the
	// committed leaves' tables with eq(r', ·) for a solved r', so that
	// everything below is the committed table's: the "eq" check.
	forgeEq bool
	// forgeLeafEq, forgeMask (zero knowledge, with leaves set): the
	// leaves' sumcheck runs on the committed leaves under a forged eq (the
	// "leafeq" check), or with a shifted tail and a forged mask reduction
	// (the "maskA" check): forgeLeaves.
	forgeLeafEq, forgeMask bool
}

func absorbTree(tr *transcript.Transcript, com pcs.Commitment, root fr.Element) {
	tr.AppendUint64("poseidon2gkr/leaves", uint64(com.NumVars))
	com.Absorb(tr, "poseidon2gkr/commitment")
	tr.AppendElements("poseidon2gkr/root", root)
}

// ProveTree proves that the table committed in data has the Merkle root
// [Root] returns, which it returns too. The leaves' opening (and under
// zero knowledge the mask table's) is deferred into bp (package batch)
// when bp is not nil. A commitment with a vanishing mask
// (pcs.Params.Hiding and Vanishing) makes the proof zero knowledge
// (package doc); without, it is binding only.
func ProveTree(tr *transcript.Transcript, data *pcs.ProverData, bp *batch.Prover) (Proof, fr.Element, error) {
	return proveTree(tr, data, bp, cheats{}, nil)
}

func proveTree(tr *transcript.Transcript, data *pcs.ProverData, bp *batch.Prover, ch cheats, zkHook func(k, i int, plain [3]mle.Table, rho []fr.Element, p *sumcheck.Proof)) (Proof, fr.Element, error) {
	zk := data.Params().Vanishing
	if zk && !data.Params().Hiding {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: a vanishing mask without pcs.Params.Hiding; commit the leaves with both for zero knowledge")
	}
	leaves := data.Table()
	if ch.leaves != nil {
		leaves = ch.leaves
	}
	n := leaves.NumVars()
	if n < 0 || n != data.Commitment().NumVars {
		return Proof{}, fr.Element{}, fmt.Errorf("poseidon2gkr: %d leaves for a commitment of 2^%d entries", len(leaves), data.Commitment().NumVars)
	}
	// vs[k] is depth k's values (2^k), vs[n] the leaves; carries[k] the
	// fed-forward table of level k's compressions.
	vs := make([]mle.Table, n+1)
	carries := make([]mle.Table, n)
	vs[n] = leaves
	cf := func(k int) func(mle.Table) mle.Table {
		if ch.carry == nil {
			return nil
		}
		return func(r mle.Table) mle.Table { return ch.carry(k, r) }
	}
	sts := make([]*[Rounds + 1][2]mle.Table, n)
	for k := n - 1; k >= 0; k-- {
		vs[k], carries[k], sts[k] = levelStates(vs[k+1], cf(k))
	}
	if zk && n > 0 {
		return proveTreeZK(tr, data, bp, ch, vs, carries, sts, cf, zkHook)
	}
	root := vs[0][0]
	absorbTree(tr, data.Commitment(), root)
	proof := Proof{Levels: make([]PermProof, n)}
	c := Claim{W: topWeights(), Value: root}
	for k := range n {
		var hook layerHook
		if ch.forgeEq && k == n-1 {
			hook = forgeHook(data.Table())
		}
		p, rho, xs, err := provePerms(tr, sts[k], carries[k], c, hook, nil, k)
		sts[k] = nil // consumed
		if err != nil {
			return Proof{}, fr.Element{}, err
		}
		proof.Levels[k] = p
		c = descend(tr, rho, xs)
	}
	var err error
	if proof.Opening, err = bp.Open(tr, data, c.Point); err != nil {
		return Proof{}, fr.Element{}, err
	}
	return proof, root, nil
}

// topWeights are a compression's output weights: out = out_1 + out_2.
func topWeights() [3]fr.Element { return [3]fr.Element{{}, fr.One(), fr.One()} }

// descend turns the claims l̃(ρ') = a, r̃(ρ') = b on a level's inputs into
// one claim on the level below: ṽ(ρ', 0) = a and ṽ(ρ', 1) = b are two
// points of the line t ↦ ṽ(ρ', t), of degree 1 (ṽ is multilinear), so
// with μ drawn after both, ṽ(ρ', μ) = (1 − μ)·a + μ·b: exact, and a false
// a or b survives with probability 1/|F| (the line's two-to-one reduction
// with no polynomial to send).
func descend(tr *transcript.Transcript, rho []fr.Element, xs [2]fr.Element) Claim {
	mu := tr.Challenge("poseidon2gkr/mu")
	var v fr.Element
	v.Sub(&xs[1], &xs[0]).Mul(&v, &mu)
	v.Add(&v, &xs[0])
	return Claim{Point: append(append([]fr.Element(nil), rho...), mu), W: topWeights(), Value: v}
}

// VerifyTree checks that the table committed in com (2^com.NumVars leaves)
// has the Merkle root root under [Compress]; the leaves' claim is checked
// by bv (deferred) or at once (bv nil). Under params with a vanishing mask
// the proof must be zero knowledge (of [ProveTree] on such a commitment).
func VerifyTree(tr *transcript.Transcript, params pcs.Params, com pcs.Commitment, root fr.Element, proof Proof, bv *batch.Verifier) error {
	n := com.NumVars
	if n < 0 || n > 40 {
		return fmt.Errorf("poseidon2gkr: a commitment of %d variables (want 0..40: 2^n leaves)", n)
	}
	if len(proof.Levels) != n {
		return fmt.Errorf("poseidon2gkr: proof of %d levels for 2^%d leaves, want %d", len(proof.Levels), n, n)
	}
	if params.Vanishing && n > 0 {
		return verifyTreeZK(tr, params, com, root, proof, bv)
	}
	if proof.ZK != nil {
		return fmt.Errorf("poseidon2gkr: a zero-knowledge proof for parameters without a vanishing mask")
	}
	absorbTree(tr, com, root)
	c := Claim{W: topWeights(), Value: root}
	for k := range n {
		rho, xs, err := verifyPerms(tr, c, proof.Levels[k], nil, k)
		if err != nil {
			return fmt.Errorf("poseidon2gkr: level %d of %d (2^%d compressions): %v", k, n, k, err)
		}
		c = descend(tr, rho, xs)
	}
	if verifyOmit["open"] {
		return nil
	}
	if err := bv.Check(tr, params, com, c.Point, c.Value, proof.Opening); err != nil {
		return fmt.Errorf("poseidon2gkr: the leaves' opening: %v", err)
	}
	return nil
}
