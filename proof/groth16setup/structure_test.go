package groth16setup_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// checkStructure checks what a verifier of the keys can check without the
// toxic waste, as a ceremony verifier would: the proving and verifying
// keys agree; [β]₁, [β]₂ and [δ]₁, [δ]₂ hold the same exponents; G1.B and
// G2.B hold the same exponents point by point (a random linear combination
// of each, paired); each commitment's BasisExpSigma is its Basis times the
// σ in its verifying key (likewise); every point is in its group and none
// of A, B, Z is at infinity (K may be, for a wire in no constraint);
// the lengths and infinity bookkeeping fit together.
func checkStructure(t *testing.T, pk *groth16bn254.ProvingKey, vk *groth16bn254.VerifyingKey) {
	t.Helper()
	_, _, g1, g2 := curve.Generators()
	var negG1 curve.G1Affine
	negG1.Neg(&g1)
	pairs := func(what string, p []curve.G1Affine, q []curve.G2Affine) {
		t.Helper()
		ok, err := curve.PairingCheck(p, q)
		if err != nil || !ok {
			t.Fatalf("%s: pairing check fails (%v)", what, err)
		}
	}
	switch {
	case vk.G1.Alpha != pk.G1.Alpha, vk.G1.Beta != pk.G1.Beta, vk.G1.Delta != pk.G1.Delta:
		t.Fatal("the keys' G1 α, β, δ differ")
	case vk.G2.Beta != pk.G2.Beta, vk.G2.Delta != pk.G2.Delta:
		t.Fatal("the keys' G2 β, δ differ")
	}
	pairs("[β]₁ and [β]₂", []curve.G1Affine{pk.G1.Beta, negG1}, []curve.G2Affine{g2, pk.G2.Beta})
	pairs("[δ]₁ and [δ]₂", []curve.G1Affine{pk.G1.Delta, negG1}, []curve.G2Affine{g2, pk.G2.Delta})
	if len(pk.G1.B) != len(pk.G2.B) {
		t.Fatalf("%d G1 and %d G2 points B", len(pk.G1.B), len(pk.G2.B))
	}
	r := randomScalars(t, len(pk.G1.B))
	pairs("G1.B and G2.B", []curve.G1Affine{msm(t, pk.G1.B, r), negG1}, []curve.G2Affine{g2, msm(t, pk.G2.B, r)})
	if len(pk.CommitmentKeys) != len(vk.CommitmentKeys) {
		t.Fatalf("%d and %d commitment keys", len(pk.CommitmentKeys), len(vk.CommitmentKeys))
	}
	for i, ck := range pk.CommitmentKeys {
		r := randomScalars(t, len(ck.Basis))
		pairs("commitment key σ", []curve.G1Affine{msm(t, ck.BasisExpSigma, r), msm(t, ck.Basis, r)},
			[]curve.G2Affine{vk.CommitmentKeys[i].G, vk.CommitmentKeys[i].GSigmaNeg})
	}
	n := pk.Domain.Cardinality
	wires := uint64(len(pk.InfinityA))
	switch {
	case uint64(len(pk.G1.Z)) != n-1:
		t.Fatalf("%d points Z for a domain of %d", len(pk.G1.Z), n)
	case uint64(len(pk.G1.A)) != wires-pk.NbInfinityA || uint64(len(pk.G1.B)) != wires-pk.NbInfinityB:
		t.Fatal("the infinity counts do not match the points A and B")
	}
	for _, v := range []struct {
		what       string
		pts        []curve.G1Affine
		noInfinity bool
	}{{"A", pk.G1.A, true}, {"B", pk.G1.B, true}, {"Z", pk.G1.Z, true}, {"K", pk.G1.K, false}, {"vk K", vk.G1.K, false}} {
		for i := range v.pts {
			if (v.noInfinity && v.pts[i].IsInfinity()) || !v.pts[i].IsInSubGroup() {
				t.Fatalf("point %s[%d] at infinity or not in G1", v.what, i)
			}
		}
	}
	for i := range pk.G2.B {
		if !pk.G2.B[i].IsInSubGroup() {
			t.Fatalf("point G2.B[%d] not in G2", i)
		}
	}
}

func randomScalars(t *testing.T, n int) []fr.Element {
	t.Helper()
	r := make([]fr.Element, n)
	for i := range r {
		if _, err := r[i].SetRandom(); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// multiExper is *curve.G1Affine or *curve.G2Affine.
type multiExper[P any] interface {
	*P
	MultiExp(points []P, scalars []fr.Element, config ecc.MultiExpConfig) (*P, error)
}

// msm returns Σ s_i·p_i.
func msm[P any, PP multiExper[P]](t *testing.T, p []P, s []fr.Element) P {
	t.Helper()
	var r P
	if _, err := PP(&r).MultiExp(p, s, ecc.MultiExpConfig{}); err != nil {
		t.Fatal(err)
	}
	return r
}
