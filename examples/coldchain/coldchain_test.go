package coldchain_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const claim = "output[0] <= 0.1" // the spoilage risk

// signed reads a shipment's readings and has the sensor key sign them with
// the shipment's nonce, as the sensor does at delivery.
func signed(t *testing.T, c *proof.Compiled, path string, key byte, nonce uint64) ([][]float64, *circuit.InputSignature) {
	t.Helper()
	in, err := model.ReadInput(path)
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.Model.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	k, err := circuit.GenerateSigningKey(bytes.NewReader(bytes.Repeat([]byte{key}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := circuit.SignInput(k, c.Model.Inputs[0].Scale, nonce, q[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	return in, sig
}

// TestColdChain: the carrier proves that the spoilage model scores the
// sensor-signed readings of a shipment with an excursion safe, without
// revealing them; the consignee verifies the sensor's key and the
// shipment's nonce. A spoiled shipment cannot be proven safe; readings
// swapped for cooler ones after signing, and a signature from another
// shipment (nonce), fail to prove; readings the carrier signs with its own
// key prove, but not under the sensor's key.
func TestColdChain(t *testing.T) {
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private, Claim: claim, InputSignedBy: circuit.EdDSA}
	c, err := proof.CompileWith("model.onnx", t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: vis})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Setup(nil); err != nil {
		t.Fatal(err)
	}
	const sensor, carrier = 1, 2
	const shipment = 1001
	in, sig := signed(t, c, "safe.json", sensor, shipment)
	start := time.Now()
	p, err := c.ProveWith(in, proof.ProveOptions{Signature: sig})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d constraints (%s range checks), proved in %v", c.Settings.Constraints, c.Settings.RangeCheck, time.Since(start).Round(time.Millisecond))
	key := circuit.KeyHex(&sig.Key)
	if err := c.VerifyWith(p, proof.VerifyOptions{DeviceKey: key, Claim: claim}); err != nil {
		t.Fatal(err)
	}
	d := c.Describe(p)
	for _, want := range []string{"private input that stays secret", claim, "device key " + key, "nonce 1001"} {
		if !strings.Contains(d, want) {
			t.Fatalf("the statement %q does not say %q", d, want)
		}
	}

	// A spoiled shipment, signed by the sensor: the claim does not hold.
	hot, hotSig := signed(t, c, "spoiled.json", sensor, shipment+1)
	if _, err := c.ProveWith(hot, proof.ProveOptions{Signature: hotSig}); err == nil || !strings.Contains(err.Error(), "does not hold") {
		t.Fatalf("proving the spoiled shipment: %v", err)
	}
	// Its four hot hours replaced by cool readings after signing.
	cooled := [][]float64{slices.Clone(hot[0])}
	for i := 20; i < 24; i++ {
		cooled[0][i] = 4
	}
	if _, err := c.ProveWith(cooled, proof.ProveOptions{Signature: hotSig}); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("proving readings changed after signing: %v", err)
	}
	// The safe shipment's signature presented for the spoiled shipment's nonce.
	other := *sig
	other.Nonce = shipment + 1
	if _, err := c.ProveWith(in, proof.ProveOptions{Signature: &other}); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("proving with another shipment's nonce: %v", err)
	}
	// The carrier signs cool readings with its own key: a valid proof, but
	// not of the sensor's readings.
	_, own := signed(t, c, "safe.json", carrier, shipment+1)
	p2, err := c.ProveWith(in, proof.ProveOptions{Signature: own})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyWith(p2, proof.VerifyOptions{DeviceKey: key}); err == nil || !strings.Contains(err.Error(), "not the expected") {
		t.Fatalf("the carrier's own signature under the sensor's key: %v", err)
	}

	// The circuit itself, not only prove's native check, refuses the cooled
	// readings under the spoiled shipment's signature (with the claim
	// holding for them).
	m := c.Model
	q, err := m.Quantize(cooled)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := model.Run(m, &ops.IntArith{}, slices.Clone(q))
	if err != nil {
		t.Fatal(err)
	}
	a, err := circuit.AssignWitness(m, vis, &circuit.Witness{Inputs: q, Outputs: outs, Signature: hotSig})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := c.ReadCircuit()
	if err != nil {
		t.Fatal(err)
	}
	if err := solve(cs, a); err == nil {
		t.Fatal("the circuit accepts readings changed after signing")
	}
}

// solve checks assignment a against the compiled constraint system.
func solve(cs constraint.ConstraintSystem, a *circuit.Circuit) error {
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	return cs.IsSolved(w)
}
