package proof

// check rejects settings that do not describe the compiled model: Open
// fills the settings' tensors from the model it recompiled, so
// verifier.Settings.Check compares settings.json's numbers with the
// model's circuit. Every number the prover and the verifier index with is
// checked there, so a corrupt or edited settings.json is an error, never a
// crash.
func (s *Settings) check() error {
	return s.Settings.Check()
}
