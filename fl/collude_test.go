package fl

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
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
		c.Clients[0].Update[i], c.Clients[1].Update[i] = u0[i], u1
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
