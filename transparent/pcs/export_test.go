package pcs

// SetZeroVanishing sets the zeroVanishing hook for the external tests
// (zk_test.go, which reach package batch): true makes every vanishing mask
// zero, f̂ = f̃.
func SetZeroVanishing(on bool) { zeroVanishing = on }

// recommit re-encodes and re-hashes pd's columns (through pd.tamper, when
// set) and replaces its root: a commitment to a matrix that need not be a
// codeword, for the soundness tests.
func (pd *ProverData) recommit() error {
	if err := pd.commitColumns(pd.messages()); err != nil {
		return err
	}
	pd.com.Root = pd.root()
	return nil
}
