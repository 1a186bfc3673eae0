package proof

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
)

// fixtureWith copies the fixture's compiled directory with pk as its
// proving key.
func fixtureWith(t *testing.T, fx *fixture, pk []byte) *Compiled {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{SettingsFile, ModelFile, CircuitFile, VerifyingKey} {
		b, err := os.ReadFile(fx.c.path(name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ProvingKey), pk, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestProveCompressedKey: the streaming prover reads a proving key in
// gnark's compressed encoding as well as the raw one setup writes (the
// point sizes it skips by come from the key's first point), and the proof
// verifies.
func TestProveCompressedKey(t *testing.T) {
	fx := getFixture(t)
	pk, err := decodeProvingKey(bytes.NewReader(fx.pk), int64(len(fx.pk)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := pk.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() >= len(fx.pk) {
		t.Fatalf("the compressed key has %d bytes, the raw one %d", buf.Len(), len(fx.pk))
	}
	c := fixtureWith(t, fx, buf.Bytes())
	p, err := c.Prove(fixtureInput, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(p); err != nil {
		t.Fatal(err)
	}
}

// TestStreamingProveWithDamagedKeys: the streaming prover, given a
// proving key with one byte changed at positions spread over the file,
// refuses it on one line or makes a proof (which then fails verification,
// or passes when the byte did not matter); it never crashes.
func TestStreamingProveWithDamagedKeys(t *testing.T) {
	fx := getFixture(t)
	proved, invalid := 0, 0
	for i := 0; i < 48; i++ {
		b := slices.Clone(fx.pk)
		pos := i * (len(b) - 1) / 47
		b[pos] ^= byte(1 << (i % 8))
		c := fixtureWith(t, fx, b)
		p, err := c.Prove(fixtureInput, nil)
		if err != nil {
			testkit.CheckOneLine(t, err)
			continue
		}
		proved++
		if c.Verify(p) != nil {
			invalid++
		}
	}
	if proved == 0 || invalid == 0 {
		t.Fatalf("%d of 48 damaged keys made a proof, %d of them invalid: the damage did not reach the prover", proved, invalid)
	}
	t.Logf("%d of 48 damaged keys made a proof, %d of them invalid", proved, invalid)
}
