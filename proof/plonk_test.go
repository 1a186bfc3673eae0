package proof_test

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestPlonkCorpus: PLONK proves and verifies corpus MLPs, from snarkjs's
// powers of tau (1l_mlp, both range checks: bits, and lookup with its BSB22
// commitment) or a development SRS (accuracy); a proof with a changed
// output or proof byte is rejected.
func TestPlonkCorpus(t *testing.T) {
	for _, tc := range []struct {
		model      string
		rangeCheck circuit.RangePolicy
		setup      proof.SetupOptions
		kind       string
	}{
		{"1l_mlp", circuit.RangeBits, proof.SetupOptions{SRS: "srs/testdata/pot9.ptau"}, proof.SetupSRS},
		{"1l_mlp", circuit.RangeLookup, proof.SetupOptions{SRS: "srs/testdata/pot9.ptau"}, proof.SetupSRS},
		{"accuracy", circuit.RangeAuto, proof.SetupOptions{UnsafeDevSRS: true}, proof.SetupUnsafeSRS},
	} {
		t.Run(tc.model+"/"+tc.rangeCheck.String(), func(t *testing.T) {
			path, input := testkit.CorpusModel(t, tc.model)
			c, err := proof.CompileWith(path, t.TempDir(), proof.CompileOptions{
				Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: tc.rangeCheck, Backend: proof.Plonk})
			if err != nil {
				t.Fatal(err)
			}
			if c.Settings.Backend != proof.Plonk {
				t.Fatalf("settings record backend %q", c.Settings.Backend)
			}
			if err := c.SetupWith(tc.setup); err != nil {
				t.Fatal(err)
			}
			if c, err = proof.Open(c.Dir); err != nil { // what setup recorded
				t.Fatal(err)
			}
			if s := c.Settings.Setup; s == nil || s.Kind != tc.kind || (tc.kind == proof.SetupUnsafeSRS) != strings.Contains(s.Warning(), "UNSAFE") {
				t.Fatalf("settings record the setup as %+v", s)
			}
			in, err := model.ReadInput(input)
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.Prove(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p.Protocol != proof.Plonk {
				t.Fatalf("proof protocol %q", p.Protocol)
			}
			if err := c.Verify(p); err != nil {
				t.Fatalf("a PLONK proof does not verify: %v", err)
			}
			bad := *p
			bad.Outputs = [][]float64{append([]float64{}, p.Outputs[0]...)}
			bad.Outputs[0][0] += 1
			if c.Verify(&bad) == nil {
				t.Fatal("a changed output verified")
			}
			bad = *p
			b := []byte(p.Proof)
			i := 2*(8*32+4+32+31) + 1 // the last hex digit of claimed value 1, l(ζ) (0 is not sent on chain): still a field element
			b[i] = map[bool]byte{true: '1', false: '0'}[b[i] == '0']
			bad.Proof = string(b)
			if err := c.Verify(&bad); err == nil || !strings.Contains(err.Error(), "not valid") {
				t.Fatalf("a changed claimed value: %v", err)
			}
		})
	}
}

// TestCrossBackend: a proof of one backend checked with the keys of the
// other is rejected with a message naming both.
func TestCrossBackend(t *testing.T) {
	dirs := map[proof.Backend]*proof.Compiled{}
	proofs := map[proof.Backend]*proof.Proof{}
	in, err := model.ReadInput(creditInput)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []proof.Backend{proof.Groth16, proof.Plonk} {
		c, err := proof.CompileWith(creditModel, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeLookup, Backend: b})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SetupWith(proof.SetupOptions{UnsafeDevSRS: b == proof.Plonk}); err != nil {
			t.Fatal(err)
		}
		if proofs[b], err = c.Prove(in, nil); err != nil {
			t.Fatal(err)
		}
		dirs[b] = c
	}
	for _, tc := range []struct {
		proof, keys proof.Backend
		want        string
	}{
		{proof.Plonk, proof.Groth16, "proof was made with plonk, keys are groth16"},
		{proof.Groth16, proof.Plonk, "proof was made with groth16, keys are plonk"},
	} {
		if err := dirs[tc.keys].Verify(proofs[tc.proof]); err == nil || err.Error() != tc.want {
			t.Errorf("%s proof, %s keys: %v, want %q", tc.proof, tc.keys, err, tc.want)
		}
		// Relabelled, the bytes are not a proof of the other system.
		relabelled := *proofs[tc.proof]
		relabelled.Protocol = dirs[tc.keys].Settings.Backend
		if err := dirs[tc.keys].Verify(&relabelled); err == nil {
			t.Errorf("a %s proof relabelled %s verified", tc.proof, tc.keys)
		}
	}
}

// TestPlonkSetupOptions: a PLONK directory needs an SRS, a Groth16 one
// takes none, and hashed weights default to Poseidon2 under PLONK, whose
// proofs carry no Pedersen commitment.
func TestPlonkSetupOptions(t *testing.T) {
	compile := func(backend proof.Backend, vis circuit.Visibility) (*proof.Compiled, error) {
		return proof.CompileWith(creditModel, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: vis, Backend: backend})
	}
	pl, err := compile(proof.Plonk, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	g, err := compile(proof.Groth16, circuit.DefaultVisibility)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    *proof.Compiled
		opt  proof.SetupOptions
		want string
	}{
		{pl, proof.SetupOptions{}, "needs an SRS"},
		{pl, proof.SetupOptions{SRS: "srs/testdata/pot9.ptau", UnsafeDevSRS: true}, "not both"},
		{pl, proof.SetupOptions{SRS: "srs/testdata/pot9.ptau"}, "power ≥ 12"},
		{pl, proof.SetupOptions{SRS: "testdata/missing.ptau"}, "no such file"},
		{g, proof.SetupOptions{UnsafeDevSRS: true}, "for plonk directories"},
	} {
		if err := tc.c.SetupWith(tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("setup %+v of %s: %v, want %q", tc.opt, tc.c.Settings.Backend, err, tc.want)
		}
	}
	hashed := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamBits: 20}
	c, err := compile(proof.Plonk, hashed)
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.Visibility.ParamCommitment != circuit.Poseidon2 {
		t.Fatalf("hashed weights under plonk use %q", c.Settings.Visibility.ParamCommitment)
	}
	hashed.ParamCommitment = circuit.Pedersen
	if _, err := compile(proof.Plonk, hashed); err == nil || !strings.Contains(err.Error(), "Groth16 commitment") {
		t.Fatalf("pedersen under plonk: %v", err)
	}
}
