package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

func init() {
	commands = append(commands, command{"ceremony", "init|contribute|phase2|verify|finalize ...", "multi-party Groth16 setup (see `zkinfer ceremony -h`, docs/SETUP.md)", cmdCeremony})
}

// ceremonyUsage lists the subcommands in the order a ceremony runs them.
const ceremonyUsage = `usage:
  zkinfer ceremony init DIR [--out STATE]                       coordinator: phase 1's start for DIR's circuit
  zkinfer ceremony contribute STATE... --out NEXT               each participant: verifies the chain STATE...
                                                                (from phase 1's start), then builds on its last
  zkinfer ceremony phase2 DIR STATE --beacon HEX [--out NEXT]   coordinator: close phase 1, open phase 2
  zkinfer ceremony contribute STATE... --dir DIR --out NEXT     each participant again (phase 2 needs --dir)
  zkinfer ceremony verify STATE... --dir DIR --in-progress     coordinator, before finalize: the chain so far
  zkinfer ceremony finalize STATE DIR --beacon HEX [--force]    coordinator: write pk.bin and vk.bin into DIR
  zkinfer ceremony verify STATE... --dir DIR                    anyone: every contribution, and DIR's keys
                          [--min-contributions N]               (each phase needs N, default 1)
Every state file's sha256 is printed: participants publish theirs. The beacons are printed
for comparison with the values announced in advance. Proofs are sound if one participant of
each phase was honest; a Pedersen model commitment binds if one phase-1 participant was.
See docs/SETUP.md.`

// ceremonySubcommands are the ceremony's subcommands, with their
// arguments and what they do.
var ceremonySubcommands = []command{
	{"init", "DIR [--out STATE]", "coordinator: phase 1's start for DIR's circuit", ceremonyInit},
	{"contribute", "STATE... --out NEXT [--dir DIR]", "each participant: verify the chain STATE... from phase 1's start, then add randomness to its last state", ceremonyContribute},
	{"phase2", "DIR STATE --beacon HEX [--out NEXT]", "coordinator: close phase 1 with the beacon, open phase 2", ceremonyPhase2},
	{"verify", "STATE... --dir DIR [--in-progress] [--min-contributions N]", "anyone: every contribution, and DIR's keys", ceremonyVerify},
	{"finalize", "STATE DIR --beacon HEX [--force]", "coordinator: write pk.bin and vk.bin into DIR", ceremonyFinalize},
}

// subUsageError is a usage error of a ceremony subcommand, printed with
// that subcommand's usage.
type subUsageError struct {
	usageError
	usage string
}

// cmdCeremony dispatches the ceremony's subcommands.
func cmdCeremony(fs *flag.FlagSet, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprintln(stderr, ceremonyUsage)
			return usageError{"give a subcommand"}
		}
		fmt.Fprintln(stdout, ceremonyUsage)
		return nil
	}
	for _, sub := range ceremonySubcommands {
		if sub.name != args[0] {
			continue
		}
		sfs := flag.NewFlagSet("ceremony "+sub.name, flag.ContinueOnError)
		sfs.SetOutput(io.Discard)
		err := sub.run(sfs, args[1:])
		var ue usageError
		switch {
		case errors.Is(err, flag.ErrHelp):
			fmt.Fprintf(stdout, "usage: zkinfer ceremony %s %s\n%s\n", sub.name, sub.args, sub.help)
			printFlags(stdout, sfs)
			return nil
		case errors.As(err, &ue):
			return subUsageError{ue, "ceremony " + sub.name + " " + sub.args}
		}
		return err
	}
	return usageError{fmt.Sprintf("unknown subcommand %q (init, contribute, phase2, verify, finalize)", args[0])}
}

// printStep says what a step wrote and the hash to publish.
func printStep(s *ceremony.Step) {
	fmt.Fprintf(stdout, "wrote %s (%s)\nsha256 %s\n", s.Path, s.Name, s.SHA256)
}

// printBeacons prints the beacons that closed phase 1 and 2 ("" for one
// not reached) on lines of their own: they are public, and whoever reads
// them compares them with the values announced before each phase's last
// contribution (a beacon chosen after it would let the coordinator bias the
// result).
func printBeacons(phase1, phase2 string) {
	for i, b := range []string{phase1, phase2} {
		if b != "" {
			fmt.Fprintf(stdout, "beacon closing phase %d: 0x%s\n", i+1, b)
		}
	}
	fmt.Fprintln(stdout, "  compare with the value announced in advance")
}

// coordinatorArgs parses the arguments of phase2 and finalize: two
// positional ones, the compiled directory at pos[dir], and --beacon.
func coordinatorArgs(fs *flag.FlagSet, args []string, beaconHex *string, dir int) ([]string, []byte, *proof.Compiled, error) {
	pos, err := parse(fs, args, 2, "beacon")
	if err != nil {
		return nil, nil, nil, err
	}
	beacon, err := ceremony.ParseBeacon(*beaconHex)
	if err != nil {
		return nil, nil, nil, usageError{"--beacon: " + err.Error()}
	}
	c, err := proof.Open(pos[dir])
	if err != nil {
		return nil, nil, nil, err
	}
	return pos, beacon, c, nil
}

