// Package filehash hashes files: the SHA-256 that settings, key checks and
// the job queue's object digests record of a file's contents.
package filehash

import (
	"crypto/sha256"
	"io"
	"os"
)

// SHA256 is the SHA-256 of the contents of the file at path, read as a
// stream (keys run to gigabytes).
func SHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
