package main

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/consensys/gnark/backend/groth16"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

func init() {
	commands = append(commands, []command{
		{"audit", "DIR --dataset DATA.json --metric accuracy|confusion|demographic-parity|equal-opportunity [--threshold T | --group-column G --max-diff D] [--commitment COMMITMENT.json] [--out AUDIT] [--proof P]",
			"prove a metric of DIR's model over every record of a committed dataset, revealing only the metric (docs/AUDIT.md)", cmdAudit},
		{"audit-verify", "AUDIT [--proof P] [--dataset-commitment COMMITMENT.json|0x…] [--model-commitment 0x…]",
			"verify an audit proof and print its statement in plain words", cmdAuditVerify},
	}...)
}

func cmdAudit(fs *flag.FlagSet, args []string) error {
	data := fs.String("dataset", "", "DATA.json: the records, labels, group columns and salt (zkinfer dataset commit --help)")
	commitPath := fs.String("commitment", "", "the published commitment file: the dataset's format is read from it and DATA.json must open it")
	salt := fs.String("salt", "", "hex salt of the dataset (default: DATA.json's \"salt\")")
	df := newDatasetFlags(fs)
	metric := fs.String("metric", "", "accuracy, confusion, demographic-parity or equal-opportunity")
	threshold := fs.String("threshold", "", "accuracy: prove at least this fraction correct (without it the count is revealed)")
	group := fs.String("group-column", "", "fairness metrics: the group column (1: in the group, 0: out)")
	maxDiff := fs.String("max-diff", "", "fairness metrics: the largest difference of rates allowed")
	positive := fs.Int("positive", 1, "fairness metrics: the favourable class")
	cut := fs.Float64("cut", 0.5, "a model with one output predicts class 1 when the output is at least this")
	weights := fs.String("model", "", "hashed weights: the model with its weights")
	paramSalt := fs.String("param-salt", "", "hashed weights: the hex salt of their commitment, as given to prove")
	out := fs.String("out", "", "the audit directory: statement, circuit and keys (default DIR/audit-METRIC)")
	proofPath := fs.String("proof", "", "the proof file (default AUDIT/proof.json)")
	ctxHex := fs.String("context", "", "hex bytes the proof is bound to (a verifier's nonce)")
	sf := addStatementFlags(fs)
	pos, err := parse(fs, args, 1, "dataset", "metric")
	if err != nil {
		return err
	}
	rc, say, err := sf.parse()
	if err != nil {
		return err
	}
	met := audit.Metric{Kind: audit.Kind(*metric), Group: *group, Positive: *positive}
	for _, r := range []struct {
		flag, val string
		dst       **audit.Rat
	}{{"threshold", *threshold, &met.Threshold}, {"max-diff", *maxDiff, &met.MaxDiff}} {
		if r.val == "" {
			continue
		}
		v, err := audit.ParseRat(r.val)
		if err != nil {
			return usageError{fmt.Sprintf("--%s: %v", r.flag, err)}
		}
		*r.dst = &v
	}
	ctx, err := circuit.ParseContext(*ctxHex)
	if err != nil {
		return usageError{"--context: " + err.Error()}
	}
	c, err := proof.Open(pos[0])
	if err != nil {
		return err
	}
	vis := c.Settings.Visibility
	spec := &audit.Spec{Model: c.Model}
	var params []ops.Tensor[int64]
	switch {
	case vis.Params == circuit.Fixed:
		if *weights != "" || *paramSalt != "" {
			return usageError{"--model and --param-salt are for hashed weights; " + pos[0] + "'s are fixed in the circuit"}
		}
	case vis.Params == circuit.Hashed:
		if *weights == "" {
			return usageError{pos[0] + "'s weights are hashed: give --model MODEL.onnx with the weights (and --param-salt)"}
		}
		if spec.Model, err = c.LoadWeights(*weights); err != nil {
			return err
		}
		if params, err = spec.Model.ParamValues(); err != nil {
			return err
		}
		spec.HashedParams = true
	default:
		return fmt.Errorf("%s's weights are private and bound to nothing: an audit of them would say nothing of a model; compile with --param-visibility hashed or fixed", pos[0])
	}
	ps, err := circuit.ParseSalt(*paramSalt)
	if err != nil {
		return usageError{"--param-salt: " + err.Error()}
	}
	var cf *audit.CommitmentFile
	if *commitPath != "" {
		if cf, err = audit.ReadCommitment(*commitPath); err != nil {
			return err
		}
		*df.scale, *df.bits, *df.classes = cf.Scale, cf.Bits, cf.Classes
	}
	rs, err := readRecords(*data, *salt, df)
	if err != nil {
		return err
	}
	if cf != nil {
		h, err := rs.Commitment()
		if err != nil {
			return err
		}
		if circuit.Hex(h) != cf.Commitment || fmt.Sprint(cf.Schema) != fmt.Sprint(rs.Schema) {
			return fmt.Errorf("%s does not open %s (commitment %s): a record, label, group value or the salt differs", *data, *commitPath, cf.Commitment)
		}
	}
	spec.Schema = rs.Schema
	met.Cut, met.CutText = quant.Quantize(*cut, spec.Model.Outputs[0].Scale), fmt.Sprint(*cut)
	spec.Metric = met
	if err := spec.Check(); err != nil {
		return err
	}
	w := &audit.Witness{Records: rs, Params: params, ParamSalt: ps, Context: ctx}
	if _, err := audit.Evaluate(spec, w); err != nil {
		return err // the statement does not hold: nothing to prove
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join(pos[0], "audit-"+*metric)
	}
	start := time.Now()
	say("building the audit circuit: %d records × the model", rs.Schema.Records)
	cs, err := audit.Compile(spec, rc)
	if err != nil {
		return err
	}
	sha, err := audit.CircuitSHA256(cs)
	if err != nil {
		return err
	}
	say("%d constraints (%.0f per record) in %.1fs", cs.GetNbConstraints(), float64(cs.GetNbConstraints())/float64(rs.Schema.Records), time.Since(start).Seconds())
	st, err := audit.ReadStatement(dir)
	cached := err == nil && st.CircuitSHA == sha
	pk, err := statementKeys(dir, cached, cs, say, func(pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
		st = &audit.Statement{Format: audit.StatementFormat, ModelSHA256: c.Settings.ModelSHA256, HashedParams: spec.HashedParams,
			Dataset: spec.Schema, Metric: spec.Metric, RangeCheck: rc, Constraints: cs.GetNbConstraints(),
			PublicInputs: cs.GetNbPublicVariables() - 1, Commitments: len(cs.GetCommitments().CommitmentIndexes()), CircuitSHA: sha, Setup: "local"}
		if spec.HashedParams {
			st.ParamBits = spec.Model.ParamBits
		}
		return audit.WriteDir(dir, st, cs, pk, vk)
	}, "zkinfer audit", "docs/AUDIT.md")
	if err != nil {
		return err
	}
	say("proving")
	t := time.Now()
	raw, pub, err := audit.Prove(spec, cs, pk, w)
	if err != nil {
		return err
	}
	say("proved in %.1fs", time.Since(t).Seconds())
	pf := audit.NewProofFile(st, raw, pub, ctx)
	pp, err := writeStatementProof(*proofPath, dir, pf)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "proved: %s; wrote %s (verify: zkinfer audit-verify %s --proof %s)\n", pf.Statement, pp, dir, pp)
	return nil
}

