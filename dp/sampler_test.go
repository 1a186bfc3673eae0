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

// TestSamplerRejects: a changed seed, coins or noise, a forged table row,
// the two non-canonical splits and another uniform value are each
// unsatisfiable; with the check that stops each removed, the forgery is
// accepted, so that check is what rejects it.
func TestSamplerRejects(t *testing.T) {
	m := laplace("0.5", 1)
	seed := big.NewInt(987654321)
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
	altPlus, altMinus := -1, -1
	uOf := func(j int) *big.Int {
		lo, hi, _ := Uniform(key, j)
		return new(big.Int).Add(lo, new(big.Int).Lsh(hi, UniformBits))
	}
	for j := range n {
		u := uOf(j)
		if altPlus < 0 && new(big.Int).Add(u, p).BitLen() <= 254 {
			altPlus = j
		}
		m := new(big.Int).Div(new(big.Int).Add(new(big.Int).Sub(p, u), new(big.Int).Sub(k, big.NewInt(1))), k)
		if altMinus < 0 && new(big.Int).Add(new(big.Int).Sub(hiBound(), big.NewInt(1)), m).BitLen() <= hiBits {
			altMinus = j
		}
	}
	if altPlus < 0 || altMinus < 0 {
		t.Fatalf("draws with a second split among the first %d: u + p %d, u − p %d: pick another seed", n, altPlus, altMinus)
	}
	tab, _ := m.Table()
	// withLo is the honest witness but for draw j's noise, that of lo.
	withLo := func(j int, lo *big.Int) func() *drawCircuit {
		return func() *drawCircuit {
			a := honest()
			z, err := tab.Sample(lo)
			if err != nil {
				t.Fatal(err)
			}
			a.Noise[j] = z
			return a
		}
	}
	loPlus := new(big.Int).Mod(new(big.Int).Add(uOf(altPlus), p), k)
	loMinus := new(big.Int).Mod(new(big.Int).Sub(uOf(altMinus), p), k)
	// Another uniform value for draw 0: the start of the row after its own.
	lo0, _, _ := Uniform(key, 0)
	z0, _ := tab.Sample(lo0)
	next := tab.CDF[z0+tab.Offset+1]
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
		{"forged row", func() *drawCircuit {
			a := honest()
			for j := range a.Noise {
				a.Noise[j] = add(a.Noise[j], 1)
			}
			return a
		}, hooks{forgeIndex: 1}, &hooks{forgeIndex: 1, skipRowBounds: true}},
		{"forged row below", func() *drawCircuit {
			a := honest()
			for j := range a.Noise {
				a.Noise[j] = add(a.Noise[j], -1)
			}
			return a
		}, hooks{forgeIndex: -1}, &hooks{forgeIndex: -1, skipRowBounds: true}},
		{"split of u + p", withLo(altPlus, loPlus), hooks{forgeSplitAt: altPlus + 1, forgeSplit: 1},
			&hooks{forgeSplitAt: altPlus + 1, forgeSplit: 1, skipHiBound: true}},
		{"split of u − p", withLo(altMinus, loMinus), hooks{forgeSplitAt: altMinus + 1, forgeSplit: 2},
			&hooks{forgeSplitAt: altMinus + 1, forgeSplit: 2, skipHiRange: true}},
		{"another uniform value", withLo(0, next), hooks{forgeLoAt: 1, forgeLo: new(big.Int).Sub(next, lo0)},
			&hooks{forgeLoAt: 1, forgeLo: new(big.Int).Sub(next, lo0), skipRecompose: true}},
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

// plusP is a cheating prover's split of u: that of u + p, a second
// representation when u + p < 2^254.
func plusP(_ *big.Int, in, out []*big.Int) error {
	return SplitHint(nil, []*big.Int{new(big.Int).Add(in[0], ecc.BN254.ScalarField())}, out)
}

// minusP is the split of u − p: lo' = (u − p) mod 2^k and hi' = (u − p −
// lo')/2^k, a negative integer, as a field element p − m.
func minusP(field *big.Int, in, out []*big.Int) error {
	v := new(big.Int).Sub(in[0], ecc.BN254.ScalarField())
	k := new(big.Int).Lsh(big.NewInt(1), UniformBits)
	out[0].Mod(v, k)
	out[1].Rsh(new(big.Int).Sub(v, out[0]), UniformBits) // exact: v − lo' is a multiple of 2^k
	out[1].Mod(out[1], ecc.BN254.ScalarField())
	return nil
}

func init() {
	forgedSplits = [3]solver.Hint{nil, plusP, minusP}
	solver.RegisterHint(plusP, minusP)
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
		t.Logf("%s ε=%s Δ=%d (table %d rows), bits=%v: 1 draw %d constraints, 33 draws %d: %.1f per draw",
			tc.m.Kind, tc.m.Epsilon, tc.m.Sensitivity, len(tab.CDF), tc.bits, one, many, per)
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
