package ceremony

import (
	"bytes"
	"io"
	"math/big"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// mixed is a circuit whose linear combinations have coefficients of every
// kind the evaluation treats apart (1, −1, 2, small positive and negative,
// full-size), with 0, 1 or 2 Groth16 commitments.
type mixed struct {
	X           [6]frontend.Variable
	Y           frontend.Variable `gnark:",public"`
	commitments int
}

func (c *mixed) Define(api frontend.API) error {
	big1, _ := new(big.Int).SetString("1234567890123456789012345678901234567890", 10)
	v := api.Add(c.X[0], api.Mul(c.X[1], 3), api.Mul(c.X[2], -5), api.Mul(c.X[3], big1), api.Neg(c.X[4]), api.Mul(c.X[5], 2))
	for i := range 20 {
		v = api.Mul(v, api.Add(v, i, api.Mul(c.X[i%6], -(i+7))))
	}
	for i := range c.commitments {
		cm, err := api.(frontend.Committer).Commit(c.X[i : i+3]...)
		if err != nil {
			return err
		}
		api.AssertIsDifferent(cm, 0)
	}
	api.AssertIsDifferent(v, c.Y)
	return nil
}

func compileMixed(t *testing.T, commitments int) *cs_bn254.R1CS {
	t.Helper()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &mixed{commitments: commitments})
	if err != nil {
		t.Fatal(err)
	}
	return cs.(*cs_bn254.R1CS)
}

// encode returns v's encoding.
func encode(t *testing.T, v io.WriterTo) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := v.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawKey returns a key's raw encoding.
func rawKey(t *testing.T, k any) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := k.(interface {
		WriteRawTo(io.Writer) (int64, error)
	}).WriteRawTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSameAsGnark: every step computed here gives gnark's mpcsetup result
// byte for byte (phase 1's start, both seals, phase 2's start and the
// circuit's evaluations, the keys), and contributions made here verify
// with gnark's Verify and gnark's with ours, for circuits with 0, 1 and 2
// commitments.
func TestSameAsGnark(t *testing.T) {
	for _, tc := range []struct {
		name        string
		commitments int
	}{{"no commitment", 0}, {"one commitment", 1}, {"two commitments", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			r := compileMixed(t, tc.commitments)
			if got := len(r.CommitmentInfo.(constraint.Groth16Commitments)); got != tc.commitments {
				t.Fatalf("%d commitments, want %d", got, tc.commitments)
			}
			n := ecc.NextPowerOfTwo(uint64(r.GetNbConstraints()))
			beacon1, beacon2 := []byte("beacon one, sixteen+"), []byte("beacon two, sixteen+")

			// Phase 1: start, our contribution (gnark verifies it), gnark's
			// contribution (we verify it), seal.
			ours := newPhase1(n)
			if !bytes.Equal(encode(t, ours), encode(t, mpcsetup.NewPhase1(n))) {
				t.Fatal("phase 1's start differs from gnark's")
			}
			start := encode(t, ours)
			ours.contribute(nil)
			var g, gPrev mpcsetup.Phase1
			decodeInto(t, &gPrev, start)
			decodeInto(t, &g, encode(t, ours))
			if err := gPrev.Verify(&g); err != nil {
				t.Fatalf("gnark rejects our phase-1 contribution: %v", err)
			}
			g.Contribute()
			var next phase1
			decodeInto(t, &next, encode(t, &g))
			if err := ours.verify(&next); err != nil {
				t.Fatalf("we reject gnark's phase-1 contribution: %v", err)
			}
			commons := next.seal(beacon1, nil)
			gCommons := g.Seal(beacon1)
			if !bytes.Equal(encode(t, &commons), encode(t, &gCommons)) {
				t.Fatal("phase 1 sealed differs from gnark's")
			}

			// Phase 2: start and evaluations, contributions both ways, keys.
			w, err := wireTermsOf(r)
			if err != nil {
				t.Fatal(err)
			}
			p2, evals, err := initialize(r, &commons, w, nil)
			if err != nil {
				t.Fatal(err)
			}
			var g2 mpcsetup.Phase2
			gEvals := g2.Initialize(r, &gCommons)
			if !bytes.Equal(encode(t, p2), encode(t, &g2)) {
				t.Fatal("phase 2's start differs from gnark's")
			}
			if !reflect.DeepEqual(*evals, gEvals) {
				t.Fatal("the circuit's evaluations differ from gnark's")
			}
			before := encode(t, p2)
			contribute2(p2, nil)
			var gBefore, gAfter mpcsetup.Phase2
			decodeInto(t, &gBefore, before)
			decodeInto(t, &gAfter, encode(t, p2))
			if err := gBefore.Verify(&gAfter); err != nil {
				t.Fatalf("gnark rejects our phase-2 contribution: %v", err)
			}
			gAfter.Contribute()
			var last mpcsetup.Phase2
			decodeInto(t, &last, encode(t, &gAfter))
			pk, vk, err := seal(nil, &commons, evals, &last, WithBeacon(beacon2), nil)
			if err != nil {
				t.Fatal(err)
			}
			gpk, gvk := gAfter.Seal(&gCommons, &gEvals, beacon2)
			if !bytes.Equal(rawKey(t, pk), rawKey(t, gpk)) || !bytes.Equal(rawKey(t, vk), rawKey(t, gvk)) {
				t.Fatal("the keys differ from gnark's")
			}
		})
	}
}

func decodeInto(t *testing.T, v io.ReaderFrom, b []byte) {
	t.Helper()
	if n, err := v.ReadFrom(bytes.NewReader(b)); err != nil || int(n) != len(b) {
		t.Fatalf("decoding %d bytes: read %d: %v", len(b), n, err)
	}
}

// BenchmarkInitialize compares phase 2's start here and in gnark's
// mpcsetup on a circuit of about 2^12 constraints:
//
//	go test -run - -bench Initialize -cpu 1,2 ./proof/ceremony
func BenchmarkInitialize(b *testing.B) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &mixed{commitments: 1})
	if err != nil {
		b.Fatal(err)
	}
	r := cs.(*cs_bn254.R1CS)
	const n = 1 << 12
	p := newPhase1(n)
	p.contribute(nil)
	commons := p.seal([]byte("a beacon of sixteen bytes"), nil)
	b.Run("gnark", func(b *testing.B) {
		for range b.N {
			var p2 mpcsetup.Phase2
			p2.Initialize(r, &commons)
		}
	})
	b.Run("ours", func(b *testing.B) {
		for range b.N {
			w, err := wireTermsOf(r)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := initialize(r, &commons, w, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
