package circuit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2native "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	edwards "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/poseidon2"

	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/ops"
)

// Signed inputs: see "Signed inputs" in the package documentation.

// Signer is the signature scheme a circuit checks over its input
// (settings.json's visibility.input_signed_by; "" for none).
type Signer string

// EdDSA: an EdDSA signature on BN254's twisted Edwards curve (the curve
// whose base field is BN254's scalar field), with Poseidon2 as the hash of
// the message and of the challenge.
const EdDSA Signer = "eddsa"

// Signed segments: the device key and the nonce are public inputs, one
// field element each (the wrapper contract takes each as a uint256); the
// signature is secret.
const (
	SegSignerX     = "signer_x"     // the device key's x coordinate (public)
	SegSignerY     = "signer_y"     // the device key's y coordinate (public)
	SegSignerNonce = "signer_nonce" // the nonce the device signed (public)
	SegSignature   = "signature"    // R.x, R.y, S (secret)
)

// TagSignedInput separates a signed input's message from the tensor
// commitments (TagInput…TagBoundary).
const TagSignedInput = 5

// signedSlot is the width of one value in a signed message's packed
// elements: a value v is stored as v + 2^63, three to an element.
const (
	signedSlot    = 64
	signedPerElem = 3
	// MaxSignedBits bounds the signed width of a signed input's values,
	// which the circuit range-checks to the activation bits: below 63,
	// v + 2^63 fits its 64-bit slot and the packing is injective.
	MaxSignedBits = 62
)

// InputSignature is a device's signature over a model input: the device's
// public key, the nonce it signed (a counter or a timestamp) and the EdDSA
// signature (R, S) of InputMessage.
type InputSignature struct {
	Key   edwards.PointAffine
	Nonce uint64
	R     edwards.PointAffine
	S     *big.Int
}

// InputMessage is the message a device signs for the fixed-point values
// (at scale 2^scale, flattened in the model's input order) and the nonce:
//
//	Poseidon2(TagSignedInput, scale, nonce, n, packed_1, …, packed_k)
//
// with n the number of values and each value v stored as v + 2^63 in a
// 64-bit slot, three to a packed element. It does not depend on any model:
// a device signs its readings once, at the scale it states.
func InputMessage(scale int, nonce uint64, values []int64) fr.Element {
	h := p2native.NewMerkleDamgardHasher()
	write := func(v *big.Int) {
		var e fr.Element
		e.SetBigInt(v)
		b := e.Bytes()
		h.Write(b[:])
	}
	write(big.NewInt(TagSignedInput))
	write(big.NewInt(int64(scale)))
	write(new(big.Int).SetUint64(nonce))
	write(big.NewInt(int64(len(values))))
	off := new(big.Int).Lsh(big.NewInt(1), signedSlot-1)
	for i := 0; i < len(values); i += signedPerElem {
		e := new(big.Int)
		for j := i; j < min(i+signedPerElem, len(values)); j++ {
			v := new(big.Int).Add(big.NewInt(values[j]), off)
			e.Add(e, v.Lsh(v, uint(signedSlot*(j-i))))
		}
		write(e)
	}
	var out fr.Element
	out.SetBytes(h.Sum(nil))
	return out
}

// GenerateSigningKey draws a device key from r (nil: crypto/rand): a
// 32-byte seed is read from it, so a fixed reader gives a fixed key.
func GenerateSigningKey(r io.Reader) (*eddsa.PrivateKey, error) {
	if r == nil {
		r = rand.Reader
	}
	k, err := eddsa.GenerateKey(r)
	if err != nil {
		return nil, fmt.Errorf("eddsa: generating a key: %w", err)
	}
	return k, nil
}

