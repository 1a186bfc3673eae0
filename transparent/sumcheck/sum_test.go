package sumcheck

import (
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// sumCase is a random sum of products: m tables of 2^n entries and terms
// of the given factor lists (random coefficients, coefficient 1 for the
// first term).
type sumCase struct {
	name   string
	n, m   int
	terms  [][]int
	masked map[int]int // table → its mask's variables c
	tail   int         // the tail's variables c, or −1 for none
}

var sumCases = []sumCase{
	{"one product", 4, 2, [][]int{{0, 1}}, nil, -1},
	{"n=0", 0, 2, [][]int{{0, 1}, {1}}, nil, -1},
	{"n=1", 1, 3, [][]int{{0, 1, 2}, {2}}, nil, -1},
	{"shared tables", 5, 3, [][]int{{0, 1}, {1, 2}, {0, 2, 2}}, nil, -1},
	{"degrees 1 to 4", 4, 4, [][]int{{3}, {0, 1}, {0, 1, 2}, {3, 2, 1, 0}}, nil, -1},
	{"square", 3, 1, [][]int{{0, 0}}, nil, -1},
	{"masked c<n", 4, 2, [][]int{{0, 1}}, map[int]int{0: 2}, -1},
	{"masked c=n, two", 3, 2, [][]int{{0, 1}, {1}}, map[int]int{0: 3, 1: 3}, -1},
	{"masked c=0", 3, 3, [][]int{{0, 1, 2}, {2, 1}}, map[int]int{1: 0}, -1},
	{"masked n=1", 1, 2, [][]int{{0, 1}}, map[int]int{0: 1, 1: 0}, -1},
	{"masked square", 3, 2, [][]int{{0, 0}, {1}}, map[int]int{0: 1}, -1},
	{"tail c<n", 4, 2, [][]int{{0, 1}}, nil, 2},
	{"tail c=n", 3, 2, [][]int{{0, 1}, {1}}, nil, 3},
	{"tail c>n", 2, 2, [][]int{{0, 1}}, nil, 4},
	{"tail c=0", 3, 1, [][]int{{0}}, nil, 0},
	{"tail n=1", 1, 2, [][]int{{0, 1}}, nil, 1},
	{"tail n=1 c>n", 1, 2, [][]int{{0, 1}}, nil, 3},
	{"tail n=0", 0, 1, [][]int{{0, 0}}, nil, 2},
	{"tail, masked, degree 1", 4, 1, [][]int{{0}}, map[int]int{0: 2}, 3},
	{"tail, masked c=n", 3, 3, [][]int{{0, 1}, {1, 2}}, map[int]int{1: 3, 2: 1}, 5},
}

// instance returns a random instance of c, its claim and a copy of its tables.
func (c sumCase) instance() (Instance, fr.Element, []mle.Table) {
	in := Instance{Tables: randTables(c.m, c.n)}
	for t, f := range c.terms {
		term := Term{Factors: f}
		if t == 0 {
			term.Coef.SetOne()
		} else {
			term.Coef.SetRandom()
		}
		in.Terms = append(in.Terms, term)
	}
	if c.masked != nil {
		in.Masks = make([][]fr.Element, c.m)
		for k, cv := range c.masked {
			in.Masks[k] = randTables(1, cv)[0]
		}
	}
	if c.tail >= 0 {
		in.Tail = &Tail{Point: make([]fr.Element, c.tail), S: randTables(1, c.tail)[0]}
		for i := range in.Tail.Point {
			in.Tail.Point[i].SetRandom()
		}
		in.Tail.Coef.SetRandom()
	}
	return in, sumOf(in), clone(in.Tables)
}

// tailAt is what the tail's final must be: s̃(P_{..c−n}, ρ_{n−c'..}).
func tailAt(tl *Tail, rho []fr.Element) fr.Element {
	n, c := len(rho), len(tl.Point)
	var at []fr.Element
	if c > n {
		at = append(append(at, tl.Point[:c-n]...), rho...)
	} else {
		at = rho[n-c:]
	}
	v, _ := mle.Table(tl.S).Eval(at)
	return v
}

// hatAt returns T̂(ρ) = T̃(ρ) + Z(ρ)·s̃(ρ_{n−c..n−1}) (T̃(ρ) for s nil).
func hatAt(tb mle.Table, s []fr.Element, rho []fr.Element) fr.Element {
	v, _ := tb.Eval(rho)
	if s == nil {
		return v
	}
	c := mle.Table(s).NumVars()
	sv, _ := mle.Table(s).Eval(rho[len(rho)-c:])
	var one, z, t fr.Element
	one.SetOne()
	z.SetOne()
	for _, r := range rho {
		t.Sub(&one, &r).Mul(&t, &r)
		z.Mul(&z, &t)
	}
	sv.Mul(&sv, &z)
	return *v.Add(&v, &sv)
}

// sumOf computes Σ_x Σ_t Coef_t·Π_k T_k(x) + Coef·s̃(P) directly.
func sumOf(in Instance) fr.Element {
	var s fr.Element
	if tl := in.Tail; tl != nil {
		v, _ := mle.Table(tl.S).Eval(tl.Point)
		s.Mul(&v, &tl.Coef)
	}
	for i := range in.Tables[0] {
		for _, term := range in.Terms {
			p := term.Coef
			for _, k := range term.Factors {
				p.Mul(&p, &in.Tables[k][i])
			}
			s.Add(&s, &p)
		}
	}
	return s
}

// TestSumHonest: random sums of products, zk off and on, prove and verify;
// the accepted finals are the tables at ρ.
func TestSumHonest(t *testing.T) {
	for _, c := range sumCases {
		for _, zk := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/zk=%v", c.name, zk), func(t *testing.T) {
				in, claim, orig := c.instance()
				sh := in.Shape()
				proof, rho, err := proveSum(transcript.New("s"), claim, in, zk, maskParams)
				if err != nil {
					t.Fatal(err)
				}
				if (proof.Mask != nil) != (zk && c.n > 0) {
					t.Fatalf("mask present %v, zk %v, n %d", proof.Mask != nil, zk, c.n)
				}
				vr, fin, tail, err := verifySum(transcript.New("s"), claim, c.n, sh, maskParams, proof)
				if err != nil {
					t.Fatalf("honest proof rejected: %v", err)
				}
				for j := range rho {
					if !rho[j].Equal(&vr[j]) {
						t.Fatalf("prover and verifier points differ at %d", j)
					}
				}
				for k := range orig {
					var m []fr.Element
					if in.Masks != nil {
						m = in.Masks[k]
					}
					if v := hatAt(orig[k], m, rho); !v.Equal(&fin[k]) {
						t.Fatalf("final %d is not T̂_%d(ρ)", k, k)
					}
				}
				if in.Tail != nil {
					if want := tailAt(in.Tail, rho); !want.Equal(&tail) {
						t.Fatal("the tail's final is not s̃(…, ρ)")
					}
				} else if !tail.IsZero() || proof.Tail != nil {
					t.Fatal("a tail final without a tail")
				}
				// Every round is sent at its own degree, zk or not: d + 1
				// values before the last, dl + 1 in it (dl > d when masked).
				d, dl := sh.degrees(c.n)
				for j, g := range proof.Rounds {
					want := d
					if j == c.n-1 {
						want = dl
					}
					if len(g) != want+1 {
						t.Fatalf("round %d has %d values, want %d", j, len(g), want+1)
					}
				}
				if in.Masks != nil && c.n > 0 && dl <= d {
					t.Fatalf("masked: last round of degree %d, rounds before %d", dl, d)
				}
			})
		}
	}
}

