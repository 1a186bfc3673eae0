// Package atomicfile writes files that appear whole or not at all, one at a
// time or several together, and removes what an interrupted process was
// writing.
//
// # Method
//
// A file is written into a temporary sibling (".NAME.tmp…", in the same
// directory so that the rename stays within one file system), synced to
// disk and renamed over its path. A rename is atomic on POSIX file systems,
// so a reader sees the old file or the new one, never part of either, and a
// failed or interrupted write leaves no file at the path.
//
// A Set writes several files that belong together (a circuit and its
// settings, a proving key and its verifying key): each is written to its
// temporary sibling, then Commit renames all of them.
//
// The temporary files in flight, and the directories MakeDir created, are
// kept in a registry. Abort, for a process about to exit on a signal,
// removes them and makes every later write fail; Commit renames a Set's
// files while holding the registry's lock, so an interruption sees all of
// them in place or none.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

var pending = struct {
	sync.Mutex
	files   map[string]bool
	dirs    map[string]bool // made by this process, removed if left empty
	aborted bool
}{files: map[string]bool{}, dirs: map[string]bool{}}

// errAborted is returned by writes after Abort.
var errAborted = errors.New("interrupted")

// Abort removes the temporary files of the writes in progress, and the
// directories MakeDir created that are still empty, and makes every later
// write fail. It is for a process about to exit on a signal: the files in
// place stay complete and consistent.
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

// Dir is a directory an operation creates: removed again, if still empty,
// unless the operation keeps it.
type Dir struct {
	path string
	kept bool
}

// MakeDir creates dir and its parents as needed (os.MkdirAll). When dir did
// not exist, Abort removes it if it is still empty, and so does Close unless
// Keep was called.
func MakeDir(dir string) (*Dir, error) {
	d := &Dir{path: dir}
	if _, err := os.Stat(dir); err == nil {
		d.kept = true // it was there before
	} else {
		pending.Lock()
		pending.dirs[dir] = true
		pending.Unlock()
	}
	return d, os.MkdirAll(dir, 0o755)
}

// Keep keeps the directory when Close is called: the operation succeeded.
func (d *Dir) Keep() { d.kept = true }

// Close removes the directory if MakeDir created it, Keep was not called
// and it is empty.
func (d *Dir) Close() {
	pending.Lock()
	defer pending.Unlock()
	if _, ok := pending.dirs[d.path]; !ok {
		return
	}
	delete(pending.dirs, d.path)
	if !d.kept {
		os.Remove(d.path)
	}
}

// Set writes files that appear together: Add writes each into a temporary
// sibling, Commit renames them all into place, Discard removes the ones not
// committed (deferred, it cleans up after a failure).
type Set struct {
	temps, paths []string
}

// Add writes path's contents with write into a temporary sibling.
func (s *Set) Add(path string, write func(w io.Writer) error) (err error) {
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
		return realPath(err, path)
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
	return realPath(err, path)
}

// realPath names path, not its temporary sibling, in a *fs.PathError: the
// temporary name means nothing to whoever reads the error.
func realPath(err error, path string) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	case errors.As(err, &le):
		return &fs.PathError{Op: le.Op, Path: path, Err: le.Err}
	}
	return err
}

// AddBytes is Add for contents in memory.
func (s *Set) AddBytes(path string, data []byte) error {
	return s.Add(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Commit removes the files remove and renames the temporary files into
// place, all while Abort waits.
func (s *Set) Commit(remove ...string) error {
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
			return realPath(err, s.paths[i])
		}
		delete(pending.files, t)
	}
	s.temps, s.paths = nil, nil
	return nil
}

// Discard removes the temporary files not committed.
func (s *Set) Discard() {
	pending.Lock()
	defer pending.Unlock()
	for _, t := range s.temps {
		os.Remove(t)
		delete(pending.files, t)
	}
	s.temps, s.paths = nil, nil
}

// WriteFile is os.WriteFile through a temporary sibling and a rename: a
// failure never leaves a half-written file at path.
func WriteFile(path string, data []byte) error {
	var s Set
	defer s.Discard()
	if err := s.AddBytes(path, data); err != nil {
		return err
	}
	return s.Commit()
}
