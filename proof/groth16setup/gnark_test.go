package groth16setup_test

import (
	"bytes"
	"testing"
	"testing/cryptotest"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
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
			sameAsGnark(t, ccs, tc.seed)
		})
	}
}
