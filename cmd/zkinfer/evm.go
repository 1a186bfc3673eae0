package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

func init() {
	commands = append(commands, []command{
		{"export-verifier", "DIR --out Verifier.sol [--name ZkinferModel]", "write the Solidity verifier of DIR, the wrapper contract that checks what the circuit cannot pin (ZkinferModel.sol), and their ABIs; for a segmented DIR, each segment's verifier and the bundle contract (ZkinferBundle.sol)", cmdExportVerifier},
		{"calldata", "DIR --proof PROOF.json [--call verifier|verify|check]", "check the proof as verify does, then print the hex calldata of the verifier's call (or the wrapper's)", cmdCalldata},
		{"verify-evm", "DIR --proof PROOF.json [--contract CONSUMER.sol]", "check the proof as verify does, then on a simulated chain: the verifier and its wrapper, or --contract (needs make build-evm)", cmdVerifyEVM},
	}...)
}

// openVerifier opens a compiled directory and exports its verifier.
func openVerifier(dir string) (*proof.Compiled, *evm.Verifier, error) {
	c, err := proof.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	v, err := evm.ExportDir(c)
	if err != nil {
		return nil, nil, err
	}
	return c, v, nil
}

// abiPath is the ABI file written next to a contract: Verifier.sol →
// Verifier.abi.json.
func abiPath(sol string) string {
	return strings.TrimSuffix(sol, filepath.Ext(sol)) + ".abi.json"
}

func cmdExportVerifier(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "Solidity file of the verifier (its ABI goes to the same name with .abi.json; the wrapper beside it)")
	name := fs.String("name", evm.DefaultWrapperName, "the wrapper's contract name, and its file's (NAME.sol beside --out)")
	pos, err := parse(fs, args, 1, "out")
	if err != nil {
		return err
	}
	if filepath.Ext(*out) != ".sol" {
		return usageError{"--out must name a .sol file"}
	}
	if segment.IsSegmented(pos[0]) {
		return exportSegmented(pos[0], *out, *name)
	}
	c, v, err := openVerifier(pos[0])
	if err != nil {
		return err
	}
	w, err := evm.NewWrapper(c, v, *name, filepath.Base(*out))
	if err != nil {
		return err
	}
	wrapperOut := filepath.Join(filepath.Dir(*out), w.File)
	if filepath.Clean(wrapperOut) == filepath.Clean(*out) {
		return usageError{fmt.Sprintf("--out %s is the wrapper's file: choose another --out or --name", *out)}
	}
	// Everything is generated before anything is written.
	for _, f := range []struct {
		path string
		data []byte
	}{{*out, v.Source}, {abiPath(*out), v.ABI}, {wrapperOut, w.Source}, {abiPath(wrapperOut), w.ABI}} {
		if err := atomicfile.WriteFile(f.path, f.data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s and %s: contract %s, %s, %d-byte proofs (%d commitment(s))\n",
		*out, abiPath(*out), v.Contract, v.Signature(), v.ProofBytes(), v.Commitments)
	ctor := "constructor()"
	if w.Spec.ModelCommitment != "" {
		ctor = "constructor(bytes modelCommitment) registering the " + string(w.Spec.ModelCommitment) + " commitment `zkinfer commit` prints"
	}
	fmt.Fprintf(stdout, "wrote %s and %s: contract %s, %s, %s, %s; it deploys its %s\n",
		wrapperOut, abiPath(wrapperOut), w.Name, ctor, w.Signature(evm.WrapperVerify), w.Signature(evm.WrapperCheck), v.Contract)
	if w.Spec.Note != "" {
		fmt.Fprintf(stderr, "zkinfer export-verifier: warning: %s\n", w.Spec.Note)
	}
	if msg := evm.SizeWarning(v.Backend, v.Inputs); msg != "" {
		fmt.Fprintf(stderr, "zkinfer export-verifier: warning: %s\n", msg)
	}
	return nil
}

// The calls calldata can print.
const (
	callVerifier = "verifier"
	callVerify   = evm.WrapperVerify
	callCheck    = evm.WrapperCheck
)

func cmdCalldata(fs *flag.FlagSet, args []string) error {
	file := fs.String("proof", "", "proof file")
	to := fs.String("call", callVerifier, "which call: verifier (the bare verifier's verifyProof, or Verify for plonk), verify (the wrapper's transaction, bound to msg.sender) or check (the wrapper's view)")
	vf := verifyFlags(fs)
	pos, err := parse(fs, args, 1, "proof")
	if err != nil {
		return err
	}
	if *to != callVerifier && *to != callVerify && *to != callCheck {
		return usageError{fmt.Sprintf("--call %q: want %s, %s or %s", *to, callVerifier, callVerify, callCheck)}
	}
	vopt, err := vf.options()
	if err != nil {
		return err
	}
	if segment.IsSegmented(pos[0]) {
		return calldataSegmented(pos[0], *file, *to, vopt)
	}
	c, v, err := openVerifier(pos[0])
	if err != nil {
		return err
	}
	p, err := proof.ReadProof(*file)
	if err != nil {
		return invalid(fmt.Errorf("%s: %w", *file, err))
	}
	call, err := evm.CheckedCall(c, v, p, vopt)
	if err != nil {
		return invalid(fmt.Errorf("%s: %w", *file, err))
	}
	data := call.Calldata()
	if *to != callVerifier {
		w, err := evm.NewWrapper(c, v, "", "")
		if err != nil {
			return err
		}
		if data, err = w.Calldata(*to, call); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stdout, "0x%s\n", hex.EncodeToString(data))
	return err
}

// verifyEVMFlagSet are verify-evm's flags, the same in every build (the
// command without the EVM simulator still parses them, for --help).
type verifyEVMFlagSet struct {
	file, contract, call      *string
	quiet, bare, printContext *bool
	vf                        *verifyFlagSet
}

func verifyEVMFlags(fs *flag.FlagSet) *verifyEVMFlagSet {
	return &verifyEVMFlagSet{
		file:         fs.String("proof", "", "proof file to check"),
		quiet:        fs.Bool("quiet", false, "no progress on stderr"),
		bare:         fs.Bool("bare", false, "deploy and call the bare verifier only, without the wrapper (its checks are then zkinfer's, off chain)"),
		contract:     fs.String("contract", "", "a Solidity contract that inherits the wrapper (e.g. examples/lender/Lender.sol): deploy it and call it with the proof"),
		call:         fs.String("call", "", "with --contract: its function taking (bytes proof, uint256 context) (default: the only one)"),
		printContext: fs.Bool("print-context", false, "with --contract: print the context bytes to prove with (prove --context) for the simulated chain, and stop"),
		vf:           verifyFlags(fs),
	}
}
