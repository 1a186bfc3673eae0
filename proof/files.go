package proof

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeAtomic writes a file through a temporary sibling and a rename, so a
// failure never leaves a half-written file at path.
func writeAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// WriteFileAtomic is os.WriteFile through a temporary file and a rename.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
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
