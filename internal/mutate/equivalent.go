package mutate

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Equivalent reads a list of equivalent mutants: mutants that survive
// because they do not change what the circuit accepts, each with the
// reason. One entry per line: the mutant's ID, then the reason; blank
// lines and lines starting with # are comments (the list writes each
// entry's key above it, for its readers). It returns the reasons by ID.
func Equivalent(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if !idPattern.MatchString(id) {
			return nil, fmt.Errorf("line %d: %q is not a mutant ID (10 hex digits)", n, id)
		}
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("line %d: mutant %s has no reason", n, id)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("line %d: mutant %s listed twice", n, id)
		}
		out[id] = strings.TrimSpace(reason)
	}
	return out, sc.Err()
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{10}$`)

// Sample is the handful of mutants `make test` runs: each matches one
// mutant by a substring of its key and runs only the tests named, so the
// whole sample takes well under two minutes. They cover the sign check of
// ReLU, Freivalds' commitment, a rescale's remainder check and a claim's
// bound.
var Sample = []struct {
	Match, Run string
}{
	{"ops/relu.go (*CircuitArith).sign delete: c.Range.Check(", "^TestGadgetHintSoundness$"},
	{"ops/freivalds.go (*CircuitArith).freivalds drop: committed = append(committed, flat...)", "^TestFreivaldsAdaptiveForgery$"},
	{"ops/rescale.go (*CircuitArith).divPow2 delete: c.Range.Check(c.API.Sub(num, c.API.Mul(q, pow2(shift))), shift)", "^TestHintSoundness$"},
	{"circuit/claim.go (*Claim).define delete: nonneg(api.Sub(y[c.Index], lo))", "^TestClaimSoundness$"},
}
