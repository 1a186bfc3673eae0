package ceremony

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
)

// TestEvaluationsCache: Finalize's cache of the circuit's evaluations
// reads back equal, and is ignored (so recomputed) when it is for another
// phase-1 result or circuit, truncated or has a byte changed.
func TestEvaluationsCache(t *testing.T) {
	r := compileMixed(t, 2)
	n := ecc.NextPowerOfTwo(uint64(r.GetNbConstraints()))
	p1 := newPhase1(n)
	p1.contribute(nil)
	commons := p1.seal([]byte("a beacon of sixteen bytes"), nil)
	w, err := wireTermsOf(r)
	if err != nil {
		t.Fatal(err)
	}
	_, evals, err := initialize(r, &commons, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Circuit{R1CS: r, SHA256: "circuit", Dir: t.TempDir()}
	const sum = "commons"
	if err := writeEvals(c, sum, evals); err != nil {
		t.Fatal(err)
	}
	got, ok := readEvals(c, sum)
	if !ok || !reflect.DeepEqual(got, evals) {
		t.Fatal("the cache does not read back equal")
	}
	path := filepath.Join(c.Dir, EvaluationsFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other := *c
	other.SHA256 = "another circuit"
	for _, tc := range []struct {
		name    string
		c       *Circuit
		commons string
		file    func([]byte) []byte
	}{
		{"another phase-1 result", c, "other", nil},
		{"another circuit", &other, sum, nil},
		{"truncated", c, sum, func(b []byte) []byte { return b[:len(b)-40] }},
		{"a byte changed", c, sum, func(b []byte) []byte { b[len(b)/2] ^= 1; return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), good...)
			if tc.file != nil {
				b = tc.file(b)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, ok := readEvals(tc.c, tc.commons); ok {
				t.Fatal("the cache was used")
			}
		})
	}
}
