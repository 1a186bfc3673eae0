package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/proof"
)

func init() {
	commands = append(commands, []command{
		{"export-verifier", "DIR --out Verifier.sol", "write the Solidity verifier of DIR and its ABI (Verifier.abi.json)", cmdExportVerifier},
		{"calldata", "DIR --proof PROOF.json", "print the hex calldata of the verifier's call (verifyProof, or Verify for plonk)", cmdCalldata},
		{"verify-evm", "DIR --proof PROOF.json", "verify a proof with the Solidity verifier on a simulated chain (exit 0 only when accepted)", cmdVerifyEVM},
	}...)
}

// openVerifier exports the verifier of a compiled directory.
func openVerifier(dir string) (*proof.Compiled, *evm.Verifier, error) {
	c, err := proof.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	vk, err := c.ReadAnyVerifyingKey()
	if err != nil {
		return nil, nil, fmt.Errorf("%w (run setup first)", err)
	}
	v, err := evm.Export(vk)
	if err != nil {
		return nil, nil, err
	}
	return c, v, nil
}

// abiPath is the ABI file written next to a verifier: Verifier.sol →
// Verifier.abi.json.
func abiPath(sol string) string {
	return strings.TrimSuffix(sol, filepath.Ext(sol)) + ".abi.json"
}

func cmdExportVerifier(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "Solidity file to write (its ABI goes to the same name with .abi.json)")
	pos, err := parse(fs, args, 1, "out")
	if err != nil {
		return err
	}
	_, v, err := openVerifier(pos[0])
	if err != nil {
		return err
	}
	if filepath.Ext(*out) != ".sol" {
		return usageError{"--out must name a .sol file"}
	}
	if err := proof.WriteFileAtomic(*out, v.Source); err != nil {
		return err
	}
	if err := proof.WriteFileAtomic(abiPath(*out), v.ABI); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s: contract %s, %s, %d-byte proofs (%d commitment(s))\n",
		*out, abiPath(*out), v.Contract, v.Signature(), v.ProofBytes(), v.Commitments)
	return nil
}

// readCall reads a proof file as a verifyProof call.
func readCall(file string) (*evm.Call, error) {
	p, err := proof.ReadProof(file)
	if err != nil {
		return nil, err
	}
	call, err := evm.NewCall(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return call, nil
}

func cmdCalldata(fs *flag.FlagSet, args []string) error {
	file := fs.String("proof", "", "proof file")
	pos, err := parse(fs, args, 1, "proof")
	if err != nil {
		return err
	}
	_, v, err := openVerifier(pos[0])
	if err != nil {
		return err
	}
	call, err := readCall(*file)
	if err != nil {
		return err
	}
	if err := call.Check(v); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	_, err = fmt.Fprintf(stdout, "0x%s\n", hex.EncodeToString(call.Calldata()))
	return err
}

func cmdVerifyEVM(fs *flag.FlagSet, args []string) error {
	file := fs.String("proof", "", "proof file to check")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, err := parse(fs, args, 1, "proof")
	if err != nil {
		return err
	}
	log := progress(*quiet)
	_, v, err := openVerifier(pos[0])
	if err != nil {
		return err
	}
	call, err := readCall(*file)
	if err != nil {
		return err
	}
	solc, err := evm.FindSolc()
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	compiled, err := evm.CompileVerifier(ctx, solc, v)
	if err != nil {
		return err
	}
	if log != nil {
		log("verify-evm: compiled %s with solc %s (%.1fs)", v.Contract, evm.SolcVersion, time.Since(start).Seconds())
	}
	chain, err := evm.NewChain()
	if err != nil {
		return err
	}
	defer chain.Close()
	addr, err := compiled.Deploy(ctx, chain)
	if err != nil {
		return err
	}
	// A proof for another circuit is still sent: the chain has the last word.
	res, err := compiled.Verify(ctx, chain, addr, call.Calldata())
	if err != nil {
		return err
	}
	if !res.Accepted {
		why := res.Reason
		if call.Check(v) != nil {
			why += " (" + call.Check(v).Error() + ")"
		}
		fmt.Fprintf(stdout, "rejected: %s; gas used %d, calldata %d bytes\n", why, res.GasUsed, res.Calldata)
		return fmt.Errorf("%s: the verifier contract rejected the proof: %s", *file, why)
	}
	fmt.Fprintf(stdout, "accepted: gas used %d, calldata %d bytes (%s on a simulated chain)\n", res.GasUsed, res.Calldata, v.Signature())
	return nil
}
