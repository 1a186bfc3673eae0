package dp

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// drawCircuit proves Noise[j] = draw j of H(TagKey, Seed, Coins, query,
// SeedCommitment) (a bound public input, as query binds the dataset's)
// for the seed committed as SeedCommitment.
type drawCircuit struct {
	SeedCommitment frontend.Variable   `gnark:",public"`
	Coins          frontend.Variable   `gnark:",public"`
	Noise          []frontend.Variable `gnark:",public"`
	Seed           frontend.Variable

	mech  Mechanism
	query *big.Int
	hooks hooks
	bits  bool // bit-decomposition range checks instead of lookups
}

func (c *drawCircuit) Define(api frontend.API) error {
	cm, err := CommitSeed(api, c.Seed)
	if err != nil {
		return err
	}
	api.AssertIsEqual(cm, c.SeedCommitment)
	rc := ops.RangeLookup
	if c.bits {
		rc = ops.RangeBits
	}
	s, err := NewSampler(api, ops.NewRangeChecker(api, rc), c.mech, c.Seed, c.Coins, c.query, c.SeedCommitment)
	if err != nil {
		return err
	}
	s.hooks = c.hooks
	for j := range c.Noise {
		api.AssertIsEqual(s.Draw(j), c.Noise[j])
	}
	return nil
}

var testQuery = big.NewInt(0xd9)

func laplace(eps string, sens int64) Mechanism {
	e, err := ParseDecimal(eps, MaxEpsilon)
	if err != nil {
		panic(err)
	}
	return Mechanism{Kind: Laplace, Epsilon: e, Sensitivity: sens}
}

// assignment is the honest witness of n draws, with the noise the integer
// reference gives.
func assignment(t testing.TB, m Mechanism, seed *big.Int, coins []byte, n int) (*drawCircuit, []int64) {
	tab, err := m.Table()
	if err != nil {
		t.Fatal(err)
	}
	key := Key(seed, CoinsValue(coins), testQuery, SeedCommitment(seed))
	a := &drawCircuit{SeedCommitment: SeedCommitment(seed), Coins: CoinsValue(coins), Seed: seed, Noise: make([]frontend.Variable, n)}
	zs := make([]int64, n)
	for j := range n {
		z, err := Noise(tab, key, j)
		if err != nil {
			t.Fatal(err)
		}
		zs[j] = z
		a.Noise[j] = z
	}
	return a, zs
}

func shape(m Mechanism, n int, h hooks) *drawCircuit {
	return &drawCircuit{Noise: make([]frontend.Variable, n), mech: m, query: testQuery, hooks: h}
}

// TestSamplerMatchesReference: the circuit's draws are the integer
// reference's, for both mechanisms and both range checkers, over 64 draws
// each (gnark's test engine, which runs every hint and constraint).
func TestSamplerMatchesReference(t *testing.T) {
	sigma := Decimal{3, 2}
	for _, tc := range []struct {
		name string
		m    Mechanism
		bits bool
	}{
		{"laplace ε=1 Δ=1", laplace("1", 1), false},
		{"laplace ε=0.25 Δ=3", laplace("0.25", 3), false},
		{"laplace ε=1 Δ=1 bits", laplace("1", 1), true},
		{"gaussian σ=1.5", Mechanism{Kind: Gaussian, Epsilon: Decimal{1, 1}, Sensitivity: 1, Sigma: &sigma}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seed := big.NewInt(123456789)
			a, zs := assignment(t, tc.m, seed, []byte("coins drawn by the verifier"), 64)
			c := shape(tc.m, 64, hooks{})
			c.bits = tc.bits
			if err := test.IsSolved(c, a, ecc.BN254.ScalarField()); err != nil {
				t.Fatalf("honest draws %v: %v", zs[:8], err)
			}
		})
	}
}

