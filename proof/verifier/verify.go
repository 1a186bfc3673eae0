package verifier

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
	"github.com/consensys/gnark/backend/solidity"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
)

// Options are what a verifier may expect of a proof beyond its validity.
type Options struct {
	// ModelCommitment, InputCommitment: the expected commitments of the
	// weights and of the inputs (hex; "" to accept any).
	ModelCommitment, InputCommitment string
	// Claim: the claim the verifier expects ("" to accept the directory's).
	Claim string
	// Context: the bytes the proof must be bound to (nil or empty: any
	// context, none included).
	Context []byte
	// DeviceKey: the device key (circuit.KeyHex) that must have signed the
	// input ("": any; the circuit must check an input signature).
	DeviceKey string
	// VerifyingKeySHA256: the hex SHA-256 the verifying key must have
	// ("": not checked), as `zkinfer commit` prints it beside a model
	// commitment.
	VerifyingKeySHA256 string
	// DPCommitment, DPCoins: the seed commitment (hex) and the coins a DP
	// release's noise must come from ("" and nil: not checked; dp.go).
	DPCommitment string
	DPCoins      []byte
}

// ErrInvalid is the answer to a well-formed proof that does not verify.
var ErrInvalid = errors.New("the proof is not valid for this circuit and these public inputs")

// Verify checks proof p of the circuit that s describes with the verifying
// key key, and that p carries what opt expects (see the package
// documentation for the checks and their order). Every error is one line.
func Verify(s *Settings, key Key, p *Proof, opt Options) error {
	vals, err := CheckStatement(s, p, opt)
	if err != nil {
		return err
	}
	if err := checkKeyHash(key, opt.VerifyingKeySHA256); err != nil {
		return err
	}
	raw, err := hex.DecodeString(p.Proof)
	if err != nil {
		return fmt.Errorf("proof is not hex: %v", err)
	}
	pub := make(fr.Vector, len(vals))
	for i, v := range vals {
		pub[i].SetBigInt(v)
	}
	if s.Backend == Plonk {
		return verifyPlonk(key, raw, pub)
	}
	return verifyGroth16(s, key, raw, pub)
}

