package circuit

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

var dpTestCoins = []byte("sixteen-or-more-coin-bytes-here!")

func dpVis() Visibility {
	return Visibility{Input: Private, Params: Private, Output: Private,
		DP: &DPRelease{Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 10}}}
}

// TestDPResolve: the lattice keeps the sensitivity within 16 units, and
// the request's own checks refuse what they name.
func TestDPResolve(t *testing.T) {
	outs := []*ops.Info{{Shape: []int{1, 4}, Scale: 12}}
	for _, tc := range []struct {
		sens       dp.Decimal
		shift      int
		latticeSen int64
	}{
		{dp.Decimal{Num: 1, Den: 4096}, 0, 1},   // one output integer
		{dp.Decimal{Num: 16, Den: 4096}, 0, 16}, // 16 integers fit
		{dp.Decimal{Num: 17, Den: 4096}, 1, 9},  // ⌈17/2⌉
		{dp.Decimal{Num: 1, Den: 10}, 5, 13},    // ⌈410/32⌉
		{dp.Decimal{Num: 1, Den: 1}, 8, 16},     // 4096/256
	} {
		r, err := (&DPRelease{Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: tc.sens}).Resolve(outs)
		if err != nil {
			t.Fatal(err)
		}
		if r.Shift != tc.shift || r.Mech.Sensitivity != tc.latticeSen {
			t.Fatalf("sensitivity %s: shift %d, Δ %d; want %d, %d", tc.sens, r.Shift, r.Mech.Sensitivity, tc.shift, tc.latticeSen)
		}
	}
	for name, d := range map[string]DPRelease{
		"no mechanism":      {Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 1}},
		"gaussian, no δ":    {Mechanism: dp.Gaussian, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 1}},
		"laplace with δ":    {Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 1}, Delta: 1e-6},
		"zero sensitivity":  {Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 0, Den: 1}},
		"ε above the limit": {Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 21, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 1}},
	} {
		if _, err := d.Resolve(outs); err == nil {
			t.Fatalf("%s: resolved", name)
		}
	}
	for name, v := range map[string]Visibility{
		"public outputs": {Input: Private, Params: Fixed, Output: Public, DP: dpVis().DP},
		"hashed outputs": {Input: Private, Params: Fixed, Output: Hashed, DP: dpVis().DP},
		"a claim":        {Input: Private, Params: Fixed, Output: Private, Claim: "output[0] >= 0", DP: dpVis().DP},
	} {
		if err := v.Validate(); err == nil {
			t.Fatalf("%s with --dp validates", name)
		}
	}
}

