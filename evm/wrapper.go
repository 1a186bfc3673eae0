package evm

import (
	"bytes"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"text/template"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
)

// The wrapper contract. gnark's verifier checks a proof against the public
// inputs it is given and knows nothing of what they mean; the wrapper that
// export-verifier writes next to it makes the on-chain check as strict as
// `zkinfer verify`: it fills in the constants the circuit pins (the claim's
// tag and bounds), compares the model commitment with the one registered at
// deployment, derives the context from the chain, itself, the subject and
// the subject's nonce, and takes the values a consumer cares about (public
// inputs and outputs, hashed input and output commitments) as arguments.

// DefaultWrapperName is the wrapper's contract name unless --name says
// otherwise.
const DefaultWrapperName = "ZkinferModel"

//go:embed wrapper.sol.tmpl
var wrapperTemplate string

var wrapperTmpl = template.Must(template.New("wrapper").Parse(wrapperTemplate))

// WrapperSpec is what a wrapper is generated from: a compiled directory's
// public-input layout and the values its circuit pins (NewWrapper), or, in
// tests, any layout.
type WrapperSpec struct {
	Name         string            // contract name (DefaultWrapperName)
	VerifierFile string            // the verifier's file name, imported as "./VerifierFile"
	Segments     []circuit.Segment // the public inputs, circuit.Layout's order
	// Claim is the claim's canonical text ("" for none); Constants are the
	// claim segment's pinned values, in order (tag, then bounds).
	Claim     string
	Constants []Constant
	// ModelCommitment is circuit.Pedersen (the point in the proof bytes),
	// circuit.Poseidon2 (the param_commitment public input) or "" (the
	// weights are fixed in the circuit, or private and bound to nothing).
	ModelCommitment circuit.Binding
	CommitmentIndex int    // Pedersen: which of the proof's commitments is the weights'
	ModelSHA256     string // hex, the settings' model_sha256
	Note            string // a warning for the contract's documentation ("" for none)
}

// Constant is a public input the circuit pins: the wrapper's constant.
type Constant struct {
	Name  string   // Solidity identifier
	Doc   string   // one line
	Value *big.Int // field element
}

// Wrapper is a generated wrapper contract.
type Wrapper struct {
	Name     string
	File     string // Name + ".sol"
	Source   []byte
	ABI      []byte
	Verifier *Verifier
	Spec     WrapperSpec
	args     []wrapperArg // the values after proof, context last
}

// wrapperArg is one argument of verify/check: a segment of public inputs.
type wrapperArg struct {
	name   string
	offset int
	len    int  // values (arrays) or 1
	signed bool // int256[len] fixed-point values; else one uint256 field element
}

func (a wrapperArg) solType() string {
	if a.signed {
		return fmt.Sprintf("int256[%d]", a.len)
	}
	return "uint256"
}

