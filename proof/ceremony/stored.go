package ceremony

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/zkinfer/zkinfer/internal/filehash"
)

// StoredKeys are keys Finalize wrote to two files, with the Record of the
// ceremony kept beside them (a compiled directory's pk.bin, vk.bin and
// settings.json; a federated aggregation's pk.bin, vk.bin and fl.json):
// the Keys (and KeyReader) a finished ceremony is verified against.
type StoredKeys struct {
	// Dir is the directory holding the keys, and RecordFile the file
	// keeping their record there ("settings.json"): errors name both.
	Dir, RecordFile string
	// PKPath and VKPath are the proving and verifying key's files.
	PKPath, VKPath string
	// Recorded returns the directory's record of the ceremony its keys
	// come from, or an error saying what it records instead.
	Recorded func() (*Record, error)
	// Read reads the two keys, the verifying key checked as the directory
	// expects it (its public inputs).
	Read func() (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error)
}

// Record checks that the directory says its keys come from the ceremony
// whose last state is the file last, and that both key files exist; it
// returns the record. Keys from a local setup or from another chain are an
// error naming what differs.
func (k StoredKeys) Record(last string) (*Record, error) {
	sum, err := fileSHA256(last)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	rec, err := k.Recorded()
	if err != nil {
		return nil, err
	}
	if rec.Final != sum {
		return nil, fmt.Errorf("ceremony: %s's keys come from another ceremony: %s names a chain ending with %.16s…, the last file given (%s) is %.16s…", k.Dir, k.RecordFile, rec.Final, last, sum)
	}
	if _, err := rec.Closing(); err != nil {
		return nil, fmt.Errorf("ceremony: %s: %s's ceremony record: %v", k.Dir, k.RecordFile, err)
	}
	for _, f := range []string{k.VKPath, k.PKPath} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("ceremony: %s's keys cannot be checked: %w", k.Dir, err)
		}
	}
	return rec, nil
}

// Check recomputes the keys from the chain closed as the record says (with
// its beacon, or at its last contribution) and checks that they are the
// two files byte for byte: keys from another chain, or from this one
// closed otherwise, are an error. A verifier who sees success knows these
// keys hold every participant's randomness.
func (k StoredKeys) Check(rep *Report, record *Record, seal func() (pk, vk Key, err error)) error {
	closing, err := record.Closing()
	if err != nil {
		return fmt.Errorf("ceremony: %s: %s's ceremony record: %v", k.Dir, k.RecordFile, err)
	}
	if record.Phase1 != rep.Phase1 || record.Phase2 != rep.Phase2 {
		return fmt.Errorf("ceremony: %s: %s records %d phase-1 and %d phase-2 contributions, the chain has %d and %d", k.Dir, k.RecordFile, record.Phase1, record.Phase2, rep.Phase1, rep.Phase2)
	}
	pk, vk, err := seal()
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		key  Key
		raw  bool
	}{{k.VKPath, vk, false}, {k.PKPath, pk, true}} {
		got, err := os.ReadFile(f.path)
		if err != nil {
			return fmt.Errorf("ceremony: %s's keys cannot be checked: %w", k.Dir, err)
		}
		// The key is encoded against the file as it goes, not into a
		// second copy of it (pk.bin is ~100 MB for cnn_c32).
		want := &sameBytes{want: got}
		if f.raw {
			_, err = f.key.WriteRawTo(want)
		} else {
			_, err = f.key.WriteTo(want)
		}
		if err != nil {
			return err
		}
		if !want.equal() {
			return fmt.Errorf("ceremony: %s: %s is not the key this ceremony gives %s: the keys come from elsewhere", k.Dir, filepath.Base(f.path), closing)
		}
	}
	rep.Keys = fmt.Sprintf("%s and %s in %s are this ceremony's", filepath.Base(k.PKPath), filepath.Base(k.VKPath), k.Dir)
	return nil
}

// ReadKeys reads the keys, for Verify to check their evaluation vectors
// against the chain without recomputing them (KeyReader).
func (k StoredKeys) ReadKeys() (*KeyFiles, error) {
	pk, vk, err := k.Read()
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s's keys cannot be checked: %w", k.Dir, err)
	}
	return &KeyFiles{PK: pk, VK: vk, PKName: filepath.Base(k.PKPath), VKName: filepath.Base(k.VKPath)}, nil
}

// fileSHA256 is the SHA-256 of a file, hex.
func fileSHA256(path string) (string, error) {
	sum, err := filehash.SHA256(path)
	return hex.EncodeToString(sum), err
}

// sameBytes is a writer that compares what is written to it with want.
type sameBytes struct {
	want    []byte
	off     int
	differs bool
}

func (s *sameBytes) Write(p []byte) (int, error) {
	if !s.differs && (len(p) > len(s.want)-s.off || !bytes.Equal(p, s.want[s.off:s.off+len(p)])) {
		s.differs = true
	}
	s.off += len(p)
	return len(p), nil
}

// equal reports whether everything written was want, to its last byte.
func (s *sameBytes) equal() bool { return !s.differs && s.off == len(s.want) }

// StatePath is where a coordinator keeps the first state file of phase 1
// or 2 by default: DIR/ceremony/phaseN-0000.state. It creates the folder.
func StatePath(dir string, phase int) (string, error) {
	if phase != 1 && phase != 2 {
		return "", fmt.Errorf("ceremony: phase %d: there are phases 1 and 2", phase)
	}
	d := filepath.Join(dir, StateDir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	return filepath.Join(d, fmt.Sprintf("phase%d-0000.state", phase)), nil
}

// StateDir is the folder of a coordinator's directory where it keeps the
// ceremony's state files.
const StateDir = "ceremony"
