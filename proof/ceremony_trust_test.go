package proof_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/proof"
)

// cheatingCoordinator: a coordinator who skips the "at least one
// contribution" checks of `ceremony phase2` and `finalize` (they run on the
// coordinator's machine) gets keys whose secrets follow from the public
// beacons; `ceremony verify` rejects them whatever settings.json says, and
// holds each phase to --min-contributions. files is TestCeremony's chain:
// 0–3 phase 1, 4–7 phase 2.
func cheatingCoordinator(t *testing.T, c *proof.Compiled, files []string) {
	work := t.TempDir()
	b1, _ := proof.ParseBeacon(beacon1)
	b2, _ := proof.ParseBeacon(beacon2)

	// Phase 2 sealed at its start, keys written and recorded as the
	// ceremony's.
	zero2 := openCopy(t, c.Dir)
	if err := zero2.CheatFinalize(files[4], b2); err != nil {
		t.Fatal(err)
	}
	if s := zero2.Settings.Setup; s == nil || s.Ceremony == nil || s.Ceremony.Phase2 != 0 {
		t.Fatalf("the cheat did not finalize: %+v", s)
	}

	// Phase 1 sealed at its start. Its header then says 0 phase-1
	// contributions, which no reader accepts; a bolder coordinator rewrites
	// it to 1 before phase 2's contributions, and finalizes normally.
	zero1 := openCopy(t, c.Dir)
	naive, err := zero1.CheatPhase2(files[0], filepath.Join(work, "naive"), b1)
	if err != nil {
		t.Fatal(err)
	}
	bold := filepath.Join(work, "bold")
	if err := os.WriteFile(bold, editHeader(t, naive.Path, func(h map[string]any) { h["phase1_contributions"] = 1 }), 0o644); err != nil {
		t.Fatal(err)
	}
	boldNext, err := proof.CeremonyContribute(bold, filepath.Join(work, "bold-1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := zero1.CeremonyFinalize(boldNext.Path, b2, nil); err != nil {
		t.Fatal(err)
	}

	// A ceremony with one phase-2 contribution, for the minimum.
	one2 := openCopy(t, c.Dir)
	if err := one2.CeremonyFinalize(files[5], b2, nil); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		files []string
		opt   proof.CeremonyVerifyOptions
		want  string
	}{
		{"phase 2 without contribution", files[:5], proof.CeremonyVerifyOptions{Dir: zero2.Dir}, "phase 2 has no contribution"},
		{"phase 1 without contribution", []string{files[0], naive.Path}, proof.CeremonyVerifyOptions{Dir: zero1.Dir, InProgress: true}, "incomplete phase-2 header"},
		{"phase 1 without contribution, header rewritten", []string{files[0], bold, boldNext.Path}, proof.CeremonyVerifyOptions{Dir: zero1.Dir}, "phase 1 has no contribution"},
		{"phase 1 without contribution, minimum 0 asked", []string{files[0], bold, boldNext.Path}, proof.CeremonyVerifyOptions{Dir: zero1.Dir, MinContributions: -1}, "phase 1 has no contribution"},
		{"phase 1 without contribution, in progress", []string{files[0], bold}, proof.CeremonyVerifyOptions{Dir: zero1.Dir, InProgress: true}, "phase 1 has no contribution"},
		{"phase 1 below the minimum", files, proof.CeremonyVerifyOptions{Dir: c.Dir, MinContributions: 4}, "phase 1 has 3 contributions, fewer than the 4 required"},
		{"phase 2 below the minimum", files[:6], proof.CeremonyVerifyOptions{Dir: one2.Dir, MinContributions: 2}, "phase 2 has 1 contributions, fewer than the 2 required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := proof.VerifyCeremony(tc.files, tc.opt)
			checkVerifyError(t, err, tc.want)
		})
	}
}

// keysFromElsewhere: with --dir, `ceremony verify` succeeds only when the
// directory's keys are the ones the chain gives, recomputed and compared
// byte for byte; keys from a local setup or from another chain, missing
// keys or a missing record are errors naming what differs, whatever
// settings.json claims. --in-progress checks the chain without the keys.
func keysFromElsewhere(t *testing.T, c *proof.Compiled, files []string) {
	b2, _ := proof.ParseBeacon(beacon2)

	local := openCopy(t, c.Dir)
	if err := local.Setup(nil); err != nil {
		t.Fatal(err)
	}
	// Another chain: the last phase-2 contribution made again.
	branch, err := proof.CeremonyContribute(files[6], filepath.Join(t.TempDir(), "branch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	other := openCopy(t, c.Dir)
	if err := other.CeremonyFinalize(branch.Path, b2, nil); err != nil {
		t.Fatal(err)
	}
	claimed := copyDir(t, other.Dir) // settings.json edited to name this chain
	editSettings(t, claimed, func(s *proof.SetupInfo) { s.Ceremony.Final = sha(t, files[7]) })
	noKey := copyDir(t, c.Dir)
	if err := os.Remove(filepath.Join(noKey, proof.ProvingKey)); err != nil {
		t.Fatal(err)
	}
	noRecord := copyDir(t, c.Dir)
	editSettings(t, noRecord, func(s *proof.SetupInfo) { *s = proof.SetupInfo{} })

	for _, tc := range []struct {
		name, dir string
		files     []string
		want      string
	}{
		{"local setup", local.Dir, files, `settings.json records a "local" setup`},
		{"another chain's keys", other.Dir, files, "come from another ceremony: settings.json names a chain ending with " + branch.SHA256[:16]},
		{"another chain's keys claimed as this one's", claimed, files, "vk.bin is not the key this ceremony gives with beacon " + hex.EncodeToString(b2)},
		{"no proving key", noKey, files, "keys cannot be checked"},
		{"no setup record", noRecord, files, "settings.json records no setup"},
		{"files ending in phase 1", c.Dir, files[:4], "the last file given"},
		{"no directory", "", files, "give the compiled directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyCeremony(tc.files, tc.dir)
			checkVerifyError(t, err, tc.want)
		})
	}
	t.Run("in progress", func(t *testing.T) {
		rep, err := proof.VerifyCeremony(files[:6], proof.CeremonyVerifyOptions{Dir: local.Dir, InProgress: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Phase1 != 3 || rep.Phase2 != 1 || rep.Keys != "" || "0x"+rep.Beacon1 != beacon1 || rep.Beacon2 != "" {
			t.Fatalf("report %+v", rep)
		}
	})
}

// checkVerifyError checks that err is one line containing want.
func checkVerifyError(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("verify accepted it, want an error with %q", want)
	case !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n"):
		t.Fatalf("error %q, want one line with %q", err, want)
	default:
		t.Logf("%v", err)
	}
}

// openCopy opens a copy of a compiled directory.
func openCopy(t *testing.T, dir string) *proof.Compiled {
	t.Helper()
	c, err := proof.Open(copyDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// editSettings rewrites the setup record of dir's settings.json; an edit
// that leaves no kind removes it.
func editSettings(t *testing.T, dir string, edit func(*proof.SetupInfo)) {
	t.Helper()
	path := filepath.Join(dir, proof.SettingsFile)
	var s map[string]json.RawMessage
	if err := json.Unmarshal(read(t, path), &s); err != nil {
		t.Fatal(err)
	}
	var info proof.SetupInfo
	if err := json.Unmarshal(s["setup"], &info); err != nil {
		t.Fatal(err)
	}
	edit(&info)
	s["setup"], _ = json.Marshal(info)
	if info.Kind == "" {
		delete(s, "setup")
	}
	out, _ := json.Marshal(s)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