// CheckStatement checks everything of proof p that is not the proof
// system's own verification: the protocol and the model are the
// directory's, the public inputs are as many as the circuit's and in the
// field, the listed outputs, commitments, claim, context, DP release and
// device key agree with them and with what opt expects. It returns the
// public inputs, which the backend's verifier then checks the proof
// against (Verify for gnark's backends, transparent/artifact for the
// transparent one).
func CheckStatement(s *Settings, p *Proof, opt Options) ([]*big.Int, error) {
	if p.Protocol != s.Backend {
		return nil, backendMismatch(p.Protocol, s.Backend)
	}
	if p.ModelSHA256 != s.ModelSHA256 {
		return nil, fmt.Errorf("proof is for the model with SHA-256 %.64q, this directory holds %s", p.ModelSHA256, s.ModelSHA256)
	}
	if len(p.PublicInputs) != s.PublicInputs {
		return nil, fmt.Errorf("proof has %d public inputs, this circuit has %d: it is for another model or settings", len(p.PublicInputs), s.PublicInputs)
	}
	vals, err := p.PublicValues()
	if err != nil {
		return nil, err
	}
	segs := s.Layout()
	for _, check := range []func() error{
		func() error { return checkOutputs(s, segs, p, vals) },
		func() error { return checkPrivacy(s, segs, p, vals, opt) },
		func() error { return checkContext(segs, p, vals, opt.Context) },
		func() error { return checkDP(s, segs, p, vals, opt) },
		func() error { return checkDeviceKey(s, segs, vals, opt.DeviceKey) },
	} {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// verifyGroth16 checks a Groth16 proof's bytes against the public inputs.
// The commitment hash is keccak256, the one gnark's Solidity verifier uses.
func verifyGroth16(s *Settings, key Key, raw []byte, pub fr.Vector) error {
	vk, err := key.Groth16(s.PublicInputs)
	if err != nil {
		return err
	}
	prf, err := DecodeGroth16(raw, len(vk.CommitmentKeys))
	if err != nil {
		return err
	}
	if err := groth16bn254.Verify(prf, vk, pub, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16)); err != nil {
		return ErrInvalid
	}
	return nil
}

// verifyPlonk checks a PLONK proof's bytes against the public inputs.
func verifyPlonk(key Key, raw []byte, pub fr.Vector) error {
	vk, err := key.Plonk()
	if err != nil {
		return err
	}
	prf, err := DecodePlonk(raw)
	if err != nil {
		return err
	}
	if err := plonkbn254.Verify(prf, vk, pub, solidity.WithVerifierTargetSolidityVerifier(backend.PLONK)); err != nil {
		return ErrInvalid
	}
	return nil
}

// checkKeyHash compares the verifying key's hash with the expected one
// ("": not checked).
func checkKeyHash(key Key, want string) error {
	if want == "" {
		return nil
	}
	got, err := key.SHA256()
	if err != nil {
		return err
	}
	if !strings.EqualFold(strings.TrimPrefix(want, "0x"), got) {
		return fmt.Errorf("the directory's verifying key has SHA-256 %s, not the expected %.70s: these are other keys than the commitment was published with", got, want)
	}
	return nil
}

// checkOutputs compares the proof file's "outputs" with the public inputs.
func checkOutputs(s *Settings, segs circuit.Wires, p *Proof, vals []*big.Int) error {
	vis := s.Visibility
	if vis.Output != circuit.Public {
		if p.Outputs != nil {
			return fmt.Errorf("proof lists outputs, but this circuit keeps them private")
		}
		return nil
	}
	off := segs.Offset(circuit.SegOutput)
	if len(p.Outputs) != len(s.Outputs) {
		return fmt.Errorf("proof lists %d outputs, the model has %d", len(p.Outputs), len(s.Outputs))
	}
	field := ecc.BN254.ScalarField()
	for i, spec := range s.Outputs {
		info := spec.info()
		if len(p.Outputs[i]) != info.Size() {
			return fmt.Errorf("outputs[%d] has %d values, the model's output has %d", i, len(p.Outputs[i]), info.Size())
		}
		for j, got := range p.Outputs[i] {
			q := ops.Signed(field, vals[off])
			off++
			want := new(big.Float).SetInt(q)
			want.SetMantExp(want, -info.Scale)
			wf, _ := want.Float64()
			if got != wf {
				return fmt.Errorf("outputs[%d][%d] = %v, but the proof's public input says %v", i, j, got, wf)
			}
		}
	}
	return nil
}

// commitmentKeys names the commitment segments of the public inputs in the
// proof file's "commitments".
var commitmentKeys = map[string]string{"input_commitment": "input", "param_commitment": "params", "output_commitment": "output"}

// checkPrivacy compares the proof file's commitments and claim, and the
// verifier's expectations, with the public inputs.
func checkPrivacy(s *Settings, segs circuit.Wires, p *Proof, vals []*big.Int, opt Options) error {
	vis := s.Visibility
	want := map[string]string{}
	for _, seg := range segs.Public {
		if k, ok := commitmentKeys[seg.Name]; ok {
			want[k] = FieldHex(vals[segs.Offset(seg.Name)])
		}
	}
	if vis.PedersenParams() { // the weights' commitment is the proof's D
		d, err := proofModelCommitment(s, p)
		if err != nil {
			return err
		}
		want["params"] = d
	}
	for k, v := range p.Commitments {
		if want[k] == "" {
			return fmt.Errorf("proof lists a %.32q commitment, but this circuit has none", k)
		}
		if !strings.EqualFold(v, want[k]) {
			return fmt.Errorf("proof's %s commitment %.140q differs from its public input %s", k, v, want[k])
		}
	}
	for k := range want {
		if _, ok := p.Commitments[k]; !ok {
			return fmt.Errorf("proof does not list its %s commitment", k)
		}
	}
	for _, e := range []struct{ key, flag, got string }{{"params", "--model-commitment", opt.ModelCommitment}, {"input", "--input-commitment", opt.InputCommitment}} {
		if e.got == "" {
			continue
		}
		if want[e.key] == "" {
			return fmt.Errorf("%s: this circuit does not commit to its %s (visibility is not hashed)", e.flag, e.key)
		}
		var exp string
		if e.key == "params" && vis.PedersenParams() {
			d, err := ParsePoint(e.got)
			if err != nil {
				return fmt.Errorf("%s: %w", e.flag, err)
			}
			exp = PointHex(&d)
		} else {
			v, err := circuit.ParseSalt(e.got)
			if err != nil {
				return fmt.Errorf("%s: %q is not a commitment (0x and 64 hex digits)", e.flag, e.got)
			}
			exp = FieldHex(v)
		}
		if exp != want[e.key] {
			return fmt.Errorf("the proof's %s commitment %s is not the expected %s", e.key, want[e.key], exp)
		}
	}
	return checkClaim(s, segs, p, vals, opt.Claim)
}

// checkClaim compares the proof's claim, and the one the verifier expects
// ("": the circuit's), with the circuit's claim and its pinned public
// inputs.
func checkClaim(s *Settings, segs circuit.Wires, p *Proof, vals []*big.Int, expect string) error {
	cl, err := circuit.ParseClaim(s.Visibility.Claim)
	if err != nil {
		return err
	}
	if expect != "" {
		exp, err := circuit.ParseClaim(expect)
		if err != nil {
			return err
		}
		if cl == nil {
			return fmt.Errorf("this circuit proves no claim, not %q", exp)
		}
		if exp.String() != cl.String() {
			return fmt.Errorf("this circuit proves the claim %q, not %q", cl, exp)
		}
	}
	if cl == nil {
		if p.Claim != "" {
			return fmt.Errorf("proof states the claim %.100q, but this circuit proves none", p.Claim)
		}
		return nil
	}
	if p.Claim != cl.String() {
		return fmt.Errorf("proof states the claim %.100q, this circuit proves %q", p.Claim, cl)
	}
	off := segs.Offset(circuit.SegClaim)
	for i, v := range cl.PublicValues(infos(s.Outputs)) {
		if vals[off+i].Cmp(v) != 0 {
			return fmt.Errorf("the proof is for a different claim or threshold than %q", cl)
		}
	}
	return nil
}

// checkContext compares the context public input with the proof file's
// context and with the one the verifier expects (want; empty: any).
func checkContext(segs circuit.Wires, p *Proof, vals []*big.Int, want []byte) error {
	got := vals[segs.Offset(circuit.SegContext)]
	b, err := circuit.ParseContext(p.Context)
	if err != nil {
		return fmt.Errorf("proof's %w", err)
	}
	if got.Cmp(circuit.ContextValue(b)) != 0 {
		if len(b) == 0 {
			return fmt.Errorf("proof lists no context, but its context public input is %s", FieldHex(got))
		}
		return fmt.Errorf("proof's context %.80s does not hash to its context public input", p.Context)
	}
	if len(want) > 0 && got.Cmp(circuit.ContextValue(want)) != 0 {
		if len(b) == 0 {
			return fmt.Errorf("the proof is bound to no context, not to the expected 0x%x: anyone could have presented it", want)
		}
		return fmt.Errorf("the proof is bound to the context %.80s, not to the expected 0x%x", p.Context, want)
	}
	return nil
}

// FieldHex writes a field element as 0x and 64 hex digits.
func FieldHex(v *big.Int) string {
	b := make([]byte, 32)
	v.FillBytes(b)
	return "0x" + hex.EncodeToString(b)
}

// PointHex writes a G1 point as 0x + x‖y (64 bytes): a Pedersen model
// commitment, in the order the Solidity proof bytes carry the coordinates.
func PointHex(p *curve.G1Affine) string {
	b := p.RawBytes()
	return "0x" + hex.EncodeToString(b[:])
}

// ParsePoint reads a model commitment written by PointHex: a point on the
// curve, in the prime-order subgroup.
func ParsePoint(s string) (curve.G1Affine, error) {
	var p curve.G1Affine
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 64 {
		return p, fmt.Errorf("%q is not a pedersen model commitment (0x and 128 hex digits)", s)
	}
	if _, err := p.SetBytes(b); err != nil {
		return p, fmt.Errorf("%q is not a point of BN254's G1: %v", s, err)
	}
	return p, nil
}

// proofModelCommitment returns the weights' commitment D that proof p
// carries.
func proofModelCommitment(s *Settings, p *Proof) (string, error) {
	if s.ModelCommitmentIndex == nil {
		return "", errors.New("settings.json does not say which commitment is the model's: compile again")
	}
	prf, err := p.Groth16(s.Groth16Commitments)
	if err != nil {
		return "", err
	}
	return CommitmentAt(prf, *s.ModelCommitmentIndex, s.Groth16Commitments)
}

// CommitmentAt is the Groth16 commitment idx of prf, a proof of a circuit
// with n commitments, as PointHex writes it.
func CommitmentAt(prf *groth16bn254.Proof, idx, n int) (string, error) {
	if len(prf.Commitments) != n || idx >= n {
		return "", fmt.Errorf("the proof has %d Groth16 commitments, this circuit %d: it is for another model or settings", len(prf.Commitments), n)
	}
	return PointHex(&prf.Commitments[idx]), nil
}

// checkDeviceKey compares the key that signed the input with the expected
// one ("": not checked).
func checkDeviceKey(s *Settings, segs circuit.Wires, vals []*big.Int, want string) error {
	if want == "" {
		return nil
	}
	if s.Visibility.InputSignedBy == "" {
		return fmt.Errorf("--device-key: this circuit checks no signature over its input (compile with --input-signed-by eddsa)")
	}
	exp, err := circuit.ParseKey(want)
	if err != nil {
		return fmt.Errorf("--device-key: %w", err)
	}
	got := circuit.KeyFromPublic(vals[segs.Offset(circuit.SegSignerX)], vals[segs.Offset(circuit.SegSignerY)])
	if !got.Equal(&exp) {
		return fmt.Errorf("the input was signed by the device key %s, not the expected %s", circuit.KeyHex(&got), circuit.KeyHex(&exp))
	}
	return nil
}
