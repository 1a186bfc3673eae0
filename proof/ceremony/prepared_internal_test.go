package ceremony

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyPreparedTampered: a prepared phase 1 with one point replaced
// by another valid point, in each Lagrange vector and in the powers, is
// rejected by VerifyPrepared (each case fails without its check); the
// untampered file passes.
func TestVerifyPreparedTampered(t *testing.T) {
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "p1-0"), filepath.Join(dir, "p1-1")}
	start := stateHeader{Phase: 1, Domain: 32, Circuit: strings.Repeat("0", 64)}
	if _, err := writeState(files[0], start, newPhase1(32)); err != nil {
		t.Fatal(err)
	}
	if _, err := Contribute(files[0], files[1], nil); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "prepared")
	info, err := Prepare(files[1], good, []byte("a beacon of sixteen bytes"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(p *Prepared)
		want   string
	}{
		{"untampered", func(*Prepared) {}, ""},
		{"[Lᵢ(τ)]₁", func(p *Prepared) { doubleG1(&p.lag.tau[3]) }, "Lagrange points in G1"},
		{"[αLᵢ(τ)]₁", func(p *Prepared) { doubleG1(&p.lag.alpha[0]) }, "Lagrange points in G1"},
		{"[βLᵢ(τ)]₁", func(p *Prepared) { doubleG1(&p.lag.beta[31]) }, "Lagrange points in G1"},
		{"[Lᵢ(τ)]₂", func(p *Prepared) { doubleG2(&p.lag.tau2[17]) }, "Lagrange points in G2"},
		{"two Lagrange points swapped", func(p *Prepared) { p.lag.tau[1], p.lag.tau[2] = p.lag.tau[2], p.lag.tau[1] }, "Lagrange points in G1"},
		{"a power", func(p *Prepared) { doubleG1(&p.commons.G1.Tau[40]) }, "not phase 1 sealed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ReadPrepared(good, info.SHA256, true, true)
			if err != nil {
				t.Fatal(err)
			}
			tc.tamper(q)
			b, err := encodePrepared(&q.Header, &q.commons, q.lag)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "prepared")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err = VerifyPrepared(files, path, 1, nil)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
	// Against another chain, or with too few contributions.
	if _, _, err := VerifyPrepared(files[:1], good, 1, nil); err == nil || !strings.Contains(err.Error(), "no contribution") {
		t.Fatalf("a prepared file checked against phase 1's start alone: %v", err)
	}
}

// TestCompressedPhase2States: phase-2 states are written with raw points
// (rawPhase2), which gnark's Phase2.ReadFrom reads as they are; a chain of
// states in gnark's compressed encoding, as written before, still verifies,
// and the two encodings of a state differ only in their points' form.
func TestCompressedPhase2States(t *testing.T) {
	c, path := openPhase2(t)
	s, err := readState(path("p2-0"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Header.RawPoints {
		t.Fatal("phase 2's start is not written with raw points")
	}
	if len(s.payload) <= len(encode(t, s.P2)) {
		t.Fatalf("raw payload of %d bytes, compressed %d", len(s.payload), len(encode(t, s.P2)))
	}
	s.Header.RawPoints = false
	if _, err := writeState(path("c2-0"), s.Header, s.P2); err != nil {
		t.Fatal(err)
	}
	if _, err := Contribute(path("c2-0"), path("c2-1"), nil); err != nil {
		t.Fatal(err)
	}
	files := []string{path("p1-0"), path("p1-1"), path("c2-0"), path("c2-1")}
	rep, err := Verify(files, VerifyOptions{Circuit: c, InProgress: true})
	if err != nil || rep.Phase2 != 1 {
		t.Fatalf("a compressed chain: %+v, %v", rep, err)
	}
	if n, err := readState(path("c2-1")); err != nil || n.Header.RawPoints {
		t.Fatalf("a contribution to a compressed state changed its encoding: %v", err)
	}
}
