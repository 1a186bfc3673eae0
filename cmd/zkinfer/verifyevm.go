//go:build evm

package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/proof"
)

// evmBuild says this binary has verify-evm (go build -tags evm).
const evmBuild = true

func cmdVerifyEVM(fs *flag.FlagSet, args []string) error {
	f := verifyEVMFlags(fs)
	file := f.file
	if _, err := parse(fs, args, 1); err != nil {
		return err
	}
	if *f.printContext {
		if *f.contract == "" {
			return usageError{"--print-context is the context for --contract: give --contract too"}
		}
		chain, err := evm.NewDevChain()
		if err != nil {
			return err
		}
		defer chain.Close()
		b, err := evm.DevContext(chain)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "0x%s\n", hex.EncodeToString(b))
		return err
	}
	c, p, vopt, err := openProof(fs, args, file, f.vf)
	if dir, ok := asSegmented(err); ok {
		return verifyEVMSegmented(dir, f, vopt)
	}
	if err != nil {
		return err
	}
	if *f.call != "" && *f.contract == "" {
		return usageError{"--call names a function of --contract: give --contract too"}
	}
	if *f.contract != "" {
		if *f.bare {
			return usageError{"--bare and --contract: give one"}
		}
		return verifyConsumer(c, p, vopt, f)
	}
	res, err := evm.VerifyOnChain(context.Background(), c, p, evm.OnChainOptions{Verify: vopt, Bare: *f.bare, Progress: progress(*f.quiet)})
	if err := beforeChain(*file, err); err != nil {
		return err
	}
	if res.RegisteredFromProof {
		fmt.Fprintf(stderr, "zkinfer verify-evm: no --model-commitment: the wrapper registers the proof's own model commitment %s; pass --model-commitment to require the one you expect\n", res.Registered)
	}
	switch {
	case !res.Verifier.Accepted:
		return rejected(*file, res.Verifier, "the verifier contract")
	case res.Wrapper != nil && !res.Wrapper.Accepted:
		return rejected(*file, res.Wrapper, "the wrapper contract "+res.WrapperName)
	case *f.bare:
		fmt.Fprintf(stdout, "accepted: gas used %d, calldata %d bytes (%s on a simulated chain)\n", res.Verifier.GasUsed, res.Verifier.Calldata, res.Signature)
	default:
		fmt.Fprintf(stdout, "accepted: gas used %d by the verifier (%s, calldata %d bytes), %d by the wrapper (%s.check, calldata %d bytes), on a simulated chain\n",
			res.Verifier.GasUsed, res.Signature, res.Verifier.Calldata, res.Wrapper.GasUsed, res.WrapperName, res.Wrapper.Calldata)
	}
	return nil
}

// beforeChain reports a proof zkinfer's own checks refused (exit 1) and
// passes on any other error.
func beforeChain(file string, err error) error {
	var ie *evm.InvalidError
	if errors.As(err, &ie) {
		fmt.Fprintf(stdout, "rejected before the chain: %s\n", ie.Err)
		return invalidError{fmt.Errorf("%s: %w", file, err)}
	}
	return err
}

// verifyConsumer deploys --contract, a contract inheriting the wrapper,
// and calls it with the proof.
func verifyConsumer(c *proof.Compiled, p *proof.Proof, vopt proof.VerifyOptions, f *verifyEVMFlagSet) error {
	src, err := os.ReadFile(*f.contract)
	if err != nil {
		return err
	}
	res, err := evm.VerifyWithConsumer(context.Background(), c, p, evm.ConsumerOptions{
		Verify: vopt, Path: *f.contract, Source: src, Function: *f.call, Progress: progress(*f.quiet)})
	if err := beforeChain(*f.file, err); err != nil {
		return err
	}
	r := res.Receipt
	if !r.OK {
		fmt.Fprintf(stdout, "rejected: %s.%s reverted with %s; gas used %d\n", res.Contract, res.Function, r.Revert, r.GasUsed)
		hint := ""
		if r.Revert == "WrongContext" {
			hint = fmt.Sprintf(" (on this simulated chain the proof must be bound to --context 0x%s: zkinfer verify-evm %s --contract %s --print-context prints it)", hex.EncodeToString(res.Context), c.Dir, *f.contract)
		}
		return invalidError{fmt.Errorf("%s: %s rejected the proof: %s%s", *f.file, res.Contract, r.Revert, hint)}
	}
	fmt.Fprintf(stdout, "accepted: %s.%s succeeded, gas used %d, on a simulated chain (%s deployed with model commitment %s)\n", res.Contract, res.Function, r.GasUsed, res.Contract, orNone(res.Registered))
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// rejected reports an on-chain rejection.
func rejected(file string, res *evm.Result, by string) error {
	fmt.Fprintf(stdout, "rejected: %s; gas used %d, calldata %d bytes\n", res.Reason, res.GasUsed, res.Calldata)
	return invalidError{fmt.Errorf("%s: %s rejected the proof: %s", file, by, res.Reason)}
}
