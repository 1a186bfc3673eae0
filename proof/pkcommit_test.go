package proof

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/pedersen"
)

// commitmentKeyFile writes a Pedersen proving key of n points, raw, after
// a prefix of junk bytes, and returns the key, the file's bytes and the
// key's offset.
func commitmentKeyFile(t *testing.T, n int) (pedersen.ProvingKey, []byte, int64) {
	t.Helper()
	jac := make([]curve.G1Jac, n)
	jac[0].FromAffine(g1Gen())
	for i := 1; i < n; i++ {
		jac[i].Set(&jac[i-1]).AddMixed(g1Gen())
	}
	pks, _, err := pedersen.Setup([][]curve.G1Affine{curve.BatchJacobianToAffineG1(jac)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString("prefix")
	if _, err := pks[0].WriteRawTo(&buf); err != nil {
		t.Fatal(err)
	}
	return pks[0], buf.Bytes(), int64(len("prefix"))
}

// openCommitmentKey writes b to a file and reads the key at off from it.
func openCommitmentKey(t *testing.T, b []byte, off int64) (*keyFile, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pk")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	kf := &keyFile{f: f, g1: curve.SizeOfG1AffineUncompressed}
	pos := off
	ck, err := readCommitmentKey(bytes.NewReader(b[off:]), &pos, kf.g1, int64(len(b)))
	if err != nil {
		return nil, err
	}
	if pos != int64(len(b)) {
		t.Fatalf("read up to %d of %d bytes", pos, len(b))
	}
	kf.commitmentKeys = []commitmentKey{ck}
	return kf, nil
}

// TestStreamedCommitmentKey checks that the commitment summed over slices
// of the basis read from disk, and the proof of knowledge, are gnark's.
func TestStreamedCommitmentKey(t *testing.T) {
	for _, n := range []int{1, 7, commitChunk, commitChunk + 3} {
		pk, b, off := commitmentKeyFile(t, n)
		kf, err := openCommitmentKey(t, b, off)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		values := make([]fr.Element, n)
		for i := range values {
			values[i].SetRandom()
		}
		want, err := pk.Commit(values)
		if err != nil {
			t.Fatal(err)
		}
		got, err := kf.commit(0, values)
		if err != nil || !got.Equal(&want) {
			t.Fatalf("n=%d: commitment %v (%v), gnark's %v", n, got, err, want)
		}
		wantPok, err := pk.ProveKnowledge(values)
		if err != nil {
			t.Fatal(err)
		}
		gotPok, err := kf.proveKnowledge(0, values)
		if err != nil || !gotPok.Equal(&wantPok) {
			t.Fatalf("n=%d: proof of knowledge %v (%v), gnark's %v", n, gotPok, err, wantPok)
		}
		if _, err := kf.commit(0, values[1:]); err == nil {
			t.Fatalf("n=%d: a commitment to one value too few was made", n)
		}
	}
}

// TestStreamedCommitmentKeyRefused checks that a malformed commitment key
// is refused when the key is opened.
func TestStreamedCommitmentKeyRefused(t *testing.T) {
	const n = 5
	_, good, off := commitmentKeyFile(t, n)
	sigma := off + 4 + n*curve.SizeOfG1AffineUncompressed
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }, ""},
		{"basis longer than the file", func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[off:], 1<<30)
			return b
		}, "truncated"},
		{"fewer σ points", func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[sigma:], n-1)
			return b[:len(b)-curve.SizeOfG1AffineUncompressed]
		}, "mismatch"},
		{"a point off the curve", func(b []byte) []byte {
			b[off+4+curve.SizeOfG1AffineUncompressed-1] ^= 1
			return b
		}, ""},
	} {
		b := tc.edit(bytes.Clone(good))
		_, err := openCommitmentKey(t, b, off)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}
