//go:build queue

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueueEmbedded: prove --workers 2 without --queue runs the embedded
// server (its storage beside the proof, removed once the bundle is
// written) and 2 local worker processes.
func TestQueueEmbedded(t *testing.T) {
	dir, want := creditSegments(t)
	out := filepath.Join(t.TempDir(), "proof.json")
	p := startZK(t, "prove", dir, "--input", demoInput, "--proof", out, "--workers", "2")
	if code := p.wait(); code != exitOK {
		t.Fatalf("prove --workers 2: exit %d:\n%s", code, p.stderr())
	}
	checkBundle(t, dir, out, want)
	if !strings.Contains(p.stderr(), "queue: embedded NATS server at nats://127.0.0.1:") {
		t.Errorf("no embedded server reported:\n%s", p.stderr())
	}
	if _, err := os.Stat(out + ".queue"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the embedded server's storage is left: %v", err)
	}
}