// TestSamplerRejects: a changed seed, coins or noise, a forged magnitude
// row, the non-canonical splits of u and a noise of about p are each
// unsatisfiable; with the check that stops each removed, the forgery is
// accepted, so that check is what rejects it.
func TestSamplerRejects(t *testing.T) {
	m := laplace("0.5", 1)
	seed := big.NewInt(987654322)
	coins := []byte("sixteen+ bytes of coins")
	const n = 8
	honest := func() *drawCircuit { a, _ := assignment(t, m, seed, coins, n); return a }
	// Draws whose u has a second split: u + p (when u + p < 2^254), and
	// u − p with hi "negative" (when ⌊p/2^k⌋ − 1 + m < 2^hiBits for
	// m = ⌈(p − u)/2^k⌉). Each forged split passes every check but the one
	// it is named for.
	key := Key(seed, CoinsValue(coins), testQuery, SeedCommitment(seed))
	p := ecc.BN254.ScalarField()
	k := new(big.Int).Lsh(big.NewInt(1), UniformBits)
	hiBits := new(big.Int).Sub(hiBound(), big.NewInt(1)).BitLen()
	tab, _ := m.Table()
	altPlus, altMinus, nonzero := -1, -1, -1
	uOf := func(j int) *big.Int {
		lo, hi, _ := Uniform(key, j)
		return new(big.Int).Add(lo, new(big.Int).Lsh(hi, UniformBits))
	}
	loOf := func(j int) *big.Int { lo, _, _ := Uniform(key, j); return lo }
	for j := range n {
		u := uOf(j)
		if altPlus < 0 && new(big.Int).Add(u, p).BitLen() <= 254 {
			altPlus = j
		}
		mm := new(big.Int).Div(new(big.Int).Add(new(big.Int).Sub(p, u), new(big.Int).Sub(k, big.NewInt(1))), k)
		if altMinus < 0 && new(big.Int).Add(new(big.Int).Sub(hiBound(), big.NewInt(1)), mm).BitLen() <= hiBits {
			altMinus = j
		}
		if z, _ := tab.Sample(loOf(j)); nonzero < 0 && z != 0 && z != tab.Offset && z != -tab.Offset {
			nonzero = j
		}
	}
	if altPlus < 0 || altMinus < 0 || nonzero < 0 {
		t.Fatalf("draws with a second split among the first %d: u + p %d, u − p %d, inner magnitude %d: pick another seed", n, altPlus, altMinus, nonzero)
	}
	// withNoise is the honest witness but for draw j's noise.
	withNoise := func(j int, z frontend.Variable) func() *drawCircuit {
		return func() *drawCircuit { a := honest(); a.Noise[j] = z; return a }
	}
	sampled := func(lo *big.Int) int64 {
		z, err := tab.Sample(new(big.Int).Mod(lo, k))
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	// mag and sign of draw j: its noise with the magnitude moved by dm.
	mag := func(j int) int64 { z := sampled(loOf(j)); return max(z, -z) }
	signed := func(j int, mv int64) int64 {
		if loOf(j).Bit(UniformBits-1) == 1 {
			return -mv
		}
		return mv
	}
	nz := nonzero
	// A row of about p: m + 2^-W, the noise (m + 2^-W)·(1 − 2s) mod p.
	huge := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), packShift), p)
	huge.Add(huge, big.NewInt(mag(nz)))
	if loOf(nz).Bit(UniformBits-1) == 1 {
		huge.Sub(p, huge)
	}
	row := func(dm, x, mode int64) hooks {
		return hooks{forgeRowAt: nz + 1, forgeRow: [3]int64{dm, x, mode}}
	}
	with := func(h hooks, f func(*hooks)) *hooks { f(&h); return &h }
	for _, tc := range []struct {
		name    string
		forge   func() *drawCircuit
		h       hooks
		removed *hooks // the same forgery with its check removed: accepted
	}{
		{"noise plus one", func() *drawCircuit { a := honest(); a.Noise[3] = add(a.Noise[3], 1); return a }, hooks{}, nil},
		{"another seed", func() *drawCircuit {
			a, _ := assignment(t, m, big.NewInt(5), coins, n)
			a.SeedCommitment = SeedCommitment(seed)
			return a
		}, hooks{}, nil},
		{"other coins", func() *drawCircuit {
			a := honest()
			a.Coins = CoinsValue([]byte("other coins, after the fact"))
			return a
		}, hooks{}, nil},
		{"forged row above", withNoise(nz, signed(nz, mag(nz)+1)), row(1, 0, 0),
			with(row(1, 0, 0), func(h *hooks) { h.skipRowBounds = true })},
		{"forged row below", withNoise(nz, signed(nz, mag(nz)-1)), row(-1, 0, 0),
			with(row(-1, 0, 0), func(h *hooks) { h.skipRowBounds = true })},
		{"row above, d0 = 0", withNoise(nz, signed(nz, mag(nz)+1)), row(1, 0, 1),
			with(row(1, 0, 1), func(h *hooks) { h.skipLookup[0] = true })},
		{"row below, d1 = 0", withNoise(nz, signed(nz, mag(nz)-1)), row(-1, 0, 2),
			with(row(-1, 0, 2), func(h *hooks) { h.skipLookup[1] = true })},
		{"row m + 2^-W", withNoise(nz, huge), row(0, 1, 0),
			with(row(0, 1, 0), func(h *hooks) { h.skipMRange = true })},
		{"split of u + p", withNoise(altPlus, sampled(new(big.Int).Add(uOf(altPlus), p))), hooks{forgeSplitAt: altPlus + 1, forgeSplit: 1},
			&hooks{forgeSplitAt: altPlus + 1, forgeSplit: 1, skipHiBound: true}},
		{"split of u − p", withNoise(altMinus, sampled(new(big.Int).Sub(uOf(altMinus), p))), hooks{forgeSplitAt: altMinus + 1, forgeSplit: 2},
			&hooks{forgeSplitAt: altMinus + 1, forgeSplit: 2, skipHiRange: true}},
		{"sign + 2", withNoise(nz, signed(nz, mag(nz))-4*mag(nz)), hooks{forgeSplitAt: nz + 1, forgeSplit: 3},
			&hooks{forgeSplitAt: nz + 1, forgeSplit: 3, skipSign: true}},
		{"v + 2^(k+1), row m − 1", withNoise(nz, signed(nz, mag(nz)-1)),
			hooks{forgeSplitAt: nz + 1, forgeSplit: 4, forgeRowAt: nz + 1, forgeRow: [3]int64{-1, 0, 3}},
			&hooks{forgeSplitAt: nz + 1, forgeSplit: 4, forgeRowAt: nz + 1, forgeRow: [3]int64{-1, 0, 3}, skipVRange: true}},
		{"another uniform value", withNoise(0, sampled(new(big.Int).Xor(loOf(0), new(big.Int).Lsh(big.NewInt(1), UniformBits-2)))),
			hooks{forgeSplitAt: 1, forgeSplit: 5}, &hooks{forgeSplitAt: 1, forgeSplit: 5, skipRecompose: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := test.IsSolved(shape(m, n, tc.h), tc.forge(), ecc.BN254.ScalarField()); err == nil {
				t.Fatal("accepted")
			}
			if tc.removed != nil {
				if err := test.IsSolved(shape(m, n, *tc.removed), tc.forge(), ecc.BN254.ScalarField()); err != nil {
					t.Fatalf("with the check removed the forgery should pass, got %v", err)
				}
			}
		})
	}
}

