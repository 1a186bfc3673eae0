package circuit

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
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

// dpAttack is the honest DP release of secretMLP's outputs, its circuit
// and the pieces an attack recomputes the release from.
type dpAttack struct {
	m      *model.Model
	w      *Witness
	vis    Visibility
	c      *Circuit
	cs     constraint.ConstraintSystem
	off    int     // the released values' public offset
	noise  []int64 // the honest noise of each output value
	assign func() *Circuit
}

func newDPAttack(t *testing.T) *dpAttack {
	t.Helper()
	m, w := secretMLP(t)
	vis := dpVis()
	w.DP = &DPWitness{Seed: big.NewInt(123456789), Coins: dpTestCoins}
	c, err := New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	if c.dp.Shift == 0 {
		t.Fatal("the test release has no lattice shift: the floor's checks are not built")
	}
	rel, err := DPReleased(c.dp, w.Outputs, w.DP.Seed, w.DP.Coins, w.Context)
	if err != nil {
		t.Fatal(err)
	}
	at := &dpAttack{m: m, w: w, vis: vis, c: c, cs: build(t, m, vis, ops.RangeLookup), off: c.wires.Offset(SegDPReleased)}
	for j, q := range w.Outputs[0].Data {
		at.noise = append(at.noise, rel[j]-q>>c.dp.Shift)
	}
	at.assign = func() *Circuit {
		a, err := AssignWitness(m, vis, w)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if err := solved(t, at.cs, at.assign()); err != nil {
		t.Fatalf("honest release: %v", err)
	}
	return at
}

func dpSolved(t *testing.T, cs constraint.ConstraintSystem, a *Circuit, opts ...solver.Option) error {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	return cs.IsSolved(w, opts...)
}

// TestDPFloorForged: the prover picks the floor's hint outputs (Q, rem)
// of every output value q and releases Q + z (z the honest noise, which
// does not depend on Q), a release the honest floor ⌊q/2^g⌋ + z does not
// give. Each forgery is rejected by the one check that kills it:
//
//   - Q + 1 with rem − 2^g (negative: p − (2^g − rem)) meets q = 2^g·Q + rem:
//     only rem's range check [0, 2^g) rejects it (deleted, the release is
//     one lattice unit high).
//   - Q − 1 with rem + 2^g: rem < 2^(g+1), so only rem's width rejects it
//     (a check one bit wider accepts the release one unit low).
//   - another rem' ∈ [0, 2^g) and Q' = (q − rem')/2^g in the field, a value
//     about p/2^g: only Q's range check rejects it (deleted, the release is
//     Q' + z, any of 2^g values the prover picks).
//   - Q + 1 with the honest rem: both in range, only the floor's equation
//     q = 2^g·Q + rem rejects it.
func TestDPFloorForged(t *testing.T) {
	at := newDPAttack(t)
	field := ecc.BN254.ScalarField()
	g := uint(at.c.dp.Shift)
	step := new(big.Int).Lsh(big.NewInt(1), g)
	floor := func(q *big.Int) (*big.Int, *big.Int) {
		Q := new(big.Int).Rsh(q, g)
		return Q, new(big.Int).Sub(q, new(big.Int).Lsh(Q, g))
	}
	for _, tc := range []struct {
		name  string
		forge func(q *big.Int) (Q, rem *big.Int)
	}{
		{"Q+1, rem−2^g (rem's range)", func(q *big.Int) (*big.Int, *big.Int) {
			Q, rem := floor(q)
			return Q.Add(Q, big.NewInt(1)), rem.Sub(rem, step)
		}},
		{"Q−1, rem+2^g (rem's width)", func(q *big.Int) (*big.Int, *big.Int) {
			Q, rem := floor(q)
			return Q.Sub(Q, big.NewInt(1)), rem.Add(rem, step)
		}},
		{"another rem, Q=(q−rem)/2^g in the field (Q's range)", func(q *big.Int) (*big.Int, *big.Int) {
			_, rem := floor(q)
			if rem.Sign() == 0 {
				rem.SetInt64(1)
			} else {
				rem.Sub(rem, big.NewInt(1))
			}
			Q := new(big.Int).Sub(q, rem)
			Q.Mul(Q, new(big.Int).ModInverse(step, field))
			return Q.Mod(Q, field), rem
		}},
		{"Q+1, the honest rem (the floor's equation)", func(q *big.Int) (*big.Int, *big.Int) {
			Q, rem := floor(q)
			return Q.Add(Q, big.NewInt(1)), rem
		}},
	} {
		a := at.assign()
		for j, q := range at.w.Outputs[0].Data {
			Q, _ := tc.forge(big.NewInt(q))
			v := new(big.Int).Add(Q, big.NewInt(at.noise[j]))
			a.Public[at.off+j] = v.Mod(v, field)
			if v.Cmp(new(big.Int).Mod(big.NewInt(q>>g+at.noise[j]), field)) == 0 {
				t.Fatalf("%s: the forged release of output %d is the honest one", tc.name, j)
			}
		}
		forged := solver.OverrideHint(solver.GetHintID(dpFloorHint), func(field *big.Int, in, out []*big.Int) error {
			Q, rem := tc.forge(ops.Signed(field, in[0]))
			out[0].Mod(Q, field)
			out[1].Mod(rem, field)
			return nil
		})
		if dpSolved(t, at.cs, a, forged) == nil {
			t.Errorf("%s: the circuit accepts a release off the floor ⌊q/2^g⌋ + z", tc.name)
		}
	}
}

// TestDPTagForged: a prover who changes the public tag (another
// statement's, or any value) and recomputes the release with the noise
// that tag keys, K(tag, context, seed, coins), is rejected: the tag
// is pinned to the circuit's statement. Without the pin the prover could
// try tags until the noise suits it. The honest release under another tag
// public input is rejected too: the key reads the pinned constant, so the
// pin is the one constraint on that input (a verifier's edited ε gives
// another tag, which must fail).
func TestDPTagForged(t *testing.T) {
	at := newDPAttack(t)
	field := ecc.BN254.ScalarField()
	a := at.assign()
	a.Public[at.c.wires.Offset(SegDPTag)] = new(big.Int).Add(at.c.dp.Tag(), big.NewInt(1))
	if solved(t, at.cs, a) == nil {
		t.Error("the honest release solves under another tag")
	}
	for _, tag := range []*big.Int{big.NewInt(7), new(big.Int).Add(at.c.dp.Tag(), big.NewInt(1))} {
		a := at.assign()
		a.Public[at.c.wires.Offset(SegDPTag)] = tag
		key := dp.Key(at.w.DP.Seed, dp.CoinsValue(at.w.DP.Coins), tag, ContextValue(at.w.Context))
		differs := false
		for j, q := range at.w.Outputs[0].Data {
			z, err := dp.Noise(at.c.dp.Table, key, j)
			if err != nil {
				t.Fatal(err)
			}
			differs = differs || z != at.noise[j]
			a.Public[at.off+j] = new(big.Int).Mod(big.NewInt(q>>at.c.dp.Shift+z), field)
		}
		if !differs {
			t.Fatalf("tag %s keys the same noise", tag)
		}
		if solved(t, at.cs, a) == nil {
			t.Errorf("tag %s with the release its noise gives solves", tag)
		}
	}
}

// TestDPUnlinkedReads: in the test-only circuit whose released values
// are tied to nothing (dpUnlinked, TestDPCircuit's control), each released
// value is still read by a constraint, so the control is a circuit whose
// public inputs are bound (CheckPublicWires) and the value solves only
// off the excluded sentinel −2^62.
func TestDPUnlinkedReads(t *testing.T) {
	at := newDPAttack(t)
	cs := buildHooked(t, at.m, at.vis, func(c *Circuit) { c.dpUnlinked = true })
	if err := CheckPublicWires(cs); err != nil {
		t.Errorf("the unlinked control: %v", err)
	}
	a := at.assign()
	if err := solved(t, cs, a); err != nil {
		t.Fatalf("the unlinked control rejects the honest release: %v", err)
	}
	a.Public[at.off] = new(big.Int).Mod(big.NewInt(-1<<62), ecc.BN254.ScalarField())
	if solved(t, cs, a) == nil {
		t.Error("the unlinked control accepts the sentinel −2^62 as a released value")
	}
}