// TestSumMatchesProve: one product with coefficient 1 proves the same
// rounds and finals as Prove (the transcripts differ by the header).
func TestSumMatchesProve(t *testing.T) {
	ts := randTables(3, 5)
	claim := sumProd(ts)
	p1, _, _, err := Prove(transcript.New("x"), claim, clone(ts))
	if err != nil {
		t.Fatal(err)
	}
	var one fr.Element
	one.SetOne()
	in := Instance{Tables: clone(ts), Terms: []Term{{Coef: one, Factors: []int{0, 1, 2}}}}
	p2, _, err := ProveSum(transcript.New("x"), claim, in, false)
	if err != nil {
		t.Fatal(err)
	}
	// Round 0 has no challenge behind it: equal values.
	for x := range p1.Rounds[0] {
		if !p1.Rounds[0][x].Equal(&p2.Rounds[0][x]) {
			t.Fatalf("round 0 value at %d differs from Prove's", x)
		}
	}
}

// TestSumRejected: every tampering of a sum-of-products proof, zk on and
// off, is rejected, and a prover on a false claim too.
func TestSumRejected(t *testing.T) {
	plain := sumCase{"plain", 4, 3, [][]int{{0, 1}, {1, 2}, {0, 2, 2}}, nil, -1}
	masked := sumCase{"masked", 4, 3, [][]int{{0, 1}, {1, 2}, {0, 2, 2}}, map[int]int{0: 2, 2: 4}, -1}
	tailed := sumCase{"tail c<n, masked", 4, 3, [][]int{{0, 1}, {1, 2}, {0, 2, 2}}, map[int]int{0: 2, 2: 4}, 2}
	tailedWide := sumCase{"tail c>n", 4, 3, [][]int{{0, 1}, {1, 2}, {0, 2, 2}}, nil, 6}
	one := fr.One()
	type edit func(claim *fr.Element, sh *Shape, p *Proof)
	cases := map[string]edit{
		"claim off by one": func(cl *fr.Element, sh *Shape, p *Proof) { cl.Add(cl, &one) },
		// A cheater on claim+1 that fixes round 0 to pass its check: round 1 fails.
		"false claim, round 0 fixed up": func(cl *fr.Element, sh *Shape, p *Proof) {
			cl.Add(cl, &one)
			p.Rounds[0][0].Add(&p.Rounds[0][0], &one)
		},
		"round 1 value":    func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[1][2].Add(&p.Rounds[1][2], &one) },
		"last round value": func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[3][3].Add(&p.Rounds[3][3], &one) },
		"round 2 shifted in sum": func(cl *fr.Element, sh *Shape, p *Proof) {
			p.Rounds[2][0].Add(&p.Rounds[2][0], &one)
			p.Rounds[2][1].Sub(&p.Rounds[2][1], &one)
		},
		"final 2":                  func(cl *fr.Element, sh *Shape, p *Proof) { p.Finals[2].Add(&p.Finals[2], &one) },
		"finals swapped":           func(cl *fr.Element, sh *Shape, p *Proof) { p.Finals[0], p.Finals[1] = p.Finals[1], p.Finals[0] },
		"a coefficient":            func(cl *fr.Element, sh *Shape, p *Proof) { sh.Terms[1].Coef.Add(&sh.Terms[1].Coef, &one) },
		"a factor":                 func(cl *fr.Element, sh *Shape, p *Proof) { sh.Terms[2].Factors = []int{0, 1, 2} },
		"round dropped":            func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds = p.Rounds[1:] },
		"last round extra value":   func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[3] = append(p.Rounds[3], one) },
		"last round value dropped": func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[3] = p.Rounds[3][:3] },
		"final dropped":            func(cl *fr.Element, sh *Shape, p *Proof) { p.Finals = p.Finals[:2] },
	}
	zkCases := map[string]edit{
		"mask sum":     func(cl *fr.Element, sh *Shape, p *Proof) { p.Mask.Sum.Add(&p.Mask.Sum, &one) },
		"mask value":   func(cl *fr.Element, sh *Shape, p *Proof) { p.Mask.Value.Add(&p.Mask.Value, &one) },
		"mask opening": func(cl *fr.Element, sh *Shape, p *Proof) { p.Mask.Open.U[0].Add(&p.Mask.Open.U[0], &one) },
		"mask root":    func(cl *fr.Element, sh *Shape, p *Proof) { p.Mask.Com.Root[0] ^= 1 },
		"mask dropped": func(cl *fr.Element, sh *Shape, p *Proof) { p.Mask = nil },
		"mask value and final": func(cl *fr.Element, sh *Shape, p *Proof) {
			p.Mask.Value.Add(&p.Mask.Value, &one)
			p.Finals[0].Sub(&p.Finals[0], &one)
		},
	}
	maskedCases := map[string]edit{
		// The last round is of degree 9 (term 2: three masked factors), the others 3.
		"last round's top value":     func(cl *fr.Element, sh *Shape, p *Proof) { g := p.Rounds[3]; g[len(g)-1].Add(&g[len(g)-1], &one) },
		"last round's value at 5":    func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[3][5].Add(&p.Rounds[3][5], &one) },
		"last round cut to degree 3": func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[3] = p.Rounds[3][:4] },
		// Round 1 sent, as before per-round degrees, at the largest degree:
		// the same polynomial at more points, refused by its length.
		"round 1 at the last round's degree": func(cl *fr.Element, sh *Shape, p *Proof) { p.Rounds[1] = Extend(p.Rounds[1], len(p.Rounds[3])-1) },
		"masked final":                       func(cl *fr.Element, sh *Shape, p *Proof) { p.Finals[0].Add(&p.Finals[0], &one) },
		"masks left out of the shape":        func(cl *fr.Element, sh *Shape, p *Proof) { sh.Masked = nil },
		"masks all plain":                    func(cl *fr.Element, sh *Shape, p *Proof) { sh.Masked = []int{-1, -1, -1} },
		"a mask's variables changed":         func(cl *fr.Element, sh *Shape, p *Proof) { sh.Masked = []int{1, -1, 4} },
		"a plain factor said masked":         func(cl *fr.Element, sh *Shape, p *Proof) { sh.Masked = []int{2, 0, 4} },
	}
	tailCases := map[string]edit{
		"tail final":         func(cl *fr.Element, sh *Shape, p *Proof) { p.Tail.Add(p.Tail, &one) },
		"tail final dropped": func(cl *fr.Element, sh *Shape, p *Proof) { p.Tail = nil },
		"tail dropped":       func(cl *fr.Element, sh *Shape, p *Proof) { sh.Tail = nil; p.Tail = nil },
		"tail's coefficient": func(cl *fr.Element, sh *Shape, p *Proof) {
			sh.Tail = &Tail{Coef: sh.Tail.Coef, Point: sh.Tail.Point}
			sh.Tail.Coef.Add(&sh.Tail.Coef, &one)
		},
		"tail's point": func(cl *fr.Element, sh *Shape, p *Proof) {
			sh.Tail = &Tail{Coef: sh.Tail.Coef, Point: append([]fr.Element(nil), sh.Tail.Point...)}
			sh.Tail.Point[0].Add(&sh.Tail.Point[0], &one)
		},
		// A tail final and a final shifted so that the last check could still hold for one ρ.
		"tail final and a final": func(cl *fr.Element, sh *Shape, p *Proof) {
			p.Tail.Add(p.Tail, &one)
			p.Finals[1].Sub(&p.Finals[1], &one)
		},
	}
	for _, c := range []sumCase{plain, masked, tailed, tailedWide} {
		for _, zk := range []bool{false, true} {
			all := map[string]edit{}
			for k, v := range cases {
				all[k] = v
			}
			if zk {
				for k, v := range zkCases {
					all[k] = v
				}
			}
			if c.masked != nil {
				for k, v := range maskedCases {
					all[k] = v
				}
			}
			if c.tail >= 0 {
				for k, v := range tailCases {
					all[k] = v
				}
			}
			for name, e := range all {
				t.Run(fmt.Sprintf("%s/zk=%v/%s", c.name, zk, name), func(t *testing.T) {
					in, claim, _ := c.instance()
					proof, _, err := proveSum(transcript.New("r"), claim, in, zk, maskParams)
					if err != nil {
						t.Fatal(err)
					}
					sh := in.Shape()
					sh.Terms = append([]Term(nil), sh.Terms...)
					e(&claim, &sh, &proof)
					if _, _, _, err := verifySum(transcript.New("r"), claim, c.n, sh, maskParams, proof); err == nil {
						t.Fatal("accepted")
					}
				})
			}
			t.Run(fmt.Sprintf("%s/zk=%v/false claim", c.name, zk), func(t *testing.T) {
				// The prover binds claim+1 and proves it as well as it can.
				in, claim, _ := c.instance()
				claim.Add(&claim, &one)
				sh := in.Shape()
				proof, _, err := proveSum(transcript.New("f"), claim, in, zk, maskParams)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, _, err := verifySum(transcript.New("f"), claim, c.n, sh, maskParams, proof); err == nil {
					t.Fatal("false claim accepted")
				}
			})
		}
	}
}

