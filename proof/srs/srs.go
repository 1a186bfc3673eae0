package srs

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/kzg"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/test/unsafekzg"
	"golang.org/x/crypto/blake2b"
)

// SRS file formats (Info.Format).
const (
	// FormatPtau is snarkjs's .ptau (ptau.go), the format of the Perpetual
	// Powers of Tau ceremony's files.
	FormatPtau = "ptau"
	// FormatGnark is gnark-crypto's kzg.SRS binary encoding (kzg.SRS.WriteTo).
	FormatGnark = "gnark-kzg"
)

// SRS is a KZG structured reference string for BN254 in the two forms
// plonk.Setup takes, cut to one circuit's size.
type SRS struct {
	Canonical kzg.SRS // [τⁱ]₁ for i < n+3; [1]₂, [τ]₂
	Lagrange  kzg.SRS // the Lagrange basis of the n-point domain at τ
	Info      Info
}

// Info identifies the SRS file PLONK keys came from (a compiled
// directory's settings.json records it).
type Info struct {
	Format string `json:"format"` // FormatPtau or FormatGnark
	File   string `json:"file"`   // its base name
	// Blake2b is the BLAKE2b-512 of the whole file, as `b2sum` prints it and
	// snarkjs's README lists for the public .ptau files.
	Blake2b string `json:"blake2b"`
	Power   int    `json:"power,omitempty"` // .ptau: the file's power
	Domain  int    `json:"domain"`          // n: the circuit's domain size
	// Known says whether Blake2b is that of a published powers-of-tau file
	// (known.go), and Source where that file is published. A file that is
	// not known may hold a τ its maker kept: see Warning.
	Known  bool   `json:"known"`
	Source string `json:"source,omitempty"`
}

// Warning says in one line why keys from this SRS file may be forged, or
// "" for a published powers of tau; a nil Info (keys whose SRS is not
// recorded) is warned about. It looks the recorded hash up again, so keys
// set up before their file was known (or before Known existed) are judged
// by the current list.
func (s *Info) Warning() string {
	if s == nil {
		return "settings.json does not identify the SRS these PLONK keys came from: whoever made it may know its τ and could forge proofs"
	}
	if _, ok := lookupKnown(s.Blake2b); ok {
		return ""
	}
	return fmt.Sprintf("the SRS file %s (blake2b %.16s…) is not a published powers of tau zkinfer knows: whoever made it may know its τ and could forge proofs (use a file listed in docs/SETUP.md)", s.File, s.Blake2b)
}

// Load reads an SRS file (FormatPtau or FormatGnark, told apart by their
// first bytes) and returns the part circuit cs needs, after checking it: [1]₁ and
// [1]₂ are the generators, [τ]₂ is neither 1 nor 0, and every [τⁱ⁺¹]₁ is
// [τⁱ]₁ times the τ of [τ]₂ (one pairing check on random combinations).
// Errors say in one line what is wrong: too small, corrupt, another curve.
// progress, when not nil, is told what was read.
func Load(path string, cs constraint.ConstraintSystem, progress func(format string, args ...any)) (*SRS, error) {
	nCanonical, nLagrange := plonk.SRSSize(cs)
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("srs: %w", err)
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return nil, fmt.Errorf("srs: %s: not an SRS file: %v", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("srs: %s: %w", path, err)
	}
	info := Info{File: filepath.Base(path), Domain: nLagrange}
	var (
		g1 []curve.G1Affine
		g2 [2]curve.G2Affine
	)
	if string(magic[:]) == ptauMagic {
		info.Format = FormatPtau
		p, err := readPtau(f, nCanonical)
		if err != nil {
			return nil, fmt.Errorf("srs: %s: %w", path, err)
		}
		g1, g2, info.Power = p.G1, p.G2, p.Power
	} else {
		info.Format = FormatGnark
		// The encoding starts with the number of G1 points (u32, big-endian),
		// each at least 32 bytes: check it before gnark allocates them.
		st, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("srs: %w", err)
		}
		if n := int64(binary.BigEndian.Uint32(magic[:])); 4+32*n > st.Size() {
			return nil, fmt.Errorf("srs: %s: neither a .ptau file nor a gnark kzg SRS (it announces %d points in %d bytes)", path, n, st.Size())
		}
		var s kzg.SRS
		if _, err := s.ReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
			return nil, fmt.Errorf("srs: %s: neither a .ptau file nor a gnark kzg SRS: %v", path, err)
		}
		if len(s.Pk.G1) < nCanonical {
			return nil, fmt.Errorf("srs: %s: it has %d powers of tau, the circuit needs %d: use a larger SRS", path, len(s.Pk.G1), nCanonical)
		}
		g1, g2 = s.Pk.G1[:nCanonical], s.Vk.G2
		if s.Vk.G1 != g1[0] {
			return nil, fmt.Errorf("srs: %s: its verifying key's [1]₁ is not its first power", path)
		}
	}
	if err := checkPowers(g1, g2); err != nil {
		return nil, fmt.Errorf("srs: %s: %w", path, err)
	}
	logf(progress, "setup: read and checked %d powers of tau from %s (%.1fs)", len(g1), path, time.Since(start).Seconds())
	if info.Blake2b, err = fileBlake2b(f); err != nil {
		return nil, fmt.Errorf("srs: %s: %w", path, err)
	}
	if k, ok := lookupKnown(info.Blake2b); ok {
		info.Known, info.Source = true, k.Source
		logf(progress, "setup: %s is %s (%s)", path, k.Name, k.Source)
	}
	srs, err := newSRS(g1, g2, nLagrange)
	if err != nil {
		return nil, fmt.Errorf("srs: %s: %w", path, err)
	}
	srs.Info = info
	return srs, nil
}