// splitOf is SplitHint's output for the integer v (any sign): v mod
// 2^(k−1), bit k−1, and (v − the two)/2^k as a field element.
func splitOf(v *big.Int, out []*big.Int) {
	p := ecc.BN254.ScalarField()
	k := new(big.Int).Lsh(big.NewInt(1), UniformBits)
	lo := new(big.Int).Mod(v, k)
	out[0].Mod(lo, magTop())
	out[1].SetUint64(uint64(lo.Bit(UniformBits - 1)))
	out[2].Rsh(new(big.Int).Sub(v, lo), UniformBits) // exact: v − lo is a multiple of 2^k
	out[2].Mod(out[2], p)
}

// plusP is a cheating prover's split of u: that of u + p, a second
// representation when u + p < 2^254.
func plusP(_ *big.Int, in, out []*big.Int) error {
	splitOf(new(big.Int).Add(in[0], ecc.BN254.ScalarField()), out)
	return nil
}

// minusP is the split of u − p: hi' is a negative integer, as a field
// element p − m.
func minusP(_ *big.Int, in, out []*big.Int) error {
	splitOf(new(big.Int).Sub(in[0], ecc.BN254.ScalarField()), out)
	return nil
}

// signPlus2 is (v, s + 2, hi − 1): the same u with a sign that is not a bit.
func signPlus2(_ *big.Int, in, out []*big.Int) error {
	splitOf(in[0], out)
	out[1].Add(out[1], big.NewInt(2))
	out[2].Sub(out[2], big.NewInt(1))
	return nil
}

// vPlus is (v + 2^(k+1), s, hi − 2): the same u with v out of its range.
func vPlus(_ *big.Int, in, out []*big.Int) error {
	splitOf(in[0], out)
	out[0].Add(out[0], new(big.Int).Lsh(big.NewInt(1), UniformBits+1))
	out[2].Sub(out[2], big.NewInt(2))
	return nil
}

// otherLo is the split of another u: bit k−2 of v flipped.
func otherLo(_ *big.Int, in, out []*big.Int) error {
	splitOf(in[0], out)
	out[0].Xor(out[0], new(big.Int).Lsh(big.NewInt(1), UniformBits-2))
	return nil
}

