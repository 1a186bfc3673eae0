// Package evmtest holds the EVM helpers shared by the tests of the evm
// package, the CLI and examples/lender: finding solc, and compiling and
// setting up a model into a temporary directory for the simulated chain.
// The helpers every package's tests share (the corpus, other weights) are
// in internal/testkit.
package evmtest

import (
	"errors"
	"testing"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/proof"
)

// Solc finds the pinned solc-js, skipping the test when it is not installed.
func Solc(t testing.TB) *evm.Solc {
	t.Helper()
	s, err := evm.FindSolc()
	if errors.Is(err, evm.ErrNoSolc) {
		t.Skipf("SKIP: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Keyed compiles the model at path into a temporary directory with opt and
// sets it up (PLONK with a development SRS).
func Keyed(t testing.TB, path string, opt proof.CompileOptions) *proof.Compiled {
	t.Helper()
	c, err := proof.CompileWith(path, t.TempDir(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetupWith(proof.SetupOptions{UnsafeDevSRS: opt.Backend == proof.Plonk}); err != nil {
		t.Fatal(err)
	}
	return c
}
