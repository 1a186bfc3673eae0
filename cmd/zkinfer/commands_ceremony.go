package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"

	"github.com/zkinfer/zkinfer/proof/ceremony"
)

func init() {
	commands = append(commands, command{"ceremony", "init|contribute|prepare|phase2|verify|finalize ...", "multi-party Groth16 setup (see `zkinfer ceremony -h`, docs/SETUP.md)", cmdCeremony})
}

// ceremonyUsage lists the subcommands in the order a ceremony runs them.
const ceremonyUsage = `usage:
  zkinfer ceremony init DIR [--out STATE]                       coordinator: phase 1's start for DIR's circuit
  zkinfer ceremony contribute STATE... --out NEXT               each participant: verifies the contributions in
                                                                STATE... (the whole chain from phase 1's start,
                                                                or its last states), then builds on the last
  zkinfer ceremony phase2 DIR STATE --beacon HEX [--out NEXT]   coordinator: close phase 1, open phase 2
  zkinfer ceremony contribute STATE... --dir DIR --out NEXT     each participant again (phase 2 needs --dir)
  zkinfer ceremony verify STATE... --dir DIR --in-progress     coordinator, before finalize: the chain so far
  zkinfer ceremony finalize STATE DIR --beacon HEX [--force]    coordinator: write pk.bin and vk.bin into DIR
                          (or --no-beacon: closed at the last contribution)
  zkinfer ceremony verify STATE... --dir DIR                    anyone: every contribution, and DIR's keys
                          [--min-contributions N]               (each phase needs N, default 1)
Every state file's sha256 is printed: participants publish theirs. The beacons are printed
for comparison with the values announced in advance. Proofs are sound if one participant of
each phase was honest; a Pedersen model commitment binds if one phase-1 participant was.
Phase 1 once per size, shared by every circuit of that size (a per-model ceremony is then phase 2 only):
  zkinfer ceremony prepare STATE --beacon HEX --out FILE       coordinator: close phase 1, convert it to the
                                                                Lagrange basis (once per domain size)
  zkinfer ceremony verify STATE... --prepared FILE              anyone, once per size: phase 1's chain and FILE;
                                                                prints FILE's sha256: record it
  zkinfer ceremony phase2 DIR --prepared FILE [--out NEXT]      coordinator: open phase 2 for DIR's circuit
  zkinfer ceremony finalize STATE DIR --beacon HEX|--no-beacon --prepared FILE
  zkinfer ceremony verify STATE... --dir DIR --prepared FILE --prepared-sha256 HEX
                                                                anyone: phase 2's chain (from its start) and
                                                                DIR's keys, against the verified FILE
DIR is a compiled model's directory, or a federated aggregation's (fl setup --ceremony), whose
finalize also writes the clients' bases and whose verify also compiles the circuit again.
See docs/SETUP.md and docs/FEDERATED.md.`