// forgedRowHint is SampleHint with three more inputs dm, x, mode: the row
// of v (v read mod 2^(k−1)) plus dm, then d0 = v − Mag[m] + x and
// d1 = Mag[m+1] − 1 − v − x, and the row output m + x·2^−W; mode 1 sets
// d0 = 0, mode 2 d1 = 0, mode 3 keeps the slacks of the true row while
// the row output moves by dm.
func forgedRowHint(field *big.Int, in, out []*big.Int) error {
	v := new(big.Int).Mod(in[0], magTop())
	tin := append([]*big.Int{v}, in[1:7]...)
	t, err := hintTable(tin, out)
	if err != nil {
		return err
	}
	signed := func(v *big.Int) int64 {
		if v.Cmp(new(big.Int).Rsh(field, 1)) > 0 {
			return new(big.Int).Sub(v, field).Int64()
		}
		return v.Int64()
	}
	dm, x, mode := signed(in[7]), signed(in[8]), signed(in[9])
	m := t.Magnitude(v)
	if mode != 3 {
		m += dm
	}
	out[1].Add(new(big.Int).Sub(v, t.Mag[m]), big.NewInt(x))
	out[2].Sub(new(big.Int).Sub(new(big.Int).Sub(t.Mag[m+1], big.NewInt(1)), v), big.NewInt(x))
	switch mode {
	case 1:
		out[1].SetInt64(0)
	case 2:
		out[2].SetInt64(0)
	case 3:
		m += dm
	}
	inv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), packShift), field)
	out[0].Add(big.NewInt(m), inv.Mul(inv, big.NewInt(x)))
	for _, o := range out {
		o.Mod(o, field)
	}
	return nil
}

func init() {
	forgedSplits = [6]solver.Hint{nil, plusP, minusP, signPlus2, vPlus, otherLo}
	solver.RegisterHint(plusP, minusP, signPlus2, vPlus, otherLo, forgedRowHint)
	forgedRow = forgedRowHint
}

func add(v frontend.Variable, d int64) frontend.Variable { return v.(int64) + d }

// TestSamplerGroth16: a real Groth16 proof of 16 draws verifies; the same
// proof with a changed noise, other coins or another seed commitment does
// not.
func TestSamplerGroth16(t *testing.T) {
	m := laplace("1", 1)
	const n = 16
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, shape(m, n, hooks{}))
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16setup.Setup(cs.(*cs_bn254.R1CS))
	if err != nil {
		t.Fatal(err)
	}
	seed := big.NewInt(42)
	coins := []byte("0123456789abcdef coins")
	a, zs := assignment(t, m, seed, coins, n)
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	prf, err := groth16.Prove(cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	proveTime := time.Since(start)
	verify := func(a *drawCircuit) error {
		pw, err := frontend.NewWitness(a, ecc.BN254.ScalarField(), frontend.PublicOnly())
		if err != nil {
			t.Fatal(err)
		}
		return groth16.Verify(prf, vk, pw)
	}
	start = time.Now()
	if err := verify(a); err != nil {
		t.Fatalf("honest proof of noise %v: %v", zs, err)
	}
	t.Logf("%d draws, %d constraints: prove %v, verify %v; noise %v", n, cs.GetNbConstraints(), proveTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), zs)
	for name, edit := range map[string]func(a *drawCircuit){
		"noise":           func(a *drawCircuit) { a.Noise[5] = add(a.Noise[5], 1) },
		"coins":           func(a *drawCircuit) { a.Coins = CoinsValue([]byte("other coins entirely")) },
		"seed commitment": func(a *drawCircuit) { a.SeedCommitment = SeedCommitment(big.NewInt(43)) },
	} {
		b, _ := assignment(t, m, seed, coins, n)
		edit(b)
		if err := verify(b); err == nil {
			t.Errorf("the proof verified with another %s", name)
		}
	}
}

// TestConstraintsPerDraw measures a draw's constraints: the difference
// between 33 draws and 1, over 32, with lookup and bit range checks.
func TestConstraintsPerDraw(t *testing.T) {
	for _, tc := range []struct {
		m    Mechanism
		bits bool
	}{{laplace("1", 1), false}, {laplace("0.1", 16), false}, {laplace("1", 1), true}} {
		count := func(n int) int {
			c := shape(tc.m, n, hooks{})
			c.bits = tc.bits
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
			if err != nil {
				t.Fatal(err)
			}
			return cs.GetNbConstraints()
		}
		one, many := count(1), count(33)
		per := float64(many-one) / 32
		tab, _ := tc.m.Table()
		t.Logf("%s ε=%s Δ=%d (magnitude table %d rows), bits=%v: 1 draw %d constraints, 33 draws %d: %.1f per draw",
			tc.m.Kind, tc.m.Epsilon, tc.m.Sensitivity, len(tab.Mag), tc.bits, one, many, per)
		if per > 2000 || float64(one) > 2000+float64(len(tab.CDF))*2+1000 {
			t.Errorf("%.0f constraints per draw (target ≤ 2,000)", per)
		}
	}
}

func ExampleMechanism_Table() {
	m := Mechanism{Kind: Laplace, Epsilon: Decimal{1, 1}, Sensitivity: 1}
	t, err := m.Table()
	if err != nil {
		panic(err)
	}
	fmt.Printf("noise in [−%d, %d]; P(0) = %.4f; δ at ε = 1: %.1e\n", t.Offset, t.Offset, t.P(0), t.Delta(m.Epsilon, m.Sensitivity))
	// Output:
	// noise in [−44, 44]; P(0) = 0.4621; δ at ε = 1: 1.4e-18
}
