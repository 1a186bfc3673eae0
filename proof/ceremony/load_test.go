package ceremony_test

import (
	"errors"
	"testing"

	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// TestVerifyLoadsCircuitWhenNeeded: Verify given a circuit without its
// constraint system (Constraints and Load instead) checks a chain of
// contributions without loading it, loads it for phase 2's start and for
// the keys, refuses one of another size than Constraints, and refuses a
// chain of another size than Constraints says.
func TestVerifyLoadsCircuitWhenNeeded(t *testing.T) {
	c := newCircuit(t, 40)
	files, keys := run(t, c, 2) // p1-0, p1-1, p1-2, p2-0, p2-1, p2-2
	lazy := func(loads *int, r *cs_bn254.R1CS, err error, constraints int) *ceremony.Circuit {
		return &ceremony.Circuit{SHA256: c.SHA256, Dir: c.Dir, Constraints: constraints, Load: func() (*cs_bn254.R1CS, error) {
			*loads++
			return r, err
		}}
	}
	n := c.R1CS.GetNbConstraints()
	failing := errors.New("the loader was called")

	// Phase 2's contributions alone, the first taken as it is: no load.
	var loads int
	if _, err := ceremony.Verify(files[4:], ceremony.VerifyOptions{Circuit: lazy(&loads, nil, failing, n), InProgress: true, FromAny: true}); err != nil || loads != 0 {
		t.Fatalf("contributions only: %v, %d loads", err, loads)
	}
	// Phase 2's start (opened from phase 1's chain) needs the terms.
	_, err := ceremony.Verify(files[:5], ceremony.VerifyOptions{Circuit: lazy(&loads, nil, failing, n), InProgress: true})
	testkit.CheckError(t, err, failing.Error())
	loads = 0
	if _, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: lazy(&loads, c.R1CS, nil, n), Keys: keys}); err != nil || loads != 1 {
		t.Fatalf("the whole chain and the keys: %v, %d loads", err, loads)
	}
	// A constraint system of another size than the settings say.
	_, err = ceremony.Verify(files, ceremony.VerifyOptions{Circuit: lazy(&loads, newCircuit(t, 80).R1CS, nil, n), Keys: keys})
	testkit.CheckError(t, err, "constraints, its settings")
	// Settings claiming another size: the chain is another circuit's.
	_, err = ceremony.Verify(files[4:], ceremony.VerifyOptions{Circuit: lazy(&loads, nil, failing, 4*n), InProgress: true, FromAny: true})
	testkit.CheckError(t, err, "another circuit")
}
