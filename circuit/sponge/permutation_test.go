package sponge

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	p2 "github.com/consensys/gnark/std/permutation/poseidon2"
	"github.com/consensys/gnark/test"
)

// permCircuit applies permute (or, with gnark set, gnark's gadget) to In
// Count times in a chain and, with Compare, asserts that every element of
// the result equals gnark's gadget's.
type permCircuit struct {
	In      [Width]frontend.Variable
	Count   int  `gnark:"-"`
	Gnark   bool `gnark:"-"`
	Compare bool `gnark:"-"`
}

func (c *permCircuit) Define(api frontend.API) error {
	ours := append([]frontend.Variable{}, c.In[:]...)
	theirs := append([]frontend.Variable{}, c.In[:]...)
	g, err := p2.NewPoseidon2FromParameters(api, Width, FullRounds, PartialRounds)
	if err != nil {
		return err
	}
	for range c.Count {
		if c.Gnark || c.Compare {
			if err := g.Permutation(theirs); err != nil {
				return err
			}
		}
		if !c.Gnark {
			permute(api, ours)
		}
	}
	if c.Compare {
		for j := range ours {
			api.AssertIsEqual(ours[j], theirs[j])
		}
	}
	return nil
}

// TestSameAsGnarkGadget: permute computes gnark's permutation, element for
// element, with as many constraints.
func TestSameAsGnarkGadget(t *testing.T) {
	m := message(Width, 3)
	var a permCircuit
	for j := range a.In {
		a.In[j] = m[j]
	}
	if err := test.IsSolved(&permCircuit{Count: 2, Compare: true}, &a, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("permute differs from gnark's gadget: %v", err)
	}
	count := func(gnark bool) int {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &permCircuit{Count: 1, Gnark: gnark})
		if err != nil {
			t.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	if ours, theirs := count(false), count(true); ours != theirs {
		t.Fatalf("%d constraints a permutation, gnark's gadget %d", ours, theirs)
	}
}

// BenchmarkCompile compiles 100 chained permutations, with permute and
// with gnark's gadget.
func BenchmarkCompile(b *testing.B) {
	for _, bc := range []struct {
		name  string
		gnark bool
	}{{"zkinfer", false}, {"gnark", true}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &permCircuit{Count: 100, Gnark: bc.gnark}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
