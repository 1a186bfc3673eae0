//go:build evm

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/proof"
)

// verifyEVMSegmented is verify-evm of a bundle: zkinfer's checks, then
// the bundle contract and its segments' verifiers on a simulated chain.
func verifyEVMSegmented(dir string, f *verifyEVMFlagSet, vopt proof.VerifyOptions) error {
	if *f.bare || *f.contract != "" || *f.printContext {
		return usageError{"--bare, --contract and --print-context take an unsegmented directory: a segmented one is checked by its bundle contract"}
	}
	d, b, err := openBundle(dir, *f.file)
	if err != nil {
		return err
	}
	res, err := evm.VerifyBundleOnChain(context.Background(), d, b, evm.OnChainOptions{Verify: vopt, Progress: progress(*f.quiet)})
	if err := beforeChain(*f.file, err); err != nil {
		return err
	}
	if res.RegisteredFromProof {
		fmt.Fprintf(stderr, "zkinfer verify-evm: no --model-commitment: the bundle contract registers the proof's own model commitment %s; pass --model-commitment to require the one you expect\n", res.Registered)
	}
	for k, r := range res.Segments {
		if !r.Accepted {
			return rejected(*f.file, r, fmt.Sprintf("segment %d's verifier contract", k))
		}
	}
	if !res.Bundle.Accepted {
		return rejected(*f.file, res.Bundle, "the bundle contract "+res.Name)
	}
	per := make([]string, len(res.Segments))
	for k, r := range res.Segments {
		per[k] = fmt.Sprint(r.GasUsed)
	}
	fmt.Fprintf(stdout, "accepted: gas used %d by the bundle contract (%s.checkBundle, %d segments in one call, calldata %d bytes); each segment's verifier alone: %s; on a simulated chain\n",
		res.Bundle.GasUsed, res.Name, len(res.Segments), res.Bundle.Calldata, strings.Join(per, ", "))
	return nil
}
