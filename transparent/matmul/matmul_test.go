package matmul

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

var testParams = pcs.Params{RateLog: 1, Queries: 20}

// instance returns a true statement with small signed fixed-point values.
func instance(rng *rand.Rand, M, K, N int, bias bool) (Public, []fr.Element) {
	ints := func(n int) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = rng.Int64N(1<<16) - 1<<15
		}
		return v
	}
	x, w := ints(M*K), ints(K*N)
	var b []int64
	if bias {
		b = ints(N)
	}
	y := make([]int64, M*N)
	for i := 0; i < M; i++ {
		for j := 0; j < N; j++ {
			s := int64(0)
			if b != nil {
				s = b[j]
			}
			for k := 0; k < K; k++ {
				s += x[i*K+k] * w[k*N+j]
			}
			y[i*N+j] = s
		}
	}
	var bf []fr.Element
	if b != nil {
		bf = Int64s(b)
	}
	l, err := NewLayer(K, N, Int64s(w), bf)
	if err != nil {
		panic(err)
	}
	return Public{Layer: l, M: M, Y: Int64s(y)}, Int64s(x)
}

// relayer gives pub a layer rebuilt from edited copies of its weights: a
// verifier holding other weights than the prover's.
func relayer(pub *Public, edit func(w, b []fr.Element) ([]fr.Element, []fr.Element)) {
	w := append([]fr.Element(nil), pub.W...)
	var b []fr.Element
	if pub.B != nil {
		b = append([]fr.Element(nil), pub.B...)
	}
	w, b = edit(w, b)
	l, err := NewLayer(pub.K, pub.N, w, b)
	if err != nil {
		panic(err)
	}
	pub.Layer = l
}

func TestHonest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		M, K, N int
		bias    bool
	}{{1, 1, 1, false}, {1, 8, 4, true}, {3, 5, 7, true}, {4, 16, 2, false}, {1, 30, 10, true}, {6, 1, 3, true}} {
		t.Run(fmt.Sprintf("%dx%dx%d_bias%v", c.M, c.K, c.N, c.bias), func(t *testing.T) {
			pub, x := instance(rng, c.M, c.K, c.N, c.bias)
			proof, _, err := Prove(testParams, pub, x)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(testParams, pub, proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
		})
	}
}