func ceremonyInit(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "state file to write (default DIR/ceremony/phase1-0000.state)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	c, err := proof.Open(pos[0])
	if err != nil {
		return err
	}
	if *out == "" {
		if *out, err = c.DefaultStatePath(1); err != nil {
			return err
		}
	}
	s, err := c.CeremonyInit(*out)
	if err != nil {
		return err
	}
	printStep(s)
	return nil
}

func ceremonyContribute(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "state file to write: pass it on to the next participant")
	dir := fs.String("dir", "", "the compiled directory: needed to verify a chain that reaches phase 2")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	files, err := stateFiles(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	// Verify what this contribution builds on: a tampered or foreign
	// state would make the published hash vouch for it.
	if _, err := proof.VerifyCeremony(*dir, files, ceremony.VerifyOptions{InProgress: true, Progress: progress(*quiet)}); err != nil {
		return invalid(fmt.Errorf("not contributing: %w (give every state file from phase 1's start, in order, ending with the one to build on)", err))
	}
	s, err := ceremony.Contribute(files[len(files)-1], *out, progress(*quiet))
	if err != nil {
		return err
	}
	printStep(s)
	fmt.Fprintf(stdout, "verified the %d state file(s) it builds on; publish this hash; your randomness is gone with this process\n", len(files))
	return nil
}

// stateFiles parses a command line of state files with flags anywhere
// among them.
func stateFiles(fs *flag.FlagSet, args []string) ([]string, error) {
	quietFlag(fs)
	var files []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) > 0 {
			files, args = append(files, args[0]), args[1:]
		}
	}
	if len(files) == 0 {
		return nil, usageError{"give the state files, from phase 1's start, in order"}
	}
	return files, nil
}

func ceremonyPhase2(fs *flag.FlagSet, args []string) error {
	beaconHex := fs.String("beacon", "", "hex value of the random beacon announced in advance (closes phase 1)")
	out := fs.String("out", "", "state file to write (default DIR/ceremony/phase2-0000.state)")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, beacon, c, err := coordinatorArgs(fs, args, beaconHex, 0)
	if err != nil {
		return err
	}
	if *out == "" {
		if *out, err = c.DefaultStatePath(2); err != nil {
			return err
		}
	}
	s, err := c.CeremonyPhase2(pos[1], *out, beacon, progress(*quiet))
	if err != nil {
		return err
	}
	printStep(s)
	printBeacons(hex.EncodeToString(beacon), "")
	return nil
}

func ceremonyVerify(fs *flag.FlagSet, args []string) error {
	dir := fs.String("dir", "", "the compiled directory: the circuit phase 2 is for, and the keys the chain must give")
	minN := fs.Int("min-contributions", 1, "the least number of contributions each phase must have")
	inProgress := fs.Bool("in-progress", false, "check a ceremony not yet finalized: the chain so far, not the keys")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	files, err := stateFiles(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *minN < 1:
		return usageError{fmt.Sprintf("--min-contributions %d: give at least 1", *minN)}
	case *dir == "" && !*inProgress:
		return usageError{"give --dir DIR: a finished ceremony is checked against DIR's circuit and keys (--in-progress checks one not yet finalized)"}
	}
	rep, err := proof.VerifyCeremony(*dir, files, ceremony.VerifyOptions{MinContributions: *minN, InProgress: *inProgress, Progress: progress(*quiet)})
	if err != nil {
		return invalid(err)
	}
	for _, s := range rep.Steps {
		fmt.Fprintf(stdout, "%-24s sha256 %s  %s\n", s.Name, s.SHA256, s.Path)
	}
	if rep.Beacon1 != "" {
		printBeacons(rep.Beacon1, rep.Beacon2)
	}
	if *inProgress {
		fmt.Fprintf(stdout, "in progress: %d phase-1 and %d phase-2 contributions verified so far; no keys checked (verify again without --in-progress after finalize)\n", rep.Phase1, rep.Phase2)
		return nil
	}
	fmt.Fprintf(stdout, "verified: %d phase-1 and %d phase-2 contributions; %s\ntrust: %s\n", rep.Phase1, rep.Phase2, rep.Keys, ceremony.Trust)
	return nil
}

func ceremonyFinalize(fs *flag.FlagSet, args []string) error {
	beaconHex := fs.String("beacon", "", "hex value of the random beacon announced in advance (closes phase 2)")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	force := forceFlag(fs)
	pos, beacon, c, err := coordinatorArgs(fs, args, beaconHex, 1)
	if err != nil {
		return err
	}
	if err := keepKeys(c, *force); err != nil {
		return err
	}
	if err := c.CeremonyFinalize(pos[0], beacon, progress(*quiet)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s into %s from the ceremony ending with %s\n", proof.ProvingKey, proof.VerifyingKey, pos[1], pos[0])
	printBeacons("", hex.EncodeToString(beacon))
	fmt.Fprintf(stdout, "trust: %s\n", ceremony.Trust)
	return nil
}
