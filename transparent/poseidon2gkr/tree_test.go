package poseidon2gkr

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = pcs.Params{RateLog: 1, Queries: 16}

// realMaskParams is sumcheck.MaskParams as the package sets it (the
// benchmarks restore it); the tests commit the Libra masks of their many
// sumchecks under cheaper parameters, as package logup's do.
var realMaskParams = sumcheck.MaskParams

func init() { sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 16, Hiding: true} }

// zkParams commit the leaves with a vanishing mask: zero knowledge.
var zkParams = pcs.Params{RateLog: 1, Queries: 16, Hiding: true, Vanishing: true}

// modes are the two kinds of proof.
var modes = []struct {
	name string
	p    pcs.Params
}{{"binding", testParams}, {"zk", zkParams}}

func leavesOf(n int) mle.Table {
	return append(mle.Table(nil), rand(fmt.Sprint("leaves", n), 1<<n)...)
}

// tree commits leaves, proves their tree under ch (deferring the opening
// when batched), edits the proof and verifies it against the root root
// gives (nil: the prover's).
func tree(t *testing.T, p pcs.Params, leaves mle.Table, batched bool, ch cheats, root func(fr.Element) fr.Element, edit func(*Proof)) error {
	t.Helper()
	data, err := pcs.Commit(p, leaves)
	if err != nil {
		t.Fatal(err)
	}
	var bp *batch.Prover
	var bv *batch.Verifier
	if batched {
		bp, bv = batch.NewProver(), batch.NewVerifier()
	}
	ptr, vtr := transcript.New("t"), transcript.New("t")
	proof, r, err := proveTree(ptr, data, bp, ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.leaves == nil && ch.carry == nil {
		if want, _ := Root(leaves); !want.Equal(&r) {
			t.Fatal("the prover's root is not Root's")
		}
	}
	var bproof batch.Proof
	if batched {
		if bproof, err = bp.Prove(ptr); err != nil {
			return fmt.Errorf("batch prover: %v", err)
		}
	}
	if root != nil {
		r = root(r)
	}
	if edit != nil {
		edit(&proof)
	}
	if err := VerifyTree(vtr, p, data.Commitment(), r, proof, bv); err != nil {
		return err
	}
	if batched {
		return bv.Verify(vtr, p, bproof)
	}
	return nil
}

func TestTree(t *testing.T) {
	for _, m := range modes {
		for _, n := range []int{0, 1, 2, 3, 5} {
			for _, batched := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/n=%d/batched=%v", m.name, n, batched), func(t *testing.T) {
					if err := tree(t, m.p, leavesOf(n), batched, cheats{}, nil, nil); err != nil {
						t.Fatalf("honest proof rejected: %v", err)
					}
				})
			}
		}
	}
}

// TestRoot: Root is the tree of Compress by hand for 4 leaves.
func TestRoot(t *testing.T) {
	l := leavesOf(2)
	want := Compress(Compress(l[0], l[1]), Compress(l[2], l[3]))
	if got, _ := Root(l); !got.Equal(&want) {
		t.Fatalf("Root = %v, want %v", got, want)
	}
	if got, _ := Root(l[:1]); !got.Equal(&l[0]) {
		t.Fatal("one leaf's root is not the leaf")
	}
	if _, err := Root(l[:3]); err == nil {
		t.Fatal("3 leaves accepted")
	}
}