// argNames names the layout's segments as wrapper arguments.
var argNames = map[string]string{
	"input": "input", "input_commitment": "inputCommitment", "param_commitment": "paramCommitment",
	"output": "output", "output_commitment": "outputCommitment", "context": "context",
	"signer_x": "signerX", "signer_y": "signerY", "signer_nonce": "signerNonce",
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// NewWrapper generates the wrapper of compiled directory c for its exported
// verifier v. name is the contract name ("" for DefaultWrapperName),
// verifierFile the verifier's file name beside it ("" for Verifier.sol).
func NewWrapper(c *proof.Compiled, v *Verifier, name, verifierFile string) (*Wrapper, error) {
	vis := c.Settings.Visibility
	spec := WrapperSpec{Name: name, VerifierFile: verifierFile, Segments: circuit.Layout(c.Model, vis).Public, ModelSHA256: c.Settings.ModelSHA256}
	switch {
	case vis.PedersenParams():
		spec.ModelCommitment = circuit.Pedersen
		if c.Settings.ModelCommitmentIndex == nil {
			return nil, fmt.Errorf("%s: settings.json does not say which commitment is the model's: compile again", c.Dir)
		}
		spec.CommitmentIndex = *c.Settings.ModelCommitmentIndex
	case vis.Params == circuit.Hashed:
		spec.ModelCommitment = circuit.Poseidon2
	case vis.Params == circuit.Private:
		spec.Note = "the weights are private and bound to nothing: a proof may use any weights of this architecture (compile with --param-visibility hashed to bind them)"
	}
	cl, err := circuit.ParseClaim(vis.Claim)
	if err != nil {
		return nil, err
	}
	if cl != nil {
		spec.Claim = cl.String()
		spec.Constants = claimConstants(cl, c.Model.Outputs)
	}
	return spec.Generate(v)
}

// claimConstants names and documents the claim's public values.
func claimConstants(cl *circuit.Claim, outs []*ops.Info) []Constant {
	vals, out := cl.PublicValues(outs), outs[cl.Output]
	consts := []Constant{{Name: "CLAIM_TAG", Doc: `sha256("zkinfer-claim-v1:" + CLAIM) mod r`, Value: vals[0]}}
	lo, hi := cl.Bounds(out)
	i := 1
	for _, b := range []struct {
		name, op string
		v        *big.Int
	}{{"CLAIM_LOWER", ">=", lo}, {"CLAIM_UPPER", "<=", hi}} {
		if b.v == nil || cl.Kind == "argmax" {
			continue
		}
		consts = append(consts, Constant{Name: b.name, Value: vals[i],
			Doc: fmt.Sprintf("the claim's bound: q %s %s, q the fixed-point output at scale 2^%d (negative values wrap to r - |q|)", b.op, b.v, out.Scale)})
		i++
	}
	return consts
}

// Generate writes the wrapper of spec for verifier v.
func (s WrapperSpec) Generate(v *Verifier) (*Wrapper, error) {
	if s.Name == "" {
		s.Name = DefaultWrapperName
	}
	if s.VerifierFile == "" {
		s.VerifierFile = v.Contract + ".sol"
	}
	if !identRe.MatchString(s.Name) || s.Name == v.Contract {
		return nil, fmt.Errorf("evm: wrapper name %q is not a Solidity contract name other than %s", s.Name, v.Contract)
	}
	if strings.ContainsAny(s.VerifierFile, `"\/`) || !strings.HasSuffix(s.VerifierFile, ".sol") {
		return nil, fmt.Errorf("evm: the verifier's file %q must be a .sol file name in the same folder", s.VerifierFile)
	}
	if s.ModelCommitment == circuit.Pedersen && v.Commitments != 1 {
		return nil, fmt.Errorf("evm: the weights' pedersen commitment needs a verifier with exactly one commitment, this one has %d", v.Commitments)
	}
	w := &Wrapper{Name: s.Name, File: s.Name + ".sol", Verifier: v, Spec: s}
	d := wrapperData{Name: s.Name, Verifier: v.Contract, VerifierFile: s.VerifierFile, Claim: s.Claim,
		ModelSHA256: s.ModelSHA256, Plonk: v.Backend == proof.Plonk, Constants: s.Constants,
		Pedersen: s.ModelCommitment == circuit.Pedersen, Poseidon2: s.ModelCommitment == circuit.Poseidon2}
	if s.Note != "" {
		d.Doc = append(d.Doc, "WARNING: "+s.Note)
	}
	if err := w.layout(&d); err != nil {
		return nil, err
	}
	if d.N != v.Inputs {
		return nil, fmt.Errorf("evm: the layout has %d public inputs, the verifier %d: the keys are not this directory's", d.N, v.Inputs)
	}
	field := ecc.BN254.ScalarField()
	d.R, d.Half, d.P = field.String(), new(big.Int).Rsh(field, 1).String(), fp.Modulus().String()
	d.Commitment = d.Pedersen || d.Poseidon2
	d.ProofBytes, d.CommitmentAt = v.ProofBytes(), 256+64*s.CommitmentIndex
	if len(d.ModelSHA256) != 64 {
		d.ModelSHA256 = strings.Repeat("0", 64)
	}
	if _, err := hex.DecodeString(d.ModelSHA256); err != nil {
		return nil, fmt.Errorf("evm: model sha256 %q is not hex", s.ModelSHA256)
	}
	if strings.ContainsAny(s.Claim, "\"\\\n") {
		return nil, fmt.Errorf("evm: claim %q cannot be a Solidity string", s.Claim)
	}
	var buf bytes.Buffer
	if err := wrapperTmpl.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("evm: writing the wrapper: %w", err)
	}
	w.Source = buf.Bytes()
	var err error
	if w.ABI, err = w.abi(); err != nil {
		return nil, err
	}
	return w, nil
}

