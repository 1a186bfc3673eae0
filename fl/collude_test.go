package fl

import (
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/circuit/sponge"
)

// TestCollusionFieldUpdates: two colluding clients commit to updates that
// are field elements, not integers of UpdateBits, chosen so that both
// field norms are tiny (no clipping) while their weighted contributions
// add up to any change d the aggregator wants, here 1,000 units on each
// parameter of the first group, far beyond the clipping bound:
//
//	u_0 = (x, ι·x, 0, …)          ‖u_0‖² = x² + (ιx)² = 0
//	u_1,i = (d_i − s_0·u_0,i)/s_1   ‖u_1‖² = (Σd² − 2·s_0·x·(d_0 + ι·d_1))/s_1² = 1
//
// with x solved for the second norm (s_k = p_k·2^16, unclipped). Only the
// updates' range checks refuse it: without them the round proves.
func TestCollusionFieldUpdates(t *testing.T) {
	ccs, keys := testSetup(t)
	s := testShape
	r := testRound(1)
	for k := range 2 {
		for j := range r.Updates[k] {
			r.Updates[k][j] = 0
		}
	}
	res, err := Aggregate(s, r) // client 2's honest contribution, colluders at 0
	if err != nil {
		t.Fatal(err)
	}
	p := ecc.BN254.ScalarField()
	_, G := s.packWidth()
	one := int64(1) << FactorBits
	s0, s1 := big.NewInt(r.Weights[0]*one), big.NewInt(r.Weights[1]*one)
	inv := func(v *big.Int) *big.Int { return new(big.Int).ModInverse(new(big.Int).Mod(v, p), p) }
	mul := func(a, b *big.Int) *big.Int { return new(big.Int).Mod(new(big.Int).Mul(a, b), p) }
	d := make([]*big.Int, G)
	sumSq := new(big.Int)
	for i := range d {
		d[i] = new(big.Int).Lsh(big.NewInt(1000), WeightBits+FactorBits)
		sumSq.Add(sumSq, new(big.Int).Mul(d[i], d[i]))
	}
	// x = (Σd² − s_1²) / (2·s_0·(d_0 + ι·d_1))
	num := new(big.Int).Sub(sumSq, new(big.Int).Mul(s1, s1))
	den := mul(big.NewInt(2), mul(s0, new(big.Int).Add(d[0], mul(iota, d[1]))))
	x := mul(num, inv(den))
	u0 := make([]*big.Int, G)
	for i := range u0 {
		u0[i] = new(big.Int)
	}
	u0[0], u0[1] = x, mul(iota, x)
	c := assign(s, r, res)
	norm1 := new(big.Int)
	for i := range G {
		u1 := mul(new(big.Int).Sub(d[i], mul(s0, u0[i])), inv(s1))
		// the wires hold u + 2^(UpdateBits−1) (Client.Update)
		h := big.NewInt(updateOffset(s.UpdateBits))
		c.Clients[0].Update[i], c.Clients[1].Update[i] = mul(new(big.Int).Add(u0[i], h), big.NewInt(1)), mul(new(big.Int).Add(u1, h), big.NewInt(1))
		norm1 = mul(new(big.Int).Add(norm1, mul(u1, u1)), big.NewInt(1))
	}
	if norm1.Cmp(big.NewInt(1)) != 0 {
		t.Fatalf("client 1's field norm is %v, want 1", norm1)
	}
	// The new model with d added to the first group's weighted sums.
	newW := make([]int64, s.Params)
	for j := range newW {
		n := big.NewInt(r.Weights[2] * one * r.Updates[2][j])
		if j < G {
			n.Add(n, d[j])
		}
		n.Add(n, new(big.Int).Lsh(big.NewInt(1), WeightBits+FactorBits-1))
		q, m := new(big.Int).DivMod(n, new(big.Int).Lsh(big.NewInt(1), WeightBits+FactorBits), new(big.Int))
		newW[j] = r.Old[j] + q.Int64()
		c.NewW[j], c.Rem[j] = newW[j], m
	}
	if newW[0]-res.New[0] < 999 {
		t.Fatalf("the forged change is %d units, want about 1,000", newW[0]-res.New[0])
	}
	nc, err := commit(s, newW, r.NewSalt)
	if err != nil {
		t.Fatal(err)
	}
	c.New = nc
	w, err := frontend.NewWitness(c, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	zero, err := circuit.ZeroMaskOption()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := groth16.Prove(ccs, keys.PK, w, backend.WithSolverOptions(zero)); err == nil {
		t.Fatal("two colluding clients' field-element updates moved the model by 1,000 units a parameter past the clipping bound")
	} else {
		t.Logf("refused: %.120s", err)
	}
}

// proveForged proves the circuit assignment c as is (no native checks).
func proveForged(t *testing.T, c *Circuit) error {
	t.Helper()
	ccs, keys := testSetup(t)
	w, err := frontend.NewWitness(c, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	zero, err := circuit.ZeroMaskOption()
	if err != nil {
		t.Fatal(err)
	}
	_, err = groth16.Prove(ccs, keys.PK, w, backend.WithSolverOptions(zero))
	return err
}

// commitUnchecked is circuit.Commit's Poseidon2 commitment of one tensor
// without its range check (circuit.Commit refuses out-of-range values):
// the values packed PackBits = ParamBits+1 bits apart, offset by
// 2^ParamBits, ⌊253/PackBits⌋ to an element; tag, count, elements, salt.
func commitUnchecked(s Shape, w []int64, salt *big.Int) *big.Int {
	b := s.ParamBits + 1
	per := 253 / b
	elems := make([]*big.Int, (len(w)+per-1)/per)
	for i := range elems {
		elems[i] = new(big.Int)
	}
	for j, v := range w {
		e := new(big.Int).Add(big.NewInt(v), new(big.Int).Lsh(big.NewInt(1), uint(b-1)))
		elems[j/per].Add(elems[j/per], e.Lsh(e, uint((j%per)*b)))
	}
	msg := append([]*big.Int{big.NewInt(circuit.TagParams), big.NewInt(int64(len(w)))}, elems...)
	out := sponge.HashInts(append(msg, orZero(salt))...)
	return out.BigInt(new(big.Int))
}

// TestModelRangeForgeries: without the range checks of W_old or W_new,
// a carry of 2^S between two packed slots of the average's equation
// (packedSums) moves a parameter by 2^(S−32) = 2^18 units, and a carry of
// 2^(ParamBits+1) between two slots of the Poseidon2 packing keeps a
// commitment's elements: each forgery below proves a wrong new model
// when its check is removed, and is refused with it.
//
//   - W_old: W_old'_0 = W_old_0 − 2^18, W_old'_1 = W_old_1 + 2 (the same
//     packed element, so H_old still opens to it); slot 0 of the average
//     gains 2^S, slot 1 loses 1 (r_1 − 1): W_new_1 comes out 2 units
//     above the average.
//   - W_new: W_new'_0 = W_new_0 + 2^18 and r_1 − 1: the same equation,
//     and a new model 2^18 units off at parameter 0 under its own H_new.
//   - W_new past the range: the true average of a round whose previous
//     weight is at the top of the range (the range is part of the
//     statement: the new model must fit ParamBits, as `zkinfer commit`
//     quantizes; one more bit would accept it).
func TestModelRangeForgeries(t *testing.T) {
	s := testShape
	if S, _ := s.packWidth(); S != WeightBits+FactorBits+18 {
		t.Fatalf("the test expects slots of 50 bits, the shape has %d", S)
	}
	r := testRound(1)
	res, err := Aggregate(s, r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rem[1] == 0 {
		t.Fatal("the test needs a nonzero remainder at parameter 1")
	}
	// The true average past the range: W_old_j at the top of the range
	// and a positive change (an honest aggregator refuses the round).
	top := cloneRound(r)
	j := -1
	for k := range res.New {
		if res.New[k] > r.Old[k] {
			j = k
			break
		}
	}
	if j < 0 {
		t.Fatal("the test round has no parameter that grows")
	}
	top.Old[j] = 1<<(s.ParamBits-1) - 1
	topRes := cloneResult(res)
	topRes.Noise = nil
	if err := combine(s, top, topRes, false); err == nil || topRes.New[j] < 1<<(s.ParamBits-1) {
		t.Fatalf("the round at the top of the range gives %d at parameter %d (%v): want it past 2^%d", topRes.New[j], j, err, s.ParamBits-1)
	}
	shift := int64(1) << 18
	forgeries := map[string]func(c *Circuit){
		"previous model out of range": func(c *Circuit) {
			c.OldW[0], c.OldW[1] = r.Old[0]-shift, r.Old[1]+2
			newW := slices.Clone(res.New)
			newW[1] += 2
			c.NewW[1], c.Rem[1] = newW[1], res.Rem[1]-1
			var err error
			if c.New, err = commit(s, newW, r.NewSalt); err != nil {
				t.Fatal(err)
			}
		},
		"new model past the range (the true average)": func(c *Circuit) {
			c.New = commitUnchecked(s, topRes.New, top.NewSalt)
		},
		"new model out of range": func(c *Circuit) {
			newW := slices.Clone(res.New)
			newW[0] += shift
			c.NewW[0], c.Rem[1] = newW[0], res.Rem[1]-1
			c.New = commitUnchecked(s, newW, r.NewSalt)
		},
	}
	for name, forge := range forgeries {
		t.Run(name, func(t *testing.T) {
			c := assign(s, r, res)
			if err := proveForged(t, c); err != nil {
				t.Fatalf("the honest assignment fails: %v", err)
			}
			c = assign(s, r, res)
			if name == "new model past the range (the true average)" {
				c = assign(s, top, topRes)
			}
			forge(c)
			if err := proveForged(t, c); err == nil {
				t.Fatal("proved a new model off the average")
			} else {
				t.Logf("refused: %.100s", err)
			}
		})
	}
}
