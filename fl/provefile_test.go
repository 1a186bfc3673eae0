package fl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProveFile: the streaming prover fl aggregate uses proves a round
// that Verify accepts against the clients' own commitments (so its
// commitment points are the clients' and its masks zero), and a
// statement of another round still fails; a key of another circuit is an
// error, not a panic.
func TestProveFile(t *testing.T) {
	ccs, keys := testSetup(t)
	dir := t.TempDir()
	if err := WriteDir(dir, testShape, ccs, keys); err != nil {
		t.Fatal(err)
	}
	r := testRound(3)
	res, err := Aggregate(testShape, r)
	if err != nil {
		t.Fatal(err)
	}
	prf, err := ProveFile(testShape, ccs, filepath.Join(dir, PKFile), r, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := statement(t, keys, r, res)
	if err := Verify(testShape, keys.VK, prf, st); err != nil {
		t.Fatalf("the streaming prover's proof: %v", err)
	}
	other := *st
	other.Round++
	if Verify(testShape, keys.VK, prf, &other) == nil {
		t.Fatal("the proof verifies for another round")
	}

	small := testShape
	small.Params = 12
	sccs, skeys := setUp(t, small)
	sdir := t.TempDir()
	if err := WriteDir(sdir, small, sccs, skeys); err != nil {
		t.Fatal(err)
	}
	_, err = ProveFile(testShape, ccs, filepath.Join(sdir, PKFile), r, res, nil)
	if err == nil || !strings.Contains(err.Error(), "another circuit") {
		t.Fatalf("another circuit's key: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, PKFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := ProveFile(testShape, ccs, filepath.Join(dir, PKFile), r, res, nil); err == nil {
		t.Fatal("proved without a key")
	}
}