// TestDPCircuit: the honest release solves and is DPReleased's; a
// released value off by one, another seed (with its own commitment),
// other coins, another tag, or the exact outputs without noise do not.
// With the sampler's link to the released values removed (dpUnlinked),
// the value off by one solves: that assertion is what rejects it.
func TestDPCircuit(t *testing.T) {
	m, w := secretMLP(t)
	vis := dpVis()
	seed := big.NewInt(123456789)
	w.DP = &DPWitness{Seed: seed, Coins: dpTestCoins}
	cs := build(t, m, vis, ops.RangeLookup)
	c, err := New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := DPReleased(c.dp, w.Outputs, seed, dpTestCoins, nil)
	if err != nil {
		t.Fatal(err)
	}
	off := c.wires.Offset(SegDPReleased)
	assign := func() *Circuit {
		a, err := AssignWitness(m, vis, w)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := assign()
	if err := solved(t, cs, a); err != nil {
		t.Fatalf("honest release: %v", err)
	}
	noisy := false
	for j, v := range rel {
		if big.NewInt(v).Cmp(toBig(a.Public[off+j])) != 0 {
			t.Fatalf("released[%d] = %v, the reference %d", j, a.Public[off+j], v)
		}
		if v != w.Outputs[0].Data[j]>>c.dp.Shift {
			noisy = true
		}
	}
	if !noisy {
		t.Fatal("no released value carries noise: the test would not see a missing sampler")
	}
	a.Public[off] = big.NewInt(rel[0] + 1)
	if solved(t, cs, a) == nil {
		t.Fatal("a released value off by one solves")
	}
	// Another seed with its own commitment: the noise differs.
	a = assign()
	w2 := *w
	w2.DP = &DPWitness{Seed: big.NewInt(987654321), Coins: dpTestCoins}
	a2, err := AssignWitness(m, vis, &w2)
	if err != nil {
		t.Fatal(err)
	}
	a2.Public[off], a2.Public[off+1], a2.Public[off+2], a2.Public[off+3] = a.Public[off], a.Public[off+1], a.Public[off+2], a.Public[off+3]
	if solved(t, cs, a2) == nil {
		t.Fatal("another seed gives the same release")
	}
	// Other coins, or another seed commitment, with the same release.
	a = assign()
	a.Public[c.wires.Offset(SegDPCoins)] = dp.CoinsValue([]byte("other-coins-other-coins-other"))
	if solved(t, cs, a) == nil {
		t.Fatal("other coins solve")
	}
	a = assign()
	a.Public[c.wires.Offset(SegDPSeedCommitment)] = dp.SeedCommitment(big.NewInt(5))
	if solved(t, cs, a) == nil {
		t.Fatal("another seed commitment solves")
	}
	a = assign()
	a.Public[c.wires.Offset(SegDPTag)] = big.NewInt(7)
	if solved(t, cs, a) == nil {
		t.Fatal("another DP tag solves")
	}
	// The exact (floored) outputs as the release: rejected, and accepted
	// once the noise is left out of the circuit.
	a = assign()
	for j, q := range w.Outputs[0].Data {
		a.Public[off+j] = q >> c.dp.Shift
	}
	if solved(t, cs, a) == nil {
		t.Fatal("the exact outputs solve as the release")
	}
	if err := solved(t, buildHooked(t, m, vis, func(c *Circuit) { c.dpNoNoise = true }), a); err != nil {
		t.Fatalf("without the noise, the exact outputs should solve: %v", err)
	}
	// The link removed: a release off by one solves.
	a = assign()
	a.Public[off] = big.NewInt(rel[0] + 1)
	if err := solved(t, buildHooked(t, m, vis, func(c *Circuit) { c.dpUnlinked = true }), a); err != nil {
		t.Fatalf("without the link, a release off by one should solve: %v", err)
	}
	// Proving without a seed, or with one for a circuit without DP.
	w3 := *w
	w3.DP = nil
	if _, err := AssignWitness(m, vis, &w3); err == nil {
		t.Fatal("a DP circuit assigned without a seed")
	}
	if _, err := AssignWitness(m, Visibility{Input: Private, Params: Private, Output: Private}, w); err == nil {
		t.Fatal("a seed accepted by a circuit without DP")
	}
}

// TestDPFloorNegative: the floor of a negative output is ⌊q/2^g⌋.
func TestDPFloorNegative(t *testing.T) {
	field := ecc.BN254.ScalarField()
	for _, q := range []int64{-1, -32, -33, 0, 31, 32, 1000} {
		out := []*big.Int{new(big.Int), new(big.Int)}
		in := new(big.Int).Mod(big.NewInt(q), field)
		if err := dpFloorHint(field, []*big.Int{in, big.NewInt(5)}, out); err != nil {
			t.Fatal(err)
		}
		if got := ops.Signed(field, out[0]).Int64(); got != q>>5 || out[1].Int64() != q-(q>>5)*32 {
			t.Fatalf("floor(%d/32) = %d rem %s", q, got, out[1])
		}
	}
}

// TestDPConstraints reports the constraints the release adds to 1l_mlp.
func TestDPConstraints(t *testing.T) {
	m, _ := secretMLP(t)
	base := build(t, m, Visibility{Input: Private, Params: Private, Output: Private}, ops.RangeLookup).GetNbConstraints()
	with := build(t, m, dpVis(), ops.RangeLookup).GetNbConstraints()
	t.Logf("1l_mlp (4 outputs): %d constraints, %d with a DP release (+%d)", base, with, with-base)
}

func buildHooked(t *testing.T, m *model.Model, vis Visibility, hook func(*Circuit)) constraint.ConstraintSystem {
	t.Helper()
	c, err := New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	c.RangeCheck = ops.RangeLookup
	hook(c)
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func toBig(v frontend.Variable) *big.Int {
	b, _ := new(big.Int).SetString(fmt.Sprint(v), 10)
	return b
}

// TestDPBuildPicksLookups: with auto range checks, a DP circuit uses
// lookups (bits are preferred only for on-chain verification, which a DP
// release refuses), and Build's public-input check passes on it.
func TestDPBuildPicksLookups(t *testing.T) {
	m, _ := secretMLP(t)
	b, err := Build(m, dpVis(), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.RangeCheck != ops.RangeLookup {
		t.Fatalf("a DP circuit built with %v range checks", b.RangeCheck)
	}
}
