package ceremony_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

const (
	beacon1 = "0x000102030405060708090a0b0c0d0e0f"
	beacon2 = "0xf0e0d0c0b0a090807060504030201000"
)

// sumSquared proves knowledge of X with (ΣX)^(2^k) = Y, and commits to X
// (a Groth16 commitment, as lookups and Pedersen weights make), so the
// ceremony's keys carry a commitment key.
type sumSquared struct {
	X [4]frontend.Variable
	Y frontend.Variable `gnark:",public"`
	k int
}

func (c *sumSquared) Define(api frontend.API) error {
	cm, err := api.(frontend.Committer).Commit(c.X[:]...)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, 0)
	v := api.Add(c.X[0], c.X[1], c.X[2], c.X[3])
	for range c.k {
		v = api.Mul(v, v)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

// witness is a satisfying assignment: X = 1, 2, 3, 4.
func (c *sumSquared) witness() *sumSquared {
	y := big.NewInt(10)
	for range c.k {
		y.Mul(y, y).Mod(y, ecc.BN254.ScalarField())
	}
	return &sumSquared{X: [4]frontend.Variable{1, 2, 3, 4}, Y: y, k: c.k}
}

// newCircuit compiles sumSquared with k squarings for a ceremony whose
// coordinator works in a fresh directory.
func newCircuit(t testing.TB, k int) *ceremony.Circuit {
	t.Helper()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &sumSquared{k: k})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := cs.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return &ceremony.Circuit{R1CS: cs.(*cs_bn254.R1CS), SHA256: hex.EncodeToString(sum[:]), Dir: t.TempDir()}
}

// keyStore keeps a ceremony's keys as their bytes, with the record of the
// ceremony that made them: the ceremony.Keys a verifier checks.
type keyStore struct {
	pk, vk []byte
	record *ceremony.Record
}

func (k *keyStore) write(pk, vk ceremony.Key) error {
	var p, v bytes.Buffer
	if _, err := pk.WriteRawTo(&p); err != nil {
		return err
	}
	if _, err := vk.WriteTo(&v); err != nil {
		return err
	}
	k.pk, k.vk = p.Bytes(), v.Bytes()
	return nil
}

func (k *keyStore) Record(last string) (*ceremony.Record, error) {
	sum, err := fileSHA256(last)
	switch {
	case err != nil:
		return nil, err
	case k.record == nil:
		return nil, errors.New("no keys recorded")
	case k.record.Final != sum:
		return nil, fmt.Errorf("the keys come from another ceremony, ending with %.16s…", k.record.Final)
	}
	return k.record, nil
}

func (k *keyStore) Check(rep *ceremony.Report, record *ceremony.Record, seal func() (pk, vk ceremony.Key, err error)) error {
	if record.Phase1 != rep.Phase1 || record.Phase2 != rep.Phase2 {
		return fmt.Errorf("the record has %d and %d contributions, the chain %d and %d", record.Phase1, record.Phase2, rep.Phase1, rep.Phase2)
	}
	pk, vk, err := seal()
	if err != nil {
		return err
	}
	var want keyStore
	if err := want.write(pk, vk); err != nil {
		return err
	}
	if !bytes.Equal(want.pk, k.pk) || !bytes.Equal(want.vk, k.vk) {
		return errors.New("the keys are not the ones this ceremony gives")
	}
	rep.Keys = "the keys are this ceremony's"
	return nil
}

// finalize finalizes the ceremony ending with last into a new key store,
// closing phase 2 with beacon2.
func finalize(t *testing.T, c *ceremony.Circuit, last string) *keyStore {
	t.Helper()
	return finalizeWith(t, c, last, ceremony.WithBeacon(beacon(t, beacon2)))
}