func TestFalseStatementsRejected(t *testing.T) {
	one := fr.One()
	cases := []struct {
		name string
		// prove may alter the statement or X before proving; verify after.
		prove  func(pub *Public, x []fr.Element) (Proof, error)
		verify func(pub *Public, p *Proof)
	}{
		{name: "wrong Y entry, honest prover", prove: func(pub *Public, x []fr.Element) (Proof, error) {
			pub.Y[5].Add(&pub.Y[5], &one)
			p, _, err := Prove(testParams, *pub, x)
			return p, err
		}},
		{name: "Y changed after proving", verify: func(pub *Public, p *Proof) { pub.Y[0].Sub(&pub.Y[0], &one) }},
		{name: "verifier's bias differs", verify: func(pub *Public, p *Proof) {
			relayer(pub, func(w, b []fr.Element) ([]fr.Element, []fr.Element) { b[2].Add(&b[2], &one); return w, b })
		}},
		{name: "verifier's layer has no bias", verify: func(pub *Public, p *Proof) {
			relayer(pub, func(w, b []fr.Element) ([]fr.Element, []fr.Element) { return w, nil })
		}},
		{name: "verifier's W differs", verify: func(pub *Public, p *Proof) {
			relayer(pub, func(w, b []fr.Element) ([]fr.Element, []fr.Element) { w[9].Add(&w[9], &one); return w, b })
		}},
		{name: "sumcheck about another X than the committed one", prove: func(pub *Public, x []fr.Element) (Proof, error) {
			// Y is true for x2, the commitment is to x.
			x2 := append([]fr.Element(nil), x...)
			x2[3].Add(&x2[3], &one)
			var d fr.Element
			for j := 0; j < pub.N; j++ {
				d.Mul(&pub.W[3*pub.N+j], &one) // row 0 of Y gains W's row 3
				pub.Y[j].Add(&pub.Y[j], &d)
			}
			p, _, err := prove(testParams, *pub, x, x2, nil)
			return p, err
		}},
		{name: "sumcheck about another W than the public one", prove: func(pub *Public, x []fr.Element) (Proof, error) {
			// Y is true for W2 (W with entry (0, 1) one larger); the statement names W.
			w2 := append([]fr.Element(nil), pub.W...)
			w2[1].Add(&w2[1], &one)
			for i := 0; i < pub.M; i++ {
				pub.Y[i*pub.N+1].Add(&pub.Y[i*pub.N+1], &x[i*pub.K])
			}
			p, _, err := prove(testParams, *pub, x, x, w2)
			return p, err
		}},
		{name: "final X value tampered", verify: func(pub *Public, p *Proof) {
			p.Sumcheck.Finals[0].Add(&p.Sumcheck.Finals[0], &one)
		}},
		{name: "round polynomial tampered", verify: func(pub *Public, p *Proof) {
			p.Sumcheck.Rounds[1][2].Add(&p.Sumcheck.Rounds[1][2], &one)
		}},
		{name: "opening column tampered", verify: func(pub *Public, p *Proof) {
			p.Opening.Columns[0][0].Add(&p.Opening.Columns[0][0], &one)
		}},
		{name: "commitment root tampered", verify: func(pub *Public, p *Proof) { p.X.Root[0] ^= 1 }},
		{name: "commitment shape tampered", verify: func(pub *Public, p *Proof) { p.X.NumVars++ }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pub, x := instance(rand.New(rand.NewPCG(3, 4)), 2, 12, 6, true)
			var proof Proof
			var err error
			if c.prove != nil {
				proof, err = c.prove(&pub, x)
			} else {
				proof, _, err = Prove(testParams, pub, x)
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.verify != nil {
				c.verify(&pub, &proof)
			}
			if err := Verify(testParams, pub, proof); err == nil {
				t.Fatal("false statement accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

// TestProverLinear checks the count, not the time: the reduction's
// multiplications are at most |X| + |W| + 6k + m + n over padded sizes, far
// below the M·K·N multiply-adds, and the opening's at most 3|X|.
func TestProverLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct{ M, K, N int }{{1, 64, 64}, {4, 64, 64}, {4, 128, 64}, {4, 128, 256}, {16, 256, 32}} {
		pub, x := instance(rng, c.M, c.K, c.N, false)
		_, st, err := Prove(testParams, pub, x)
		if err != nil {
			t.Fatal(err)
		}
		d := pub.dims()
		bound := d.m*d.k + d.k*d.n + 6*d.k + d.m + d.n
		if st.Reduce > bound {
			t.Errorf("%dx%dx%d: reduction used %d multiplications, bound %d", c.M, c.K, c.N, st.Reduce, bound)
		}
		if st.Open > 3*d.m*d.k+d.m*d.k {
			t.Errorf("%dx%dx%d: opening used %d multiplications for |X| = %d", c.M, c.K, c.N, st.Open, d.m*d.k)
		}
		t.Logf("%dx%dx%d: reduce %d, encode %d, open %d multiplications; multiply-adds %d", c.M, c.K, c.N, st.Reduce, st.Encode, st.Open, c.M*c.K*c.N)
	}
}

func TestBadStatements(t *testing.T) {
	pub, x := instance(rand.New(rand.NewPCG(7, 8)), 2, 3, 4, true)
	for _, c := range []struct {
		name string
		edit func(p *Public) []fr.Element
	}{
		{"short Y", func(p *Public) []fr.Element { p.Y = p.Y[1:]; return x }},
		{"short X", func(p *Public) []fr.Element { return x[1:] }},
		{"no rows", func(p *Public) []fr.Element { p.M = 0; return x }},
		{"no layer", func(p *Public) []fr.Element { p.Layer = nil; return x }},
	} {
		p := pub
		if _, _, err := Prove(testParams, p, c.edit(&p)); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	for _, c := range []struct {
		name   string
		K, N   int
		nw, nb int
	}{{"short W", 3, 4, 11, 4}, {"short b", 3, 4, 12, 3}, {"empty dimension", 0, 4, 0, 4}} {
		if _, err := NewLayer(c.K, c.N, make([]fr.Element, c.nw), make([]fr.Element, c.nb)); err == nil {
			t.Errorf("%s: NewLayer accepted", c.name)
		}
	}
}

func ExampleProve() {
	// Y = X·W + b with X = [1 2], W = [[3 4] [5 6]], b = [1 1]: Y = [14 17].
	layer, _ := NewLayer(2, 2, Int64s([]int64{3, 4, 5, 6}), Int64s([]int64{1, 1}))
	pub := Public{Layer: layer, M: 1, Y: Int64s([]int64{14, 17})}
	proof, _, _ := Prove(pcs.DefaultParams(), pub, Int64s([]int64{1, 2}))
	fmt.Println(Verify(pcs.DefaultParams(), pub, proof))
	pub.Y = Int64s([]int64{14, 18})
	fmt.Println(Verify(pcs.DefaultParams(), pub, proof) != nil)
	// Output:
	// <nil>
	// true
}
