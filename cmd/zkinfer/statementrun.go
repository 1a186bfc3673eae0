package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/ops"
)

// The statement commands (audit, query) prove a circuit that the command
// builds from its arguments, with development keys kept in a directory
// beside the statement that names the circuit. What they share is here.

// statementKeys returns the proving key for cs kept in dir: read from dir
// when the statement there names cs (cached), or else drawn on this machine
// and written by write together with the statement, as one directory that
// is either whole or absent. cmd names the command in its trust warning,
// doc the document that explains the setup.
func statementKeys(dir string, cached bool, cs constraint.ConstraintSystem, say func(string, ...any),
	write func(pk groth16.ProvingKey, vk groth16.VerifyingKey) error, cmd, doc string) (groth16.ProvingKey, error) {
	var pk groth16.ProvingKey
	if !cached {
		say("setup (development keys, drawn on this machine)")
		t := time.Now()
		var vk groth16.VerifyingKey
		var err error
		if pk, vk, err = audit.Setup(cs); err != nil {
			return nil, err
		}
		d, err := atomicfile.MakeDir(dir)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		if err := write(pk, vk); err != nil {
			return nil, err
		}
		d.Keep()
		say("setup took %.1fs", time.Since(t).Seconds())
	}
	fmt.Fprintf(stderr, "%s: warning: the keys in %s are only as trustworthy as the machine that made them: whoever ran the setup could forge proofs (%s)\n", cmd, dir, doc)
	if pk == nil {
		return audit.ReadProvingKey(dir)
	}
	return pk, nil
}

// writeStatementProof writes a statement's proof file, indented JSON, to
// path (dir/proof.json when empty) atomically, and returns the path.
func writeStatementProof(path, dir string, pf any) (string, error) {
	b, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return "", err
	}
	if path == "" {
		path = filepath.Join(dir, "proof.json")
	}
	return path, atomicfile.WriteFile(path, append(b, '\n'))
}

// readStatementProof reads the proof file at path (dir/proof.json when
// empty) with read: a file that is there but does not parse is an invalid
// proof (exit 1), one that cannot be read is an error.
func readStatementProof[P any](path, dir string, read func(string) (P, error)) (P, error) {
	if path == "" {
		path = filepath.Join(dir, "proof.json")
	}
	p, err := read(path)
	if err != nil {
		if _, statErr := os.Stat(path); statErr == nil {
			err = invalid(err)
		}
	}
	return p, err
}

// statementFlags are the flags every statement command has.
type statementFlags struct {
	rangeCheck *string
	quiet      *bool
}

func addStatementFlags(fs *flag.FlagSet) statementFlags {
	return statementFlags{
		rangeCheck: fs.String("range-check", "lookup", "range-check gadget: lookup (fewest constraints) or bits"),
		quiet:      fs.Bool("quiet", false, "no progress on stderr (the trust warning is still printed)"),
	}
}

// parse returns the range-check gadget and the progress printer (a no-op
// with --quiet) the flags ask for.
func (f statementFlags) parse() (ops.RangeCheck, func(string, ...any), error) {
	say := progress(*f.quiet)
	if say == nil {
		say = func(string, ...any) {}
	}
	switch *f.rangeCheck {
	case "lookup":
		return ops.RangeLookup, say, nil
	case "bits":
		return ops.RangeBits, say, nil
	}
	return 0, nil, usageError{"--range-check is lookup or bits"}
}
