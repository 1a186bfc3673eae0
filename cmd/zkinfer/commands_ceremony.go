package main

import (
	"encoding/hex"
	"flag"
	"fmt"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

func init() {
	commands = append(commands, command{"ceremony", "init|contribute|phase2|verify|finalize ...", "multi-party Groth16 setup (see `zkinfer ceremony -h`, docs/SETUP.md)", cmdCeremony})
}

// ceremonyUsage lists the subcommands in the order a ceremony runs them.
const ceremonyUsage = `usage:
  zkinfer ceremony init DIR [--out STATE]                       coordinator: phase 1's start for DIR's circuit
  zkinfer ceremony contribute STATE --out NEXT                  each participant, on their own machine
  zkinfer ceremony phase2 DIR STATE --beacon HEX [--out NEXT]   coordinator: close phase 1, open phase 2
  zkinfer ceremony contribute STATE --out NEXT                  each participant again
  zkinfer ceremony verify STATE... --dir DIR --in-progress     coordinator, before finalize: the chain so far
  zkinfer ceremony finalize STATE DIR --beacon HEX              coordinator: write pk.bin and vk.bin into DIR
  zkinfer ceremony verify STATE... --dir DIR                    anyone: every contribution, and DIR's keys
                          [--min-contributions N]               (each phase needs N, default 1)
Every state file's sha256 is printed: participants publish theirs. The beacons are printed
for comparison with the values announced in advance. Proofs are sound if one participant of
each phase was honest; a Pedersen model commitment binds if one phase-1 participant was.
See docs/SETUP.md.`

// cmdCeremony dispatches the ceremony's subcommands.
func cmdCeremony(fs *flag.FlagSet, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, ceremonyUsage)
		if len(args) == 0 {
			return usageError{"give a subcommand"}
		}
		return nil
	}
	sub := map[string]func(*flag.FlagSet, []string) error{
		"init": ceremonyInit, "contribute": ceremonyContribute, "phase2": ceremonyPhase2,
		"verify": ceremonyVerify, "finalize": ceremonyFinalize,
	}[args[0]]
	if sub == nil {
		return usageError{fmt.Sprintf("unknown subcommand %q (init, contribute, phase2, verify, finalize)", args[0])}
	}
	return sub(fs, args[1:])
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
		return nil, nil, nil, err
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
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, err := parse(fs, args, 1, "out")
	if err != nil {
		return err
	}
	s, err := ceremony.Contribute(pos[0], *out, progress(*quiet))
	if err != nil {
		return err
	}
	printStep(s)
	fmt.Fprintln(stdout, "publish this hash; your randomness is gone with this process")
	return nil
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
	var files []string
	for len(args) > 0 { // flags may come anywhere among the files
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) > 0 {
			files, args = append(files, args[0]), args[1:]
		}
	}
	switch {
	case len(files) == 0:
		return usageError{"give the state files, from phase 1's start, in order"}
	case *minN < 1:
		return usageError{fmt.Sprintf("--min-contributions %d: give at least 1", *minN)}
	case *dir == "" && !*inProgress:
		return usageError{"give --dir DIR: a finished ceremony is checked against DIR's circuit and keys (--in-progress checks one not yet finalized)"}
	}
	rep, err := proof.VerifyCeremony(*dir, files, ceremony.VerifyOptions{MinContributions: *minN, InProgress: *inProgress, Progress: progress(*quiet)})
	if err != nil {
		return err
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
	pos, beacon, c, err := coordinatorArgs(fs, args, beaconHex, 1)
	if err != nil {
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
