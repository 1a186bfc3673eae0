// Command zkinfer proves that an ONNX model's output came from running it on
// an input, with Groth16 or PLONK on BN254, or the transparent sumcheck
// backend (no setup; docs/TRANSPARENT.md).
//
//	zkinfer run MODEL.onnx --input IN.json
//	zkinfer compile MODEL.onnx --out DIR [--backend groth16|plonk|sumcheck]
//	zkinfer setup DIR                      (groth16, development: one machine's randomness)
//	zkinfer ceremony init|contribute|phase2|verify|finalize ...   (groth16, multi-party)
//	zkinfer setup DIR --srs FILE.ptau      (plonk: a public powers-of-tau)
//	                                       (sumcheck: nothing to do)
//	zkinfer prove DIR --input IN.json --proof PROOF.json
//	zkinfer verify DIR --proof PROOF.json
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/consensys/gnark/logger"
)

type command struct {
	name, args, help string
	run              func(fs *flag.FlagSet, args []string) error
}

var commands []command

func main() {
	handleSignals()
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// Main runs the CLI and returns the exit status (see exitcodes.go): 0 on
// success, 1 when a proof is checked and found invalid, 2 on a usage
// error, 3 when a command cannot do its work (a missing or malformed file,
// an input the model refuses, I/O).
func Main(args []string, out, errOut io.Writer) (code int) {
	stdout, stderr = out, errOut
	logger.Disable() // zkinfer reports its own progress on stderr
	defer startProfile()()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "zkinfer: internal error: %v\n", r)
			code = exitError
		}
	}()
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "help":
		return help(args[1:])
	case "-version", "--version", "version":
		printVersion(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return report(c.name, c.args, c.help, fs, c.run(fs, args[1:]))
	}
	fmt.Fprintf(stderr, "zkinfer: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

// report prints the outcome of command name (its usage and flags on
// --help, on stdout) and returns the exit status.
func report(name, args, summary string, fs *flag.FlagSet, err error) int {
	var ue usageError
	var se subUsageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &se):
		fmt.Fprintf(stderr, "zkinfer %s: %s\nusage: zkinfer %s (zkinfer %s --help for its flags)\n", name, cleanError(name, err), se.usage, strings.Fields(se.usage)[0]+" "+strings.Fields(se.usage)[1])
		return exitUsage
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "usage: zkinfer %s %s\n%s\n", name, args, summary)
		printFlags(stdout, fs)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "zkinfer %s: %s\nusage: zkinfer %s %s (zkinfer %s --help for its flags)\n", name, cleanError(name, err), name, args, name)
		return exitUsage
	}
	fmt.Fprintf(stderr, "zkinfer %s: %s\n", name, cleanError(name, err))
	return exitCode(err)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: zkinfer COMMAND [ARGS] [--quiet]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.help)
	}
	fmt.Fprintf(w, "\nzkinfer COMMAND --help lists a command's arguments and flags; zkinfer help TOPIC explains %s.\n", topicList())
	fmt.Fprintln(w, "zkinfer --version prints the version. Exit status: 0 ok, 1 invalid proof, 2 usage error, 3 could not run or check (see zkinfer help exit-codes).")
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parse parses flags that may come before or after the positional
// arguments, and checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, npos int, required ...string) ([]string, error) {
	var pos []string
	quietFlag(fs)
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	if len(pos) != npos {
		return nil, usageError{fmt.Sprintf("want %d argument(s), got %d", npos, len(pos))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, r := range required {
		if !set[r] {
			return nil, usageError{fmt.Sprintf("--%s is required", r)}
		}
	}
	return pos, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// progress returns the stderr reporter, or nil with --quiet.
func progress(quiet bool) func(string, ...any) {
	if quiet {
		return nil
	}
	return func(format string, args ...any) {
		fmt.Fprintf(stderr, format+"\n", args...)
	}
}
