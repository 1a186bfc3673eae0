package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

func init() {
	commands = append(commands, command{"dp", "commit --seed-out SEED --out COMMITMENT.json | coins",
		"differential privacy: commit to a secret noise seed, or draw a verifier's public coins (docs/DP.md)", cmdDP})
}

const dpUsage = `usage: zkinfer dp commit --seed-out SEED --out COMMITMENT.json   (the data holder, once, before any coins)
       zkinfer dp coins                                          (the verifier, for each release, after the commitment is published)`

// cmdDP dispatches dp's subcommands.
func cmdDP(fs *flag.FlagSet, args []string) error {
	for len(args) > 0 && (args[0] == "--quiet" || args[0] == "-quiet") {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprintln(stderr, dpUsage)
			return usageError{"give a subcommand (commit, coins)"}
		}
		fmt.Fprintln(stdout, dpUsage)
		return nil
	}
	subs := map[string]struct {
		args string
		run  func(*flag.FlagSet, []string) error
	}{
		"commit": {"--seed-out SEED --out COMMITMENT.json", cmdDPCommit},
		"coins":  {"", cmdDPCoins},
	}
	sub, ok := subs[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown subcommand %.40q (commit, coins)", args[0])}
	}
	sfs := flag.NewFlagSet("dp "+args[0], flag.ContinueOnError)
	sfs.SetOutput(io.Discard)
	err := sub.run(sfs, args[1:])
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "usage: zkinfer dp %s %s\n", args[0], sub.args)
		printFlags(stdout, sfs)
		return nil
	case errors.As(err, &ue):
		return subUsageError{ue, "dp " + args[0] + " " + sub.args}
	}
	return err
}

func cmdDPCommit(fs *flag.FlagSet, args []string) error {
	seedOut := fs.String("seed-out", "", "the secret seed file to write (mode 0600: keep it with the data)")
	out := fs.String("out", "", "the commitment file to write (public: publish it before any coins are drawn)")
	force := fs.Bool("force", false, "replace an existing seed file (a new seed needs a new published commitment)")
	if _, err := parse(fs, args, 0, "seed-out", "out"); err != nil {
		return err
	}
	if filepath.Clean(*seedOut) == filepath.Clean(*out) {
		return usageError{"--seed-out and --out are the same file: the seed is secret, the commitment public"}
	}
	if _, err := os.Stat(*seedOut); err == nil && !*force {
		return fmt.Errorf("%s exists: a seed is committed once; give --force to draw a new one (and publish its new commitment)", *seedOut)
	}
	seed, err := dp.NewSeed()
	if err != nil {
		return err
	}
	cm := dp.FieldHex(dp.SeedCommitment(seed))
	sb, err := json.MarshalIndent(dp.SeedFile{Format: dp.SeedFormat, Seed: dp.FieldHex(seed), Commitment: cm}, "", "  ")
	if err != nil {
		return err
	}
	cb, err := json.MarshalIndent(dp.CommitmentFile{Format: dp.CommitmentFormat, Commitment: cm}, "", "  ")
	if err != nil {
		return err
	}
	if err := writeSecret(*seedOut, append(sb, '\n')); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, append(cb, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "committed a fresh secret seed as %s; wrote %s (secret) and %s (publish it before the verifier draws coins)\n", cm, *seedOut, *out)
	return nil
}

// writeSecret writes a file readable by its owner only, through a
// temporary sibling and a rename.
func writeSecret(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func cmdDPCoins(fs *flag.FlagSet, args []string) error {
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	c, err := dp.NewCoins()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, hex.EncodeToString(c))
	return nil
}
