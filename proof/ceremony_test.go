package proof_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
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
	c, err := proof.CompileWith(creditModel, t.TempDir(), proof.CompileOptions{Quant: qs, Visibility: circuit.DefaultVisibility, RangeCheck: ops.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ceremony runs a ceremony with n participants in each phase and
// finalizes it; it returns the state files in order.
func ceremony(t *testing.T, c *proof.Compiled, n int) []string {
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
			s, err := proof.CeremonyContribute(files[len(files)-1], path(phase, i), nil)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, s.Path)
		}
	}
	contribute(1)
	b1, _ := proof.ParseBeacon(beacon1)
	if _, err := c.CeremonyPhase2(files[n], path(2, 0), b1, nil); err != nil {
		t.Fatal(err)
	}
	files = append(files, path(2, 0))
	contribute(2)
	b2, _ := proof.ParseBeacon(beacon2)
	if err := c.CeremonyFinalize(files[len(files)-1], b2, nil); err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCeremony: a three-participant ceremony gives keys whose proofs
// verify and that `ceremony verify` recomputes; the keys of another circuit
// reject this circuit's proof.
func TestCeremony(t *testing.T) {
	c := compileCredit(t, quant.Default.Scale)
	files := ceremony(t, c, 3)
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
	if rep.Phase1 != 3 || rep.Phase2 != 3 || !strings.Contains(rep.Keys, "are this ceremony's") || "0x"+rep.Beacon1 != beacon1 || "0x"+rep.Beacon2 != beacon2 {
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
		b2, _ := proof.ParseBeacon(beacon2)
		if err := other.CeremonyFinalize(files[len(files)-1], b2, nil); err == nil || !strings.Contains(err.Error(), "another circuit") {
			t.Fatalf("finalize into another circuit's directory: %v", err)
		}
		if _, err := verifyCeremony(files, other.Dir); err == nil || !strings.Contains(err.Error(), "another circuit") {
			t.Fatalf("verify against another circuit: %v", err)
		}
	})
	t.Run("tampered", func(t *testing.T) { tamperedCeremonies(t, c, other, files) })
	t.Run("keys replaced", func(t *testing.T) {
		d := copyDir(t, c.Dir)
		copyFile(t, filepath.Join(other.Dir, proof.ProvingKey), filepath.Join(d, proof.ProvingKey))
		if _, err := verifyCeremony(files, d); err == nil || !strings.Contains(err.Error(), "pk.bin is not the key") {
			t.Fatalf("verify accepted keys that are not the ceremony's: %v", err)
		}
	})
	t.Run("no contribution", func(t *testing.T) {
		b, _ := proof.ParseBeacon(beacon1)
		if _, err := c.CeremonyPhase2(files[0], filepath.Join(t.TempDir(), "x"), b, nil); err == nil || !strings.Contains(err.Error(), "at least one contribution") {
			t.Fatalf("phase 2 opened after no phase-1 contribution: %v", err)
		}
		if err := c.CeremonyFinalize(files[4], b, nil); err == nil || !strings.Contains(err.Error(), "at least one contribution") {
			t.Fatalf("finalized after no phase-2 contribution: %v", err)
		}
	})
	t.Run("cheating coordinator", func(t *testing.T) { cheatingCoordinator(t, c, files) })
	t.Run("keys from elsewhere", func(t *testing.T) { keysFromElsewhere(t, c, files) })
}

// verifyCeremony verifies a finished ceremony against dir's circuit and keys.
func verifyCeremony(files []string, dir string) (*proof.CeremonyReport, error) {
	return proof.VerifyCeremony(files, proof.CeremonyVerifyOptions{Dir: dir})
}

