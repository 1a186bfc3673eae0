package main

import (
	"flag"
	"fmt"
	"github.com/zkinfer/zkinfer/transparent/artifact"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// privacyCompileFlags adds compile's --claim and --param-bits.
func privacyCompileFlags(fs *flag.FlagSet, vis *circuit.Visibility) {
	fs.StringVar(&vis.Claim, "claim", "", `prove only a claim about the outputs: "output[i] >= x" (>, <=, <), "output[i] in [a, b]" or "argmax(output) == k"`)
	fs.IntVar(&vis.ParamBits, "param-bits", 0, "with private or hashed weights: the signed bit width each quantized weight is checked to (default 16)")
	fs.Var(stringFlag[circuit.Binding]{&vis.ParamCommitment}, "param-commitment", "with hashed weights: pedersen (default: a Groth16 commitment in the proof, ~1 constraint) or poseidon2 (a public input, ~2.6 constraints per 16-bit weight)")
}

// claimDefaults makes a claim hide the outputs unless their visibility was
// given.
func claimDefaults(fs *flag.FlagSet, vis *circuit.Visibility) {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "output-visibility" })
	if vis.Claim != "" && !set {
		vis.Output = circuit.Private
	}
}

type proveFlagSet struct{ weights, salt, paramSalt, context *string }

// proveFlags adds prove's --model, --salt and --param-salt.
func proveFlags(fs *flag.FlagSet) proveFlagSet {
	return proveFlagSet{
		weights:   fs.String("model", "", "with private or hashed weights: the model with its weights (the directory holds the architecture only)"),
		salt:      fs.String("salt", "", "hex salt of the hashed input and output commitments (default 0: pass a random one for low-entropy data)"),
		paramSalt: fs.String("param-salt", "", "hex salt of the hashed weights' commitment, as given to `zkinfer commit`"),
		context:   fs.String("context", "", "hex bytes the verifier chose to bind the proof to (an address, a nonce, a chain id; see `zkinfer context`); default none: anyone who sees the proof can present it"),
	}
}

func (f proveFlagSet) options(p proof.Progress) (proof.ProveOptions, error) {
	o := proof.ProveOptions{Weights: *f.weights, Progress: p}
	var err error
	if o.Salt, err = circuit.ParseSalt(*f.salt); err != nil {
		return o, fmt.Errorf("--salt: %w", err)
	}
	if o.ParamSalt, err = circuit.ParseSalt(*f.paramSalt); err != nil {
		return o, fmt.Errorf("--param-salt: %w", err)
	}
	if o.Context, err = circuit.ParseContext(*f.context); err != nil {
		return o, fmt.Errorf("--context: %w", err)
	}
	return o, nil
}

type verifyFlagSet struct {
	opt     proof.VerifyOptions
	context *string
}

// verifyFlags adds verify's expectations.
func verifyFlags(fs *flag.FlagSet) *verifyFlagSet {
	f := &verifyFlagSet{}
	fs.StringVar(&f.opt.ModelCommitment, "model-commitment", "", "fail unless the proof's weights have this commitment (from `zkinfer commit`)")
	fs.StringVar(&f.opt.InputCommitment, "input-commitment", "", "fail unless the proof's input has this commitment")
	fs.StringVar(&f.opt.Claim, "claim", "", "fail unless the directory's circuit proves this claim")
	f.context = fs.String("context", "", "fail unless the proof is bound to these hex bytes (as given to prove --context)")
	fs.StringVar(&f.opt.DeviceKey, "device-key", "", "fail unless the input was signed by this device key (from `zkinfer sign keygen`)")
	fs.StringVar(&f.opt.VerifyingKeySHA256, "vk-sha256", "", "fail unless DIR's verifying key has this SHA-256 (as `zkinfer commit` prints it beside a model commitment)")
	return f
}

func (f *verifyFlagSet) options() (proof.VerifyOptions, error) {
	o := f.opt
	var err error
	if o.Context, err = circuit.ParseContext(*f.context); err != nil {
		return o, fmt.Errorf("--context: %w", err)
	}
	return o, nil
}

// stringFlag binds a flag to a setting of a string type (a visibility, a
// binding scheme); the setting's own validation judges the value.
type stringFlag[T ~string] struct{ p *T }

func (f stringFlag[T]) String() string {
	if f.p == nil {
		return ""
	}
	return string(*f.p)
}

func (f stringFlag[T]) Set(s string) error {
	*f.p = T(s)
	return nil
}

// openProof parses a command line of the form DIR --proof FILE with
// verify's expectations, and opens the directory and the proof. A proof
// file that does not parse is reported as INVALID.
func openProof(fs *flag.FlagSet, args []string, file *string, vf *verifyFlagSet) (*proof.Compiled, *proof.Proof, proof.VerifyOptions, error) {
	pos, err := parse(fs, args, 1, "proof")
	if err != nil {
		return nil, nil, proof.VerifyOptions{}, err
	}
	vopt, err := vf.options()
	if err != nil {
		return nil, nil, vopt, err
	}
	if segment.IsSegmented(pos[0]) {
		return nil, nil, vopt, segmentedDir{pos[0]}
	}
	if artifact.IsDir(pos[0]) {
		return nil, nil, vopt, sumcheckDir{pos[0]}
	}
	c, err := proof.Open(pos[0])
	if err != nil {
		return nil, nil, vopt, err
	}
	p, err := proof.ReadProof(*file)
	if couldNotRead(err) {
		return nil, nil, vopt, err
	}
	if err != nil {
		return nil, nil, vopt, invalid(fmt.Errorf("INVALID: %w", err))
	}
	return c, p, vopt, nil
}
