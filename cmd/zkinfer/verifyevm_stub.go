//go:build !evm

package main

import (
	"errors"
	"flag"
)

// evmBuild says this binary has verify-evm (go build -tags evm).
const evmBuild = false

// errNoEVM is verify-evm's error in a binary built without the EVM
// simulator (go-ethereum), which the default build leaves out.
var errNoEVM = errors.New("this zkinfer is built without the EVM simulator: run `make build-evm` (go build -tags evm ./cmd/zkinfer) for verify-evm; export-verifier and calldata work in every build")

func cmdVerifyEVM(fs *flag.FlagSet, args []string) error {
	verifyEVMFlags(fs)
	if _, err := parse(fs, args, 1); err != nil {
		return err
	}
	return errNoEVM
}