// finalizeWith is finalize closing phase 2 as closing says.
func finalizeWith(t *testing.T, c *ceremony.Circuit, last string, closing ceremony.Closing) *keyStore {
	t.Helper()
	k := &keyStore{}
	rec, err := ceremony.Finalize(c, last, closing, k.write, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.record = rec
	return k
}

func beacon(t *testing.T, s string) []byte {
	t.Helper()
	b, err := ceremony.ParseBeacon(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// run runs a ceremony with n participants in each phase and finalizes it;
// it returns the state files in order and the keys.
func run(t *testing.T, c *ceremony.Circuit, n int) ([]string, *keyStore) {
	t.Helper()
	dir := t.TempDir()
	path := func(phase, i int) string { return filepath.Join(dir, fmt.Sprintf("p%d-%d", phase, i)) }
	step, err := ceremony.Init(c, path(1, 0))
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
	if _, err := ceremony.Phase2(c, files[n], path(2, 0), beacon(t, beacon1), nil); err != nil {
		t.Fatal(err)
	}
	files = append(files, path(2, 0))
	contribute(2)
	return files, finalize(t, c, files[len(files)-1])
}

// TestCeremony: a three-participant ceremony gives keys whose proofs
// verify, and Verify recomputes them from the chain; every change to the
// chain, a coordinator who skips the contribution checks, and keys from
// elsewhere are one-line errors.
func TestCeremony(t *testing.T) {
	c := newCircuit(t, 40)
	files, keys := run(t, c, 3)
	proveWith(t, c, keys)
	rep, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Phase1 != 3 || rep.Phase2 != 3 || len(rep.Steps) != 8 || rep.Keys == "" || "0x"+rep.Beacon1 != beacon1 || rep.Closing.String() != "with beacon "+beacon2 {
		t.Fatalf("report %+v", rep)
	}

	other := newCircuit(t, 41) // another circuit of the same size
	t.Run("another circuit", func(t *testing.T) {
		if _, err := ceremony.Finalize(other, files[len(files)-1], ceremony.WithBeacon(beacon(t, beacon2)), keys.write, nil); err == nil || !strings.Contains(err.Error(), "another circuit") {
			t.Fatalf("finalize for another circuit: %v", err)
		}
		if _, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: other, Keys: keys}); err == nil || !strings.Contains(err.Error(), "another circuit") {
			t.Fatalf("verify against another circuit: %v", err)
		}
	})
	t.Run("tampered", func(t *testing.T) { tampered(t, c, other, files, keys) })
	t.Run("no contribution", func(t *testing.T) {
		if _, err := ceremony.Phase2(c, files[0], filepath.Join(t.TempDir(), "x"), beacon(t, beacon1), nil); err == nil || !strings.Contains(err.Error(), "at least one contribution") {
			t.Fatalf("phase 2 opened after no phase-1 contribution: %v", err)
		}
		if _, err := ceremony.Finalize(c, files[4], ceremony.WithBeacon(beacon(t, beacon2)), keys.write, nil); err == nil || !strings.Contains(err.Error(), "at least one contribution") {
			t.Fatalf("finalized after no phase-2 contribution: %v", err)
		}
	})
	t.Run("cheating coordinator", func(t *testing.T) { cheatingCoordinator(t, c, files, keys) })
	t.Run("keys from elsewhere", func(t *testing.T) {
		branch, err := ceremony.Contribute(files[6], filepath.Join(t.TempDir(), "branch"), nil)
		if err != nil {
			t.Fatal(err)
		}
		elsewhere := finalize(t, c, branch.Path)
		claimed := *elsewhere
		claimed.record = keys.record
		for _, tc := range []struct {
			name string
			keys ceremony.Keys
			want string
		}{
			{"another chain's keys", elsewhere, "another ceremony"},
			{"another chain's keys claimed as this one's", &claimed, "not the ones this ceremony gives"},
			{"no record", &keyStore{}, "no keys recorded"},
			{"no keys", nil, "VerifyOptions.Keys"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: tc.keys})
				testkit.CheckError(t, err, tc.want)
			})
		}
		_, err = ceremony.Verify(files[:4], ceremony.VerifyOptions{Circuit: c, Keys: keys})
		testkit.CheckError(t, err, "another ceremony")
		_, err = ceremony.Verify(files[:4], ceremony.VerifyOptions{Circuit: c, Keys: finalize(t, c, files[len(files)-1])})
		testkit.CheckError(t, err, "another ceremony")
	})
	t.Run("in progress", func(t *testing.T) {
		rep, err := ceremony.Verify(files[:6], ceremony.VerifyOptions{Circuit: c, InProgress: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Phase1 != 3 || rep.Phase2 != 1 || rep.Keys != "" || "0x"+rep.Beacon1 != beacon1 || rep.Closing.Close != "" {
			t.Fatalf("report %+v", rep)
		}
		if _, err := ceremony.Verify(files[:6], ceremony.VerifyOptions{InProgress: true}); err == nil || !strings.Contains(err.Error(), "give --dir") {
			t.Fatalf("phase 2's start checked without the circuit: %v", err)
		}
	})
}

// proveWith proves the sumSquared circuit c (k = 40) under keys with
// gnark's prover and checks the proof with gnark's verifier.
func proveWith(t *testing.T, c *ceremony.Circuit, keys *keyStore) {
	t.Helper()
	pk, vk := groth16.NewProvingKey(ecc.BN254), groth16.NewVerifyingKey(ecc.BN254)
	if _, err := pk.UnsafeReadFrom(bytes.NewReader(keys.pk)); err != nil {
		t.Fatal(err)
	}
	if _, err := vk.ReadFrom(bytes.NewReader(keys.vk)); err != nil {
		t.Fatal(err)
	}
	w, err := frontend.NewWitness((&sumSquared{k: 40}).witness(), ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	prf, err := groth16.Prove(c.R1CS, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := w.Public()
	if err := groth16.Verify(prf, vk, pub); err != nil {
		t.Fatalf("a proof under the ceremony's keys does not verify: %v", err)
	}
}

// tampered: every change to the chain is an error of Verify naming the
// file at fault.
func tampered(t *testing.T, c, other *ceremony.Circuit, files []string, keys *keyStore) {
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
	branch, err := ceremony.Contribute(at(1), filepath.Join(dir, "branch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	onBranch, err := ceremony.Contribute(branch.Path, filepath.Join(dir, "on-branch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	relabelled := write("relabelled", editHeader(t, onBranch.Path, func(h map[string]any) { h["previous_sha256"] = sha(t, at(2)) }))
	otherStart, err := ceremony.Init(other, filepath.Join(dir, "other-start"))
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
			_, err := ceremony.Verify(tc.files, ceremony.VerifyOptions{Circuit: c, Keys: keys})
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

// cheatingCoordinator: a coordinator who skips the "at least one
// contribution" checks of Phase2 and Finalize (they run on the
// coordinator's machine) gets keys whose secrets follow from the public
// beacons; Verify rejects them whatever their record says, and holds each
// phase to MinContributions. files is TestCeremony's chain: 0–3 phase 1,
// 4–7 phase 2.
func cheatingCoordinator(t *testing.T, c *ceremony.Circuit, files []string, keys *keyStore) {
	work := t.TempDir()

	// Phase 2 sealed at its start, keys written and recorded as the
	// ceremony's.
	zero2 := &keyStore{}
	rec, err := ceremony.CheatFinalize(c, files[4], ceremony.WithBeacon(beacon(t, beacon2)), zero2.write)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Phase2 != 0 {
		t.Fatalf("the cheat did not finalize: %+v", rec)
	}
	zero2.record = rec

	// Phase 1 sealed at its start. Its header then says 0 phase-1
	// contributions, which no reader accepts; a bolder coordinator rewrites
	// it to 1 before phase 2's contributions, and finalizes normally. Its
	// phase 1 result is not the honest chain's: it works in its own
	// directory.
	c1 := *c
	c1.Dir = t.TempDir()
	naive, err := ceremony.CheatPhase2(&c1, files[0], filepath.Join(work, "naive"), beacon(t, beacon1))
	if err != nil {
		t.Fatal(err)
	}
	bold := filepath.Join(work, "bold")
	if err := os.WriteFile(bold, editHeader(t, naive.Path, func(h map[string]any) { h["phase1_contributions"] = 1 }), 0o644); err != nil {
		t.Fatal(err)
	}
	boldNext, err := ceremony.Contribute(bold, filepath.Join(work, "bold-1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	zero1 := finalize(t, &c1, boldNext.Path)
	one2 := finalize(t, c, files[5]) // one phase-2 contribution, for the minimum

	for _, tc := range []struct {
		name  string
		files []string
		opt   ceremony.VerifyOptions
		want  string
	}{
		{"phase 2 without contribution", files[:5], ceremony.VerifyOptions{Keys: zero2}, "phase 2 has no contribution"},
		{"phase 1 without contribution", []string{files[0], naive.Path}, ceremony.VerifyOptions{InProgress: true}, "incomplete phase-2 header"},
		{"phase 1 without contribution, header rewritten", []string{files[0], bold, boldNext.Path}, ceremony.VerifyOptions{Keys: zero1}, "phase 1 has no contribution"},
		{"phase 1 without contribution, minimum 0 asked", []string{files[0], bold, boldNext.Path}, ceremony.VerifyOptions{Keys: zero1, MinContributions: -1}, "phase 1 has no contribution"},
		{"phase 1 without contribution, in progress", []string{files[0], bold}, ceremony.VerifyOptions{InProgress: true}, "phase 1 has no contribution"},
		{"phase 1 below the minimum", files, ceremony.VerifyOptions{Keys: keys, MinContributions: 4}, "phase 1 has 3 contributions, fewer than the 4 required"},
		{"phase 2 below the minimum", files[:6], ceremony.VerifyOptions{Keys: one2, MinContributions: 2}, "phase 2 has 1 contributions, fewer than the 2 required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Circuit = c
			_, err := ceremony.Verify(tc.files, tc.opt)
			testkit.CheckError(t, err, tc.want)
		})
	}
}

// TestStateNeverPanics: flipped bytes and truncations anywhere in a state
// file give an error or a state, never a panic or a huge allocation.
func TestStateNeverPanics(t *testing.T) {
	c := newCircuit(t, 40)
	dir := t.TempDir()
	s0, err := ceremony.Init(c, filepath.Join(dir, "s0"))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := ceremony.Contribute(s0.Path, filepath.Join(dir, "s1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Phase2(c, s1.Path, filepath.Join(dir, "t0"), beacon(t, beacon1), nil); err != nil {
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
				ceremony.Verify([]string{bad}, ceremony.VerifyOptions{InProgress: true}) // reads the state: must return, whatever it says
			}
		}
		// A header announcing a huge domain, with a matching payload prefix.
		big := editHeader(t, f, func(h map[string]any) { h["domain"] = 1 << 26 })
		if err := os.WriteFile(bad, big, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ceremony.Contribute(bad, filepath.Join(dir, "out"), nil); err == nil {
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
	t.Helper()
	sum, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
