package proof_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// keysFromElsewhere: with --dir, `ceremony verify` succeeds only when the
// directory's keys are the ones the chain gives, recomputed and compared
// byte for byte; keys from a local setup or from another chain, missing
// keys or a missing record are errors naming what differs, whatever
// settings.json claims. --in-progress checks the chain without the keys.
func keysFromElsewhere(t *testing.T, c *proof.Compiled, files []string) {
	b2, _ := ceremony.ParseBeacon(beacon2)

	local := openCopy(t, c.Dir)
	if err := local.Setup(nil); err != nil {
		t.Fatal(err)
	}
	// Another chain: the last phase-2 contribution made again.
	branch, err := ceremony.Contribute(files[6], filepath.Join(t.TempDir(), "branch"), nil)
	if err != nil {
		t.Fatal(err)
	}
	other := openCopy(t, c.Dir)
	if err := other.CeremonyFinalize(branch.Path, ceremony.WithBeacon(b2), nil); err != nil {
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
		{"another chain's keys claimed as this one's", claimed, files, "is not the key this ceremony gives with beacon " + hex.EncodeToString(b2)}, // pk.bin's Z and K are checked first
		{"no proving key", noKey, files, "keys cannot be checked"},
		{"no setup record", noRecord, files, "settings.json records no setup"},
		{"files ending in phase 1", c.Dir, files[:4], "the last file given"},
		{"no directory", "", files, "give the compiled directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyCeremony(tc.files, tc.dir)
			testkit.CheckError(t, err, tc.want)
		})
	}
	t.Run("in progress", func(t *testing.T) {
		rep, err := proof.VerifyCeremony(local.Dir, files[:6], ceremony.VerifyOptions{InProgress: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Phase1 != 3 || rep.Phase2 != 1 || rep.Keys != "" || "0x"+rep.Beacon1 != beacon1 || rep.Closing.Close != "" {
			t.Fatalf("report %+v", rep)
		}
	})
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
