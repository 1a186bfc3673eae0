package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// records are 24 loans of 3 features (amount in thousands, debt ratio,
// score) with a label (repaid) and a group column.
func records(t testing.TB) *audit.Records {
	d := &audit.Data{Groups: map[string][]int{"young": make([]int, 24)}}
	for i := range 24 {
		d.Records = append(d.Records, []float64{float64(5 + (i*7)%30), float64((i*13)%10) / 10, float64((i*37)%100) / 100})
		d.Labels = append(d.Labels, int64(i%3%2))
		d.Groups["young"][i] = i % 2
	}
	rs, err := d.Quantize(12, 24, 0, big.NewInt(0x5a17))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func mustSpec(t testing.TB, rs *audit.Records, q Query, err error, eps string) *Spec {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	e, err := dp.ParseDecimal(eps, dp.MaxEpsilon)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewSpec(rs.Schema, q, dp.Laplace, q.PerValueEpsilon(e), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

var coins = []byte("the verifier's coins, drawn late")

// TestEvaluate: the integer reference against the records in float.
func TestEvaluate(t *testing.T) {
	rs := records(t)
	s := &rs.Schema
	for _, tc := range []struct {
		name string
		q    func() (Query, error)
		want int64
	}{
		{"score >= 0.5", func() (Query, error) { return ParseCount("x[2] >= 0.5", s) }, 0},
		{"score > 0.5", func() (Query, error) { return ParseCount("x[2] > 0.5", s) }, 0},
		{"ratio < 0.3", func() (Query, error) { return ParseCount("x[1] < 0.3", s) }, 0},
		{"amount <= 12", func() (Query, error) { return ParseCount("x[0]<=12", s) }, 0},
		{"amount == 12", func() (Query, error) { return ParseCount("x[0] == 12", s) }, 0},
		{"label != 1", func() (Query, error) { return ParseCount("label != 1", s) }, 0},
	} {
		q, err := tc.q()
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.Evaluate(rs)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for r := range 24 {
			x := []float64{float64(5 + (r*7)%30), float64((r*13)%10) / 10, float64((r*37)%100) / 100}
			label := float64(r % 3 % 2)
			v := label
			if q.Feature >= 0 {
				v = x[q.Feature]
			}
			th := float64(q.Threshold)
			if q.Feature >= 0 {
				v = float64(quant.Quantize(v, 12))
			}
			ok := map[string]bool{">=": v >= th, ">": v > th, "<": v < th, "<=": v <= th, "==": v == th, "!=": v != th}[q.Op]
			if ok {
				want++
			}
		}
		if got[0] != want {
			t.Errorf("%s: %d, want %d", tc.name, got[0], want)
		}
	}
	q, err := ParseMean("x[0]", "0,20", s)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := q.Evaluate(rs)
	var sum float64
	for r := range 24 {
		sum += min(float64(5+(r*7)%30), 20)
	}
	if want := int64(sum*4096) >> q.Shift; got[0] != want || q.Sensitivity() < 8 || q.Sensitivity() > 16 {
		t.Errorf("mean: sum %d at 2^%d, want %d; sensitivity %d", got[0], q.Shift, want, q.Sensitivity())
	}
	h, err := ParseHistogram("x[1]", "0.2, 0.5,0.8", s)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = h.Evaluate(rs)
	want := make([]int64, 4)
	for r := range 24 {
		x := float64((r*13)%10) / 10
		switch {
		case x < 0.2:
			want[0]++
		case x < 0.5:
			want[1]++
		case x < 0.8:
			want[2]++
		default:
			want[3]++
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("histogram: %v, want %v", got, want)
	}
}

// TestParseErrors: each bad query is refused with its reason.
func TestParseErrors(t *testing.T) {
	s := &records(t).Schema
	for _, expr := range []string{"x[3] >= 1", "x[0] => 1", "score >= 1", "label >= 1", "label == 2", "x[0] >= 1e9", "x[0] >="} {
		if _, err := ParseCount(expr, s); err == nil {
			t.Errorf("count %q accepted", expr)
		}
	}
	for _, c := range [][2]string{{"x[0]", "5,5"}, {"x[0]", "5"}, {"label", "0,1"}, {"x[0]", "0,1e9"}} {
		if _, err := ParseMean(c[0], c[1], s); err == nil {
			t.Errorf("mean %q clip %q accepted", c[0], c[1])
		}
	}
	for _, c := range [][2]string{{"x[0]", "5,5"}, {"x[0]", "6,5"}, {"label", "0"}, {"x[0]", "0,1e9"}, {"x[0]", "a"}, {"x[0]", ""}} {
		if _, err := ParseHistogram(c[0], c[1], s); err == nil {
			t.Errorf("histogram %q bins %q accepted", c[0], c[1])
		}
	}
}

func specs(t *testing.T, rs *audit.Records) map[string]*Spec {
	s := &rs.Schema
	q1, e1 := ParseCount("x[2] >= 0.5", s)
	q2, e2 := ParseCount("label == 1", s)
	q3, e3 := ParseMean("x[0]", "0,20", s)
	q4, e4 := ParseMean("x[1]", "0.2,0.7", s)
	q5, e5 := ParseHistogram("x[1]", "0.2,0.5,0.8", s)
	return map[string]*Spec{
		"count score": mustSpec(t, rs, q1, e1, "1"), "count label": mustSpec(t, rs, q2, e2, "0.5"),
		"mean amount": mustSpec(t, rs, q3, e3, "1"), "mean ratio": mustSpec(t, rs, q4, e4, "2"),
		"histogram ratio": mustSpec(t, rs, q5, e5, "1"),
	}
}

// TestCircuit: the circuit accepts the honest release of each query (the
// in-circuit opening of the commitment is Records.Commitment's) and
// rejects a released value off by one, other coins, another seed, a record
// changed after commit, and the exact value without its noise, which the
// circuit accepts once the noise is left out.
func TestCircuit(t *testing.T) {
	rs := records(t)
	seed := big.NewInt(777)
	for name, sp := range specs(t, rs) {
		t.Run(name, func(t *testing.T) {
			w := &Witness{Records: rs, Seed: seed, Coins: coins}
			a, pub, err := Assign(sp, w)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := NewCircuit(sp)
			if err := test.IsSolved(c, a, ecc.BN254.ScalarField()); err != nil {
				t.Fatalf("honest release %d: %v", pub.Released, err)
			}
			exact, noise, _, _ := Release(sp, w)
			t.Logf("exact %d + noise %d = %d", exact, noise, pub.Released)
			released := func(r []int64) []frontend.Variable {
				v := (&Public{Released: r, Dataset: pub.Dataset, Seed: pub.Seed, Coins: coins}).Values()[PubReleased:]
				out := make([]frontend.Variable, len(v))
				for i := range v {
					out[i] = v[i]
				}
				return out
			}
			plusOne := slices.Clone(pub.Released)
			plusOne[len(plusOne)-1]++
			edits := map[string]func(a *Circuit){
				"released + 1": func(a *Circuit) { copy(a.Public[PubReleased:], released(plusOne)) },
				"other coins":  func(a *Circuit) { a.Public[PubCoins] = dp.CoinsValue(otherCoins(t, sp, w, noise)) },
				"another seed": func(a *Circuit) { a.Private[len(a.Private)-1] = big.NewInt(778) },
				"another tag":  func(a *Circuit) { a.Public[PubTag] = big.NewInt(1) },
				// A prover grinding the tag for a noise it likes: the noise
				// of another tag is consistent with the key, so only the
				// tag's pin rejects it.
				"another tag, with its noise": func(a *Circuit) {
					tag := big.NewInt(1)
					a.Public[PubTag] = tag
					tab, _ := sp.Mechanism.Table()
					key := dp.Key(seed, dp.CoinsValue(coins), tag, pub.Dataset)
					r := make([]int64, len(exact))
					for j := range exact {
						z, _ := dp.Noise(tab, key, j)
						r[j] = exact[j] + z
					}
					copy(a.Public[PubReleased:], released(r))
				},
				"a record": func(a *Circuit) { a.Private[2] = new(big.Int).Add(a.Private[2].(*big.Int), big.NewInt(1)) },
			}
			for what, edit := range edits {
				b, _, _ := Assign(sp, w)
				if what == "a record" {
					b.Private[2] = rs.Features[0][2] + 1
				} else {
					edit(b)
				}
				if err := test.IsSolved(c, b, ecc.BN254.ScalarField()); err == nil {
					t.Errorf("accepted with %s", what)
				}
			}
			if slices.ContainsFunc(noise, func(z int64) bool { return z != 0 }) {
				b, _, _ := Assign(sp, w)
				copy(b.Public[PubReleased:], released(exact))
				if err := test.IsSolved(c, b, ecc.BN254.ScalarField()); err == nil {
					t.Error("accepted the exact value without noise")
				}
				nn := &Circuit{spec: sp, Public: c.Public, Private: c.Private, noNoise: true}
				if err := test.IsSolved(nn, b, ecc.BN254.ScalarField()); err != nil {
					t.Errorf("without the noise in the circuit, the exact value should pass: %v", err)
				}
			}
		})
	}
}

// otherCoins are coins that give another noise than w's (others may give
// the same, and then the same release is valid with them).
func otherCoins(t *testing.T, sp *Spec, w *Witness, noise []int64) []byte {
	for i := range 100 {
		c := append([]byte("coins drawn after the fact "), byte(i))
		if _, z, _, err := Release(sp, &Witness{Records: w.Records, Seed: w.Seed, Coins: c}); err == nil && !slices.Equal(z, noise) {
			return c
		}
	}
	t.Fatal("no coins with another noise")
	return nil
}

// TestMeanFloor: a mean's quotient moved by one (its remainder kept), or
// moved by one with the remainder moved by 2^Shift, is rejected; each is
// what a cheating prover would use to shift the released mean by a lattice
// unit.
func TestMeanFloor(t *testing.T) {
	rs := records(t)
	sp := specs(t, rs)["mean amount"]
	w := &Witness{Records: rs, Seed: big.NewInt(31), Coins: coins}
	for _, tc := range []struct {
		name  string
		quo   int64
		floor bool
		delta int64
		rem   bool
	}{{"quotient + 1", 1, false, 1, false}, {"quotient − 1", -1, false, -1, false}, {"quotient − 1, remainder + 2^Shift", 0, true, -1, false},
		{"remainder + 1, quotient − 2^-Shift in the field", 0, false, 0, true}} {
		a, pub, err := Assign(sp, w)
		if err != nil {
			t.Fatal(err)
		}
		r := slices.Clone(pub.Released)
		r[0] += tc.delta
		for i, v := range (&Public{Released: r, Dataset: pub.Dataset, Seed: pub.Seed, Coins: coins, Tag: pub.Tag}).Values()[PubReleased:] {
			a.Public[PubReleased+i] = v
		}
		if tc.rem {
			p := ecc.BN254.ScalarField()
			inv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), uint(sp.Query.Shift)), p)
			v := new(big.Int).Sub(a.Public[PubReleased].(*big.Int), inv)
			a.Public[PubReleased] = v.Mod(v, p)
		}
		c, _ := NewCircuit(sp)
		c.forgeQuo, c.forgeFloor, c.forgeRem = tc.quo, tc.floor, tc.rem
		if err := test.IsSolved(c, a, ecc.BN254.ScalarField()); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// TestProveVerify: a real Groth16 proof of a DP count, written and read
// as files, verifies against the published commitments and coins; a
// changed released value, other coins, another seed commitment or another
// dataset commitment fails verification.
func TestProveVerify(t *testing.T) {
	rs := records(t)
	sp := specs(t, rs)["count score"]
	cs, err := Compile(sp, ops.RangeLookup)
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := audit.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := NewStatement(sp, ops.RangeLookup, cs, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, st, cs, pk, vk); err != nil {
		t.Fatal(err)
	}
	seed := big.NewInt(4242)
	raw, pub, err := Prove(sp, cs, pk, &Witness{Records: rs, Seed: seed, Coins: coins})
	if err != nil {
		t.Fatal(err)
	}
	pf := NewProofFile(st, raw, pub)
	b, _ := json.Marshal(pf)
	path := filepath.Join(dir, "proof.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := ReadProof(path)
	if err != nil {
		t.Fatal(err)
	}
	opt := VerifyOptions{Dataset: pf.Dataset, Seed: dp.FieldHex(dp.SeedCommitment(seed)), Coins: coins}
	if _, err := VerifyFile(dir, p, opt); err != nil {
		t.Fatalf("honest proof: %v", err)
	}
	t.Log(st.Describe(p))
	// An edited statement: a δ or noise bound that is not its mechanism's
	// is refused before any verdict; another ε with its own δ and bound, or
	// another threshold, is a statement this circuit does not prove (its
	// tag, a pinned public input, differs): invalid.
	for name, tc := range map[string]struct {
		edit    func(s *Statement)
		invalid bool
	}{
		"delta":   {func(s *Statement) { s.Delta /= 10 }, false},
		"offset":  {func(s *Statement) { s.Offset-- }, false},
		"epsilon": {func(s *Statement) { s.Mechanism.Epsilon = dp.Decimal{Num: 2, Den: 1} }, false},
		"epsilon, δ and bound": {func(s *Statement) {
			s.Mechanism.Epsilon = dp.Decimal{Num: 1, Den: 10}
			tab, _ := s.Mechanism.Table()
			s.Delta, s.Offset = tab.Delta(s.Mechanism.Epsilon, 1), tab.Offset
		}, true},
		"threshold": {func(s *Statement) { s.Query.Threshold++ }, true},
	} {
		d2 := t.TempDir()
		s2 := *st
		tc.edit(&s2)
		if err := WriteDir(d2, &s2, cs, pk, vk); err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyFile(d2, p, opt); err == nil || errors.Is(err, ErrInvalid) != tc.invalid {
			t.Errorf("an edited %s: %v", name, err)
		}
	}
	for name, edit := range map[string]func(p *ProofFile, o *VerifyOptions){
		"released + 1": func(p *ProofFile, o *VerifyOptions) {
			p.Released = []int64{p.Released[0] + 1}
			p.Values = []float64{p.Values[0] + 1}
		},
		"value edited":    func(p *ProofFile, o *VerifyOptions) { p.Values = []float64{p.Values[0] + 0.5} },
		"other coins":     func(p *ProofFile, o *VerifyOptions) { p.Coins = "00112233445566778899aabbccddeeff"; o.Coins = nil },
		"coins not drawn": func(p *ProofFile, o *VerifyOptions) { o.Coins = []byte("the coins this verifier drew") },
		"seed commitment": func(p *ProofFile, o *VerifyOptions) {
			p.Seed = dp.FieldHex(dp.SeedCommitment(big.NewInt(1)))
			o.Seed = p.Seed
		},
		"published seed":     func(p *ProofFile, o *VerifyOptions) { o.Seed = dp.FieldHex(dp.SeedCommitment(big.NewInt(1))) },
		"dataset commitment": func(p *ProofFile, o *VerifyOptions) { p.Dataset = dp.FieldHex(big.NewInt(5)); o.Dataset = "" },
		"published dataset":  func(p *ProofFile, o *VerifyOptions) { o.Dataset = dp.FieldHex(big.NewInt(5)) },
	} {
		q := *p
		o := opt
		edit(&q, &o)
		if _, err := VerifyFile(dir, &q, o); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}