// checkPowers checks that g1 = ([τⁱ]₁) and g2 = ([1]₂, [τ]₂) for one τ ∉
// {0, 1}, starting from the standard generators. The points are known to be
// in their groups. With random rᵢ, Σ rᵢ[τⁱ⁺¹]₁ paired with [1]₂ equals
// Σ rᵢ[τⁱ]₁ paired with [τ]₂ for all rᵢ only if each [τⁱ⁺¹]₁ = τ·[τⁱ]₁.
func checkPowers(g1 []curve.G1Affine, g2 [2]curve.G2Affine) error {
	_, _, gen1, gen2 := curve.Generators()
	switch {
	case len(g1) < 2:
		return errors.New("fewer than two powers of tau")
	case !g1[0].Equal(&gen1):
		return errors.New("its first G1 point is not the generator: not a BN254 powers of tau")
	case !g2[0].Equal(&gen2):
		return errors.New("its first G2 point is not the generator: not a BN254 powers of tau")
	case g2[1].IsInfinity() || g2[1].Equal(&gen2):
		return errors.New("its [τ]₂ is trivial (τ = 0 or 1): no one contributed")
	}
	for i := range g1 {
		if !g1[i].IsInSubGroup() {
			return fmt.Errorf("[τ^%d]₁ is not a point of G1", i)
		}
	}
	if !g2[1].IsInSubGroup() {
		return errors.New("[τ]₂ is not a point of G2")
	}
	r := make([]fr.Element, len(g1)-1)
	for i := range r {
		if _, err := r[i].SetRandom(); err != nil {
			return err
		}
	}
	var lo, hi curve.G1Affine
	cfg := ecc.MultiExpConfig{}
	if _, err := lo.MultiExp(g1[:len(g1)-1], r, cfg); err != nil {
		return err
	}
	if _, err := hi.MultiExp(g1[1:], r, cfg); err != nil {
		return err
	}
	lo.Neg(&lo)
	ok, err := curve.PairingCheck([]curve.G1Affine{hi, lo}, []curve.G2Affine{g2[0], g2[1]})
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("its powers of tau are inconsistent (pairing check failed): the file is corrupt or was tampered with")
	}
	return nil
}

// newSRS builds the canonical and Lagrange SRS of an n-point domain from
// checked powers of tau (len(g1) ≥ n+3).
func newSRS(g1 []curve.G1Affine, g2 [2]curve.G2Affine, n int) (*SRS, error) {
	srs := &SRS{}
	srs.Canonical.Pk.G1 = g1
	srs.Canonical.Vk.G1 = g1[0]
	srs.Canonical.Vk.G2 = g2
	srs.Canonical.Vk.Lines[0] = curve.PrecomputeLines(g2[0])
	srs.Canonical.Vk.Lines[1] = curve.PrecomputeLines(g2[1])
	lag, err := kzg.ToLagrangeG1(slices.Clone(g1[:n]))
	if err != nil {
		return nil, err
	}
	srs.Lagrange.Pk.G1 = lag
	srs.Lagrange.Vk = srs.Canonical.Vk
	return srs, nil
}

// UnsafeDev draws an SRS of the size cs needs from a τ that this process
// knows and forgets (gnark's test/unsafekzg). Anyone who ran it could forge
// proofs: for development only.
func UnsafeDev(cs constraint.ConstraintSystem) (*SRS, error) {
	canonical, lagrange, err := unsafekzg.NewSRS(cs)
	if err != nil {
		return nil, err
	}
	c, ok1 := canonical.(*kzg.SRS)
	l, ok2 := lagrange.(*kzg.SRS)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("unexpected SRS types %T, %T", canonical, lagrange)
	}
	return &SRS{Canonical: *c, Lagrange: *l}, nil
}

// fileBlake2b is the BLAKE2b-512 of the whole file, hex.
func fileBlake2b(f *os.File) (string, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	h, err := blake2b.New512(nil)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func logf(progress func(format string, args ...any), format string, args ...any) {
	if progress != nil {
		progress(format, args...)
	}
}
