// Command zkinfer proves that an ONNX model's output came from running it on
// an input, with Groth16 or PLONK on BN254.
//
//	zkinfer run MODEL.onnx --input IN.json
//	zkinfer compile MODEL.onnx --out DIR [--backend groth16|plonk]
//	zkinfer setup DIR                      (groth16, development: one machine's randomness)
//	zkinfer ceremony init|contribute|phase2|verify|finalize ...   (groth16, multi-party)
//	zkinfer setup DIR --srs FILE.ptau      (plonk: a public powers-of-tau)
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

// Main runs the CLI and returns the exit status: 0 on success, 1 on an
// error (reported on one line), 2 on a usage error.
func Main(args []string, out, errOut io.Writer) (code int) {
	stdout, stderr = out, errOut
	logger.Disable() // zkinfer reports its own progress on stderr
	defer startProfile()()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "zkinfer: internal error: %v\n", r)
			code = 1
		}
	}()
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		err := c.run(fs, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			fmt.Fprintf(stderr, "usage: zkinfer %s %s\n%s\n", c.name, c.args, c.help)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return 2
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "zkinfer %s: %v\nusage: zkinfer %s %s\n", c.name, err, c.name, c.args)
			return 2
		}
		fmt.Fprintf(stderr, "zkinfer %s: %s\n", c.name, oneLine(err.Error()))
		return 1
	}
	fmt.Fprintf(stderr, "zkinfer: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: zkinfer COMMAND [ARGS]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %-40s %s\n", c.name, c.args, c.help)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parse parses flags that may come before or after the positional
// arguments, and checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, npos int, required ...string) ([]string, error) {
	var pos []string
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
