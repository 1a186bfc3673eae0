package atomicfile

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorNamesThePath: a write that fails names the file asked for, never
// its temporary sibling.
func TestErrorNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodir", "Verifier.sol")
	err := WriteFile(path, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp") {
		t.Fatalf("WriteFile into a missing directory: %v, want an error naming %s and no temporary file", err, path)
	}
}
