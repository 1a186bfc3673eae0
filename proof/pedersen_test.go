package proof

import (
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/quant"
)

// withCommitment returns p with the model commitment in its proof bytes
// replaced by d (and the proof file's copy updated to match).
func withCommitment(t *testing.T, c *Compiled, p *Proof, d curve.G1Affine) *Proof {
	t.Helper()
	raw, _ := hex.DecodeString(p.Proof)
	prf, err := DecodeGroth16(raw, AnyCommitments)
	if err != nil {
		t.Fatal(err)
	}
	prf.Commitments[*c.Settings.ModelCommitmentIndex] = d
	q := *p
	q.Proof = hex.EncodeToString(EncodeGroth16(prf))
	q.Commitments = map[string]string{"params": pointHex(&d)}
	return &q
}

func pedersenDir(t *testing.T, path string, rangeCheck circuit.RangePolicy) *Compiled {
	t.Helper()
	dir := t.TempDir()
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	if _, err := CompileWith(path, dir, CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: rangeCheck}); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Setup(nil); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPedersenModelCommitment: D is the same in proofs of different inputs
// with the same weights and salt, computable from the directory and the
// model alone, and differs for one changed weight and for another salt; a
// proof with other weights, or with D replaced, fails.
func TestPedersenModelCommitment(t *testing.T) {
	path, in := testkit.CorpusInput(t, "1l_mlp")
	for _, rc := range []circuit.RangePolicy{circuit.RangeBits, circuit.RangeLookup} {
		t.Run(rc.String(), func(t *testing.T) {
			c := pedersenDir(t, path, rc)
			s := c.Settings
			if s.Visibility.ParamCommitment != circuit.Pedersen || s.ModelCommitmentIndex == nil {
				t.Fatalf("compile did not default to a pedersen commitment: %+v", s)
			}
			if wantN := map[circuit.RangePolicy]int{circuit.RangeBits: 1, circuit.RangeLookup: 2}[rc]; s.Groth16Commitments != wantN {
				t.Fatalf("%d Groth16 commitments, want %d", s.Groth16Commitments, wantN)
			}
			if (s.OnChainNote() == "") != (rc == circuit.RangeBits) {
				t.Fatalf("on-chain note %q", s.OnChainNote())
			}
			salt, salt2 := big.NewInt(7), big.NewInt(8)
			d, err := c.PedersenModelCommitment(path, salt)
			if err != nil {
				t.Fatal(err)
			}
			other := testkit.OtherWeights(t, path)
			dOther, err := c.PedersenModelCommitment(other, salt)
			if err != nil {
				t.Fatal(err)
			}
			dSalt, err := c.PedersenModelCommitment(path, salt2)
			if err != nil {
				t.Fatal(err)
			}
			if d == dOther || d == dSalt || dOther == dSalt {
				t.Fatalf("commitments not distinct: %s %s %s", d, dOther, dSalt)
			}
			in2 := [][]float64{{-0.3, 0.9, 0.05}}
			var proofs []*Proof
			for _, x := range [][][]float64{in, in2} {
				p, err := c.ProveWith(x, ProveOptions{Weights: path, ParamSalt: salt})
				if err != nil {
					t.Fatal(err)
				}
				if p.Commitments["params"] != d {
					t.Fatalf("proof's commitment %s, commit computed %s", p.Commitments["params"], d)
				}
				if err := c.VerifyWith(p, VerifyOptions{ModelCommitment: d}); err != nil {
					t.Fatal(err)
				}
				proofs = append(proofs, p)
			}
			if proofs[0].PublicInputs[0] == proofs[1].PublicInputs[0] {
				t.Fatal("the two inputs gave the same outputs: the test shows nothing")
			}
			if err := c.VerifyWith(proofs[0], VerifyOptions{ModelCommitment: dSalt}); err == nil {
				t.Fatal("verified against the commitment with another salt")
			}
			// Other weights prove, but not against this model's commitment.
			po, err := c.ProveWith(in, ProveOptions{Weights: other, ParamSalt: salt})
			if err != nil {
				t.Fatal(err)
			}
			if po.Commitments["params"] != dOther {
				t.Fatalf("other weights: proof's commitment %s, commit computed %s", po.Commitments["params"], dOther)
			}
			if err := c.VerifyWith(po, VerifyOptions{ModelCommitment: d}); err == nil || !strings.Contains(err.Error(), "not the expected") {
				t.Fatalf("other weights verified against the model's commitment: %v", err)
			}
			// Soundness: the proof with other weights, given the published D
			// in place of its own, is not valid.
			pub, err := ParsePoint(d)
			if err != nil {
				t.Fatal(err)
			}
			forged := withCommitment(t, c, po, pub)
			if err := c.VerifyWith(forged, VerifyOptions{ModelCommitment: d}); err == nil || !strings.Contains(err.Error(), "not valid") {
				t.Fatalf("other weights with the published commitment: %v", err)
			}
			// A tampered D (D + G) fails; the untampered copy passes.
			_, _, g, _ := curve.Generators()
			var bad curve.G1Affine
			bad.Add(&pub, &g)
			if err := c.VerifyWith(withCommitment(t, c, proofs[0], bad), VerifyOptions{}); err == nil {
				t.Fatal("a proof with a tampered commitment verified")
			}
			if err := c.VerifyWith(withCommitment(t, c, proofs[0], pub), VerifyOptions{ModelCommitment: d}); err != nil {
				t.Fatalf("re-encoded proof: %v", err)
			}
			// The proof file's copy must match the proof's D.
			q := *proofs[0]
			q.Commitments = map[string]string{"params": dSalt}
			if err := c.Verify(&q); err == nil {
				t.Fatal("a proof file listing another commitment verified")
			}
		})
	}
}
