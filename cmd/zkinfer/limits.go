package main

import (
	"flag"
	"fmt"
	"github.com/zkinfer/zkinfer/transparent/artifact"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// maxConstraintsFlag adds --max-constraints to a command.
func maxConstraintsFlag(fs *flag.FlagSet) *int {
	return fs.Int("max-constraints", 0, "refuse a circuit with more constraints than this, before the work starts (0: no limit)")
}

// checkConstraints refuses a compiled directory whose circuit has more
// than max constraints (max ≤ 0: no limit), before setup or proving reads
// the circuit or the keys.
func checkConstraints(c *proof.Compiled, max int) error {
	if n := c.Settings.Constraints; max > 0 && n > max {
		return fmt.Errorf("%s: the circuit has %d constraints, more than --max-constraints %d", c.Dir, n, max)
	}
	return nil
}

// openDir parses a command line whose one positional argument is a
// compiled directory, opens it, and applies --max-constraints when the
// command has it (maxC non-nil).
func openDir(fs *flag.FlagSet, args []string, maxC *int, required ...string) (*proof.Compiled, error) {
	pos, err := parse(fs, args, 1, required...)
	if err != nil {
		return nil, err
	}
	if segment.IsSegmented(pos[0]) {
		return nil, segmentedDir{pos[0]}
	}
	if artifact.IsDir(pos[0]) {
		return nil, sumcheckDir{pos[0]}
	}
	c, err := proof.Open(pos[0])
	if err != nil {
		return nil, err
	}
	if maxC != nil {
		if err := checkConstraints(c, *maxC); err != nil {
			return nil, err
		}
	}
	return c, nil
}
