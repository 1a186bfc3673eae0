package groth16setup_test

import (
	"bytes"
	"io"
	"testing"
	"testing/cryptotest"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// sumCircuit is a small circuit with Commitments Groth16 commitments, each
// to a different set of private wires (and, for the second, a public
// one), a wire used only in an output (a zero in A and B), and a private
// input used nowhere.
type sumCircuit struct {
	X           [6]frontend.Variable
	Unused      frontend.Variable
	Y           frontend.Variable `gnark:",public"`
	Commitments int
	// Other makes another circuit with the same inputs and commitments.
	Other bool
}

func (c *sumCircuit) Define(api frontend.API) error {
	acc := api.Mul(c.X[0], c.X[1])
	acc = api.Add(acc, api.Mul(c.X[2], c.X[3]))
	for i := range c.Commitments {
		committer, ok := api.(frontend.Committer)
		if !ok {
			return nil
		}
		vals := []frontend.Variable{c.X[4], c.X[5], api.Mul(c.X[4], c.X[5])}
		if i == 1 {
			vals = []frontend.Variable{c.X[0], c.Y, acc}
		}
		cm, err := committer.Commit(vals...)
		if err != nil {
			return err
		}
		api.AssertIsDifferent(cm, 0)
	}
	if c.Other {
		acc = api.Mul(acc, c.X[5])
	}
	api.AssertIsEqual(acc, c.Y)
	return nil
}

func compileSum(t testing.TB, commitments int) *cs.R1CS {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &sumCircuit{Commitments: commitments})
	if err != nil {
		t.Fatal(err)
	}
	return ccs.(*cs.R1CS)
}

// sameAsGnark runs gnark's groth16.Setup and ours on the same random
// stream (testing/cryptotest makes crypto/rand deterministic) and
// compares the keys' encodings byte for byte: every point, the domain,
// the infinity bookkeeping and the commitment keys.
func sameAsGnark(t *testing.T, ccs *cs.R1CS, seed uint64) (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey) {
	t.Helper()
	cryptotest.SetGlobalRandom(t, seed)
	gpk, gvk, err := groth16.Setup(ccs)
	if err != nil {
		t.Fatal(err)
	}
	cryptotest.SetGlobalRandom(t, seed)
	pk, vk, err := groth16setup.Setup(ccs)
	if err != nil {
		t.Fatal(err)
	}
	encode := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, kc := range []struct {
		name       string
		want, have []byte
	}{
		{"proving key", encode(func(b *bytes.Buffer) error { _, err := gpk.WriteRawTo(b); return err }),
			encode(func(b *bytes.Buffer) error { _, err := pk.WriteRawTo(b); return err })},
		{"verifying key", encode(func(b *bytes.Buffer) error { _, err := gvk.WriteTo(b); return err }),
			encode(func(b *bytes.Buffer) error { _, err := vk.WriteTo(b); return err })},
	} {
		if !bytes.Equal(kc.want, kc.have) {
			t.Fatalf("%s differs from gnark's (%d and %d bytes, first difference at byte %d)", kc.name, len(kc.want), len(kc.have), firstDiff(kc.want, kc.have))
		}
	}
	gp := gpk.(*groth16bn254.ProvingKey)
	if gp.NbInfinityA != pk.NbInfinityA || gp.NbInfinityB != pk.NbInfinityB {
		t.Fatal("infinity counts differ")
	}
	return pk, vk
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestSameAsGnarkSynthetic: byte-identical keys for 0, 1 and 2
// commitments, for several random streams.
func TestSameAsGnarkSynthetic(t *testing.T) {
	for _, tc := range []struct {
		commitments int
		seed        uint64
	}{{0, 1}, {1, 2}, {2, 3}, {2, 4}} {
		t.Run("", func(t *testing.T) {
			ccs := compileSum(t, tc.commitments)
			if got := len(ccs.CommitmentInfo.(constraint.Groth16Commitments)); got != tc.commitments {
				t.Fatalf("%d commitments, want %d", got, tc.commitments)
			}
			pk, vk := sameAsGnark(t, ccs, tc.seed)
			if pk.NbInfinityA == 0 || pk.NbInfinityB == 0 {
				t.Fatal("no point at infinity in A or B: their bookkeeping goes untested")
			}
			// Another random stream gives other keys: the comparison
			// above is not of two constants.
			_, vk2 := sameAsGnark(t, ccs, tc.seed+100)
			if vk.G1.K[0] == vk2.G1.K[0] || vk.G2.Delta == vk2.G2.Delta {
				t.Fatal("the same keys from two random streams")
			}
		})
	}
}

// sumAssignment satisfies sumCircuit (Y = 2·3 + 4·5).
func sumAssignment(y int) *sumCircuit {
	return &sumCircuit{X: [6]frontend.Variable{2, 3, 4, 5, 6, 7}, Unused: 9, Y: y}
}

// TestProveVerify: gnark's prover and verifier work with our keys, with 0,
// 1 and 2 commitments, and so does its Solidity export; the proof is rejected under another setup's
// verifying key, under another circuit's (same public inputs and
// commitments), and for another public input.
func TestProveVerify(t *testing.T) {
	for _, nc := range []int{0, 1, 2} {
		t.Run("", func(t *testing.T) {
			ccs := compileSum(t, nc)
			pk, vk, err := groth16setup.Setup(ccs)
			if err != nil {
				t.Fatal(err)
			}
			checkStructure(t, pk, vk)
			w, err := frontend.NewWitness(sumAssignment(26), ecc.BN254.ScalarField())
			if err != nil {
				t.Fatal(err)
			}
			pub, err := w.Public()
			if err != nil {
				t.Fatal(err)
			}
			prf, err := groth16.Prove(ccs, pk, w)
			if err != nil {
				t.Fatal(err)
			}
			if err := groth16.Verify(prf, vk, pub); err != nil {
				t.Fatalf("a valid proof rejected: %v", err)
			}
			if err := vk.ExportSolidity(io.Discard); err != nil {
				t.Fatalf("Solidity export: %v", err)
			}
			_, vkAgain, err := groth16setup.Setup(ccs)
			if err != nil {
				t.Fatal(err)
			}
			other, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &sumCircuit{Commitments: nc, Other: true})
			if err != nil {
				t.Fatal(err)
			}
			_, vkOther, err := groth16setup.Setup(other.(*cs.R1CS))
			if err != nil {
				t.Fatal(err)
			}
			wrong, err := frontend.NewWitness(sumAssignment(27), ecc.BN254.ScalarField(), frontend.PublicOnly())
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []struct {
				name string
				vk   groth16.VerifyingKey
				pub  witness.Witness
			}{{"another setup's key", vkAgain, pub}, {"another circuit's key", vkOther, pub}, {"another public input", vk, wrong}} {
				if groth16.Verify(prf, bad.vk, bad.pub) == nil {
					t.Errorf("verified with %s", bad.name)
				}
			}
		})
	}
}
