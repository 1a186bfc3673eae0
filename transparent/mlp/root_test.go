package mlp

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
	"github.com/zkinfer/zkinfer/transparent/weightpack"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// zkTestParams are the CLI's kind of parameters (hiding, vanishing masks),
// small.
var zkTestParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}

// TestCommittedRoot: two proofs of one model under one salt carry other
// weight commitments (fresh) and the same root, weightroot.Root of the
// weights and the salt; each verifies. The binding part is needed: a
// proof whose root is another salt's, whose packing or tree proof is
// dropped, swapped from the other proof or tampered, whose salt or leaves
// commitment is the other proof's, is rejected.
func TestCommittedRoot(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 33))
	m := model(t, rng, 16, 8, 4, 64)
	x := input(rng, 16)
	salt := [32]byte{11}
	prove := func() CommittedProof {
		cm, coms, err := m.CommitWeights(zkTestParams, salt)
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := ProveCommitted(zkTestParams, cm, coms, 1, x)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	_, y, _ := m.Run(1, x)
	p1, p2 := prove(), prove()
	tables, wide := m.WeightTables()
	root, err := weightroot.Root(tables, wide, salt)
	if err != nil {
		t.Fatal(err)
	}
	otherRoot, _ := weightroot.Root(tables, wide, [32]byte{12})
	for _, p := range []CommittedProof{p1, p2} {
		if p.ModelCommitment() != root {
			t.Fatal("the proof's model commitment is not weightroot.Root of the weights and the salt")
		}
		if err := VerifyCommitted(zkTestParams, m, 1, y, p); err != nil {
			t.Fatalf("honest proof rejected: %v", err)
		}
	}
	for i := range p1.Weights {
		if p1.Weights[i] == p2.Weights[i] {
			t.Fatalf("weight commitment %d repeats across proofs", i)
		}
	}
	if p1.Root.Salt == p2.Root.Salt || p1.Root.Leaves == p2.Root.Leaves {
		t.Fatal("the salt's or the leaves' commitment repeats across proofs")
	}
	for _, c := range []struct {
		name string
		edit func(p *CommittedProof)
	}{
		{"another salt's root", func(p *CommittedProof) { p.Root.Root = otherRoot }},
		{"pack dropped", func(p *CommittedProof) { p.Root.Pack = weightpack.Proof{} }},
		{"tree dropped", func(p *CommittedProof) { p.Root.Tree = poseidon2gkr.Proof{} }},
		{"pack swapped", func(p *CommittedProof) { p.Root.Pack = p2.Root.Pack }},
		{"tree swapped", func(p *CommittedProof) { p.Root.Tree = p2.Root.Tree }},
		{"salt swapped", func(p *CommittedProof) { p.Root.Salt = p2.Root.Salt }},
		{"leaves swapped", func(p *CommittedProof) { p.Root.Leaves = p2.Root.Leaves }},
		{"binding swapped", func(p *CommittedProof) { p.Root = p2.Root }},
		{"pack tampered", func(p *CommittedProof) {
			f := slices.Clone(p.Root.Pack.Sumcheck.Finals)
			f[1].SetInt64(3)
			p.Root.Pack.Sumcheck.Finals = f
		}},
		{"tree tampered", func(p *CommittedProof) {
			lv := slices.Clone(p.Root.Tree.Levels)
			ls := slices.Clone(lv[0].Layers)
			f := slices.Clone(ls[0].Finals)
			f[1].SetInt64(5)
			ls[0].Finals, lv[0].Layers, p.Root.Tree.Levels = f, ls, lv
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := p1
			c.edit(&p)
			if err := VerifyCommitted(zkTestParams, m, 1, y, p); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