// ceremonySubcommands are the ceremony's subcommands, with their
// arguments and what they do.
var ceremonySubcommands = []command{
	{"init", "DIR [--out STATE]", "coordinator: phase 1's start for DIR's circuit", ceremonyInit},
	{"contribute", "STATE... --out NEXT [--dir DIR]", "each participant: verify the chain STATE... from phase 1's start, then add randomness to its last state", ceremonyContribute},
	{"prepare", "STATE --beacon HEX --out FILE", "coordinator, once per domain size: close phase 1 at its last state STATE with the beacon and convert it to the Lagrange basis, for every circuit of that size (`phase2 DIR --prepared FILE`)", ceremonyPrepare},
	{"phase2", "DIR STATE --beacon HEX [--out NEXT] | DIR --prepared FILE [--out NEXT]", "coordinator: close phase 1 with the beacon, open phase 2; or open phase 2 from a prepared phase 1", ceremonyPhase2},
	{"verify", "STATE... --dir DIR [--in-progress] [--min-contributions N] [--prepared FILE --prepared-sha256 HEX] | STATE... --prepared FILE", "anyone: every contribution, and DIR's keys; or, with phase 1's chain and no --dir, a prepared phase 1 (printing the sha256 to record)", ceremonyVerify},
	{"finalize", "STATE DIR --beacon HEX|--no-beacon [--prepared FILE] [--force]", "coordinator: write pk.bin and vk.bin into DIR, closing phase 2 with the beacon or at its last contribution", ceremonyFinalize},
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
	return usageError{fmt.Sprintf("unknown subcommand %q (init, contribute, prepare, phase2, verify, finalize)", args[0])}
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

// phase2Args parses the arguments of phase2 (from phase 1's last state):
// the compiled directory and the state, and --beacon.
func phase2Args(fs *flag.FlagSet, args []string, beaconHex *string) ([]string, []byte, ceremonyDir, error) {
	pos, err := parse(fs, args, 2, "beacon")
	if err != nil {
		return nil, nil, ceremonyDir{}, err
	}
	beacon, err := ceremony.ParseBeacon(*beaconHex)
	if err != nil {
		return nil, nil, ceremonyDir{}, usageError{"--beacon: " + err.Error()}
	}
	c, err := openCeremonyDir(pos[0])
	if err != nil {
		return nil, nil, ceremonyDir{}, err
	}
	return pos, beacon, c, nil
}

func ceremonyInit(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "state file to write (default DIR/ceremony/phase1-0000.state)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	c, err := openCeremonyDir(pos[0])
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
	prepared, digest := preparedFlags(fs)
	files, err := stateFiles(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	// Verify what this contribution builds on: a tampered or foreign
	// state would make the published hash vouch for it. The participant
	// chooses how far back: the whole chain, or its last states (each
	// phase-2 state costs an MSM over its vectors, so checking the whole
	// chain grows with every contribution; `ceremony verify` checks it all
	// in the end).
	rep, err := verifyCeremonyDir(*dir, files, ceremony.VerifyOptions{InProgress: true, FromAny: true, KeepLast: true, Progress: progress(*quiet), Prepared: *prepared, PreparedSHA256: *digest})
	if err != nil {
		return invalid(fmt.Errorf("not contributing: %w (give the state files in order, ending with the one to build on: the whole chain from phase 1's start, or from phase 2's start when it was opened from a prepared phase 1, or its last states)", err))
	}
	s, err := ceremony.ContributeVerified(rep, *out, progress(*quiet))
	if err != nil {
		return err
	}
	printStep(s)
	switch {
	case rep.FirstUnchecked != "" && len(files) == 1:
		fmt.Fprintf(stdout, "checked nothing before it: %s was taken as it is (give the states before it to check their contributions; `ceremony verify` checks the whole chain); publish this hash; your randomness is gone with this process\n", rep.FirstUnchecked)
	case rep.FirstUnchecked != "":
		fmt.Fprintf(stdout, "verified the %d contribution(s) after %s, which was taken as it is with the chain before it (`ceremony verify` checks the whole chain); publish this hash; your randomness is gone with this process\n", len(files)-1, rep.FirstUnchecked)
	default:
		fmt.Fprintf(stdout, "verified the %d state file(s) it builds on; publish this hash; your randomness is gone with this process\n", len(files))
	}
	if rep.StartUnchecked {
		fmt.Fprintln(stdout, "phase 2's start was not checked against its prepared phase 1 (give --dir DIR --prepared FILE --prepared-sha256 HEX to check it)")
	}
	return nil
}

// preparedFlags are the flags naming a prepared phase 1 and its recorded
// digest.
func preparedFlags(fs *flag.FlagSet) (file, digest *string) {
	file = fs.String("prepared", "", "the prepared phase 1 (`ceremony prepare`) phase 2 was opened from")
	digest = fs.String("prepared-sha256", "", "the prepared file's sha256 as recorded when it was verified (`ceremony verify PHASE1-STATE... --prepared FILE`)")
	return file, digest
}

func ceremonyPrepare(fs *flag.FlagSet, args []string) error {
	beaconHex := fs.String("beacon", "", "hex value of the random beacon announced in advance (closes phase 1)")
	out := fs.String("out", "", "prepared file to write")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, err := parse(fs, args, 1, "beacon", "out")
	if err != nil {
		return err
	}
	beacon, err := ceremony.ParseBeacon(*beaconHex)
	if err != nil {
		return usageError{"--beacon: " + err.Error()}
	}
	info, err := ceremony.Prepare(pos[0], *out, beacon, progress(*quiet))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (phase 1 prepared for size 2^%d)\nsha256 %s\n", info.Path, bits.TrailingZeros64(info.Domain), info.SHA256)
	printBeacons(info.Beacon, "")
	fmt.Fprintln(stdout, "verify it once (`ceremony verify PHASE1-STATE... --prepared FILE`) and record its sha256")
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
	prepared, digest := preparedFlags(fs)
	isPrepared := func(a string) bool {
		return strings.HasPrefix(a, "-") && strings.HasPrefix(strings.TrimLeft(a, "-"), "prepared")
	}
	if slices.ContainsFunc(args, isPrepared) {
		return ceremonyPhase2Prepared(fs, args, out, prepared, digest, quiet)
	}
	pos, beacon, c, err := phase2Args(fs, args, beaconHex)
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

// ceremonyPhase2Prepared is `ceremony phase2 DIR --prepared FILE`: the
// beacon and phase 1's last state are the prepared file's.
func ceremonyPhase2Prepared(fs *flag.FlagSet, args []string, out, prepared, digest *string, quiet *bool) error {
	pos, err := parse(fs, args, 1, "prepared")
	if err != nil {
		return err
	}
	if fs.Lookup("beacon").Value.String() != "" {
		return usageError{"--beacon: a prepared phase 1 was sealed with its own beacon (`ceremony prepare`)"}
	}
	c, err := openCeremonyDir(pos[0])
	if err != nil {
		return err
	}
	if *out == "" {
		if *out, err = c.DefaultStatePath(2); err != nil {
			return err
		}
	}
	s, err := c.CeremonyPhase2Prepared(*prepared, *digest, *out, progress(*quiet))
	if err != nil {
		return err
	}
	printStep(s)
	return nil
}

func ceremonyVerify(fs *flag.FlagSet, args []string) error {
	dir := fs.String("dir", "", "the compiled (or fl setup --ceremony) directory: the circuit phase 2 is for, and the keys the chain must give")
	minN := fs.Int("min-contributions", 1, "the least number of contributions each phase must have")
	inProgress := fs.Bool("in-progress", false, "check a ceremony not yet finalized: the chain so far, not the keys")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	prepared, digest := preparedFlags(fs)
	files, err := stateFiles(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *minN < 1:
		return usageError{fmt.Sprintf("--min-contributions %d: give at least 1", *minN)}
	case *prepared != "" && *dir == "" && !*inProgress:
		return verifyPrepared(files, *prepared, *digest, *minN, *quiet)
	case *dir == "" && !*inProgress:
		return usageError{"give --dir DIR: a finished ceremony is checked against DIR's circuit and keys (--in-progress checks one not yet finalized)"}
	}
	rep, err := verifyCeremonyDir(*dir, files, ceremony.VerifyOptions{MinContributions: *minN, InProgress: *inProgress, Progress: progress(*quiet), Prepared: *prepared, PreparedSHA256: *digest})
	if err != nil {
		return invalid(err)
	}
	for _, s := range rep.Steps {
		fmt.Fprintf(stdout, "%-24s sha256 %s  %s\n", s.Name, s.SHA256, s.Path)
	}
	printClosing(rep.Beacon1, rep.Closing)
	if *inProgress {
		fmt.Fprintf(stdout, "in progress: %d phase-1 and %d phase-2 contributions verified so far; no keys checked (verify again without --in-progress after finalize)\n", rep.Phase1, rep.Phase2)
		return nil
	}
	fmt.Fprintf(stdout, "verified: %d phase-1 and %d phase-2 contributions; %s\ntrust: %s\n", rep.Phase1, rep.Phase2, rep.Keys, ceremonyTrust(*dir))
	return nil
}

// verifyPrepared is `ceremony verify STATE... --prepared FILE`: phase 1's
// chain and the prepared file made from it, whose sha256 it prints for
// per-model verifiers to record.
func verifyPrepared(files []string, prepared, digest string, min int, quiet bool) error {
	rep, p, err := ceremony.VerifyPrepared(files, prepared, min, progress(quiet))
	if err != nil {
		return invalid(err)
	}
	if digest != "" && digest != p.SHA256 {
		return invalid(fmt.Errorf("ceremony: %s is valid but its sha256 is %s, not --prepared-sha256 %s", prepared, p.SHA256, digest))
	}
	for _, s := range rep.Steps {
		fmt.Fprintf(stdout, "%-24s sha256 %s  %s\n", s.Name, s.SHA256, s.Path)
	}
	printBeacons(rep.Beacon1, "")
	fmt.Fprintf(stdout, "verified: %d phase-1 contributions and %s, phase 1 prepared for size 2^%d\nsha256 %s\n", rep.Phase1, prepared, bits.TrailingZeros64(p.Header.Domain), p.SHA256)
	fmt.Fprintln(stdout, "record this sha256: `ceremony verify … --prepared FILE --prepared-sha256 HEX` trusts the file by it")
	return nil
}

func ceremonyFinalize(fs *flag.FlagSet, args []string) error {
	beaconHex := fs.String("beacon", "", "hex value of the random beacon announced in advance: close phase 2 with the beacon's contribution (gnark's Seal)")
	noBeacon := fs.Bool("no-beacon", false, "close phase 2 at its last contribution, without a beacon (secure per Kohlweiss et al., ASIACRYPT 2021; saves a contribution's work; docs/SETUP.md)")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	prepared := fs.String("prepared", "", "the prepared phase 1 phase 2 was opened from, if it was (`ceremony phase2 DIR --prepared FILE`)")
	force := forceFlag(fs)
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	var closing ceremony.Closing
	switch {
	case *noBeacon && *beaconHex != "":
		return usageError{"give either --beacon HEX or --no-beacon, not both"}
	case *noBeacon:
		closing = ceremony.WithoutBeacon
	case *beaconHex == "":
		return usageError{"give --beacon HEX (a random beacon announced in advance) or --no-beacon (close phase 2 at its last contribution)"}
	default:
		beacon, err := ceremony.ParseBeacon(*beaconHex)
		if err != nil {
			return usageError{"--beacon: " + err.Error()}
		}
		closing = ceremony.WithBeacon(beacon)
	}
	c, err := openCeremonyDir(pos[1])
	if err != nil {
		return err
	}
	if err := c.keepKeys(*force); err != nil {
		return err
	}
	if err := c.CeremonyFinalizePrepared(pos[0], *prepared, closing, progress(*quiet)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s into %s from the ceremony ending with %s\n", c.wrote, pos[1], pos[0])
	printClosing("", closing)
	fmt.Fprintf(stdout, "trust: %s\n", ceremonyTrust(pos[1]))
	return nil
}

// printClosing says how the phases were closed: phase 1 by beacon1 (hex,
// "" when not reached), phase 2 as k says (its beacon, at its last
// contribution, or not yet: k zero).
func printClosing(beacon1 string, k ceremony.Closing) {
	var beacon2 string
	if k.Close == ceremony.CloseBeacon {
		beacon2 = hex.EncodeToString(k.Beacon)
	}
	if beacon1 != "" || beacon2 != "" {
		printBeacons(beacon1, beacon2)
	}
	if k.Close == ceremony.CloseLast {
		fmt.Fprintln(stdout, "phase 2 closed at its last contribution, without a beacon")
	}
}
