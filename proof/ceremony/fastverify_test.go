package ceremony_test

import (
	"bytes"
	"fmt"
	"math/big"
	"path/filepath"
	"testing"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// readableKeys are keys Verify can read (ceremony.KeyReader), so that it
// checks their evaluation vectors against the chain instead of
// recomputing them.
type readableKeys struct{ *keyStore }

func (k readableKeys) ReadKeys() (*ceremony.KeyFiles, error) {
	var pk groth16bn254.ProvingKey
	var vk groth16bn254.VerifyingKey
	if _, err := pk.UnsafeReadFrom(bytes.NewReader(k.pk)); err != nil {
		return nil, err
	}
	if _, err := vk.ReadFrom(bytes.NewReader(k.vk)); err != nil {
		return nil, err
	}
	return &ceremony.KeyFiles{PK: &pk, VK: &vk, PKName: "pk", VKName: "vk"}, nil
}

// TestVerifyReadableKeys: Verify accepts a ceremony's keys by checking
// their A, B, K, Z and commitment-basis vectors with random linear combinations, and rejects
// keys with any one point of those vectors replaced by another valid
// point, even re-encoded so that sealing with them would give them back
// byte for byte (each case fails without the check of its vector), or
// from another chain.
func TestVerifyReadableKeys(t *testing.T) {
	c := newCircuit(t, 40)
	files, keys := run(t, c, 1)
	if _, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: readableKeys{keys}}); err != nil {
		t.Fatal(err)
	}
	two := big.NewInt(2)
	for _, tc := range []struct {
		name   string
		tamper func(pk *groth16bn254.ProvingKey, vk *groth16bn254.VerifyingKey)
		want   string
	}{
		{"A", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			pk.G1.A[len(pk.G1.A)/2].ScalarMultiplication(&pk.G1.A[len(pk.G1.A)/2], two)
		}, "its A vector"},
		{"B in G1", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			pk.G1.B[0].ScalarMultiplication(&pk.G1.B[0], two)
		}, "its B vector in G1"},
		{"B in G2", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			pk.G2.B[len(pk.G2.B)-1].ScalarMultiplication(&pk.G2.B[len(pk.G2.B)-1], two)
		}, "its B vector in G2"},
		{"public K", func(_ *groth16bn254.ProvingKey, vk *groth16bn254.VerifyingKey) {
			vk.G1.K[0].ScalarMultiplication(&vk.G1.K[0], two)
		}, "public inputs' K or a commitment basis"},
		{"commitment basis", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			b := pk.CommitmentKeys[0].Basis
			b[1].ScalarMultiplication(&b[1], two)
		}, "its commitment basis 0 is not phase 2's start's"},
		{"σ-scaled commitment basis", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			b := pk.CommitmentKeys[0].BasisExpSigma
			b[len(b)-1].ScalarMultiplication(&b[len(b)-1], two)
		}, "commitment basis 0 is not the chain's sealed with the beacon"},
		{"Z", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			pk.G1.Z[len(pk.G1.Z)/2].ScalarMultiplication(&pk.G1.Z[len(pk.G1.Z)/2], two)
		}, "its Z or K vector is not the chain's sealed with the beacon"},
		{"private K", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			pk.G1.K[0].ScalarMultiplication(&pk.G1.K[0], two)
		}, "its Z or K vector is not the chain's sealed with the beacon"},
		{"an A flagged at infinity", func(pk *groth16bn254.ProvingKey, _ *groth16bn254.VerifyingKey) {
			for i, inf := range pk.InfinityA {
				if !inf {
					pk.InfinityA[i] = true
					pk.NbInfinityA++
					pk.G1.A = pk.G1.A[1:]
					return
				}
			}
		}, "its A vector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := readableKeys{keys}.ReadKeys()
			if err != nil {
				t.Fatal(err)
			}
			pk, vk := k.PK, k.VK
			tc.tamper(pk, vk)
			bad := &keyStore{record: keys.record}
			if err := bad.write(pk, vk); err != nil {
				t.Fatal(err)
			}
			_, err = ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: readableKeys{bad}})
			testkit.CheckError(t, err, tc.want)
		})
	}
}

// TestVerifyReadableKeysBlame: with keys to read, Verify compares the keys'
// Z and K with phase 2's first state (chain2.sealedKeys) and takes no MSM
// of the last state's; a contribution in the middle whose K is not its
// predecessor's over its δ, built on by an honest participant and
// finalized, still fails, and the error names that contribution, not the
// keys (the chain's own check runs when the keys' fails).
func TestVerifyReadableKeysBlame(t *testing.T) {
	c := newCircuit(t, 40)
	files, _ := run(t, c, 1) // p1-0, p1-1, p2-0, p2-1
	dir := filepath.Dir(files[0])
	for i := 2; i <= 3; i++ {
		next := filepath.Join(dir, fmt.Sprintf("p2-%d", i))
		if _, err := ceremony.Contribute(files[len(files)-1], next, nil); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if err := ceremony.TamperK(next); err != nil {
				t.Fatal(err)
			}
		}
		files = append(files, next)
	}
	keys := finalize(t, c, files[len(files)-1])
	_, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: readableKeys{keys}})
	testkit.CheckError(t, err, files[4]+" (phase 2 contribution 2): invalid contribution")
}