// wrapperData is the template's input.
type wrapperData struct {
	Name, Verifier, VerifierFile, Claim, ModelSHA256 string
	Doc                                              []string
	R, Half, P                                       string
	N, ProofBytes, CommitmentAt                      int
	Constants                                        []Constant
	Plonk, Pedersen, Poseidon2, Commitment, Signed   bool
	// ArgDecls/ArgNames: ", int256[1] output, uint256 context"; ValueDecls
	// and ValueNames the same without the leading comma.
	ArgDecls, ArgNames, ValueDecls, ValueNames string
	Fill                                       []string // publicInputs' statements
}

// layout turns the segments into arguments, constants and documentation.
func (w *Wrapper) layout(d *wrapperData) error {
	s := w.Spec
	if d.Pedersen {
		d.Doc = append(d.Doc, "the weights' Pedersen commitment is not a public input: it is the commitment point in the proof bytes, compared with the one registered at deployment (WrongModelCommitment)")
	}
	var decls, names []string
	off := 0
	for _, seg := range s.Segments {
		switch seg.Name {
		case "claim":
			if len(s.Constants) != seg.Len {
				return fmt.Errorf("evm: the claim has %d public inputs, the wrapper %d constants", seg.Len, len(s.Constants))
			}
			for i, c := range s.Constants {
				d.Fill = append(d.Fill, fmt.Sprintf("inputs[%d] = %s;", off+i, c.Name))
			}
			d.Doc = append(d.Doc, fmt.Sprintf("claim %q: its tag and bounds are constants of this contract, pinned by the circuit too", s.Claim))
		case "param_commitment":
			if !d.Poseidon2 {
				return fmt.Errorf("evm: the layout has a param_commitment but the spec's model commitment is %q", s.ModelCommitment)
			}
			fallthrough
		default:
			name, ok := argNames[seg.Name]
			if !ok {
				return fmt.Errorf("evm: the wrapper does not know public input segment %q", seg.Name)
			}
			a := wrapperArg{name: name, offset: off, len: seg.Len, signed: seg.Name == "input" || seg.Name == "output"}
			if !a.signed && seg.Len != 1 {
				return fmt.Errorf("evm: segment %q has %d public inputs, want 1", seg.Name, seg.Len)
			}
			w.args = append(w.args, a)
			decls, names = append(decls, a.solType()+" calldata "+name), append(names, name)
			if !a.signed {
				decls[len(decls)-1] = "uint256 " + name
				d.Fill = append(d.Fill, fmt.Sprintf("inputs[%d] = %s;", off, name))
			} else {
				d.Signed = true
				d.Fill = append(d.Fill, fmt.Sprintf("for (uint256 i = 0; i < %d; ++i) inputs[%d + i] = _field(%s[i]);", seg.Len, off, name))
			}
			d.Doc = append(d.Doc, argDoc(seg))
		}
		off += seg.Len
	}
	if len(w.args) == 0 || w.args[len(w.args)-1].name != "context" {
		return fmt.Errorf("evm: the layout does not end with the context")
	}
	if d.Pedersen == d.Poseidon2 && s.ModelCommitment != "" {
		return fmt.Errorf("evm: model commitment %q is not supported (pedersen, poseidon2)", s.ModelCommitment)
	}
	d.N = off
	d.ValueDecls, d.ValueNames = strings.Join(decls, ", "), strings.Join(names, ", ")
	d.ArgDecls, d.ArgNames = ", "+d.ValueDecls, ", "+d.ValueNames
	return nil
}

func argDoc(seg circuit.Segment) string {
	switch seg.Name {
	case "input":
		return fmt.Sprintf("input: the %d public input values, an argument (int256 fixed point, q = round(x·2^scale))", seg.Len)
	case "input_commitment":
		return "inputCommitment: the hashed input's commitment, an argument: compare it with the one you expect (a proof is valid for its own only)"
	case "param_commitment":
		return "paramCommitment: the weights' Poseidon2 commitment, an argument compared with the one registered at deployment (WrongModelCommitment)"
	case "output":
		return fmt.Sprintf("output: the %d output values, an argument (int256 fixed point): the proof shows the model computed exactly these", seg.Len)
	case "output_commitment":
		return "outputCommitment: the hashed output's commitment, an argument"
	case "signer_x", "signer_y":
		return argNames[seg.Name] + ": a coordinate of the device key that signed the input, an argument: compare it with the key you registered"
	case "signer_nonce":
		return "signerNonce: the nonce the device signed with the input, an argument: refuse one you have seen"
	}
	return "context: derived from the chain id, this contract, the subject and its nonce (verify, _verifyFor; WrongContext), or given (check)"
}
