package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

func init() {
	commands = append(commands, command{"dataset", "commit DATA.json --out COMMITMENT.json [--salt HEX] | salt",
		"commit to a dataset's records, labels and group columns (Poseidon2, salted), or draw a fresh salt", cmdDataset})
}

const datasetUsage = `usage: zkinfer dataset commit DATA.json --out COMMITMENT.json [--salt HEX] [--scale 12] [--bits 24] [--classes C]
       zkinfer dataset salt
DATA.json: {"input_data": [[features of record 1], ...], "labels": [class, ...], "groups": {"COLUMN": [0 or 1, ...]}, "salt": "0x..."}`

// cmdDataset dispatches dataset's subcommands.
func cmdDataset(fs *flag.FlagSet, args []string) error {
	for len(args) > 0 && (args[0] == "--quiet" || args[0] == "-quiet") {
		args = args[1:] // every command takes --quiet; dataset prints no progress
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprintln(stderr, datasetUsage)
			return usageError{"give a subcommand (commit, salt)"}
		}
		fmt.Fprintln(stdout, datasetUsage)
		return nil
	}
	subs := map[string]struct {
		args string
		run  func(*flag.FlagSet, []string) error
	}{
		"commit": {"DATA.json --out COMMITMENT.json [--salt HEX]", cmdDatasetCommit},
		"salt":   {"", cmdDatasetSalt},
	}
	sub, ok := subs[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown subcommand %.40q (commit, salt)", args[0])}
	}
	sfs := flag.NewFlagSet("dataset "+args[0], flag.ContinueOnError)
	sfs.SetOutput(io.Discard)
	err := sub.run(sfs, args[1:])
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "usage: zkinfer dataset %s %s\n", args[0], sub.args)
		printFlags(stdout, sfs)
		return nil
	case errors.As(err, &ue):
		return subUsageError{ue, "dataset " + args[0] + " " + sub.args}
	}
	return err
}

// datasetFlags are the fixed-point format of a dataset's features.
type datasetFlags struct{ scale, bits, classes *int }

func newDatasetFlags(fs *flag.FlagSet) datasetFlags {
	return datasetFlags{
		fs.Int("scale", 12, "features are quantized as round(x·2^scale): the model's input scale"),
		fs.Int("bits", 24, "signed bit width of a quantized feature (at most the model's --act-bits)"),
		fs.Int("classes", 0, "number of classes (0: the largest label + 1, at least 2)"),
	}
}

// readRecords reads DATA.json and quantizes it with the salt of --salt or
// of the file.
func readRecords(path, saltFlag string, df datasetFlags) (*audit.Records, error) {
	d, err := audit.ReadData(path)
	if err != nil {
		return nil, err
	}
	saltHex := d.Salt
	if saltFlag != "" {
		if d.Salt != "" && d.Salt != saltFlag {
			return nil, usageError{fmt.Sprintf("--salt differs from the salt in %s", path)}
		}
		saltHex = saltFlag
	}
	if saltHex == "" {
		return nil, usageError{fmt.Sprintf("%s has no \"salt\": give --salt HEX (zkinfer dataset salt draws one; 0 for none, which lets anyone test guesses of the records)", path)}
	}
	salt, err := circuit.ParseSalt(saltHex)
	if err != nil {
		return nil, fmt.Errorf("salt: %w", err)
	}
	return d.Quantize(*df.scale, *df.bits, *df.classes, salt)
}

func cmdDatasetCommit(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "the commitment file to write (public: publish it)")
	salt := fs.String("salt", "", "hex salt, a secret of the data holder (default: DATA.json's \"salt\")")
	df := newDatasetFlags(fs)
	pos, err := parse(fs, args, 1, "out")
	if err != nil {
		return err
	}
	rs, err := readRecords(pos[0], *salt, df)
	if err != nil {
		return err
	}
	h, err := rs.Commitment()
	if err != nil {
		return err
	}
	cf := audit.CommitmentFile{Format: audit.CommitmentFormat, Commitment: circuit.Hex(h), Schema: rs.Schema}
	b, err := json.MarshalIndent(cf, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "committed %s records of %d features (%d classes, group columns %q) as %s; wrote %s\n",
		fmt.Sprint(rs.Schema.Records), rs.Schema.Features, rs.Schema.Classes, rs.Schema.Groups, cf.Commitment, *out)
	return nil
}

func cmdDatasetSalt(fs *flag.FlagSet, args []string) error {
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, err := audit.NewSalt()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, audit.SaltHex(s))
	return nil
}
