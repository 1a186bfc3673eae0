package proof

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAbortRemovesTemporaryFiles: Abort, as on SIGINT, removes the
// temporary file of a write in flight and refuses later writes; the files
// already in place are untouched.
func TestAbortRemovesTemporaryFiles(t *testing.T) {
	defer func() { // Abort is for a process about to exit: undo it
		pending.Lock()
		pending.aborted = false
		pending.Unlock()
	}()
	dir := t.TempDir()
	done := filepath.Join(dir, "done.bin")
	if err := WriteFileAtomic(done, []byte("complete")); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- writeAtomic(filepath.Join(dir, "pk.bin"), func(w io.Writer) error {
			w.Write([]byte("half"))
			close(started)
			<-release
			_, err := w.Write([]byte(" written"))
			return err
		})
	}()
	<-started
	if n := countTemps(t, dir); n != 1 {
		t.Fatalf("%d temporary files during the write, want 1", n)
	}
	Abort()
	if n := countTemps(t, dir); n != 0 {
		t.Fatalf("%d temporary files after Abort", n)
	}
	close(release)
	if err := <-errc; err == nil {
		t.Fatal("the interrupted write succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "pk.bin")); !os.IsNotExist(err) {
		t.Fatal("the interrupted write left pk.bin")
	}
	if err := WriteFileAtomic(filepath.Join(dir, "later"), nil); !errors.Is(err, errAborted) {
		t.Fatalf("a write after Abort: %v", err)
	}
	if b, _ := os.ReadFile(done); string(b) != "complete" {
		t.Fatal("Abort touched a finished file")
	}
}

func countTemps(t *testing.T, dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			n++
		}
	}
	return n
}
