package proof

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Artifacts are written through temporary siblings and renamed into place,
// so a failure or an interruption never leaves a half-written file. The
// temporary files in flight are registered, so that Abort can remove them
// when the process is interrupted, and a fileSet renames its files while
// holding the registry's lock, so that an interruption sees all of them in
// place or none.

var pending = struct {
	sync.Mutex
	files   map[string]bool
	dirs    map[string]bool // made by this process, removed if left empty
	aborted bool
}{files: map[string]bool{}, dirs: map[string]bool{}}

// errAborted is returned by writes after Abort.
var errAborted = errors.New("interrupted")

// Abort removes the temporary files of the writes in progress and makes
// every later write fail. It is for a process about to exit on a signal:
// the artifacts in place stay complete and consistent.
func Abort() {
	pending.Lock()
	defer pending.Unlock()
	pending.aborted = true
	for f := range pending.files {
		os.Remove(f)
	}
	for d := range pending.dirs {
		os.Remove(d) // only when empty
	}
	clear(pending.files)
	clear(pending.dirs)
}

// madeDir is a directory an operation creates: removed again, if still
// empty, unless the operation keeps it.
type madeDir struct {
	path string
	kept bool
}

// makeDir creates dir and its parents as needed.
func makeDir(dir string) (*madeDir, error) {
	m := &madeDir{path: dir}
	if _, err := os.Stat(dir); err == nil {
		m.kept = true // it was there before
	} else {
		pending.Lock()
		pending.dirs[dir] = true
		pending.Unlock()
	}
	return m, os.MkdirAll(dir, 0o755)
}

func (m *madeDir) keep() { m.kept = true }

// done removes the directory if it was made and not kept, and is empty.
func (m *madeDir) done() {
	pending.Lock()
	defer pending.Unlock()
	if _, ok := pending.dirs[m.path]; !ok {
		return
	}
	delete(pending.dirs, m.path)
	if !m.kept {
		os.Remove(m.path)
	}
}

// fileSet writes files that appear together.
type fileSet struct {
	temps, paths []string
}

// add writes path's contents with write into a temporary sibling.
func (s *fileSet) add(path string, write func(w io.Writer) error) (err error) {
	pending.Lock()
	if pending.aborted {
		pending.Unlock()
		return errAborted
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err == nil {
		pending.files[f.Name()] = true
	}
	pending.Unlock()
	if err != nil {
		return err
	}
	s.temps, s.paths = append(s.temps, f.Name()), append(s.paths, path)
	if err = write(f); err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// commit removes the files remove and renames the temporary files into
// place, all while Abort waits.
func (s *fileSet) commit(remove ...string) error {
	pending.Lock()
	defer pending.Unlock()
	if pending.aborted {
		return errAborted
	}
	for _, f := range remove {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	for i, t := range s.temps {
		if err := os.Rename(t, s.paths[i]); err != nil {
			return err
		}
		delete(pending.files, t)
	}
	s.temps, s.paths = nil, nil
	return nil
}

// discard removes the temporary files not committed.
func (s *fileSet) discard() {
	pending.Lock()
	defer pending.Unlock()
	for _, t := range s.temps {
		os.Remove(t)
		delete(pending.files, t)
	}
	s.temps, s.paths = nil, nil
}

// writeAtomic writes a file through a temporary sibling and a rename, so a
// failure never leaves a half-written file at path.
func writeAtomic(path string, write func(w io.Writer) error) error {
	var s fileSet
	defer s.discard()
	if err := s.add(path, write); err != nil {
		return err
	}
	return s.commit()
}

// WriteFileAtomic is os.WriteFile through a temporary file and a rename.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, writeBytes(data))
}

// writeBytes returns a writer function for data.
func writeBytes(data []byte) func(w io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// readFrom opens path and reads it with r, naming the file in errors.
func readFrom(path, what string, r func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("%s %s is missing", what, path)
		}
		return err
	}
	defer f.Close()
	if err := r(f); err != nil {
		return fmt.Errorf("%s %s is corrupt: %v", what, path, err)
	}
	return nil
}

// Progress reports long steps; nil is silent.
type Progress func(format string, args ...any)

func (p Progress) log(format string, args ...any) {
	if p != nil {
		p(format, args...)
	}
}