func TestTreeRejected(t *testing.T) {
	one := fr.One()
	plusOne := func(r fr.Element) fr.Element { return *r.Add(&r, &one) }
	cases := []struct {
		name string
		zk   bool // only for zero-knowledge proofs
		root func(fr.Element) fr.Element
		edit func(*Proof)
	}{
		{"wrong root", false, plusOne, nil},
		{"round polynomial", false, nil, func(p *Proof) { g := p.Levels[2].Layers[7].Rounds[1]; g[4].Add(&g[4], &one) }},
		{"claim between layers (a final)", false, nil, func(p *Proof) { f := p.Levels[1].Layers[40].Finals; f[tU1].Add(&f[tU1], &one) }},
		{"claim between levels (the last layer's u0)", false, nil, func(p *Proof) { f := p.Levels[0].Layers[55].Finals; f[tU0].Add(&f[tU0], &one) }},
		{"level dropped", false, nil, func(p *Proof) { p.Levels = p.Levels[1:] }},
		{"levels swapped", false, nil, func(p *Proof) { p.Levels[1], p.Levels[2] = p.Levels[2], p.Levels[1] }},
		{"opening's column", false, nil, func(p *Proof) { p.Opening.Columns[0][0].Add(&p.Opening.Columns[0][0], &one) }},
		{"a layer's tail final (a mask claim)", true, nil, func(p *Proof) { v := p.Levels[1].Layers[3].Tail; v.Add(v, &one) }},
		{"a layer's Libra mask sum", true, nil, func(p *Proof) { m := p.Levels[2].Layers[9].Mask; m.Sum.Add(&m.Sum, &one) }},
		{"the leaves' sumcheck's L̂ final", true, nil, func(p *Proof) { f := p.ZK.Leaves.Finals; f[1].Add(&f[1], &one) }},
		{"the leaves' sumcheck's tail final", true, nil, func(p *Proof) { p.ZK.Leaves.Tail.Add(p.ZK.Leaves.Tail, &one) }},
		{"the mask reduction's M̂ final", true, nil, func(p *Proof) { f := p.ZK.Reduce.Finals; f[1].Add(&f[1], &one) }},
		{"the mask table's commitment", true, nil, func(p *Proof) { p.ZK.Masks.Root[0] ^= 1 }},
		{"the mask table's opening", true, nil, func(p *Proof) {
			c := p.ZK.MaskOpening.Columns[0]
			c[0].Add(&c[0], &one)
		}},
		{"zero-knowledge part dropped", true, nil, func(p *Proof) { p.ZK = nil }},
		{"a layer's Libra mask value (a pool slot's g(r))", true, nil, func(p *Proof) { m := p.Levels[1].Layers[20].Mask; m.Value.Add(&m.Value, &one) }},
		{"a layer's pooled mask given a commitment", true, nil, func(p *Proof) { p.Levels[0].Layers[0].Mask.Com = p.ZK.Pool }},
		{"the masks' pool's commitment", true, nil, func(p *Proof) { p.ZK.Pool.Root[0] ^= 1 }},
		{"the masks' pool's reduction", true, nil, func(p *Proof) { g := p.ZK.PoolOpening.Reduce.Rounds[0]; g[1].Add(&g[1], &one) }},
		{"the masks' pool's P̂ final", true, nil, func(p *Proof) { f := p.ZK.PoolOpening.Reduce.Finals; f[1].Add(&f[1], &one) }},
		{"the masks' pool's opening", true, nil, func(p *Proof) { c := p.ZK.PoolOpening.Open.Columns[0]; c[0].Add(&c[0], &one) }},
	}
	for _, m := range modes {
		for _, c := range cases {
			if c.zk && m.name != "zk" {
				continue
			}
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				err := tree(t, m.p, leavesOf(3), false, cheats{}, c.root, c.edit)
				if err == nil {
					t.Fatal("accepted")
				}
				t.Log(err)
			})
		}
		t.Run(m.name+"/wrong root, one leaf", func(t *testing.T) {
			if err := tree(t, m.p, leavesOf(0), false, cheats{}, plusOne, nil); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	t.Run("zero-knowledge proof under binding parameters", func(t *testing.T) {
		data, err := pcs.Commit(zkParams, leavesOf(2))
		if err != nil {
			t.Fatal(err)
		}
		proof, root, err := ProveTree(transcript.New("t"), data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyTree(transcript.New("t"), testParams, data.Commitment(), root, proof, nil); err == nil {
			t.Fatal("accepted")
		}
	})
}

// tampered returns leaves with entry i plus one.
func tampered(l mle.Table, i int) mle.Table {
	l = append(mle.Table(nil), l...)
	one := fr.One()
	l[i].Add(&l[i], &one)
	return l
}

// soundness lists cheating provers, with the verifier check that alone
// catches each (the key of verifyOmit: TestChecksNeeded). Each proves a
// root other than the committed leaves'.
var soundness = []struct {
	name, check string
	min         int  // the fewest leaf variables the cheat needs
	zk          bool // zero knowledge only
	ch          func(l mle.Table) cheats
}{
	{"tree of a tampered leaf, committed leaves opened", "open", 0, false, func(l mle.Table) cheats { return cheats{leaves: tampered(l, len(l)-1)} }},
	{"fed forward r + 1 at a node of the last level", "carry", 1, false, func(l mle.Table) cheats {
		return cheats{carry: func(k int, r mle.Table) mle.Table {
			if 1<<(k+1) == len(l) {
				r = tampered(r, 0)
			}
			return r
		}}
	}},
	{"fed forward r + 1 at the root", "carry", 1, false, func(l mle.Table) cheats {
		return cheats{carry: func(k int, r mle.Table) mle.Table {
			if k == 0 {
				r = tampered(r, 0)
			}
			return r
		}}
	}},
	{"tree of a tampered leaf, the committed leaves' tables under a forged eq below", "eq", 2, false, func(l mle.Table) cheats {
		return cheats{leaves: tampered(l, 1), forgeEq: true}
	}},
	{"tree of a tampered leaf, the committed leaves' sumcheck under a forged eq", "leafeq", 1, true, func(l mle.Table) cheats {
		return cheats{leaves: tampered(l, 0), forgeLeafEq: true}
	}},
	{"tree of a tampered leaf, the error moved into a false mask claim", "maskA", 1, true, func(l mle.Table) cheats {
		return cheats{leaves: tampered(l, 0), forgeMask: true}
	}},
}

func TestCheatsRejected(t *testing.T) {
	for _, m := range modes {
		for _, n := range []int{0, 1, 2, 3} {
			for _, c := range soundness {
				if n < c.min || c.zk && m.name != "zk" {
					continue
				}
				for _, batched := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/n=%d/%s/batched=%v", m.name, n, c.name, batched), func(t *testing.T) {
						err := tree(t, m.p, leavesOf(n), batched, c.ch(leavesOf(n)), nil, nil)
						if err == nil {
							t.Fatal("cheating proof accepted")
						}
						t.Log(err)
					})
				}
			}
		}
	}
}

// TestChecksNeeded: each cheat is accepted with its check deleted, so the
// suite fails if the check goes.
func TestChecksNeeded(t *testing.T) {
	for _, m := range modes {
		for _, n := range []int{2, 3} {
			for _, c := range soundness {
				if c.zk && m.name != "zk" {
					continue
				}
				t.Run(fmt.Sprintf("%s/n=%d/%s", m.name, n, c.name), func(t *testing.T) {
					verifyOmit = map[string]bool{c.check: true}
					defer func() { verifyOmit = nil }()
					if err := tree(t, m.p, leavesOf(n), false, c.ch(leavesOf(n)), nil, nil); err != nil {
						t.Fatalf("without the %s check, still rejected: %v", c.check, err)
					}
				})
			}
		}
	}
}
