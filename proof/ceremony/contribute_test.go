package ceremony_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// TestContributeVerified: a participant builds on the last state as
// Verify read and checked it (KeepLast), not on the file read again: the
// contribution is in the chain (Verify accepts it), even when the file was
// replaced after the check; a report without the state, or one already
// built on, is an error.
func TestContributeVerified(t *testing.T) {
	c := newCircuit(t, 40)
	files, _ := run(t, c, 1) // p1-0, p1-1, p2-0, p2-1
	dir := t.TempDir()
	rep, err := ceremony.Verify(files[2:], ceremony.VerifyOptions{Circuit: c, InProgress: true, FromAny: true, KeepLast: true})
	if err != nil {
		t.Fatal(err)
	}
	// The file checked is replaced by another contribution before building.
	last := files[len(files)-1]
	saved, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Contribute(files[2], last, nil); err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(dir, "p2-2")
	if _, err := ceremony.ContributeVerified(rep, next, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(last, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Verify(append(append([]string{}, files...), next), ceremony.VerifyOptions{Circuit: c, InProgress: true}); err != nil {
		t.Fatalf("the contribution on the state checked: %v", err)
	}
	_, err = ceremony.ContributeVerified(rep, filepath.Join(dir, "again"), nil)
	testkit.CheckError(t, err, "no state to build on")
	rep, err = ceremony.Verify(files[2:], ceremony.VerifyOptions{Circuit: c, InProgress: true, FromAny: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ceremony.ContributeVerified(rep, filepath.Join(dir, "none"), nil)
	testkit.CheckError(t, err, "no state to build on")
}
