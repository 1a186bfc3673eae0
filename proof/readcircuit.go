package proof

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
)

// readCircuitFile reads the constraint system at path into cs, checking
// that its SHA-256 is want (hex). The file is read twice rather than held:
// gnark's decoder copies the whole encoding into a buffer of its own, so
// reading the file into memory first, to hash it, held it twice (cnn_c32:
// 72 MB each, and io.ReadAll's growth), at the moment the prover's memory
// peaked. The first pass hashes the file, so nothing is decoded before it
// is known to be the compiled one; the second decodes it while hashing
// again, so that what was decoded is what was checked (a file replaced
// between the passes fails).
func readCircuitFile(path, want string, cs io.ReaderFrom) error {
	return readFrom(path, "circuit", func(r io.Reader) error {
		f, ok := r.(*os.File)
		if !ok {
			return errors.New("not a file")
		}
		errChanged := errors.New("its checksum differs from settings.json")
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != want {
			return errChanged
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		h.Reset()
		if _, err := cs.ReadFrom(bufio.NewReaderSize(io.TeeReader(f, h), 1<<20)); err != nil {
			return err
		}
		// The hash covers every byte read from f, those the decoder left
		// in the buffer too; the rest of the file is hashed here.
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != want {
			return errChanged
		}
		return nil
	})
}
