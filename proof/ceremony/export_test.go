package ceremony

// Test hooks for the tests of package ceremony_test: a cheating coordinator
// who skips the "at least one contribution" checks of Phase2 and Finalize,
// which Verify must not rely on.

// CheatPhase2 opens phase 2 from any phase-1 state, even its start.
func CheatPhase2(c *Circuit, lastPhase1, out string, beacon []byte) (*Step, error) {
	return phase2(c, lastPhase1, out, beacon, 0, nil)
}

// CheatFinalize makes keys from any phase-2 state, even its start.
func CheatFinalize(c *Circuit, last string, closing Closing, write KeyWriter) (*Record, error) {
	return finalize(c, last, closing, write, 0, nil)
}

// TamperK doubles one point of the private wires' K in the phase-2 state
// at path, keeping its header: a start that is not phase 1's result
// initialized for the circuit, or a contribution whose K is not its
// predecessor's over its δ.
func TamperK(path string) error {
	s, err := readState(path)
	if err != nil {
		return err
	}
	k := &s.P2.Parameters.G1.PKK[len(s.P2.Parameters.G1.PKK)/2]
	k.Add(k, k)
	_, err = writeState(path, s.Header, s.P2)
	return err
}
