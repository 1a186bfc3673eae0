package srs

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/kzg"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/scs"

	"github.com/zkinfer/zkinfer/internal/testkit"
)

// The .ptau files were made by snarkjs 0.7.6 (testdata/gen-ptau.sh).
const (
	ptau9      = "testdata/pot9.ptau"       // power 9, one contribution and a beacon
	ptau5Final = "testdata/pot5_final.ptau" // power 5, prepared for phase 2
)

// squares proves knowledge of x with x^(2^k) = y: about k PLONK rows.
type squares struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
	k int
}

func (c *squares) Define(api frontend.API) error {
	v := c.X
	for range c.k {
		v = api.Mul(v, v)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

func squaresCS(t *testing.T, k int) constraint.ConstraintSystem {
	t.Helper()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), scs.NewBuilder, &squares{k: k})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// proveSquares sets up, proves and verifies the squares circuit with srs.
func proveSquares(t *testing.T, cs constraint.ConstraintSystem, k int, srs *SRS) {
	t.Helper()
	pk, vk, err := plonk.Setup(cs, &srs.Canonical, &srs.Lagrange)
	if err != nil {
		t.Fatal(err)
	}
	y := big.NewInt(3)
	for range k {
		y.Mul(y, y).Mod(y, ecc.BN254.ScalarField())
	}
	w, err := frontend.NewWitness(&squares{X: 3, Y: y, k: k}, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	prf, err := plonk.Prove(cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := w.Public()
	if err := plonk.Verify(prf, vk, pub); err != nil {
		t.Fatalf("a proof under the loaded SRS does not verify: %v", err)
	}
}

// TestLoadSRS: snarkjs's .ptau files (plain and prepared for phase 2) and a
// gnark-crypto kzg.SRS file give an SRS whose PLONK proofs verify; the
// first powers are the generators, as snarkjs starts them.
func TestLoadSRS(t *testing.T) {
	gnarkSRS := filepath.Join(t.TempDir(), "srs.bin")
	s, err := kzg.NewSRS(64+3, big.NewInt(12345))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	s.WriteTo(&buf)
	if err := os.WriteFile(gnarkSRS, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, format string
		k            int // squares: the domain is the power of two above k+2 rows
	}{
		{ptau9, FormatPtau, 300},
		{ptau5Final, FormatPtau, 20},
		{gnarkSRS, FormatGnark, 40},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			cs := squaresCS(t, tc.k)
			srs, err := Load(tc.file, cs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if srs.Info.Format != tc.format || len(srs.Info.Blake2b) != 128 {
				t.Fatalf("info %+v", srs.Info)
			}
			_, _, g1, g2 := curve.Generators()
			if srs.Canonical.Pk.G1[0] != g1 || srs.Canonical.Vk.G2[0] != g2 {
				t.Fatal("the first powers are not the generators")
			}
			proveSquares(t, cs, tc.k, srs)
		})
	}
}

// TestBadSRS: every defect of an SRS file is a one-line error saying what
// is wrong, never a panic or keys from a bad SRS.
func TestBadSRS(t *testing.T) {
	raw, err := os.ReadFile(ptau9)
	if err != nil {
		t.Fatal(err)
	}
	p, err := readPtau(bytes.NewReader(raw), 8)
	if err != nil {
		t.Fatal(err)
	}
	g1At := int(p.sects[ptauTauG1][0]) // offset of [τ⁰]₁
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(raw)) }
	dir := t.TempDir()
	for _, tc := range []struct {
		name, want string
		file       []byte
		k          int
	}{
		{"too small", "power ≥ 10", raw, 600},
		{"swapped powers", "inconsistent", edit(func(b []byte) []byte {
			copy(b[g1At+5*ptauG1Size:], raw[g1At+6*ptauG1Size:g1At+7*ptauG1Size])
			return b
		}), 300},
		{"point off the curve", "tauG1[7]", edit(func(b []byte) []byte { b[g1At+7*ptauG1Size+3] ^= 1; return b }), 300},
		{"not the generator", "not the generator", edit(func(b []byte) []byte {
			copy(b[g1At:], raw[g1At+ptauG1Size:g1At+2*ptauG1Size])
			return b
		}), 300},
		{"other curve", "not for BN254", edit(func(b []byte) []byte { b[int(p.sects[ptauHeader][0])+4] ^= 1; return b }), 300},
		{"truncated", "past the end", raw[:len(raw)/2], 300},
		{"not an SRS", "neither a .ptau file nor a gnark kzg SRS", []byte("hello, world"), 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path, squaresCS(t, tc.k), nil)
			testkit.CheckError(t, err, tc.want)
		})
	}
}

// TestKnownSRS: the pinned list holds the published Perpetual Powers of Tau
// files, one per power from 8 to 28; a self-made .ptau (the test files, made
// with snarkjs and a contribution of our own, so with a τ someone knew) is
// not on it, is recorded as unknown and warned about; a file whose hash is
// on the list is recognised, recorded with its source, and not warned about.
// The real files are 0.3 MB to 300 GB, so the known case injects an entry.
func TestKnownSRS(t *testing.T) {
	powers := map[int]bool{}
	for _, k := range known {
		if got, ok := lookupKnown(strings.ToUpper(k.Blake2b)); !ok || got != k || powers[k.Power] {
			t.Fatalf("entry %+v: lookup %+v %v, or its power is listed twice", k, got, ok)
		}
		powers[k.Power] = true
		if len(k.Blake2b) != 128 || strings.ToLower(k.Blake2b) != k.Blake2b || !strings.HasSuffix(k.Source, "/"+k.Name) || !strings.Contains(k.Name, "powersOfTau28_hez_final") {
			t.Fatalf("entry %+v", k)
		}
	}
	if len(powers) != 21 {
		t.Fatalf("%d powers listed, want 8 to 28", len(powers))
	}
	if k, _ := lookupKnown("982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e"); k.Name != "powersOfTau28_hez_final_15.ptau" {
		t.Fatalf("snarkjs's power-15 hash is %+v", k)
	}

	cs := squaresCS(t, 300)
	load := func() Info {
		t.Helper()
		srs, err := Load(ptau9, cs, nil)
		if err != nil {
			t.Fatal(err)
		}
		return srs.Info
	}
	selfMade := load()
	published := knownFile{Name: "pot9.ptau", Power: 9, Blake2b: selfMade.Blake2b, Source: "https://example.org/pot9.ptau"}
	for _, tc := range []struct {
		name   string
		inject bool
		warn   string // "" for none
	}{
		{"self-made", false, "is not a published powers of tau"},
		{"published", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.inject {
				saved := known
				known = append(slices.Clone(known), published)
				t.Cleanup(func() { known = saved })
			}
			info := load()
			if info.Known != tc.inject || (info.Source == published.Source) != tc.inject {
				t.Fatalf("recorded as %+v", info)
			}
			w := info.Warning()
			if (w == "") != (tc.warn == "") || !strings.Contains(w, tc.warn) || strings.Contains(w, "\n") {
				t.Fatalf("warning %q, want %q", w, tc.warn)
			}
		})
	}
}
