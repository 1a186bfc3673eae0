package sumcheck

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

func randTables(d, n int) []mle.Table {
	ts := make([]mle.Table, d)
	for k := range ts {
		ts[k] = make(mle.Table, 1<<n)
		for i := range ts[k] {
			ts[k][i].SetRandom()
		}
	}
	return ts
}

func sumProd(ts []mle.Table) fr.Element {
	var s fr.Element
	for i := range ts[0] {
		p := ts[0][i]
		for k := 1; k < len(ts); k++ {
			p.Mul(&p, &ts[k][i])
		}
		s.Add(&s, &p)
	}
	return s
}

func clone(ts []mle.Table) []mle.Table {
	out := make([]mle.Table, len(ts))
	for k := range ts {
		out[k] = append(mle.Table(nil), ts[k]...)
	}
	return out
}

// run proves claim' (claim, or what claimFor makes of it: a prover that
// binds a false claim into its transcript) and verifies it against the same
// claim'; tamper may change the proof in between. It returns Verify's error,
// and on success checks the finals are the factors at the point.
func run(t *testing.T, d, n int, claimFor func(fr.Element) fr.Element, tamper func(*Proof)) error {
	t.Helper()
	ts := randTables(d, n)
	claim := sumProd(ts)
	if claimFor != nil {
		claim = claimFor(claim)
	}
	proof, pp, st, err := Prove(transcript.New("test"), claim, clone(ts))
	if err != nil {
		t.Fatal(err)
	}
	if bound := (1 << n) * (d*d + d); st.Mul >= bound && n > 0 {
		t.Fatalf("prover used %d multiplications, bound 2^n(d²+d) = %d", st.Mul, bound)
	}
	if tamper != nil {
		tamper(&proof)
	}
	vp, finals, err := Verify(transcript.New("test"), claim, n, d, proof)
	if err != nil {
		return err
	}
	for j := range vp {
		if !vp[j].Equal(&pp[j]) {
			t.Fatalf("prover and verifier points differ at coordinate %d", j)
		}
	}
	for k := range ts {
		if want, _ := ts[k].Eval(vp); !want.Equal(&finals[k]) {
			t.Fatalf("accepted final %d is not P_%d(r)", k, k)
		}
	}
	return nil
}

func TestHonest(t *testing.T) {
	for _, c := range []struct{ d, n int }{{1, 0}, {1, 3}, {2, 1}, {2, 6}, {3, 5}, {4, 4}} {
		t.Run(fmt.Sprintf("d%d_n%d", c.d, c.n), func(t *testing.T) {
			if err := run(t, c.d, c.n, nil, nil); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
		})
	}
}

func TestTamperedRejected(t *testing.T) {
	one := fr.One()
	shift := func(c fr.Element) fr.Element { return *c.Add(&c, &one) }
	cases := []struct {
		name     string
		claimFor func(fr.Element) fr.Element
		tamper   func(*Proof)
	}{
		// The prover binds the false claim and sends the true sum's rounds: only
		// g(0)+g(1) = claim in round 0 catches it.
		{"false claim, true rounds", shift, nil},
		{"round 0 value", nil, func(p *Proof) { p.Rounds[0][0].Add(&p.Rounds[0][0], &one) }},
		{"last round value at 2", nil, func(p *Proof) {
			g := p.Rounds[len(p.Rounds)-1]
			g[2].Add(&g[2], &one)
		}},
		{"consistent shift of round 1", nil, func(p *Proof) {
			// g(0)+g(1) still matches, the polynomial is not the true one.
			g := p.Rounds[1]
			g[0].Add(&g[0], &one)
			g[1].Sub(&g[1], &one)
		}},
		// Finals are absorbed after the product check, so only that check sees
		// a changed final.
		{"final value", nil, func(p *Proof) { p.Finals[1].Add(&p.Finals[1], &one) }},
		{"round dropped", nil, func(p *Proof) { p.Rounds = p.Rounds[1:] }},
		{"final dropped", nil, func(p *Proof) { p.Finals = p.Finals[:1] }},
		{"short round", nil, func(p *Proof) { p.Rounds[2] = p.Rounds[2][:2] }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("verifier panicked: %v", r)
						t.Errorf("verifier panicked on a malformed proof: %v", r)
					}
				}()
				err = run(t, 2, 5, c.claimFor, c.tamper)
			}()
			if err == nil {
				t.Fatal("tampered proof accepted")
			}
		})
	}
}

func TestProveRejectsMismatchedTables(t *testing.T) {
	ts := []mle.Table{make(mle.Table, 8), make(mle.Table, 4)}
	if _, _, _, err := Prove(transcript.New("t"), fr.Element{}, ts); err == nil {
		t.Fatal("tables of different lengths accepted")
	}
	if _, _, _, err := Prove(transcript.New("t"), fr.Element{}, []mle.Table{make(mle.Table, 6)}); err == nil {
		t.Fatal("table of length 6 accepted")
	}
}

func TestInterpolate(t *testing.T) {
	// g(X) = 3X² + 2X + 1 at 0, 1, 2 → 1, 6, 17; g(5) = 86.
	ys := make([]fr.Element, 3)
	ys[0].SetUint64(1)
	ys[1].SetUint64(6)
	ys[2].SetUint64(17)
	var r fr.Element
	r.SetUint64(5)
	if got := Interpolate(ys, r); got.String() != "86" {
		t.Fatalf("g(5) = %s, want 86", got.String())
	}
}

func ExampleProve() {
	a := mle.FromInt64([]int64{1, 2, 3, 4})
	b := mle.FromInt64([]int64{5, 6, 7, 8})
	var claim fr.Element
	claim.SetUint64(1*5 + 2*6 + 3*7 + 4*8)
	proof, _, _, _ := Prove(transcript.New("example"), claim, []mle.Table{a, b})
	_, _, err := Verify(transcript.New("example"), claim, 2, 2, proof)
	fmt.Println(claim.String(), err)
	// Output: 70 <nil>
}

// TestVerifyEq: a proof whose first factor is eq at the point the verifier
// drew is accepted; one made with eq at another point (a consistent
// sumcheck of another sum) passes Verify and is rejected by VerifyEq's own
// check on the eq factor.
func TestVerifyEq(t *testing.T) {
	const n = 4
	r := make([]fr.Element, n)
	other := make([]fr.Element, n)
	for i := range r {
		r[i].SetRandom()
		other[i].SetRandom()
	}
	f := randTables(2, n)
	for _, tc := range []struct {
		name string
		at   []fr.Element
		ok   bool
	}{
		{"eq at r", r, true},
		{"eq at another point", other, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tables := append([]mle.Table{mle.EqTable(tc.at)}, clone(f)...)
			claim := sumProd(tables)
			proof, _, _, err := Prove(transcript.New("test"), claim, tables)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := Verify(transcript.New("test"), claim, n, 3, proof); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			_, _, err = VerifyEq(transcript.New("test"), claim, r, 3, proof, "test")
			if (err == nil) != tc.ok {
				t.Fatalf("VerifyEq: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
