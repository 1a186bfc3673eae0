package main

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

func init() {
	commands = append(commands, []command{
		{"run", "MODEL.onnx --input IN.json [--settings S.json]", "print the fixed-point outputs", cmdRun},
		{"compile", "MODEL.onnx --out DIR [--settings S.json] [--backend groth16|plonk|sumcheck]", "compile the model's circuit into DIR", cmdCompile},
		{"setup", "DIR [--srs FILE | --unsafe-dev-srs]", "write the proving and verifying keys into DIR (development; see ceremony)", cmdSetup},
		{"prove", "DIR --input IN.json --proof PROOF.json", "prove an inference", cmdProve},
		{"verify", "DIR --proof PROOF.json", "verify a proof (exit 0 only when valid)", cmdVerify},
	}...)
}

// quantFlags adds the number-format flags.
func quantFlags(fs *flag.FlagSet) *quant.Settings {
	s := quant.Default
	fs.IntVar(&s.Scale, "scale", s.Scale, "fixed-point exponent of inputs and activations (x ≈ q/2^scale)")
	fs.IntVar(&s.ParamScale, "param-scale", s.ParamScale, "fixed-point exponent of constant weights")
	fs.IntVar(&s.ActBits, "act-bits", s.ActBits, "signed bit width every activation is range-checked to")
	return &s
}

func cmdRun(fs *flag.FlagSet, args []string) error {
	input := fs.String("input", "", "input file in EZKL's format {\"input_data\": [[...]]}")
	ignoreExtra := ignoreExtraFlag(fs)
	qs := quantFlags(fs)
	applySettings := settingsFlag(fs, qs, nil)
	pos, err := parse(fs, args, 1, "input")
	if err != nil {
		return err
	}
	if _, err := applySettings(); err != nil {
		return err
	}
	m, outs, err := evalInput(pos[0], *qs, *input, *ignoreExtra)
	if err != nil {
		return err
	}
	return printJSON(map[string]any{"outputs": m.Dequantize(outs)})
}

