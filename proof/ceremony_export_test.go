package proof

// Test hooks for the ceremony tests of package proof_test: a cheating
// coordinator who skips the "at least one contribution" checks of `ceremony
// phase2` and `finalize`, which VerifyCeremony must not rely on.

// CheatPhase2 opens phase 2 from any phase-1 state, even its start.
func (c *Compiled) CheatPhase2(lastPhase1, out string, beacon []byte) (*CeremonyStep, error) {
	return c.ceremonyPhase2(lastPhase1, out, beacon, 0, nil)
}

// CheatFinalize writes keys from any phase-2 state, even its start.
func (c *Compiled) CheatFinalize(last string, beacon []byte) error {
	return c.ceremonyFinalize(last, beacon, 0, nil)
}
