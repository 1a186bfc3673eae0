package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"strings"
)

// The exit status of every command (zkinfer help exit-codes).
const (
	exitOK      = 0 // done; for verify and verify-evm: the proof is valid
	exitInvalid = 1 // a proof (or a ceremony's files) was checked and is invalid
	exitUsage   = 2 // the command line is wrong
	exitError   = 3 // the command could not run or check: a missing or malformed file, an input the model refuses, I/O
)

// invalidError is a verdict: what was checked (a proof, a ceremony's
// files) is not valid. Main exits 1 on it; on any other error, 3.
type invalidError struct{ err error }

func (e invalidError) Error() string { return e.err.Error() }
func (e invalidError) Unwrap() error { return e.err }

// invalid makes err a verdict, unless it is a file that could not be read
// at all (missing, unreadable): then nothing was checked.
func invalid(err error) error {
	if err == nil || couldNotRead(err) {
		return err
	}
	return invalidError{err}
}

// couldNotRead reports an error opening or reading a file.
func couldNotRead(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe)
}

func exitCode(err error) int {
	var ie invalidError
	if errors.As(err, &ie) {
		return exitInvalid
	}
	return exitError
}

// cleanError is err's message on one line for the user: without the
// command's name repeated ("prove: prove: …"), and with the Go types of a
// JSON decoding error replaced by what the field should hold.
func cleanError(name string, err error) string {
	msg := oneLine(err.Error())
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := "a value"
		if te.Field != "" {
			field = fmt.Sprintf("%q", te.Field)
		}
		msg = strings.Replace(msg, oneLine(te.Error()), fmt.Sprintf("%s is a JSON %s where %s is expected", field, te.Value, jsonKind(te.Type)), 1)
	}
	msg = goTypeRe.ReplaceAllString(msg, "a JSON $1 where another kind of value is expected")
	for _, p := range []string{name + ": ", "zkinfer " + name + ": "} {
		for strings.HasPrefix(msg, p) {
			msg = strings.TrimPrefix(msg, p)
		}
	}
	return msg
}

// goTypeRe matches what encoding/json says of a value of the wrong kind,
// when it reached the message without its type (%v).
var goTypeRe = regexp.MustCompile(`(?:json: )?cannot unmarshal (\w+) into Go (?:struct field \S+|value) of type [^:;]*`)

// jsonKind names the JSON a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a string"
		}
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Interface:
		return "a value"
	}
	return "a number"
}

// quietFlag gives every command --quiet: the ones that report progress
// define it themselves; for the others it is accepted and changes nothing.
func quietFlag(fs *flag.FlagSet) {
	if fs.Lookup("quiet") == nil {
		fs.Bool("quiet", false, "no progress on stderr (this command prints none)")
	}
}

// printFlags lists fs's flags as flag.PrintDefaults does, but reads a
// backquoted word in a flag's help as text, not as the name of its value
// (flag's rule printed "-param-salt zkinfer commit").
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		usage := strings.ReplaceAll(f.Usage, "`", "'")
		arg, usage := flag.UnquoteUsage(&flag.Flag{Name: f.Name, Usage: usage, Value: f.Value, DefValue: f.DefValue})
		line := "  --" + f.Name
		if arg != "" {
			line += " " + strings.ToUpper(arg)
		}
		line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
		if d := f.DefValue; d != "" && d != "0" && d != "false" {
			line += fmt.Sprintf(" (default %s)", d)
		}
		fmt.Fprintln(w, line)
	})
}
