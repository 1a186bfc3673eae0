package circuit

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2native "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	edwards "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

// sigCircuit is defineSignature alone, over Values at scale.
type sigCircuit struct {
	Values      []frontend.Variable
	X, Y, Nonce frontend.Variable
	Sig         []frontend.Variable // R.x, R.y, S

	scale int
	free  *big.Int // the prover's value for every 0/0 division (nil: none)
}

func (c *sigCircuit) Define(api frontend.API) error {
	if c.free != nil {
		api = &freeDiv{API: api, v: c.free}
	}
	return defineSignature(api, c.scale, c.Values, c.X, c.Y, c.Nonce, c.Sig)
}

// freeDiv is a dishonest prover on gnark's test engine: DivUnchecked(n, d)
// is the R1CS constraint res·d = n, which any res satisfies when n = d = 0;
// it answers v there (gnark's solver answers 0, the test engine panics).
type freeDiv struct {
	frontend.API
	v *big.Int
}

func (f *freeDiv) DivUnchecked(n, d frontend.Variable) frontend.Variable {
	p := f.Compiler().Field()
	zero := func(x frontend.Variable) bool {
		v, _ := f.Compiler().ConstantValue(x) // the test engine: every value
		return v != nil && new(big.Int).Mod(v, p).Sign() == 0
	}
	if zero(n) && zero(d) {
		return new(big.Int).Set(f.v)
	}
	return f.API.DivUnchecked(n, d)
}

func sigAssignment(s *InputSignature, values []int64, scale int) *sigCircuit {
	c := &sigCircuit{X: s.Key.X.BigInt(new(big.Int)), Y: s.Key.Y.BigInt(new(big.Int)),
		Nonce: new(big.Int).SetUint64(s.Nonce), Sig: s.values()[SegSignature], scale: scale}
	for _, v := range values {
		c.Values = append(c.Values, v)
	}
	return c
}

// challenge is h = H(R, A, M), natively, as the circuit derives it.
func challenge(s *InputSignature, scale int, values []int64) *big.Int {
	h := p2native.NewMerkleDamgardHasher()
	msg := InputMessage(scale, s.Nonce, values)
	for _, e := range []fr.Element{s.R.X, s.R.Y, s.Key.X, s.Key.Y, msg} {
		b := e.Bytes()
		h.Write(b[:])
	}
	var e fr.Element
	e.SetBytes(h.Sum(nil))
	return e.BigInt(new(big.Int))
}

// TestCircuitSignatureGadget: defineSignature on its own (gnark's test
// engine) accepts a device's signature over 4 values (1 mod 3, so the
// message's last packed element holds one value alone) and rejects:
//
//   - the last value changed after signing (the lone last chunk is hashed);
//   - R = (0, 0), off the curve, with any S, from a prover who sets the
//     unconstrained 0/0 of the first cofactor doubling to t, a·t² = 1:
//     (0, 0) → (t, 0) → (0, −1) → (0, 1) passes both identity checks;
//   - the key A = (0, 0) with an honest R and h odd: [h]A's last addition
//     gives (0, 0), and the same chain follows.
//
// Without the on-curve checks of R and A the last two solve. With them,
// every point is on the curve, where either identity coordinate implies
// the other (internal/mutate/equivalent.txt): the curve facts that argument
// uses are checked here too.
func TestCircuitSignatureGadget(t *testing.T) {
	p := ecc.BN254.ScalarField()
	params := edwards.GetEdwardsCurve()
	a, d := params.A.BigInt(new(big.Int)), params.D.BigInt(new(big.Int))
	if a.Cmp(new(big.Int).Sub(p, big.NewInt(1))) != 0 || big.Jacobi(a, p) != 1 || big.Jacobi(d, p) != -1 || a.Cmp(d) == 0 {
		t.Fatalf("the argument needs a = −1 a square, d a non-square, a ≠ d (a = %v, d = %v)", a, d)
	}
	if params.Cofactor.Uint64() != 8 || !params.Order.ProbablyPrime(20) {
		t.Fatalf("the argument needs 8ℓ points, ℓ prime (cofactor %v)", &params.Cofactor)
	}
	// t with a·t² = 1: t² = −1.
	tt := new(big.Int).ModSqrt(new(big.Int).Sub(p, big.NewInt(1)), p)
	if tt == nil {
		t.Fatal("−1 has no square root")
	}

	key, err := GenerateSigningKey(bytes.NewReader(bytes.Repeat([]byte{5}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	const scale = 12
	vals := []int64{3, -7, 1 << 40, -5}
	if len(vals)%signedPerElem != 1 {
		t.Fatal("the values must leave one alone in the last packed element")
	}
	good, err := SignInput(key, scale, 7, vals)
	if err != nil {
		t.Fatal(err)
	}
	solved := func(c *sigCircuit) error {
		shape := &sigCircuit{Values: make([]frontend.Variable, len(c.Values)), Sig: make([]frontend.Variable, 3), scale: c.scale, free: c.free}
		return test.IsSolved(shape, c, p)
	}
	if err := solved(sigAssignment(good, vals, scale)); err != nil {
		t.Fatalf("the device's own signature: %v", err)
	}

	changed := append([]int64(nil), vals...)
	changed[len(changed)-1]++
	lone := sigAssignment(good, changed, scale)

	offR := *good
	offR.R = edwards.PointAffine{} // (0, 0)
	offR.S = big.NewInt(12345)
	forgedR := sigAssignment(&offR, vals, scale)
	forgedR.free = tt

	offA := *good
	offA.Key = edwards.PointAffine{}
	for offA.Nonce = 0; challenge(&offA, scale, vals).Bit(0) == 0; offA.Nonce++ {
	}
	forgedA := sigAssignment(&offA, vals, scale)
	forgedA.free = tt

	for _, tc := range []struct {
		name string
		c    *sigCircuit
	}{
		{"the lone last value changed after signing", lone},
		{"R = (0, 0) and a free 0/0", forgedR},
		{"A = (0, 0), h odd and a free 0/0", forgedA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := solved(tc.c); err == nil {
				t.Error("the circuit accepts it")
			}
		})
	}
}
