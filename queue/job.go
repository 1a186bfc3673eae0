package queue

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/internal/filehash"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// Job is one segment to prove: the message on zkinfer.jobs.RUN.
type Job struct {
	Run      string `json:"run"`
	Nonce    string `json:"nonce"` // run.json's: a job of an earlier run under the same name is stale
	Segment  int    `json:"segment"`
	Segments int    `json:"segments"`
	// DirID names the segmented directory (DirID); VKSHA256 is the SHA-256
	// of the segment's vk.bin, which the worker's copy must have.
	DirID    string `json:"dir_id"`
	VKSHA256 string `json:"vk_sha256"`
	// Dir is the directory's absolute path on the coordinator's machine;
	// Keys, when set, the object store bucket holding its files.
	Dir  string `json:"dir"`
	Keys string `json:"keys,omitempty"`
	// Shared is the shared directory holding the run's files in Shared/Run
	// ("": the object store bucket zkinfer-run-RUN).
	Shared string `json:"shared,omitempty"`
}

// runInfo is run.json, written once the witnesses are stored.
type runInfo struct {
	Run      string `json:"run"`
	Nonce    string `json:"nonce"`
	DirID    string `json:"dir_id"`
	Segments int    `json:"segments"`
}

// result is a stored proof with who made it.
type result struct {
	Worker   string       `json:"worker"`
	Seconds  float64      `json:"seconds"`
	Delivery uint64       `json:"delivery"` // the job's delivery count: 1 unless redelivered
	Proof    *proof.Proof `json:"proof"`
}

// failure is a stored error: a job that cannot be proven (not a worker
// that died), which ends the run.
type failure struct {
	Worker string `json:"worker"`
	Error  string `json:"error"`
}

// RunID names the proof of inputs with directory d and options opt: a
// hash of the directory's manifest and verifying keys, the inputs, the
// weights file, salts and context. The same command run again is the same
// run, and resumes it.
func RunID(d *segment.Dir, inputs [][]float64, opt proof.ProveOptions) (string, error) {
	h := sha256.New()
	h.Write([]byte("zkinfer-run-v1"))
	man, err := os.ReadFile(filepath.Join(d.Path, segment.ManifestFile))
	if err != nil {
		return "", err
	}
	keys, err := d.KeysSHA256()
	if err != nil {
		return "", err
	}
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	in, err := json.Marshal(inputs)
	if err != nil {
		return "", err
	}
	field(man)
	field([]byte(keys))
	field(in)
	field([]byte(opt.Weights))
	field([]byte(opt.Salt.String()))
	field([]byte(opt.ParamSalt.String()))
	field(opt.Context)
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

// DirID names a segmented directory: the SHA-256 of its manifest (the
// model, settings and segments), in hex, shortened. Each job also names
// the segment's verifying key, so that keys of another setup of the same
// manifest are refused.
func DirID(dir string) (string, error) {
	man, err := os.ReadFile(filepath.Join(dir, segment.ManifestFile))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(man)
	return hex.EncodeToString(sum[:])[:20], nil
}

// fileSHA256 is the SHA-256 of a file, in hex.
func fileSHA256(path string) (string, error) {
	sum, err := filehash.SHA256(path)
	return hex.EncodeToString(sum), err
}

// vkSHA256 is the SHA-256 of segment k's verifying key.
func vkSHA256(d *segment.Dir, k int) (string, error) {
	return fileSHA256(filepath.Join(d.SegmentDir(k), proof.VerifyingKey))
}
