package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/proof"
)

func needSolc(t *testing.T) {
	t.Helper()
	if _, err := evm.FindSolc(); errors.Is(err, evm.ErrNoSolc) {
		t.Skipf("SKIP: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
}

// proveWithCLI compiles, sets up and proves a model with the CLI.
func proveWithCLI(t *testing.T, modelPath, input string) (dir, proofFile string) {
	t.Helper()
	dir = t.TempDir()
	mustZK(t, "compile", modelPath, "--out", dir, "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	proofFile = filepath.Join(dir, "proof.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", proofFile, "--quiet")
	mustZK(t, "verify", dir, "--proof", proofFile)
	return dir, proofFile
}

// TestEVMCommands: for the demo model and corpus models, export-verifier
// writes the contract and its ABI, calldata prints the verifyProof call,
// verify-evm accepts the proof `verify` accepts and rejects (exit 1) a
// changed public input, a flipped proof byte and another model's proof.
func TestEVMCommands(t *testing.T) {
	needSolc(t)
	type model struct{ name, onnx, input string }
	models := []model{{"credit", demoModel, demoInput}}
	if _, err := os.Stat(corpusDirPath()); err == nil {
		for _, n := range []string{"1l_mlp", "accuracy"} {
			d := filepath.Join(corpusDirPath(), n)
			models = append(models, model{n, filepath.Join(d, "network.onnx"), filepath.Join(d, "input.json")})
		}
	} else {
		t.Logf("SKIP corpus models: no corpus at %s", corpusDirPath())
	}
	var prevProof []byte // the previous model's proof file
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			dir, pf := proveWithCLI(t, m.onnx, m.input)
			sol := filepath.Join(t.TempDir(), "Verifier.sol")
			out := mustZK(t, "export-verifier", dir, "--out", sol)
			if !strings.Contains(out, "verifyProof(bytes,uint256[") {
				t.Fatalf("export-verifier said %q", out)
			}
			src, err := os.ReadFile(sol)
			if err != nil || !strings.Contains(string(src), "contract Verifier") {
				t.Fatalf("Verifier.sol: %v", err)
			}
			var abiJSON []map[string]any
			b, err := os.ReadFile(strings.TrimSuffix(sol, ".sol") + ".abi.json")
			if err != nil || json.Unmarshal(b, &abiJSON) != nil || len(abiJSON) == 0 {
				t.Fatalf("Verifier.abi.json: %v %s", err, b)
			}

			// calldata is the verifyProof call of the proof file.
			hexData := strings.TrimSpace(mustZK(t, "calldata", dir, "--proof", pf))
			data, err := hex.DecodeString(strings.TrimPrefix(hexData, "0x"))
			if err != nil {
				t.Fatalf("calldata printed %q", hexData)
			}
			p, err := proof.ReadProof(pf)
			if err != nil {
				t.Fatal(err)
			}
			if want := evm.Selector("verifyProof(bytes,uint256[" + strconv.Itoa(len(p.PublicInputs)) + "])"); string(data[:4]) != string(want) {
				t.Fatalf("calldata selector %x, want %x", data[:4], want)
			}
			if len(data) != 4+32*(len(p.PublicInputs)+2)+256 && len(data) != 4+32*(len(p.PublicInputs)+2)+384 {
				t.Fatalf("calldata has %d bytes", len(data))
			}

			code, out, errOut := zk(t, "verify-evm", dir, "--proof", pf, "--quiet")
			if code != 0 || !strings.HasPrefix(out, "accepted: gas used ") {
				t.Fatalf("verify-evm of a valid proof: exit %d: %s%s", code, out, errOut)
			}
			t.Logf("%s: %s", m.name, strings.TrimSpace(out))

			rejected := func(what, file string, onChain bool) {
				t.Helper()
				code, out, errOut := zk(t, "verify-evm", dir, "--proof", file, "--quiet")
				if code != 1 {
					t.Fatalf("verify-evm of %s: exit %d, want 1: %s%s", what, code, out, errOut)
				}
				if onChain && !strings.HasPrefix(out, "rejected: ") {
					t.Fatalf("verify-evm of %s: not rejected on chain: %s%s", what, out, errOut)
				}
				if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
					t.Fatalf("error is not one line: %q", errOut)
				}
			}
			var pm map[string]any
			raw, _ := os.ReadFile(pf)
			json.Unmarshal(raw, &pm)
			edited := func(f func(map[string]any)) string {
				var c map[string]any
				json.Unmarshal(raw, &c)
				f(c)
				b, _ := json.Marshal(c)
				return writeFile(t, t.TempDir(), "bad.json", string(b))
			}
			rejected("a changed public input", edited(func(c map[string]any) {
				pub := c["public_inputs"].([]any)
				s := []byte(pub[0].(string))
				s[len(s)-1] ^= 1
				pub[0] = string(s)
			}), true)
			rejected("a flipped proof byte", edited(func(c map[string]any) {
				s := []byte(c["proof"].(string))
				s[40] ^= 1 // inside A's x coordinate: off the curve, or another point
				c["proof"] = string(s)
			}), false)
			if prevProof != nil {
				rejected("another model's proof", writeFile(t, t.TempDir(), "other.json", string(prevProof)), true)
			}
			prevProof = raw
		})
	}
}

func corpusDirPath() string {
	if d := os.Getenv("ZKINFER_CORPUS_DIR"); d != "" {
		return d
	}
	return "../../../shared/corpus/ezkl"
}

// TestEVMBadInput: usage and file errors are one line and a non-zero exit.
func TestEVMBadInput(t *testing.T) {
	tmp := t.TempDir()
	notProof := writeFile(t, tmp, "p.json", `{"proof":`)
	for _, args := range [][]string{
		{"export-verifier", tmp, "--out", filepath.Join(tmp, "V.sol")}, // not a compiled directory
		{"export-verifier", tmp},                 // --out missing
		{"calldata", tmp, "--proof", notProof},   // not compiled
		{"verify-evm", tmp, "--proof", notProof}, // not compiled
		{"calldata", "--proof", notProof},        // no DIR
		{"verify-evm", tmp, "--proof", filepath.Join(tmp, "missing.json")},
	} {
		code, _, errOut := zk(t, args...)
		if code == 0 {
			t.Errorf("zkinfer %v succeeded", args)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 1 || strings.Contains(errOut, "internal error") {
			t.Errorf("zkinfer %v: %q", args, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "V.sol")); err == nil {
		t.Error("a failed export left a file behind")
	}
}