// SignInput signs values (fixed point at scale 2^scale) and nonce with key.
func SignInput(key *eddsa.PrivateKey, scale int, nonce uint64, values []int64) (*InputSignature, error) {
	if err := checkSignedValues(values); err != nil {
		return nil, err
	}
	msg := InputMessage(scale, nonce, values)
	b := msg.Bytes()
	raw, err := key.Sign(b[:], p2native.NewMerkleDamgardHasher())
	if err != nil {
		return nil, fmt.Errorf("eddsa: signing: %w", err)
	}
	var sig eddsa.Signature
	if _, err := sig.SetBytes(raw); err != nil {
		return nil, fmt.Errorf("eddsa: %w", err)
	}
	return &InputSignature{Key: key.PublicKey.A, Nonce: nonce, R: sig.R, S: new(big.Int).SetBytes(sig.S[:])}, nil
}

// Verify checks s natively over values at scale 2^scale: what the circuit
// checks, with a one-line reason when it does not hold.
func (s *InputSignature) Verify(scale int, values []int64) error {
	if err := checkSignedValues(values); err != nil {
		return err
	}
	if s.S == nil {
		return errors.New("the input's signature has no S")
	}
	if s.S.Sign() < 0 || s.S.Cmp(SubgroupOrder()) >= 0 {
		return errors.New("the input's signature has S outside [0, ℓ)")
	}
	msg := InputMessage(scale, s.Nonce, values)
	b := msg.Bytes()
	var sig eddsa.Signature
	sig.R = s.R
	s.S.FillBytes(sig.S[:])
	pub := eddsa.PublicKey{A: s.Key}
	ok, err := pub.Verify(sig.Bytes(), b[:], p2native.NewMerkleDamgardHasher())
	if err != nil {
		return fmt.Errorf("the input's signature does not verify: %v", err)
	}
	if !ok {
		return fmt.Errorf("the input's signature does not verify under the key %s for these values and nonce %d", KeyHex(&s.Key), s.Nonce)
	}
	return nil
}

// SubgroupOrder is ℓ, the order of the twisted Edwards curve's prime
// subgroup: a signature's S is below it.
func SubgroupOrder() *big.Int {
	c := edwards.GetEdwardsCurve()
	return new(big.Int).Set(&c.Order)
}

// KeyHex writes a device key compressed: 0x and 64 hex digits (the y
// coordinate with x's sign bit, gnark-crypto's encoding).
func KeyHex(k *edwards.PointAffine) string {
	b := k.Bytes()
	return fmt.Sprintf("0x%x", b[:])
}

// ParseKey reads a device key written by KeyHex: a point of the prime-order
// subgroup, not the identity.
func ParseKey(s string) (edwards.PointAffine, error) {
	var pub eddsa.PublicKey
	b, err := parseHex(s)
	if err != nil || len(b) != 32 {
		return pub.A, fmt.Errorf("device key %.80q is not 0x and 64 hex digits", s)
	}
	if _, err := pub.SetBytes(b); err != nil {
		return pub.A, fmt.Errorf("device key %.80q is not a key of BN254's twisted Edwards curve: %v", s, err)
	}
	if pub.A.IsZero() || !pub.A.IsInSubGroup() {
		return pub.A, fmt.Errorf("device key %.80q is not in the curve's prime-order subgroup", s)
	}
	return pub.A, nil
}

// KeyFromPublic reads a device key from its public-input coordinates.
func KeyFromPublic(x, y *big.Int) edwards.PointAffine {
	var p edwards.PointAffine
	p.X.SetBigInt(x)
	p.Y.SetBigInt(y)
	return p
}

// publicValues are the signature's public inputs and secret values.
func (s *InputSignature) values() map[string][]frontend.Variable {
	return map[string][]frontend.Variable{
		SegSignerX:     {s.Key.X.BigInt(new(big.Int))},
		SegSignerY:     {s.Key.Y.BigInt(new(big.Int))},
		SegSignerNonce: {new(big.Int).SetUint64(s.Nonce)},
		SegSignature:   {s.R.X.BigInt(new(big.Int)), s.R.Y.BigInt(new(big.Int)), s.S},
	}
}

func parseHex(s string) ([]byte, error) {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	return hex.DecodeString(s)
}

