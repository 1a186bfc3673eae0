package main

import (
	"errors"
	"flag"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/artifact"
)

// The transparent backend (--backend sumcheck, transparent/artifact):
// compile, setup (nothing to do), prove and verify. openDir and openProof
// hand its directories over with a sumcheckDir error, as they do segmented
// ones; every other command gets that error's message.

// sumcheckDir is openDir's answer for a directory of the transparent
// backend.
type sumcheckDir struct{ dir string }

func (e sumcheckDir) Error() string {
	return e.dir + " was compiled with --backend sumcheck (transparent: no keys, circuit, EVM or web verifier): this command needs a directory compiled with --backend groth16 or plonk"
}

// asSumcheck reports whether err is openDir's sumcheckDir.
func asSumcheck(err error) (string, bool) {
	var sd sumcheckDir
	if errors.As(err, &sd) {
		return sd.dir, true
	}
	return "", false
}

// onlyFlags refuses any flag set on fs beyond those named: the transparent
// backend has no use for them, and ignoring one silently would prove or
// check something other than what was asked.
func onlyFlags(fs *flag.FlagSet, allowed ...string) error {
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		if !slices.Contains(allowed, f.Name) {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("%s: not supported with --backend sumcheck (a private input, fixed or hashed weights, public outputs and a context)", strings.Join(bad, ", "))
	}
	return nil
}

// compileSumcheck is compile --backend sumcheck.
func compileSumcheck(fs *flag.FlagSet, modelPath, dir string, qs quant.Settings, vis circuit.Visibility) error {
	if err := onlyFlags(fs, "out", "backend", "scale", "param-scale", "act-bits", "settings", "input", "ignore-extra-inputs", "quiet",
		"input-visibility", "param-visibility", "output-visibility"); err != nil {
		return err
	}
	c, err := artifact.Compile(modelPath, dir, qs, vis)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compiled %s into %s: %s, %d public inputs (%s); no setup needed: prove and verify directly\n",
		modelPath, dir, c.Chain.Describe(), c.Settings.PublicInputs, c.Settings.Backend)
	return nil
}

// setupSumcheck is setup on a transparent directory: there is nothing to
// make, and nothing is written.
func setupSumcheck(fs *flag.FlagSet, dir string) error {
	if err := onlyFlags(fs, "quiet", "force", "max-constraints"); err != nil {
		return err
	}
	if _, err := artifact.Open(dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s uses --backend sumcheck: no setup, no keys (the proof rests on SHA-256 only); nothing written, prove directly\n", dir)
	return nil
}

// proveSumcheck is prove on a transparent directory; with hashed weights
// it takes the model with its weights (--model) and their salt
// (--param-salt), as Groth16's prove does.
func proveSumcheck(fs *flag.FlagSet, dir, input, out string, ignoreExtra bool, pf proveFlagSet) error {
	c, err := artifact.Open(dir)
	if err != nil {
		return err
	}
	allowed := []string{"input", "proof", "quiet", "ignore-extra-inputs", "max-constraints", "context"}
	hashed := c.Settings.Visibility.Params == circuit.Hashed
	if hashed {
		allowed = append(allowed, "model", "param-salt")
	}
	if err := onlyFlags(fs, allowed...); err != nil {
		return err
	}
	if hashed {
		if c, err = c.Weighted(*pf.weights); err != nil {
			return fmt.Errorf("prove: %w", err)
		}
	}
	in, err := model.ReadInput(input)
	if err != nil {
		return err
	}
	if err := checkRows(c.Model, in, input, ignoreExtra); err != nil {
		return err
	}
	ctx, err := circuit.ParseContext(*pf.context)
	if err != nil {
		return fmt.Errorf("--context: %w", err)
	}
	var p *verifier.Proof
	if hashed {
		salt, err := circuit.ParseSalt(*pf.paramSalt)
		if err != nil {
			return fmt.Errorf("--param-salt: %w", err)
		}
		p, err = c.ProveHashed(in, salt, ctx)
		if err != nil {
			return err
		}
	} else if p, err = c.Prove(in, ctx); err != nil {
		return err
	}
	if err := proof.WriteProof(out, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", out)
	return nil
}

// verifySumcheck is verify on a transparent directory: the statement is
// printed in the words Groth16's verify uses (verifier.Describe), the
// context (hex, as Groth16's --context) expected when not empty.
func verifySumcheck(fs *flag.FlagSet, dir, file, modelCommitment, context string) error {
	if err := onlyFlags(fs, "proof", "quiet", "model-commitment", "context"); err != nil {
		return err
	}
	ctx, err := circuit.ParseContext(context)
	if err != nil {
		return fmt.Errorf("--context: %w", err)
	}
	c, err := artifact.Open(dir)
	if err != nil {
		return err
	}
	p, err := proof.ReadProof(file)
	if couldNotRead(err) {
		return err
	}
	if err != nil {
		return invalid(fmt.Errorf("INVALID: %w", err))
	}
	if err := c.Verify(p, verifier.Options{ModelCommitment: modelCommitment, Context: ctx}); err != nil {
		return invalid(fmt.Errorf("%s: INVALID: %w", file, err))
	}
	fmt.Fprintf(stdout, "verified: %s (transparent sumcheck proof, no setup; chain sha256 %s)\n", verifier.Describe(&c.Settings, p), c.ChainSHA256())
	return nil
}

// commitSumcheck is commit DIR --model MODEL.onnx --param-salt HEX on a
// transparent directory compiled with hashed weights: the model commitment
// (the Poseidon2 Merkle root of the packed weights and the salt,
// weightroot.Hex; recomputed from the ONNX and the salt, nothing proven)
// its proofs carry.
func commitSumcheck(dir, weights, input string, salt *big.Int) error {
	if input != "" || weights == "" {
		return usageError{"a --backend sumcheck directory commits to weights only: give --model MODEL.onnx and --param-salt"}
	}
	c, err := artifact.Open(dir)
	if err != nil {
		return err
	}
	h, err := c.WeightsCommitment(weights, salt)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, h)
	fmt.Fprintf(stderr, "commit: publish it; a verifier checks it (no keys, no setup): zkinfer verify %s --proof PROOF.json --model-commitment %s\n", dir, h)
	return nil
}
