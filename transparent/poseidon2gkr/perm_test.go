package poseidon2gkr

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// rand returns n field elements derived from seed (deterministic).
func rand(seed string, n int) []fr.Element {
	return transcript.New("poseidon2gkr/test/"+seed).Challenges("x", n)
}

// TestPermMatchesGnark: Perm is gnark-crypto's default permutation and
// Compress its Compress, bit for bit, on edge and random inputs.
func TestPermMatchesGnark(t *testing.T) {
	g := poseidon2.NewDefaultPermutation()
	var minus1 fr.Element
	minus1.SetInt64(-1)
	inputs := [][2]fr.Element{{}, {fr.One(), {}}, {{}, fr.One()}, {minus1, minus1}}
	r := rand("gnark", 40)
	for i := 0; i < len(r); i += 2 {
		inputs = append(inputs, [2]fr.Element{r[i], r[i+1]})
	}
	for i, x := range inputs {
		want := x
		if err := g.Permutation(want[:]); err != nil {
			t.Fatal(err)
		}
		if got := Perm(x); got != want {
			t.Fatalf("input %d: Perm = %v, gnark-crypto %v", i, got, want)
		}
		l, rr := x[0].Bytes(), x[1].Bytes()
		wantC, err := g.Compress(l[:], rr[:])
		if err != nil {
			t.Fatal(err)
		}
		c := Compress(x[0], x[1])
		if got := c.Marshal(); !bytes.Equal(got, wantC) {
			t.Fatalf("input %d: Compress = %x, gnark-crypto %x", i, got, wantC)
		}
	}
	// The inverse of M_E is M_E's.
	for i := 0; i+1 < len(r); i += 2 {
		x := [2]fr.Element{r[i], r[i+1]}
		if got := extInv(extIn(x)); got != x {
			t.Fatalf("extInv(extIn(x)) = %v, want %v", got, x)
		}
	}
}

// permCase is a batch of 2^n permutations with a claim at a random point.
type permCase struct {
	x     [2]mle.Table
	claim Claim
}

func newPermCase(n int) permCase {
	N := 1 << n
	r := rand(fmt.Sprint("perm", n), 2*N+n+3)
	x := [2]mle.Table{append(mle.Table(nil), r[:N]...), append(mle.Table(nil), r[N:2*N]...)}
	out := [3]mle.Table{make(mle.Table, N), make(mle.Table, N), x[1]}
	for j := range N {
		p := Perm([2]fr.Element{x[0][j], x[1][j]})
		out[0][j], out[1][j] = p[0], p[1]
	}
	c := Claim{Point: r[2*N : 2*N+n], W: [3]fr.Element{r[2*N+n], r[2*N+n+1], r[2*N+n+2]}}
	var t fr.Element
	for j := range 3 {
		v, _ := out[j].Eval(c.Point)
		t.Mul(&v, &c.W[j])
		c.Value.Add(&c.Value, &t)
	}
	return permCase{x, c}
}

// run proves pc (the prover's claim edited by claim, the proof by edit)
// and verifies it, checking the returned claims against x.
func (pc permCase) run(t *testing.T, claim func(*Claim), edit func(*PermProof)) error {
	t.Helper()
	pcl, vcl := pc.claim, pc.claim
	pcl.Point = append([]fr.Element(nil), pc.claim.Point...)
	if claim != nil {
		claim(&pcl)
	}
	proof, prho, pxs, err := ProvePerms(transcript.New("t"), pc.x, pcl)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&proof)
	}
	rho, xs, err := VerifyPerms(transcript.New("t"), vcl, proof)
	if err != nil {
		return err
	}
	if fmt.Sprint(rho) != fmt.Sprint(prho) || xs != pxs {
		t.Fatal("prover's and verifier's points or input claims differ")
	}
	for k := range 2 {
		if v, _ := pc.x[k].Eval(rho); !v.Equal(&xs[k]) {
			return fmt.Errorf("input lane %d's claim is false", k)
		}
	}
	return nil
}

func TestPerms(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 5} {
		pc := newPermCase(n)
		t.Run(fmt.Sprint("n=", n), func(t *testing.T) {
			if err := pc.run(t, nil, nil); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
		})
	}
}

func TestPermsRejected(t *testing.T) {
	one := fr.One()
	cases := []struct {
		name  string
		claim func(*Claim)
		edit  func(*PermProof)
	}{
		{"claimed value plus one", func(c *Claim) { c.Value.Add(&c.Value, &one) }, nil},
		{"claim on other weights", func(c *Claim) { c.W[0].Add(&c.W[0], &one) }, nil},
		{"round polynomial of the output layer", nil, func(p *PermProof) { p.Layers[0].Rounds[0][2].Add(&p.Layers[0].Rounds[0][2], &one) }},
		{"round polynomial of a middle layer", nil, func(p *PermProof) { p.Layers[30].Rounds[1][6].Add(&p.Layers[30].Rounds[1][6], &one) }},
		{"final u0 of a full round (claim between layers)", nil, func(p *PermProof) { p.Layers[1].Finals[tU0].Add(&p.Layers[1].Finals[tU0], &one) }},
		{"final u1 of a partial round (claim between layers)", nil, func(p *PermProof) { p.Layers[20].Finals[tU1].Add(&p.Layers[20].Finals[tU1], &one) }},
		{"fed-forward final", nil, func(p *PermProof) { p.Layers[55].Finals[tCarry].Add(&p.Layers[55].Finals[tCarry], &one) }},
		{"eq final", nil, func(p *PermProof) { p.Layers[3].Finals[tEq].Add(&p.Layers[3].Finals[tEq], &one) }},
		{"layer dropped", nil, func(p *PermProof) { p.Layers = p.Layers[1:] }},
		{"round dropped", nil, func(p *PermProof) { p.Layers[5].Rounds = p.Layers[5].Rounds[1:] }},
	}
	pc := newPermCase(2)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := pc.run(t, c.claim, c.edit)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
		})
	}
}
