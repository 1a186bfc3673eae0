package srs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/bits"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// The snarkjs .ptau format (iden3's binary container), as written by
// snarkjs 0.7 (src/powersoftau_new.js, powersoftau_utils.js) and used by the
// Perpetual Powers of Tau ceremony's published files:
//
//	"ptau" | version u32 | nSections u32 | sections…
//	section: type u32 | size u64 | data
//
// all integers little-endian. Section 1 (header): n8 u32 (32 for BN254) |
// q, the base field modulus (n8 bytes) | power u32 | ceremonyPower u32.
// Section 2 (tauG1): 2^(power+1)−1 points [τⁱ]₁; section 3 (tauG2): 2^power
// points [τⁱ]₂. Points are affine and uncompressed, each coordinate n8 bytes
// little-endian in Montgomery form (x·2^256 mod q); a G2 coordinate is
// c0 then c1. Sections 4–7 (α, β, contributions) and 12–15 (Lagrange forms,
// after `snarkjs powersoftau prepare phase2`) are not read: PLONK's KZG
// needs only the powers of τ.

const (
	ptauMagic       = "ptau"
	ptauHeader      = 1
	ptauTauG1       = 2
	ptauTauG2       = 3
	ptauMaxPower    = 28 // the largest public ceremony's
	ptauG1Size      = 64
	ptauG2Size      = 128
	ptauFieldBytes  = 32
	ptauHeaderBytes = 4 + ptauFieldBytes + 4 + 4
)

// ptau is the part of a .ptau file PLONK needs.
type ptau struct {
	Power int                 // the file holds 2^(Power+1)−1 powers in G1
	G1    []curve.G1Affine    // the first powers [τⁱ]₁ asked for
	G2    [2]curve.G2Affine   // [1]₂, [τ]₂
	sects map[uint32][2]int64 // section type → offset, size
}

// readPtau reads the first nG1 powers of τ in G1 and the first two in G2 of
// a .ptau file. It checks the container, the header (BN254, a sane power),
// the section sizes and that every point read is on its curve and in its
// subgroup; Load checks that the powers are consistent.
func readPtau(r io.ReadSeeker, nG1 int) (*ptau, error) {
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("not a .ptau file: %v", err)
	}
	if string(head[:4]) != ptauMagic {
		return nil, errors.New("not a .ptau file (no \"ptau\" magic)")
	}
	if v := binary.LittleEndian.Uint32(head[4:]); v != 1 {
		return nil, fmt.Errorf(".ptau version %d is not supported (1)", v)
	}
	p := &ptau{sects: map[uint32][2]int64{}}
	nSections := binary.LittleEndian.Uint32(head[8:])
	pos := int64(12)
	end, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	for i := uint32(0); i < nSections; i++ {
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return nil, err
		}
		var sh [12]byte
		if _, err := io.ReadFull(r, sh[:]); err != nil {
			return nil, fmt.Errorf(".ptau section %d: truncated file", i)
		}
		typ, size := binary.LittleEndian.Uint32(sh[:4]), binary.LittleEndian.Uint64(sh[4:])
		pos += 12
		if size > uint64(end-pos) {
			return nil, fmt.Errorf(".ptau section %d (type %d) runs past the end of the file", i, typ)
		}
		if _, dup := p.sects[typ]; dup {
			return nil, fmt.Errorf(".ptau has two sections of type %d", typ)
		}
		p.sects[typ] = [2]int64{pos, int64(size)}
		pos += int64(size)
	}
	if err := p.readHeader(r); err != nil {
		return nil, err
	}
	nPowers := 1<<(p.Power+1) - 1
	if nG1 > nPowers {
		return nil, fmt.Errorf("it has 2^%d powers of tau, the circuit needs %d: use a larger file (power ≥ %d)", p.Power, nG1, bits.Len(uint(nG1-4)))
	}
	g1, err := p.section(r, ptauTauG1, nPowers*ptauG1Size)
	if err != nil {
		return nil, err
	}
	p.G1 = make([]curve.G1Affine, nG1)
	buf := make([]byte, ptauG1Size)
	for i := range p.G1 {
		if _, err := io.ReadFull(g1, buf); err != nil {
			return nil, fmt.Errorf(".ptau tauG1: %v", err)
		}
		if err := ptauG1(&p.G1[i], buf); err != nil {
			return nil, fmt.Errorf(".ptau tauG1[%d]: %v", i, err)
		}
	}
	g2, err := p.section(r, ptauTauG2, (1<<p.Power)*ptauG2Size)
	if err != nil {
		return nil, err
	}
	buf = make([]byte, ptauG2Size)
	for i := range p.G2 {
		if _, err := io.ReadFull(g2, buf); err != nil {
			return nil, fmt.Errorf(".ptau tauG2: %v", err)
		}
		if err := ptauG2(&p.G2[i], buf); err != nil {
			return nil, fmt.Errorf(".ptau tauG2[%d]: %v", i, err)
		}
	}
	return p, nil
}

