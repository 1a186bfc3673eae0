package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/transparent/artifact"
)

func init() {
	commands = append(commands, command{"commit", "DIR --model MODEL.onnx | MODEL.onnx | DIR --input IN.json", "print the commitment of a model's weights (or of an input)", cmdCommit})
}

// cmdCommit prints the commitment that a circuit with hashed parameters
// binds the weights to: with a set-up DIR and --model, the commitment of that
// directory's scheme (pedersen: the D its proofs carry, which depends on the
// proving key); with MODEL.onnx alone, the Poseidon2 commitment. With a DIR
// and --input, it prints the commitment of an input for hashed inputs.
func cmdCommit(fs *flag.FlagSet, args []string) error {
	qs := quantFlags(fs)
	bits := fs.Int("param-bits", model.DefaultParamBits, "MODEL.onnx alone: signed bit width of each quantized weight, as given to compile")
	salt := fs.String("salt", "", "hex salt (the --param-salt of prove; with --input, its --salt)")
	paramSalt := fs.String("param-salt", "", "hex salt of the weights' commitment, as given to prove (same as --salt)")
	weights := fs.String("model", "", "with a compiled DIR: the model with its weights")
	input := fs.String("input", "", "with a compiled DIR: print the commitment of this input file instead")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *weights != "" && *input != "" {
		return usageError{"give --model or --input, not both"}
	}
	saltHex := *salt
	if *paramSalt != "" {
		if *input != "" || (*salt != "" && *salt != *paramSalt) {
			return usageError{"--param-salt is the weights' salt: give it with --model, or give --salt"}
		}
		saltHex = *paramSalt
	}
	s, err := circuit.ParseSalt(saltHex)
	if err != nil {
		return fmt.Errorf("--salt: %w", err)
	}
	st, err := os.Stat(pos[0])
	if err != nil {
		return err
	}
	if !st.IsDir() {
		if *input != "" || *weights != "" {
			return usageError{"--input and --model take a compiled directory as the argument"}
		}
		h, err := proof.ModelCommitment(pos[0], *qs, *bits, s)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, h)
		return nil
	}
	if segment.IsSegmented(pos[0]) {
		return commitSegmented(pos[0], *weights, *input, s)
	}
	if artifact.IsDir(pos[0]) {
		return commitSumcheck(pos[0], *weights, *input, s)
	}
	c, err := proof.Open(pos[0])
	if err != nil {
		return err
	}
	var h string
	switch {
	case *input != "":
		in, err := model.ReadInput(*input)
		if err != nil {
			return err
		}
		h, err = c.InputCommitment(in, s)
		if err != nil {
			return err
		}
	case *weights == "":
		return usageError{"with a compiled directory, give --model MODEL.onnx (its weights' commitment) or --input IN.json"}
	default:
		if h, err = c.WeightsCommitment(*weights, s); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, h)
	if *weights != "" {
		vkHash, err := c.VerifyingKeySHA256()
		if err != nil { // Poseidon2 needs no keys to commit
			fmt.Fprintf(stderr, "commit: %s has no verifying key yet: after setup, publish the commitment with the key's SHA-256 (run commit again)\n", pos[0])
			return nil
		}
		fmt.Fprintf(stderr, "commit: publish it with the verifying key's sha256 %s; a verifier checks both: zkinfer verify %s --model-commitment %s --vk-sha256 %s\n", vkHash, pos[0], h, vkHash)
	}
	return nil
}
