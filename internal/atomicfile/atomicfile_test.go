package atomicfile

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
	if err := WriteFile(done, []byte("complete")); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		var s Set
		defer s.Discard()
		err := s.Add(filepath.Join(dir, "pk.bin"), func(w io.Writer) error {
			w.Write([]byte("half"))
			close(started)
			<-release
			_, err := w.Write([]byte(" written"))
			return err
		})
		if err == nil {
			err = s.Commit()
		}
		errc <- err
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
	if err := WriteFile(filepath.Join(dir, "later"), nil); !errors.Is(err, errAborted) {
		t.Fatalf("a write after Abort: %v", err)
	}
	if b, _ := os.ReadFile(done); string(b) != "complete" {
		t.Fatal("Abort touched a finished file")
	}
}

// TestSetCommitsTogether: a Set's files appear at Commit, replacing the
// files it is told to remove; discarded, they never appear.
func TestSetCommitsTogether(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale")
	if err := WriteFile(stale, []byte("old")); err != nil {
		t.Fatal(err)
	}
	var s Set
	for _, f := range []string{"a", "b"} {
		if err := s.AddBytes(filepath.Join(dir, f), []byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !os.IsNotExist(err) {
		t.Fatal("a file of the set appeared before Commit")
	}
	if err := s.Commit(stale); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a", "b"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || string(b) != f {
			t.Fatalf("%s: %q, %v", f, b, err)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("the file to remove is still there")
	}
	var d Set
	if err := d.AddBytes(filepath.Join(dir, "c"), nil); err != nil {
		t.Fatal(err)
	}
	d.Discard()
	if n := countTemps(t, dir); n != 0 {
		t.Fatalf("%d temporary files after Discard", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "c")); !os.IsNotExist(err) {
		t.Fatal("a discarded file appeared")
	}
}

// TestMakeDir: a directory MakeDir created is removed by Close unless kept;
// one that existed before stays.
func TestMakeDir(t *testing.T) {
	base := t.TempDir()
	for _, keep := range []bool{false, true} {
		path := filepath.Join(base, "new", "dir")
		d, err := MakeDir(path)
		if err != nil {
			t.Fatal(err)
		}
		if keep {
			d.Keep()
		}
		d.Close()
		if _, err := os.Stat(path); os.IsNotExist(err) == keep {
			t.Fatalf("keep %v: the directory's existence is %v", keep, err == nil)
		}
	}
	d, err := MakeDir(base)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := os.Stat(base); err != nil {
		t.Fatal("Close removed a directory that existed before")
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