// TestSumShapeMasksNil: an instance whose Masks are all nil is the
// statement of a Shape with Masked nil, or all −1.
func TestSumShapeMasksNil(t *testing.T) {
	c := sumCase{"nil masks", 3, 2, [][]int{{0, 1}}, nil, -1}
	for _, masked := range [][]int{nil, {-1, -1}} {
		in, claim, _ := c.instance()
		in.Masks = make([][]fr.Element, 2)
		proof, _, err := proveSum(transcript.New("n"), claim, in, false, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		sh := Shape{Tables: 2, Terms: in.Terms, Masked: masked}
		if _, _, _, err := verifySum(transcript.New("n"), claim, c.n, sh, maskParams, proof); err != nil {
			t.Fatalf("Masked %v: %v", masked, err)
		}
	}
}

// TestSumMaskSpan: a table f of m = 2 variables with a mask of c = 1,
// repeated over the first 2 of n = 4 variables (Spans = m): its final is
// f̂(ρ_{2..3}) = f̃(ρ_{2..3}) + Z_2(ρ_{2..3})·s̃(ρ_3), not the n-variable
// T̂(ρ); a shape with the span changed or left out is rejected, as is a span
// below the mask's variables.
func TestSumMaskSpan(t *testing.T) {
	const n, m, c = 4, 2, 1
	var one fr.Element
	one.SetOne()
	for _, zk := range []bool{false, true} {
		f := randTables(1, m)[0]
		rep := make(mle.Table, 1<<n)
		for i := range rep {
			rep[i] = f[i%(1<<m)]
		}
		s := randTables(1, c)[0]
		in := Instance{Tables: []mle.Table{rep, randTables(1, n)[0]}, Masks: [][]fr.Element{s, nil}, Spans: []int{m, 0},
			Terms: []Term{{one, []int{0, 1}}, {one, []int{0}}}}
		claim := sumOf(in)
		sh := in.Shape()
		proof, rho, err := proveSum(transcript.New("sp"), claim, in, zk, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		_, fin, _, err := verifySum(transcript.New("sp"), claim, n, sh, maskParams, proof)
		if err != nil {
			t.Fatalf("zk %v: honest proof rejected: %v", zk, err)
		}
		want := hatAt(f, s, rho[n-m:])
		if full := hatAt(rep, s, rho); !want.Equal(&fin[0]) || full.Equal(&fin[0]) {
			t.Fatalf("zk %v: final is not f̂(ρ_{n−m..}) (or equals the n-variable T̂(ρ))", zk)
		}
		for name, spans := range map[string][]int{"left out": nil, "n": {n, 0}, "3": {3, 0}} {
			bad := sh
			bad.Spans = spans
			if _, _, _, err := verifySum(transcript.New("sp"), claim, n, bad, maskParams, proof); err == nil {
				t.Errorf("zk %v: span %s accepted", zk, name)
			}
		}
	}
	in := Instance{Tables: randTables(1, n), Masks: [][]fr.Element{randTables(1, 2)[0]}, Spans: []int{1}, Terms: []Term{{one, []int{0}}}}
	if _, _, err := ProveSum(transcript.New("sp"), one, in, false); err == nil {
		t.Error("a span below the mask's variables accepted")
	}
}

// TestSumBadShapes: malformed statements are refused by prover and verifier.
func TestSumBadShapes(t *testing.T) {
	var one fr.Element
	one.SetOne()
	for name, in := range map[string]Instance{
		"no terms":        {Tables: randTables(2, 2)},
		"unused table":    {Tables: randTables(2, 2), Terms: []Term{{one, []int{0}}}},
		"factor range":    {Tables: randTables(2, 2), Terms: []Term{{one, []int{0, 2}}, {one, []int{1}}}},
		"empty term":      {Tables: randTables(1, 2), Terms: []Term{{one, []int{0}}, {one, nil}}},
		"lengths differ":  {Tables: []mle.Table{make(mle.Table, 4), make(mle.Table, 8)}, Terms: []Term{{one, []int{0, 1}}}},
		"masks per table": {Tables: randTables(2, 2), Masks: [][]fr.Element{nil}, Terms: []Term{{one, []int{0, 1}}}},
	} {
		if _, _, err := ProveSum(transcript.New("b"), one, in, false); err == nil {
			t.Errorf("%s: proved", name)
		}
	}
}

// TestSumRandom: random shapes (1–4 tables, 1–4 terms of degree 1–4, 0–5
// variables), zk off and on: honest proofs verify.
func TestSumRandom(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	for i := range 12 {
		c := sumCase{name: fmt.Sprint(i), n: r.IntN(6), m: 1 + r.IntN(4), tail: r.IntN(9) - 1}
		used := make([]bool, c.m)
		for range 1 + r.IntN(4) {
			f := make([]int, 1+r.IntN(4))
			for j := range f {
				f[j] = r.IntN(c.m)
				used[f[j]] = true
			}
			c.terms = append(c.terms, f)
		}
		for k, u := range used {
			if !u {
				c.terms = append(c.terms, []int{k})
			}
		}
		in, claim, orig := c.instance()
		sh := in.Shape()
		zk := i%2 == 1
		proof, rho, err := proveSum(transcript.New("q"), claim, in, zk, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		_, fin, _, err := verifySum(transcript.New("q"), claim, c.n, sh, maskParams, proof)
		if err != nil {
			t.Fatalf("case %d (n %d, terms %v, zk %v): %v", i, c.n, c.terms, zk, err)
		}
		for k := range orig {
			if v, _ := orig[k].Eval(rho); !v.Equal(&fin[k]) {
				t.Fatalf("case %d: final %d is not T_%d(ρ)", i, k, k)
			}
		}
	}
}

// TestMaskedFactorZeroKnowledge: a masked factor's final T̂(ρ) = T̃(ρ) +
// Z(ρ)·s̃(ρ_col) over fresh masks s (c = 2 of n = 4) is uniform: the low
// bits of T̂(ρ) and of T̂(ρ) − T̃(ρ) (what a verifier knowing T would see)
// pass a chi-square test over 200 proofs (3 degrees of freedom, at most
// 30.66, about 10^-6 a statistic), and T̂(ρ) is never T̃(ρ). With the mask forced to
// zero the final is T̃(ρ) every time (a linear form of the private table in
// the clear) and the same statistics fail, so the test can fail.
func TestMaskedFactorZeroKnowledge(t *testing.T) {
	const n, c, runs = 4, 2, 200
	tb := randTables(1, n)[0]
	pub := randTables(1, n)[0]
	var one fr.Element
	one.SetOne()
	for _, zero := range []bool{false, true} {
		for _, zk := range []bool{false, true} {
			counts := [2][]int{make([]int, 4), make([]int, 4)}
			read := 0
			for range runs {
				s := make([]fr.Element, 1<<c)
				if !zero {
					s = randTables(1, c)[0]
				}
				in := Instance{Tables: clone([]mle.Table{tb, pub}), Masks: [][]fr.Element{s, nil}, Terms: []Term{{one, []int{0, 1}}}}
				claim := sumOf(in)
				sh := in.Shape()
				proof, rho, err := proveSum(transcript.New("zk"), claim, in, zk, maskParams)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, _, err := verifySum(transcript.New("zk"), claim, n, sh, maskParams, proof); err != nil {
					t.Fatal(err)
				}
				plain, _ := tb.Eval(rho)
				var diff fr.Element
				diff.Sub(&proof.Finals[0], &plain)
				counts[0][lowBits(proof.Finals[0])]++
				counts[1][lowBits(diff)]++
				if diff.IsZero() {
					read++
				}
			}
			worst := max(chi2(counts[0], runs), chi2(counts[1], runs))
			switch {
			case !zero && (worst > 30.66 || read > 0):
				t.Errorf("zk %v: masked finals: chi-square %.1f, T̃(ρ) read %d times", zk, worst, read)
			case zero && (read != runs || worst <= 30.66):
				t.Errorf("zk %v, mask zero: T̃(ρ) read %d of %d times, chi-square %.1f: the test cannot fail", zk, read, runs, worst)
			}
		}
	}
}