// evalInput runs the model at path in fixed point on the input file, as
// the circuit will: the evaluator's errors name the node and the setting
// to change (a value outside --act-bits, a divisor that rounds to 0).
func evalInput(path string, qs quant.Settings, input string, ignoreExtra bool) (*model.Model, []ops.Tensor[int64], error) {
	g, err := onnx.Load(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := model.Compile(g, qs)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	in, err := model.ReadInput(input)
	if err != nil {
		return nil, nil, err
	}
	if err := checkRows(m, in, input, ignoreExtra); err != nil {
		return nil, nil, err
	}
	outs, err := m.Eval(in)
	if err != nil {
		return nil, nil, err
	}
	return m, outs, nil
}

func printJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

func cmdCompile(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "directory to write the compiled circuit to")
	qs := quantFlags(fs)
	vis := circuit.DefaultVisibility
	fs.Var(stringFlag[circuit.Vis]{&vis.Input}, "input-visibility", "private, public or hashed (a Poseidon2 commitment is public)")
	fs.Var(stringFlag[circuit.Vis]{&vis.Params}, "param-visibility", "fixed (in the circuit), private or hashed (weights in the witness; see docs/PRIVACY.md)")
	fs.Var(stringFlag[circuit.Vis]{&vis.Output}, "output-visibility", "public, private or hashed (private by default with --claim)")
	privacyCompileFlags(fs, &vis)
	signedCompileFlag(fs, &vis)
	rangeCheck := fs.String("range-check", "auto", "range-check gadget: auto, bits (no commitment: cheapest on-chain) or lookup (fewest constraints)")
	backend := fs.String("backend", "groth16", "proof system: groth16 (per-circuit setup or ceremony; smallest, cheapest proofs) or plonk (universal SRS; see docs/SETUP.md) or sumcheck (transparent: no setup; MLPs and plain CNNs; see docs/TRANSPARENT.md)")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	maxC := maxConstraintsFlag(fs)
	input := fs.String("input", "", "an input to run the model on first, failing before the circuit is built if a value overflows the settings")
	ignoreExtra := ignoreExtraFlag(fs)
	seg := segmentFlags(fs)
	dpf := dpCompileFlags(fs)
	applySettings := settingsFlag(fs, qs, rangeCheck)
	pos, err := parse(fs, args, 1, "out")
	if err != nil {
		return err
	}
	cal, err := applySettings()
	if err != nil {
		return err
	}
	b, err := proof.ParseBackend(*backend)
	if err != nil {
		return usageError{err.Error()}
	}
	policy, err := circuit.ParseRangePolicy(*rangeCheck)
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	claimDefaults(fs, &vis)
	if err := dpf.apply(fs, &vis); err != nil {
		return err
	}
	if *input != "" {
		if _, _, err := evalInput(pos[0], *qs, *input, *ignoreExtra); err != nil {
			return fmt.Errorf("--input %s: %w", *input, err)
		}
	}
	if b == proof.Sumcheck {
		return compileSumcheck(fs, pos[0], *out, *qs, vis)
	}
	copt := proof.CompileOptions{Quant: *qs, Visibility: vis, Progress: progress(*quiet), RangeCheck: policy, Backend: b,
		MaxConstraints: *maxC}
	if _, ok, err := seg.limit(); err != nil || ok {
		if err != nil {
			return err
		}
		return compileSegmented(pos[0], *out, copt, seg)
	}
	c, err := proof.CompileWith(pos[0], *out, copt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compiled %s into %s: %d constraints, %d public inputs (%s)\n", pos[0], *out, c.Settings.Constraints, c.Settings.PublicInputs, c.Settings.Backend)
	if line := c.CostSummary(); line != "" {
		fmt.Fprintln(stdout, line)
	}
	for _, w := range compileWarnings(c) {
		fmt.Fprintf(stderr, "zkinfer compile: warning: %s\n", w)
	}
	fmt.Fprintln(stdout, expectedError(*qs, cal))
	return nil
}

// cmdSetup writes keys for development (groth16, or plonk with a local
// SRS) or from a public SRS (plonk). It always says, once on stderr, when
// the keys are only as trustworthy as this machine, --quiet or not.
func cmdSetup(fs *flag.FlagSet, args []string) error {
	quiet := fs.Bool("quiet", false, "no progress on stderr (the trust warning is still printed)")
	srs := fs.String("srs", "", "plonk: powers-of-tau file (snarkjs .ptau, e.g. the Perpetual Powers of Tau's, or a gnark kzg SRS)")
	unsafeSRS := fs.Bool("unsafe-dev-srs", false, "plonk: generate the SRS on this machine (UNSAFE: development only)")
	maxC := maxConstraintsFlag(fs)
	force := forceFlag(fs)
	c, err := openDir(fs, args, maxC)
	if dir, ok := asSumcheck(err); ok {
		return setupSumcheck(fs, dir)
	}
	if dir, ok := asSegmented(err); ok {
		return setupSegmented(dir, proof.SetupOptions{Progress: progress(*quiet), SRS: *srs, UnsafeDevSRS: *unsafeSRS}, *force)
	}
	if err != nil {
		return err
	}
	if err := keepKeys(c, *force); err != nil {
		return err
	}
	if err := c.SetupWith(proof.SetupOptions{Progress: progress(*quiet), SRS: *srs, UnsafeDevSRS: *unsafeSRS}); err != nil {
		return err
	}
	for _, w := range c.TrustWarnings() {
		fmt.Fprintf(stderr, "zkinfer setup: warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "wrote %s and %s into %s\n", proof.ProvingKey, proof.VerifyingKey, c.Dir)
	return nil
}

func cmdProve(fs *flag.FlagSet, args []string) error {
	input := fs.String("input", "", "input file in EZKL's format")
	ignoreExtra := ignoreExtraFlag(fs)
	out := fs.String("proof", "", "proof file to write")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pf := proveFlags(fs)
	dpp := dpProveFlags(fs)
	maxC := maxConstraintsFlag(fs)
	qf := queueFlags(fs)
	c, err := openDir(fs, args, maxC, "input", "proof")
	if dir, ok := asSumcheck(err); ok {
		return proveSumcheck(fs, dir, *input, *out, *ignoreExtra, pf)
	}
	if dir, ok := asSegmented(err); ok {
		opt, err := pf.options(progress(*quiet))
		if err != nil {
			return err
		}
		if qf.set() {
			return proveQueued(dir, *input, *out, opt, *ignoreExtra, qf, *quiet)
		}
		if _, err := qf.check(true); err != nil {
			return err
		}
		return proveSegmented(dir, *input, *out, opt, *ignoreExtra)
	}
	if err != nil {
		return err
	}
	if _, err := qf.check(false); err != nil {
		return err
	}
	in, err := model.ReadInput(*input)
	if err != nil {
		return err
	}
	opt, err := pf.options(progress(*quiet))
	if err != nil {
		return err
	}
	if opt.DP, err = dpp.witness(); err != nil {
		return err
	}
	if err := checkRows(c.Model, in, *input, *ignoreExtra); err != nil {
		return err
	}
	if len(c.Model.Inputs) > 0 { // a model without inputs has nothing signed
		if opt.Signature, err = readSignature(*input, c.Model.Inputs[0].Scale); err != nil {
			return err
		}
	}
	opt.Release = true // c is not used again: its model's memory goes to the prover
	p, err := c.ProveWith(in, opt)
	if err != nil {
		return err
	}
	if err := proof.WriteProof(*out, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}

func cmdVerify(fs *flag.FlagSet, args []string) error {
	file := fs.String("proof", "", "proof file to check")
	vf := verifyFlags(fs)
	dpv := dpVerifyFlags(fs)
	c, p, vopt, err := openProof(fs, args, file, vf)
	if dir, ok := asSumcheck(err); ok {
		return verifySumcheck(fs, dir, *file, vf.opt.ModelCommitment, *vf.context)
	}
	if dir, ok := asSegmented(err); ok {
		return verifySegmented(dir, *file, vopt)
	}
	if err != nil {
		return err
	}
	if err := dpv.expect(&vopt); err != nil {
		return err
	}
	if err := c.VerifyWith(p, vopt); err != nil {
		return invalid(fmt.Errorf("%s: INVALID: %w", *file, err))
	}
	for _, w := range c.TrustWarnings() {
		fmt.Fprintf(stderr, "zkinfer verify: warning: %s\n", w)
	}
	if w := verifier.UnboundWeights(&c.Settings.Settings, vopt); w != "" {
		fmt.Fprintf(stderr, "zkinfer verify: warning: %s\n", w)
	}
	for _, w := range verifier.DPWarnings(&c.Settings.Settings, vopt) {
		fmt.Fprintf(stderr, "zkinfer verify: warning: %s\n", w)
	}
	vkHash, err := c.VerifyingKeySHA256()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: %s (verifying key sha256 %s)\n", c.Describe(p), vkHash)
	return nil
}