// signedScale is the scale of m's inputs, which a signed message states:
// every input must have the same one.
func signedScale(infos []*ops.Info) (int, error) {
	if len(infos) == 0 {
		return 0, errors.New("circuit: a signed input needs a model with an input")
	}
	for _, in := range infos[1:] {
		if in.Scale != infos[0].Scale {
			return 0, fmt.Errorf("circuit: a signed input needs every model input at one scale, not 2^%d and 2^%d", infos[0].Scale, in.Scale)
		}
	}
	return infos[0].Scale, nil
}

func checkSignedValues(values []int64) error {
	lim := int64(1) << (MaxSignedBits - 1)
	for i, v := range values {
		if v < -lim || v >= lim {
			return fmt.Errorf("signed input value %d (%d) is outside %d signed bits", i, v, MaxSignedBits)
		}
	}
	return nil
}

// defineSignature asserts that sig (R.x, R.y, S) is the EdDSA signature,
// under the public key (x, y), of InputMessage(scale, nonce, values), the
// values being the circuit's range-checked input wires.
func defineSignature(api frontend.API, scale int, values []frontend.Variable, x, y, nonce frontend.Variable, sig []frontend.Variable) error {
	h, err := poseidon2.New(api)
	if err != nil {
		return err
	}
	h.Write(TagSignedInput, scale, nonce, len(values))
	off := new(big.Int).Lsh(big.NewInt(1), signedSlot-1)
	for i := 0; i < len(values); i += signedPerElem {
		var terms []frontend.Variable
		for j := i; j < min(i+signedPerElem, len(values)); j++ {
			// (v + 2^63)·2^(64·(j-i))
			terms = append(terms, api.Mul(api.Add(values[j], off), pow2(signedSlot*(j-i))))
		}
		h.Write(linexpr.Sum(api, terms))
	}
	msg := h.Sum()
	curve := bn254Edwards()
	a := edPoint{X: x, Y: y}
	r := edPoint{X: sig[0], Y: sig[1]}
	// R and A on the curve. gnark's addition and doubling are exact only for
	// points of the curve: each coordinate is a DivUnchecked, n = res·den,
	// whose denominator (1 ± d·x1x2y1y2, or a·x² + y² and 2 − a·x² − y²) is
	// never 0 on the curve (a = −1 is a square, d is not), so on the curve
	// every coordinate below is pinned. Off the curve it is not: R = (0, 0)
	// gives R + P = (0, 0) for every P, and doubling (0, 0) is 0/0 for x,
	// which the prover sets to t with a·t² = 1 (the order-4 point (t, 0)),
	// then (t, 0) → (0, −1) → (0, 1): any S signed any message
	// (TestCircuitSignatureGadget, "R = (0, 0)"). A = (0, 0) does the same
	// through [h]A whenever h is odd, under a key whose printed encoding
	// (KeyHex) is another point's. With both on the curve, so is every
	// point below, and q = [8](R − [S]G + [h]A) lies in the subgroup of
	// order ℓ (the curve has 8ℓ points).
	curve.assertOnCurve(api, r)
	curve.assertOnCurve(api, a)
	// h = H(R, A, M), the challenge gnark-crypto's eddsa signs with.
	ch, err := poseidon2.New(api)
	if err != nil {
		return err
	}
	ch.Write(r.X, r.Y, a.X, a.Y, msg)
	hram := ch.Sum()
	// S < ℓ (RFC 8032, 3.4): one signature per (R, message), no S + ℓ.
	api.AssertIsLessOrEqual(sig[2], new(big.Int).Sub(curve.Order, big.NewInt(1)))
	// [8]([S]G − [h]A − R) = O, with complete formulas: the identity (0, 1).
	q := curve.doubleBaseScalarMul(api, curve.Base, curve.neg(api, a), sig[2], hram)
	q = curve.add(api, curve.neg(api, q), r)
	for range 3 { // the cofactor, 8
		q = curve.double(api, q)
	}
	// On the curve, either coordinate alone pins the identity: y = 1 gives
	// (a − d)·x² = 0, so x = 0; x = 0 gives y = ±1, and (0, −1) has order 2,
	// outside the subgroup of order ℓ. Both are kept (one constraint each).
	api.AssertIsEqual(q.X, 0)
	api.AssertIsEqual(q.Y, 1)
	return nil
}
