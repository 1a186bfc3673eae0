package pcs

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = Params{RateLog: 1, Queries: 24}

// hidingParams are testParams with the masks (hiding.go).
var hidingParams = Params{RateLog: 1, Queries: 24, Hiding: true}

// vanishingParams are hidingParams with the vanishing mask (vanishing.go).
var vanishingParams = Params{RateLog: 1, Queries: 24, Hiding: true, Vanishing: true}

// bothModes are the parameter sets every honest and cheating test runs
// under: binding, hiding, hiding with the vanishing mask.
var bothModes = []Params{testParams, hidingParams, vanishingParams}

func randTable(n int) mle.Table {
	t := make(mle.Table, 1<<n)
	for i := range t {
		t[i].SetRandom()
	}
	return t
}

func randPoint(n int) []fr.Element {
	p := make([]fr.Element, n)
	for i := range p {
		p[i].SetRandom()
	}
	return p
}

func TestEncodeIsReedSolomon(t *testing.T) {
	msg := randTable(3)
	enc := Encode(msg, 2)
	d := domain(32)
	var x fr.Element
	x.SetOne()
	for j := 0; j < 32; j++ {
		// Horner at ω^j.
		var y fr.Element
		for i := len(msg) - 1; i >= 0; i-- {
			y.Mul(&y, &x)
			y.Add(&y, &msg[i])
		}
		if !y.Equal(&enc[j]) {
			t.Fatalf("codeword position %d is not the polynomial at ω^%d", j, j)
		}
		x.Mul(&x, &d.Generator)
	}
}

func TestHonestOpenings(t *testing.T) {
	cases := []struct {
		n, rowVars int
		p          Params
	}{
		{0, 0, testParams}, {1, 0, testParams}, {1, 1, testParams}, {6, 3, testParams},
		{7, 2, Params{RateLog: 2, Queries: 10}}, {8, 8, testParams}, {8, 0, testParams},
		{10, RowVars(10, DefaultParams()), DefaultParams()},
		{0, 0, hidingParams}, {1, 1, hidingParams}, {6, 3, hidingParams}, {8, 0, hidingParams}, {8, 8, hidingParams},
		{10, RowVars(10, Params{RateLog: 2, Queries: 241, Hiding: true}), Params{RateLog: 2, Queries: 241, Hiding: true}},
		{0, 0, vanishingParams}, {1, 0, vanishingParams}, {1, 1, vanishingParams}, {6, 3, vanishingParams},
		{8, 0, vanishingParams}, {8, 8, vanishingParams},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n%d_rv%d_rate%d_t%d_hiding%v_vanishing%v", c.n, c.rowVars, c.p.RateLog, c.p.Queries, c.p.Hiding, c.p.Vanishing), func(t *testing.T) {
			tab := randTable(c.n)
			pd, err := CommitShape(c.p, tab, c.rowVars)
			if err != nil {
				t.Fatal(err)
			}
			z := randPoint(c.n)
			val, op, _, err := pd.Open(transcript.New("t"), z)
			if err != nil {
				t.Fatal(err)
			}
			// f̂(z) = f̃(z) + Z(z)·s̃(z_col): f̃(z) without the vanishing mask.
			want, _ := tab.Eval(z)
			if s := pd.MaskRow(); s != nil {
				zv, sv := Vanishing(z), mle.Table(s)
				sz, _ := sv.Eval(z[c.rowVars:])
				want.Add(&want, zv.Mul(&zv, &sz))
				if fz, _ := tab.Eval(z); c.n > 0 && fz.Equal(&val) {
					t.Fatal("opened value is f̃(z): the vanishing mask is not in it")
				}
			}
			if !want.Equal(&val) {
				t.Fatal("opened value is not the MLE (f̂ under Vanishing) at the point")
			}
			if m := pd.MaskedEval(z); !m.Equal(&val) {
				t.Fatal("MaskedEval differs from the opened value")
			}
			if err := Verify(transcript.New("t"), c.p, pd.Commitment(), z, val, op); err != nil {
				t.Fatalf("honest opening rejected: %v", err)
			}
		})
	}
}

