package main

import (
	"flag"
	"fmt"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
)

func init() {
	commands = append(commands, command{"commit", "MODEL.onnx | DIR --input IN.json", "print the commitment of a model's weights (or of an input)", cmdCommit})
}

// cmdCommit prints the Poseidon2 commitment that a circuit with hashed
// parameters binds the weights to, or with --input, the commitment of an
// input for a compiled directory with hashed inputs.
func cmdCommit(fs *flag.FlagSet, args []string) error {
	qs := quantFlags(fs)
	bits := fs.Int("param-bits", model.DefaultParamBits, "signed bit width of each quantized weight, as given to compile")
	salt := fs.String("salt", "", "hex salt (the --param-salt of prove; with --input, its --salt)")
	input := fs.String("input", "", "with a compiled DIR: print the commitment of this input file instead")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	s, err := circuit.ParseSalt(*salt)
	if err != nil {
		return fmt.Errorf("--salt: %w", err)
	}
	if *input != "" {
		c, err := proof.Open(pos[0])
		if err != nil {
			return err
		}
		in, err := model.ReadInput(*input)
		if err != nil {
			return err
		}
		h, err := c.InputCommitment(in, s)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, h)
		return nil
	}
	h, err := proof.ModelCommitment(pos[0], *qs, *bits, s)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, h)
	return nil
}
