package circuit_test

import (
	"bytes"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// deviceKey is a fixed test key drawn from seed.
func deviceKey(t *testing.T, seed byte) *eddsa.PrivateKey {
	t.Helper()
	k, err := circuit.GenerateSigningKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func flatInputs(ts []ops.Tensor[int64]) []int64 {
	var out []int64
	for _, t := range ts {
		out = append(out, t.Data...)
	}
	return out
}

func mustSign(t *testing.T, k *eddsa.PrivateKey, scale int, nonce uint64, vals []int64) *circuit.InputSignature {
	t.Helper()
	s, err := circuit.SignInput(k, scale, nonce, vals)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCircuitSignedInput: the demo model's circuit with an EdDSA-signed
// input accepts the device's signature over the input and nonce it
// proves, and rejects, on gnark's R1CS solver, every witness whose
// signature does not fit: a forged S or R, an input changed after signing,
// another device's signature under the claimed key, the claimed key for
// another device's signature, a nonce other than the signed one, and a
// signature over the same integers at another scale. Each is also refused
// by the native check (InputSignature.Verify) that prove runs first.
// Removing the gadget, the message's binding to the inputs, the nonce or
// the scale makes one of these cases solve.
func TestCircuitSignedInput(t *testing.T) {
	vis := circuit.DefaultVisibility
	vis.InputSignedBy = circuit.EdDSA
	m, honest := demoModel(t, vis)
	circ, err := circuit.New(m, vis)
	if err != nil {
		t.Fatal(err)
	}
	circ.RangeCheck = ops.RangeBits
	cs, err := optest.CompileR1CS(circ)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := circuit.New(m, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	plain.RangeCheck = ops.RangeBits
	pcs, err := optest.CompileR1CS(plain)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the signature check costs %d constraints (%d with it, %d without; %d input values)",
		cs.GetNbConstraints()-pcs.GetNbConstraints(), cs.GetNbConstraints(), pcs.GetNbConstraints(), len(flatInputs(honest.Inputs)))

	scale := m.Inputs[0].Scale
	dev, other := deviceKey(t, 1), deviceKey(t, 2)
	vals := flatInputs(honest.Inputs)
	good := mustSign(t, dev, scale, 7, vals)

	changed := make([]ops.Tensor[int64], len(honest.Inputs))
	for i, in := range honest.Inputs {
		changed[i] = ops.Tensor[int64]{Shape: in.Shape, Data: slices.Clone(in.Data)}
	}
	changed[0].Data[0]++
	for _, tc := range []struct {
		name   string
		inputs []ops.Tensor[int64] // nil: the honest inputs
		sig    func() *circuit.InputSignature
	}{
		{"forged S", nil, func() *circuit.InputSignature {
			s := *good
			s.S = new(big.Int).Add(good.S, big.NewInt(1))
			return &s
		}},
		{"S + ℓ (the same point, another encoding)", nil, func() *circuit.InputSignature {
			s := *good
			s.S = new(big.Int).Add(good.S, circuit.SubgroupOrder())
			return &s
		}},
		{"forged R", nil, func() *circuit.InputSignature {
			s := *good
			s.R = mustSign(t, dev, scale, 8, vals).R
			return &s
		}},
		{"input changed after signing", changed, func() *circuit.InputSignature { return good }},
		{"another device's signature under this key", nil, func() *circuit.InputSignature {
			s := *mustSign(t, other, scale, 7, vals)
			s.Key = good.Key
			return &s
		}},
		{"this signature under another key", nil, func() *circuit.InputSignature {
			s := *good
			s.Key = other.PublicKey.A
			return &s
		}},
		{"another nonce", nil, func() *circuit.InputSignature {
			s := *good
			s.Nonce = 8
			return &s
		}},
		{"signed at another scale", nil, func() *circuit.InputSignature { return mustSign(t, dev, scale-2, 7, vals) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := *honest
			if tc.inputs != nil {
				w.Inputs = tc.inputs
				if w.Outputs, err = model.Run(m, &ops.IntArith{}, slices.Clone(w.Inputs)); err != nil {
					t.Fatal(err)
				}
			}
			w.Signature = tc.sig()
			if err := w.Signature.Verify(scale, flatInputs(w.Inputs)); err == nil {
				t.Error("the native check accepts it")
			}
			a, err := circuit.AssignWitness(m, vis, &w)
			if err != nil {
				t.Fatal(err)
			}
			if optest.SolveAssignment(t, cs, a) == nil {
				t.Error("the circuit accepts it")
			}
		})
	}

	w := *honest
	w.Signature = good
	if err := good.Verify(scale, vals); err != nil {
		t.Fatal(err)
	}
	a, err := circuit.AssignWitness(m, vis, &w)
	if err != nil {
		t.Fatal(err)
	}
	if err := optest.SolveAssignment(t, cs, a); err != nil {
		t.Fatalf("the circuit rejects the device's own signature: %v", err)
	}
	w.Signature = nil
	if _, err := circuit.AssignWitness(m, vis, &w); err == nil || !strings.Contains(err.Error(), "signed input") {
		t.Fatalf("a witness without a signature: %v", err)
	}
}

// TestSignedKeyEncoding: a device key round-trips through KeyHex and
// ParseKey, and ParseKey refuses what is not a key of the subgroup.
func TestSignedKeyEncoding(t *testing.T) {
	k := deviceKey(t, 3)
	s := circuit.KeyHex(&k.PublicKey.A)
	got, err := circuit.ParseKey(s)
	if err != nil || !got.Equal(&k.PublicKey.A) {
		t.Fatalf("ParseKey(%s) = %v, %v", s, got, err)
	}
	for _, bad := range []string{"", "0x12", strings.Repeat("zz", 32), "0x" + strings.Repeat("ff", 32)} {
		if _, err := circuit.ParseKey(bad); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseKey(%q): %v", bad, err)
		}
	}
	if _, err := circuit.SignInput(k, 12, 1, []int64{1 << 62}); err == nil {
		t.Error("a value outside 62 bits was signed")
	}
}