func TestCheatsRejected(t *testing.T) {
	const n, rv = 8, 3
	one := fr.One()
	type setup struct {
		pd  *ProverData
		z   []fr.Element
		val fr.Element
		op  Opening
	}
	cases := []struct {
		name  string
		cheat func(pd *ProverData, z []fr.Element) cheats // before opening
		after func(s *setup)                              // after opening
	}{
		{name: "wrong value", after: func(s *setup) { s.val.Add(&s.val, &one) }},
		{name: "wrong value bound into the transcript, v honest", cheat: func(pd *ProverData, z []fr.Element) cheats {
			return cheats{value: func(val *fr.Element, v []fr.Element) { val.Add(val, &one) }}
		}},
		{name: "u not γᵀM, bound into the transcript", cheat: func(pd *ProverData, z []fr.Element) cheats {
			return cheats{u: func(u []fr.Element) { u[1].Add(&u[1], &one) }}
		}},
		{name: "wrong value with v adjusted to match it", cheat: func(pd *ProverData, z []fr.Element) cheats {
			// ⟨v, eq(z_col)⟩ grows by 1 when v_0 grows by 1/eq(z_col)_0.
			eqCol := mle.EqTable(z[rv:])
			var inv fr.Element
			inv.Inverse(&eqCol[0])
			return cheats{value: func(val *fr.Element, v []fr.Element) {
				val.Add(val, &one)
				v[0].Add(&v[0], &inv)
			}}
		}},
		{name: "tampered column entry", after: func(s *setup) { s.op.Columns[3][1].Add(&s.op.Columns[3][1], &one) }},
		{name: "tampered Merkle path", after: func(s *setup) { s.op.Proof[5][0] ^= 1 }},
		{name: "column swapped for another", after: func(s *setup) { s.op.Columns[0], s.op.Columns[1] = s.op.Columns[1], s.op.Columns[0] }},
		{name: "tampered u", after: func(s *setup) { s.op.U[0].Add(&s.op.U[0], &one) }},
		{name: "other point", after: func(s *setup) { s.z[0].Add(&s.z[0], &one) }},
		{name: "column dropped", after: func(s *setup) { s.op.Columns = s.op.Columns[1:] }},
		{name: "row 2 not a codeword (half its positions changed)", cheat: func(pd *ProverData, _ []fr.Element) cheats {
			pd.tamper = func(j int, col []fr.Element) {
				if j%2 == 0 {
					col[2].Add(&col[2], &one)
				}
			}
			if err := pd.recommit(); err != nil {
				panic(err)
			}
			return cheats{}
		}},
		{name: "u shortened", after: func(s *setup) { s.op.U = s.op.U[1:] }},
		{name: "v lengthened", after: func(s *setup) { s.op.V = append(s.op.V, one) }},
		{name: "column shortened", after: func(s *setup) { s.op.Columns[2] = s.op.Columns[2][1:] }},
		{name: "point one coordinate short", after: func(s *setup) { s.z = s.z[1:] }},
		{name: "extra column", after: func(s *setup) { s.op.Columns = append(s.op.Columns, s.op.Columns[0]) }},
		{name: "mask value tampered or added", after: func(s *setup) {
			if len(s.op.Mask) == 0 {
				s.op.Mask = []fr.Element{one}
			} else {
				s.op.Mask[0].Add(&s.op.Mask[0], &one)
			}
		}},
		{name: "mask value dropped or v's random part tampered", after: func(s *setup) {
			if len(s.op.Mask) > 0 {
				s.op.Mask = nil
			} else {
				s.op.V[len(s.op.V)-1].Add(&s.op.V[len(s.op.V)-1], &one)
			}
		}},
	}
	for _, c := range cases {
		for _, p := range bothModes {
			t.Run(fmt.Sprintf("%s/hiding%v_vanishing%v", c.name, p.Hiding, p.Vanishing), func(t *testing.T) {
				testParams := p
				tab := randTable(n)
				pd, err := CommitShape(testParams, tab, rv)
				if err != nil {
					t.Fatal(err)
				}
				s := &setup{pd: pd, z: randPoint(n)}
				var hook cheats
				if c.cheat != nil {
					hook = c.cheat(pd, s.z)
				}
				s.val, s.op, _, err = pd.open(transcript.New("t"), s.z, hook)
				if err != nil {
					t.Fatal(err)
				}
				if c.after != nil {
					c.after(s)
				}
				var err2 error
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("verifier panicked on a malformed opening: %v", r)
						}
					}()
					err2 = Verify(transcript.New("t"), testParams, pd.Commitment(), s.z, s.val, s.op)
				}()
				if err2 == nil {
					t.Fatal("cheating opening accepted")
				}
				t.Log(err2)
			})
		}
	}
}

func TestCommitRejectsBadShapes(t *testing.T) {
	if _, err := Commit(testParams, make(mle.Table, 12)); err == nil {
		t.Error("table of 12 entries accepted")
	}
	if _, err := CommitShape(testParams, make(mle.Table, 8), 4); err == nil {
		t.Error("4 row variables of 3 accepted")
	}
	if _, err := Commit(Params{RateLog: 0, Queries: 3}, make(mle.Table, 8)); err == nil {
		t.Error("rate 1 accepted")
	}
	pd, _ := Commit(testParams, make(mle.Table, 8))
	val, op, _, _ := pd.Open(transcript.New("t"), make([]fr.Element, 3))
	bad := pd.Commitment()
	bad.RowVars = 4
	for _, c := range []struct {
		name string
		p    Params
		c    Commitment
	}{{"verifier's rate 1", Params{RateLog: 0, Queries: 24}, pd.Commitment()}, {"row variables beyond the table", testParams, bad}} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: verifier panicked: %v", c.name, r)
				}
			}()
			if err := Verify(transcript.New("t"), c.p, c.c, make([]fr.Element, 3), val, op); err == nil {
				t.Errorf("%s: accepted", c.name)
			}
		}()
	}
}

func ExampleCommit() {
	tab := mle.FromInt64([]int64{3, 1, 4, 1, 5, 9, 2, 6})
	pd, _ := Commit(DefaultParams(), tab)
	z := []fr.Element{fr.NewElement(0), fr.NewElement(1), fr.NewElement(1)} // vertex 011 = entry 3
	val, op, _, _ := pd.Open(transcript.New("example"), z)
	err := Verify(transcript.New("example"), DefaultParams(), pd.Commitment(), z, val, op)
	fmt.Println(val.String(), err)
	// Output: 1 <nil>
}
