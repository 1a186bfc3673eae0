package audit

import (
	"math/big"
	"testing"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/zkinfer/zkinfer/ops"
)

func bigInt(v int64) *big.Int { return big.NewInt(v) }

func TestConstraintsPerRecord(t *testing.T) {
	for _, hashed := range []bool{false, true} {
		for _, n := range []int{10, 20} {
			spec, _ := fixture(t, n, hashed, Metric{Kind: Accuracy, Threshold: &Rat{8, 10}})
			cs, err := Compile(spec, ops.RangeLookup)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("hashed %v, %d records: %d constraints", hashed, n, cs.GetNbConstraints())
		}
	}
}

func TestHonestSolves(t *testing.T) {
	spec, w := fixture(t, 20, true, Metric{Kind: Accuracy, Threshold: &Rat{8, 10}})
	asg, pub, err := Assign(spec, w)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := Evaluate(spec, w)
	t.Logf("correct %d/20, public %v", o.Correct, pub.Values())
	if err := solve(t, spec, asg, false); err != nil {
		t.Fatal(err)
	}
}

func TestProveVerify(t *testing.T) {
	spec, w := fixture(t, 10, true, Metric{Kind: Accuracy, Threshold: &Rat{8, 10}})
	cs, err := Compile(spec, ops.RangeLookup)
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	raw, pub, err := Prove(spec, cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	bvk := vk.(*groth16bn254.VerifyingKey)
	ncm := len(bvk.PublicAndCommitmentCommitted)
	if err := Verify(bvk, ncm, raw, pub); err != nil {
		t.Fatal(err)
	}
	other := *pub
	other.Dataset = new(big.Int).Add(pub.Dataset, big.NewInt(1))
	if err := Verify(bvk, ncm, raw, &other); err == nil {
		t.Fatal("a proof verified for another dataset commitment")
	}
	other = *pub
	other.Model = new(big.Int).Add(pub.Model, big.NewInt(1))
	if err := Verify(bvk, ncm, raw, &other); err == nil {
		t.Fatal("a proof verified for another model commitment")
	}
}
