package proof_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
	"github.com/zkinfer/zkinfer/quant"
)

const (
	beacon1 = "0x000102030405060708090a0b0c0d0e0f"
	beacon2 = "0xf0e0d0c0b0a090807060504030201000"
)

// compileCredit compiles the credit model with lookup range checks (476
// constraints and one Groth16 commitment, so the ceremony handles
// commitments); scale 8 gives another circuit of the same shape.
func compileCredit(t *testing.T, scale int) *proof.Compiled {
	t.Helper()
	qs := quant.Default
	qs.Scale, qs.ParamScale = scale, scale
	c, err := proof.CompileWith(creditModel, t.TempDir(), proof.CompileOptions{Quant: qs, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runCeremony runs a ceremony with n participants in each phase and
// finalizes it; it returns the state files in order.
func runCeremony(t *testing.T, c *proof.Compiled, n int) []string {
	t.Helper()
	dir := t.TempDir()
	path := func(phase, i int) string { return filepath.Join(dir, fmt.Sprintf("p%d-%d", phase, i)) }
	step, err := c.CeremonyInit(path(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{step.Path}
	contribute := func(phase int) {
		for i := 1; i <= n; i++ {
			s, err := ceremony.Contribute(files[len(files)-1], path(phase, i), nil)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, s.Path)
		}
	}
	contribute(1)
	b1, _ := ceremony.ParseBeacon(beacon1)
	if _, err := c.CeremonyPhase2(files[n], path(2, 0), b1, nil); err != nil {
		t.Fatal(err)
	}
	files = append(files, path(2, 0))
	contribute(2)
	b2, _ := ceremony.ParseBeacon(beacon2)
	if err := c.CeremonyFinalize(files[len(files)-1], ceremony.WithBeacon(b2), nil); err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCeremony: a three-participant ceremony gives keys whose proofs
// verify and that `ceremony verify` recomputes; the keys of another circuit
// reject this circuit's proof.
func TestCeremony(t *testing.T) {
	c := compileCredit(t, quant.Default.Scale)
	files := runCeremony(t, c, 3)
	in, err := model.ReadInput(creditInput)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Prove(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(p); err != nil {
		t.Fatalf("a proof under the ceremony's keys does not verify: %v", err)
	}
	rep, err := verifyCeremony(files, c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Phase1 != 3 || rep.Phase2 != 3 || !strings.Contains(rep.Keys, "are this ceremony's") || "0x"+rep.Beacon1 != beacon1 || rep.Closing.String() != "with beacon "+beacon2 {
		t.Fatalf("report %+v", rep)
	}
	if s := c.Settings.Setup; s == nil || s.Kind != proof.SetupCeremony || s.Warning() != "" || c.TrustWarnings() != nil {
		t.Fatalf("settings record the setup as %+v, warnings %q", s, c.TrustWarnings())
	}

	other := compileCredit(t, 8) // another circuit, with one public input too
	if err := other.Setup(nil); err != nil {
		t.Fatal(err)
	}
	t.Run("other circuit's keys reject", func(t *testing.T) {
		swapped, err := proof.Open(copyDir(t, c.Dir))
		if err != nil {
			t.Fatal(err)
		}
		copyFile(t, filepath.Join(other.Dir, proof.VerifyingKey), filepath.Join(swapped.Dir, proof.VerifyingKey))
		if err := swapped.Verify(p); err == nil || !strings.Contains(err.Error(), "not valid") {
			t.Fatalf("another circuit's verifying key accepted the proof: %v", err)
		}
	})
	t.Run("finalize into another circuit", func(t *testing.T) {
		b2, _ := ceremony.ParseBeacon(beacon2)
		if err := other.CeremonyFinalize(files[len(files)-1], ceremony.WithBeacon(b2), nil); err == nil || !strings.Contains(err.Error(), "another circuit") {
			t.Fatalf("finalize into another circuit's directory: %v", err)
		}
		if _, err := verifyCeremony(files, other.Dir); err == nil || !strings.Contains(err.Error(), "another circuit") {
			t.Fatalf("verify against another circuit: %v", err)
		}
	})
	t.Run("keys replaced", func(t *testing.T) {
		d := copyDir(t, c.Dir)
		copyFile(t, filepath.Join(other.Dir, proof.ProvingKey), filepath.Join(d, proof.ProvingKey))
		if _, err := verifyCeremony(files, d); err == nil || !strings.Contains(err.Error(), "pk.bin is not the key") {
			t.Fatalf("verify accepted keys that are not the ceremony's: %v", err)
		}
	})
	t.Run("no contribution", func(t *testing.T) {
		b, _ := ceremony.ParseBeacon(beacon1)
		if _, err := c.CeremonyPhase2(files[0], filepath.Join(t.TempDir(), "x"), b, nil); err == nil || !strings.Contains(err.Error(), "at least one contribution") {
			t.Fatalf("phase 2 opened after no phase-1 contribution: %v", err)
		}
		if err := c.CeremonyFinalize(files[4], ceremony.WithBeacon(b), nil); err == nil || !strings.Contains(err.Error(), "at least one contribution") {
			t.Fatalf("finalized after no phase-2 contribution: %v", err)
		}
	})
	t.Run("keys from elsewhere", func(t *testing.T) { keysFromElsewhere(t, c, files) })
}

// verifyCeremony verifies a finished ceremony against dir's circuit and keys.
func verifyCeremony(files []string, dir string) (*ceremony.Report, error) {
	return proof.VerifyCeremony(dir, files, ceremony.VerifyOptions{})
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha(t *testing.T, path string) string {
	sum := sha256.Sum256(read(t, path))
	return hex.EncodeToString(sum[:])
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.WriteFile(to, read(t, from), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies a compiled directory's files (not its subdirectories).
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			copyFile(t, filepath.Join(dir, e.Name()), filepath.Join(out, e.Name()))
		}
	}
	return out
}

// TestCeremonyPedersen: a circuit with two Groth16 commitments (the
// weights' Pedersen commitment and the lookup range checks') gets keys from
// a ceremony; the model commitment computed from them is the one proofs
// carry, and verify checks it. (1l_mlp: 223 constraints.)
func TestCeremonyPedersen(t *testing.T) {
	weights, in := testkit.CorpusInput(t, "1l_mlp")
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	c, err := proof.CompileWith(weights, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.Groth16Commitments != 2 || !c.Settings.Visibility.PedersenParams() {
		t.Fatalf("%d commitments (%s), want 2 with pedersen", c.Settings.Groth16Commitments, c.Settings.Visibility.ParamCommitment)
	}
	files := runCeremony(t, c, 1)
	if _, err := verifyCeremony(files, c.Dir); err != nil {
		t.Fatal(err)
	}
	if w := c.TrustWarnings(); w != nil { // the basis comes from the ceremony's phase 1
		t.Fatalf("warnings under a ceremony: %q", w)
	}
	salt := big.NewInt(0x1234)
	d, err := c.PedersenModelCommitment(weights, salt)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.ProveWith(in, proof.ProveOptions{Weights: weights, ParamSalt: salt})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyWith(p, proof.VerifyOptions{ModelCommitment: d}); err != nil {
		t.Fatalf("the proof under the ceremony's keys does not verify with its model commitment: %v", err)
	}
	dOther, err := c.PedersenModelCommitment(weights, big.NewInt(99))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyWith(p, proof.VerifyOptions{ModelCommitment: dOther}); err == nil {
		t.Fatal("the proof verified with another salt's model commitment")
	}
}
