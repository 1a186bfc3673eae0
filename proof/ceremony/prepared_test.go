package ceremony_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// payload is a state file's parameters: what follows its header.
func payload(t *testing.T, path string) []byte {
	t.Helper()
	b := read(t, path)
	b = b[len("zkinfer-ceremony\n"):]
	return b[4+binary.BigEndian.Uint32(b):]
}

// TestPreparedCeremony: phase 1 prepared once for its size, then a
// per-model phase 2 from it. Phase 2's start is the one Phase2 opens from
// the same phase 1 and beacon, byte for byte; the keys verify from the
// phase-2 files, the prepared file and its recorded digest, with the keys
// read (random linear combinations) or recomputed; another digest,
// another prepared file or none is an error naming it.
func TestPreparedCeremony(t *testing.T) {
	c := newCircuit(t, 40)
	dir := t.TempDir()
	path := func(phase, i int) string { return filepath.Join(dir, fmt.Sprintf("p%d-%d", phase, i)) }
	if _, err := ceremony.Init(c, path(1, 0)); err != nil {
		t.Fatal(err)
	}
	files1 := []string{path(1, 0)}
	for i := 1; i <= 2; i++ {
		s, err := ceremony.Contribute(files1[len(files1)-1], path(1, i), nil)
		if err != nil {
			t.Fatal(err)
		}
		files1 = append(files1, s.Path)
	}
	prepared := filepath.Join(dir, "prepared")
	info, err := ceremony.Prepare(files1[2], prepared, beacon(t, beacon1), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, p, err := ceremony.VerifyPrepared(files1, prepared, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.SHA256 != info.SHA256 || rep.Phase1 != 2 || "0x"+rep.Beacon1 != beacon1 {
		t.Fatalf("VerifyPrepared: digest %s (prepare said %s), %d contributions, beacon %s", p.SHA256, info.SHA256, rep.Phase1, rep.Beacon1)
	}

	// The old way, for comparison: phase 2 opened from phase 1's last state.
	old := newCircuit(t, 40)
	if _, err := ceremony.Phase2(old, files1[2], path(9, 0), beacon(t, beacon1), nil); err != nil {
		t.Fatal(err)
	}
	c.Prepared, c.PreparedSHA256 = prepared, info.SHA256
	if _, err := ceremony.Phase2Prepared(c, path(2, 0), nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(payload(t, path(2, 0)), payload(t, path(9, 0))) {
		t.Fatal("phase 2's start from the prepared phase 1 is not the one phase 1's last state gives")
	}
	files := []string{path(2, 0)}
	for i := 1; i <= 3; i++ {
		s, err := ceremony.Contribute(files[len(files)-1], path(2, i), nil)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, s.Path)
	}
	keys := finalize(t, c, files[3])
	for _, k := range []ceremony.Keys{keys, readableKeys{keys}} {
		rep, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: k, MinContributions: 2})
		if err != nil {
			t.Fatalf("%T: %v", k, err)
		}
		if rep.Phase1 != 2 || rep.Phase2 != 3 || rep.Keys == "" || "0x"+rep.Beacon1 != beacon1 {
			t.Fatalf("%T: report %+v", k, rep)
		}
	}
	if _, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: keys, MinContributions: 3}); err == nil || !strings.Contains(err.Error(), "phase 1 has 2 contributions") {
		t.Fatalf("phase 1 below --min-contributions: %v", err)
	}

	// A start with one K point changed, contributed to and finalized:
	// Verify checks the start's K with the keys' claims in one equation,
	// and the error names the start.
	bad := path(7, 0)
	if err := os.WriteFile(bad, read(t, path(2, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ceremony.TamperK(bad); err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Contribute(bad, path(7, 1), nil); err != nil {
		t.Fatal(err)
	}
	badKeys := finalize(t, c, path(7, 1))
	for _, k := range []ceremony.Keys{badKeys, readableKeys{badKeys}} {
		_, err := ceremony.Verify([]string{bad, path(7, 1)}, ceremony.VerifyOptions{Circuit: c, Keys: k})
		testkit.CheckError(t, err, "(phase 2 start): it is not phase 1's result initialized for this circuit")
	}

	// Another prepared file (phase 1 sealed with another beacon).
	other := filepath.Join(dir, "other")
	oinfo, err := ceremony.Prepare(files1[2], other, beacon(t, beacon2), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, digest, want string
	}{
		{"no digest", prepared, "", "give the prepared file and the digest"},
		{"no file", "", info.SHA256, "give the prepared file and the digest"},
		{"another digest", prepared, oinfo.SHA256, "not from the one verified"},
		{"another file under the digest", other, info.SHA256, "not the recorded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := *c
			v.Prepared, v.PreparedSHA256 = tc.file, tc.digest
			_, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: &v, Keys: readableKeys{keys}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
	// In progress without the prepared file: the contributions only.
	v := *c
	v.Prepared, v.PreparedSHA256 = "", ""
	if rep, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: &v, InProgress: true}); err != nil || !rep.StartUnchecked {
		t.Fatalf("in progress without the prepared file: %+v, %v", rep, err)
	}
	// A phase 2 opened from the other prepared file is refused under
	// this one's digest.
	c2 := *c
	c2.Prepared, c2.PreparedSHA256 = other, oinfo.SHA256
	if _, err := ceremony.Phase2Prepared(&c2, path(8, 0), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Verify([]string{path(8, 0)}, ceremony.VerifyOptions{Circuit: c, InProgress: true}); err == nil || !strings.Contains(err.Error(), "not from the one verified") {
		t.Fatalf("a start from another prepared file: %v", err)
	}
	// Finalize needs the prepared file.
	c3 := *c
	c3.Prepared = ""
	if _, err := ceremony.Finalize(&c3, files[3], ceremony.WithBeacon(beacon(t, beacon2)), keys.write, nil); err == nil || !strings.Contains(err.Error(), "--prepared") {
		t.Fatalf("finalize without the prepared file: %v", err)
	}
}