// tamperedCeremonies: every change to the chain is an error of
// VerifyCeremony naming the file at fault.
func tamperedCeremonies(t *testing.T, c, other *proof.Compiled, files []string) {
	dir := t.TempDir()
	at := func(i int) string { return files[i] } // 0–3 phase 1, 4–7 phase 2
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	with := func(i int, f string) []string {
		out := append([]string{}, files...)
		out[i] = f
		return out
	}
	// A contribution made on another branch (p1-1 contributed twice), then
	// relabelled to follow p1-2: only the cryptographic check can tell.
	branch, err := proof.CeremonyContribute(at(1), filepath.Join(dir, "branch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	onBranch, err := proof.CeremonyContribute(branch.Path, filepath.Join(dir, "on-branch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	relabelled := write("relabelled", editHeader(t, onBranch.Path, func(h map[string]any) { h["previous_sha256"] = sha(t, at(2)) }))
	otherStart, err := other.CeremonyInit(filepath.Join(dir, "other-start"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		files []string
		fault string // the file the error must name
		want  string
	}{
		{"flipped byte in phase 1", with(2, write("flip1", flip(t, at(2)))), "flip1", ""},
		{"flipped byte in phase 2", with(6, write("flip2", flip(t, at(6)))), "flip2", ""},
		{"truncated", with(3, write("trunc", read(t, at(3))[:1000])), "trunc", "corrupt"},
		{"missing contribution", append(append([]string{}, files[:2]...), files[3:]...), at(3), "not made from the previous file"},
		{"reordered", with(5, at(6)), at(6), "not made from the previous file"},
		{"relabelled contribution from another branch", with(3, relabelled), "relabelled", "invalid contribution"},
		{"other beacon claimed", with(4, write("beacon", editHeader(t, at(4), func(h map[string]any) { h["phase1_beacon"] = "ff" + h["phase1_beacon"].(string)[2:] }))), "beacon", "sealed with its beacon"},
		{"another ceremony's start", with(0, otherStart.Path), "other-start", "another circuit"},
		{"not starting at the start", files[1:], at(1), "phase 1's start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyCeremony(tc.files, c.Dir)
			if err == nil {
				t.Fatal("verify accepted a tampered ceremony")
			}
			t.Logf("%v", err)
			if !strings.Contains(err.Error(), tc.fault) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line naming %s with %q", err, tc.fault, tc.want)
			}
		})
	}
}

// TestCeremonyStateNeverPanics: flipped bytes and truncations anywhere in a
// state file give an error or a state, never a panic or a huge allocation.
func TestCeremonyStateNeverPanics(t *testing.T) {
	c := compileCredit(t, quant.Default.Scale)
	dir := t.TempDir()
	s0, err := c.CeremonyInit(filepath.Join(dir, "s0"))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := proof.CeremonyContribute(s0.Path, filepath.Join(dir, "s1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := proof.ParseBeacon(beacon1)
	if _, err := c.CeremonyPhase2(s1.Path, filepath.Join(dir, "t0"), b1, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{s1.Path, filepath.Join(dir, "t0")} {
		raw := read(t, f)
		bad := filepath.Join(dir, "bad")
		for i := 0; i < len(raw); i += len(raw)/61 + 1 {
			for _, b := range [][]byte{append(bytes.Clone(raw[:i]), append([]byte{raw[i] ^ 0xff}, raw[i+1:]...)...), raw[:i]} {
				if err := os.WriteFile(bad, b, 0o644); err != nil {
					t.Fatal(err)
				}
				proof.VerifyCeremony([]string{bad}, proof.CeremonyVerifyOptions{InProgress: true}) // reads the state: must return, whatever it says
			}
		}
		// A header announcing a huge domain, with a matching payload prefix.
		big := editHeader(t, f, func(h map[string]any) { h["domain"] = 1 << 26 })
		if err := os.WriteFile(bad, big, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := proof.CeremonyContribute(bad, filepath.Join(dir, "out"), nil); err == nil {
			t.Fatalf("%s: a state announcing 2^26 was read", f)
		}
	}
}

// editHeader returns a state file with its JSON header edited.
func editHeader(t *testing.T, path string, edit func(map[string]any)) []byte {
	t.Helper()
	raw := read(t, path)
	const magic = "zkinfer-ceremony\n"
	n := binary.BigEndian.Uint32(raw[len(magic):])
	body := raw[len(magic)+4:]
	var h map[string]any
	if err := json.Unmarshal(body[:n], &h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	js, _ := json.Marshal(h)
	out := append([]byte(magic), binary.BigEndian.AppendUint32(nil, uint32(len(js)))...)
	return append(append(out, js...), body[n:]...)
}

// flip returns a file's bytes with one bit flipped in the middle of its payload.
func flip(t *testing.T, path string) []byte {
	b := read(t, path)
	b[len(b)/2] ^= 0x01
	return b
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
	dir := corpus(t, "1l_mlp")
	weights := filepath.Join(dir, "network.onnx")
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	c, err := proof.CompileWith(weights, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: ops.RangeLookup})
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.Groth16Commitments != 2 || !c.Settings.Visibility.PedersenParams() {
		t.Fatalf("%d commitments (%s), want 2 with pedersen", c.Settings.Groth16Commitments, c.Settings.Visibility.ParamScheme())
	}
	files := ceremony(t, c, 1)
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
	in, err := model.ReadInput(filepath.Join(dir, "input.json"))
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