func cmdAuditVerify(fs *flag.FlagSet, args []string) error {
	proofPath := fs.String("proof", "", "the proof file (default AUDIT/proof.json)")
	dataset := fs.String("dataset-commitment", "", "the published dataset commitment: a commitment file or 0x…")
	modelCm := fs.String("model-commitment", "", "hashed weights: the published model commitment (zkinfer commit MODEL.onnx)")
	ctxHex := fs.String("context", "", "hex bytes the proof must be bound to")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	ctx, err := circuit.ParseContext(*ctxHex)
	if err != nil {
		return usageError{"--context: " + err.Error()}
	}
	want := *dataset
	if want != "" && !strings.HasPrefix(want, "0x") {
		cf, err := audit.ReadCommitment(want)
		if err != nil {
			return err
		}
		st, err := audit.ReadStatement(pos[0])
		if err != nil {
			return err
		}
		if fmt.Sprint(cf.Schema) != fmt.Sprint(st.Dataset) {
			return invalid(fmt.Errorf("the audit is about records of schema %+v, %s commits to %+v", st.Dataset, want, cf.Schema))
		}
		want = cf.Commitment
	}
	p, err := readStatementProof(*proofPath, pos[0], audit.ReadProof)
	if err != nil {
		return err
	}
	st, err := audit.VerifyFile(pos[0], p, audit.VerifyOptions{Dataset: want, Model: *modelCm, Context: ctx})
	if errors.Is(err, audit.ErrInvalid) {
		return invalid(fmt.Errorf("INVALID: %w", err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: %s\n", st.Describe(p))
	if want == "" {
		fmt.Fprintf(stderr, "zkinfer audit-verify: warning: the dataset commitment %s was not compared with a published one (--dataset-commitment)\n", p.Dataset)
	}
	if st.HashedParams && *modelCm == "" {
		fmt.Fprintf(stderr, "zkinfer audit-verify: warning: the model commitment %s was not compared with a published one (--model-commitment)\n", p.Model)
	}
	return nil
}