func (p *ptau) readHeader(r io.ReadSeeker) error {
	h, err := p.section(r, ptauHeader, ptauHeaderBytes)
	if err != nil {
		return err
	}
	var b [ptauHeaderBytes]byte
	if _, err := io.ReadFull(h, b[:]); err != nil {
		return fmt.Errorf(".ptau header: %v", err)
	}
	if n8 := binary.LittleEndian.Uint32(b[:4]); n8 != ptauFieldBytes {
		return fmt.Errorf(".ptau field elements are %d bytes, not BN254's 32", n8)
	}
	q := make([]byte, ptauFieldBytes)
	for i := range q { // little-endian to big-endian
		q[i] = b[4+ptauFieldBytes-1-i]
	}
	if new(big.Int).SetBytes(q).Cmp(fp.Modulus()) != 0 {
		return errors.New("the .ptau file is not for BN254 (bn128): its field modulus differs")
	}
	power := binary.LittleEndian.Uint32(b[4+ptauFieldBytes:])
	if power < 1 || power > ptauMaxPower {
		return fmt.Errorf(".ptau power %d is out of range [1, %d]", power, ptauMaxPower)
	}
	p.Power = int(power)
	return nil
}

// section returns a reader of section typ, checking its size.
func (p *ptau) section(r io.ReadSeeker, typ uint32, size int) (io.Reader, error) {
	s, ok := p.sects[typ]
	if !ok {
		return nil, fmt.Errorf(".ptau has no section %d", typ)
	}
	if s[1] != int64(size) {
		return nil, fmt.Errorf(".ptau section %d has %d bytes, want %d for power %d", typ, s[1], size, p.Power)
	}
	if _, err := r.Seek(s[0], io.SeekStart); err != nil {
		return nil, err
	}
	return io.LimitReader(r, s[1]), nil
}

// ptauFp reads a field element: 32 bytes, little-endian, Montgomery form,
// which is gnark-crypto's internal representation.
func ptauFp(b []byte) (fp.Element, error) {
	var raw [ptauFieldBytes]byte
	copy(raw[:], b)
	if _, err := fp.LittleEndian.Element(&raw); err != nil {
		return fp.Element{}, errors.New("a coordinate is not reduced modulo q")
	}
	return fp.Element{
		binary.LittleEndian.Uint64(b[0:8]), binary.LittleEndian.Uint64(b[8:16]),
		binary.LittleEndian.Uint64(b[16:24]), binary.LittleEndian.Uint64(b[24:32]),
	}, nil
}

func ptauG1(p *curve.G1Affine, b []byte) error {
	var err error
	if p.X, err = ptauFp(b[:32]); err != nil {
		return err
	}
	if p.Y, err = ptauFp(b[32:64]); err != nil {
		return err
	}
	if p.IsInfinity() {
		return errors.New("the point at infinity")
	}
	if !p.IsOnCurve() || !p.IsInSubGroup() {
		return errors.New("not a point of G1")
	}
	return nil
}

func ptauG2(p *curve.G2Affine, b []byte) error {
	var err error
	for i, e := range []*fp.Element{&p.X.A0, &p.X.A1, &p.Y.A0, &p.Y.A1} {
		if *e, err = ptauFp(b[32*i : 32*i+32]); err != nil {
			return err
		}
	}
	if p.IsInfinity() {
		return errors.New("the point at infinity")
	}
	if !p.IsOnCurve() || !p.IsInSubGroup() {
		return errors.New("not a point of G2")
	}
	return nil
}
