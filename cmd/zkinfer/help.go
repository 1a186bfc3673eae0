package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
)

// version is the release this source is, printed by --version with the VCS
// commit the binary was built from.
const version = "0.9.0"

// printVersion prints zkinfer's version, the commit it was built from
// (when go build recorded one) and the gnark it proves with.
func printVersion(w io.Writer) {
	commit, gnark := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			commit = rev
			if modified == "true" {
				commit += " (with uncommitted changes)"
			}
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/consensys/gnark" {
				gnark = d.Version
			}
		}
	}
	evmNote := "without verify-evm (make build-evm adds it)"
	if evmBuild {
		evmNote = "with verify-evm"
	}
	fmt.Fprintf(w, "zkinfer %s, commit %s, gnark %s, %s\n", version, commit, gnark, evmNote)
}

// topics are the texts of zkinfer help TOPIC.
var topics = map[string]string{
	"visibility": `What a proof reveals: compile's visibility flags.

  --input-visibility   private (default): the input stays secret
                       public: the input is a public input of the proof
                       hashed: only a Poseidon2 commitment to it is public
                               (zkinfer commit DIR --input IN.json prints it)
  --param-visibility   fixed (default): the weights are constants of the circuit,
                               so the verifying key pins the model
                       private: the weights are secret witness values
                       hashed: secret, and the proof carries a commitment to them
                               that a verifier compares with the published one
                               (zkinfer commit; verify --model-commitment)
  --output-visibility  public (default; private with --claim), private, hashed

With private or hashed weights, compile checks every weight fits --param-bits
(default 16 signed bits at --param-scale). A public tensor costs one public input
per value, and each costs ~6,700 gas on chain; the Solidity verifier outgrows
Ethereum's 24,576-byte contract limit at a few hundred: --output-visibility hashed
makes an output one public value. See docs/PRIVACY.md.`,
	"claims": `Prove a statement about the outputs instead of the outputs: compile --claim.

  "output[i] >= x"        (also >, <=, <)
  "output[i] in [a, b]"
  "argmax(output) == k"

The outputs become private (unless --output-visibility says otherwise); prove
fails with "the claim ... does not hold" on an input for which it is false;
verify --claim "..." checks the directory's circuit proves that claim. Example:

  zkinfer compile examples/credit/model.onnx --out credit --claim "output[0] >= 0.7"`,
	"settings": `The number format: flags of run and compile, recorded in DIR/settings.json.

  --scale N         inputs and activations are q = round(x * 2^N) (default 12)
  --param-scale N   constant weights are round(w * 2^N) (default 12)
  --act-bits N      every activation is range-checked to N signed bits (default 24):
                    values must stay within +-2^(N-1)/2^scale (+-2048 by default)
  --param-bits N    private or hashed weights: signed bits of each (default 16)

A value outside --act-bits: raise --act-bits or lower --scale. A divisor that
rounds to 0: raise --scale. A weight outside --param-bits: raise --param-bits.
settings.json also records the visibility, the shapes, the constraint count,
checksums of the circuit and keys, and where the keys came from.`,
	"exit-codes": `Exit status of every command:

  0  success; for verify, verify-evm and ceremony verify: valid
  1  invalid: the proof (or the ceremony's files) was checked and is not valid
  2  usage error: unknown command, flag or argument
  3  could not run or check: a missing or unreadable file, a malformed model or
     input, an input the model refuses, I/O; nothing was verified`,
}

// topicList names the help topics.
func topicList() string {
	names := make([]string, 0, len(topics))
	for n := range topics {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// help prints zkinfer help [TOPIC|COMMAND].
func help(args []string) int {
	if len(args) == 0 {
		usage(stdout)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprintf(stderr, "zkinfer help: give one topic or command (topics: %s)\n", topicList())
		return exitUsage
	}
	if t, ok := topics[args[0]]; ok {
		fmt.Fprintln(stdout, t)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return Main([]string{c.name, "--help"}, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "zkinfer help: no topic or command %q (topics: %s)\n", args[0], topicList())
	return exitUsage
}
