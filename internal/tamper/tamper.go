// Package tamper builds malformed Groth16 BN254 proofs for the verifier's
// robustness tests: points off the curve, outside the prime-order
// subgroup, in the wrong encoding, and proofs of the wrong length.
package tamper

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// Case is a tampered proof; verification must fail with an error that
// contains Want.
type Case struct {
	Name string
	Raw  []byte
	Want string
}

// Offsets of the points in a proof file's encoding (A ‖ B ‖ C, then any
// commitments and their proof of knowledge) and, for the commitment count,
// in gnark's encoding, which inserts a 4-byte count after C.
const (
	offA = 0
	offB = 32
	offC = 96
	offN = 128 // the commitment count (gnark's encoding)
)

// Gnark returns gnark's compressed encoding (Proof.WriteTo) of a proof
// given in the proof-file encoding; a proof already in gnark's encoding
// (164 + 32n bytes) is returned unchanged.
func Gnark(raw []byte) []byte {
	if len(raw) >= 164 && (len(raw)-164)%32 == 0 {
		return slices.Clone(raw)
	}
	n := 0
	if len(raw) > 128 {
		n = (len(raw) - 160) / 32
	}
	out := binary.BigEndian.AppendUint32(slices.Clone(raw[:128]), uint32(n))
	if n == 0 {
		inf := make([]byte, 32)
		inf[0] = 0b01 << 6 // the point at infinity, compressed
		return append(out, inf...)
	}
	return append(out, raw[128:]...)
}

// OffCurveG1 returns the compressed encoding of an x coordinate that is
// not the abscissa of any point of G1 (x³ + 3 is not a square).
func OffCurveG1() [32]byte {
	var x, rhs, three fp.Element
	three.SetUint64(3)
	for i := uint64(1); ; i++ {
		x.SetUint64(i)
		rhs.Square(&x).Mul(&rhs, &x).Add(&rhs, &three)
		if rhs.Legendre() == -1 {
			break
		}
	}
	b := x.Bytes()
	b[0] |= 0b10 << 6 // compressed, smallest y
	return b
}

// TwistPointOutsideSubgroup returns a point on BN254's G2 twist curve that
// is not in its prime-order subgroup (the twist has a large cofactor).
func TwistPointOutsideSubgroup() curve.G2Affine {
	_, _, _, g := curve.Generators()
	// The twist's b' = y² - x³ at the generator.
	b := g.Y
	b.Square(&g.Y)
	x3 := g.X
	x3.Square(&g.X).Mul(&x3, &g.X)
	b.Sub(&b, &x3)
	var p curve.G2Affine
	for i := uint64(1); ; i++ {
		p.X.A0.SetUint64(i)
		p.X.A1.SetUint64(1)
		rhs := p.X
		rhs.Square(&p.X).Mul(&rhs, &p.X).Add(&rhs, &b)
		if rhs.Legendre() != 1 {
			continue
		}
		p.Y.Sqrt(&rhs)
		if p.IsOnCurve() && !p.IsInSubGroup() {
			return p
		}
	}
}

// Proofs returns tampered copies of raw, a valid proof's bytes.
func Proofs(raw []byte) []Case {
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(raw)) }
	gnark := func(f func(b []byte) []byte) []byte { return f(Gnark(raw)) }
	r := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, len(raw))
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	var a curve.G1Affine
	a.SetBytes(raw[offA : offA+32])
	return []Case{
		{"random bytes", random, "proof"},
		{"truncated", raw[:len(raw)-5], "bytes"},
		{"extended", append(slices.Clone(raw), 0), "bytes"},
		{"empty", nil, "bytes"},
		{"point A off the curve", edit(func(b []byte) []byte {
			p := OffCurveG1()
			copy(b[offA:], p[:])
			return b
		}), "point A"},
		{"point B outside the subgroup", edit(func(b []byte) []byte {
			p := TwistPointOutsideSubgroup()
			e := p.Bytes()
			copy(b[offB:], e[:])
			return b
		}), "point B"},
		{"point C uncompressed", edit(func(b []byte) []byte {
			var c curve.G1Affine
			c.SetBytes(b[offC : offC+32])
			u := c.RawBytes()
			return slices.Concat(b[:offC], u[:], b[offC+32:])
		}), "bytes"},
		{"point A at infinity", edit(func(b []byte) []byte {
			copy(b[offA:offA+32], make([]byte, 32))
			b[offA] = 0b01 << 6
			return b
		}), "not valid"},
		{"point A negated", edit(func(b []byte) []byte {
			var n curve.G1Affine
			n.Neg(&a)
			e := n.Bytes()
			copy(b[offA:], e[:])
			return b
		}), "not valid"},
		{"gnark's encoding, extended", append(Gnark(raw), 0), "bytes"},
		{"commitment count", gnark(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[offN:], binary.BigEndian.Uint32(b[offN:])+1)
			return b
		}), "commitments"},
		{"huge commitment count", gnark(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[offN:], 0xffffffff)
			return b
		}), "commitments"},
		{"flipped bit", edit(func(b []byte) []byte {
			b[len(b)/2] ^= 0x10
			return b
		}), "proof"},
	}
}
