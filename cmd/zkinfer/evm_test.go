package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof"
)

// needSolc skips the test when solc-js is not installed, or when the test
// binary is built without -tags evm (make test builds it with).
func needSolc(t *testing.T) {
	if !evmBuild {
		t.Skip("SKIP: built without -tags evm: verify-evm is not in this build (make test runs these tests with -tags evm)")
	}
	evmtest.Solc(t)
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
// writes the verifier, the wrapper and their ABIs, calldata prints the
// verifyProof call and the wrapper's, verify-evm accepts the proof `verify`
// accepts (reporting the verifier's and the wrapper's gas) and rejects
// (exit 1) a changed public input, a flipped proof byte and another model's
// proof.
func TestEVMCommands(t *testing.T) {
	needSolc(t)
	type model struct{ name, onnx, input string }
	models := []model{{"credit", demoModel, demoInput}}
	for _, n := range []string{"1l_mlp", "accuracy"} {
		if path, input, ok := testkit.LookupCorpusModel(n); ok {
			models = append(models, model{n, path, input})
		} else {
			t.Logf("SKIP corpus model %s: not found in %s", n, testkit.CorpusDir())
		}
	}
	var prevProof []byte // the previous model's proof file
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			dir, pf := proveWithCLI(t, m.onnx, m.input)
			sol := filepath.Join(t.TempDir(), "Verifier.sol")
			out := mustZK(t, "export-verifier", dir, "--out", sol)
			if !strings.Contains(out, "verifyProof(bytes,uint256[") || !strings.Contains(out, "contract ZkinferModel, constructor(), verify(bytes,int256[") {
				t.Fatalf("export-verifier said %q", out)
			}
			for _, f := range []struct{ sol, contract string }{{sol, "contract Verifier"}, {filepath.Join(filepath.Dir(sol), "ZkinferModel.sol"), "contract ZkinferModel"}} {
				src, err := os.ReadFile(f.sol)
				if err != nil || !strings.Contains(string(src), f.contract) {
					t.Fatalf("%s: %v", f.sol, err)
				}
				var abiJSON []map[string]any
				b, err := os.ReadFile(strings.TrimSuffix(f.sol, ".sol") + ".abi.json")
				if err != nil || json.Unmarshal(b, &abiJSON) != nil || len(abiJSON) == 0 {
					t.Fatalf("%s's ABI: %v %s", f.sol, err, b)
				}
			}

			// calldata is the verifyProof call of the proof file.
			data := calldata(t, dir, pf)
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
			// --call verify and check: the wrapper's calls, the claims left out.
			c, v, err := openVerifier(dir)
			if err != nil {
				t.Fatal(err)
			}
			w, err := evm.NewWrapper(c, v, "", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, fn := range []string{evm.WrapperVerify, evm.WrapperCheck} {
				if got := calldata(t, dir, pf, "--call", fn); string(got[:4]) != string(evm.Selector(w.Signature(fn))) || len(got) != len(data) {
					t.Fatalf("calldata --call %s: %x…, %d bytes", fn, got[:4], len(got))
				}
			}

			code, out, errOut := zk(t, "verify-evm", dir, "--proof", pf, "--quiet")
			if code != 0 || !strings.HasPrefix(out, "accepted: gas used ") || !strings.Contains(out, "by the wrapper (ZkinferModel.check") {
				t.Fatalf("verify-evm of a valid proof: exit %d: %s%s", code, out, errOut)
			}
			t.Logf("%s: %s", m.name, strings.TrimSpace(out))
			if out := mustZK(t, "verify-evm", dir, "--proof", pf, "--quiet", "--bare"); !strings.HasPrefix(out, "accepted: gas used ") || strings.Contains(out, "wrapper") {
				t.Fatalf("verify-evm --bare said %q", out)
			}

			rejected := func(what, file string) {
				t.Helper()
				code, out, errOut := zk(t, "verify-evm", dir, "--proof", file, "--quiet")
				if code != 1 {
					t.Fatalf("verify-evm of %s: exit %d, want 1: %s%s", what, code, out, errOut)
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
			}))
			rejected("a flipped proof byte", edited(func(c map[string]any) {
				s := []byte(c["proof"].(string))
				s[40] ^= 1 // inside A's x coordinate: off the curve, or another point
				c["proof"] = string(s)
			}))
			if prevProof != nil {
				rejected("another model's proof", writeFile(t, t.TempDir(), "other.json", string(prevProof)))
			}
			prevProof = raw
		})
	}
}

// calldata runs `zkinfer calldata DIR --proof PROOF ARGS…` and decodes its
// hex.
func calldata(t *testing.T, dir, pf string, args ...string) []byte {
	t.Helper()
	hexData := strings.TrimSpace(mustZK(t, append([]string{"calldata", dir, "--proof", pf}, args...)...))
	data, err := hex.DecodeString(strings.TrimPrefix(hexData, "0x"))
	if err != nil || len(data) < 4 {
		t.Fatalf("calldata printed %q", hexData)
	}
	return data
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
		{"calldata", tmp, "--proof", notProof, "--call", "nope"},
		{"export-verifier", tmp, "--out", filepath.Join(tmp, "V.sol"), "--name", "1x"},
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

// TestEVMRefusesWhatVerifyRefuses: verify-evm and calldata run verify's
// checks first, with its flags, and refuse (exit 1, no calldata) what it
// refuses: outputs edited in the proof file (the public inputs, all the
// chain sees, unchanged), another model commitment than --model-commitment,
// another context than --context. With the right ones, verify-evm accepts;
// without --model-commitment it registers the proof's own and says so.
func TestEVMRefusesWhatVerifyRefuses(t *testing.T) {
	needSolc(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "credit")
	mustZK(t, "compile", demoModel, "--out", dir, "--param-visibility", "hashed", "--param-bits", "20", "--claim", "output[0] >= 0.7", "--range-check", "bits", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	commitment := strings.TrimSpace(mustZK(t, "commit", dir, "--model", demoModel, "--param-salt", "0x1234"))
	otherSalt := strings.TrimSpace(mustZK(t, "commit", dir, "--model", demoModel, "--param-salt", "0x1235"))
	ctx := strings.TrimSpace(mustZK(t, "context", "--chain-id", "1337", "--contract", "0x"+strings.Repeat("ab", 20), "--sender", "0x"+strings.Repeat("cd", 20), "--nonce", "0"))
	otherCtx := strings.TrimSpace(mustZK(t, "context", "--chain-id", "1337", "--contract", "0x"+strings.Repeat("ab", 20), "--sender", "0x"+strings.Repeat("ef", 20), "--nonce", "0"))
	pf := filepath.Join(tmp, "p.json")
	mustZK(t, "prove", dir, "--input", demoInput, "--proof", pf, "--model", demoModel, "--param-salt", "0x1234", "--context", ctx, "--quiet")

	code, out, errOut := zk(t, "verify-evm", dir, "--proof", pf, "--model-commitment", commitment, "--context", ctx, "--quiet")
	if code != 0 || !strings.HasPrefix(out, "accepted: gas used ") || errOut != "" {
		t.Fatalf("verify-evm with the right commitment and context: exit %d: %s%s", code, out, errOut)
	}
	t.Logf("pedersen weights, claim: %s", strings.TrimSpace(out))
	code, out, errOut = zk(t, "verify-evm", dir, "--proof", pf, "--quiet")
	if code != 0 || !strings.Contains(errOut, "registers the proof's own model commitment "+commitment) {
		t.Fatalf("verify-evm without --model-commitment: exit %d: %s%s", code, out, errOut)
	}

	plain, plainProof := proveWithCLI(t, demoModel, demoInput)
	raw, err := os.ReadFile(plainProof)
	if err != nil {
		t.Fatal(err)
	}
	var pm map[string]any
	if err := json.Unmarshal(raw, &pm); err != nil {
		t.Fatal(err)
	}
	pm["outputs"] = [][]float64{{0.99}}
	b, _ := json.Marshal(pm)
	editedOutputs := writeFile(t, tmp, "edited.json", string(b))

	for _, tc := range []struct {
		what string
		args []string // DIR --proof P and the flags
	}{
		{"edited outputs", []string{plain, "--proof", editedOutputs}},
		{"another model commitment", []string{dir, "--proof", pf, "--model-commitment", otherSalt}},
		{"another context", []string{dir, "--proof", pf, "--context", otherCtx}},
	} {
		if code, _, _ := zk(t, append([]string{"verify"}, tc.args...)...); code != 1 {
			t.Fatalf("%s: verify exit %d, want 1", tc.what, code)
		}
		for _, cmd := range [][]string{{"verify-evm", "--quiet"}, {"calldata"}, {"calldata", "--call", "verify"}} {
			args := append(append([]string{cmd[0]}, tc.args...), cmd[1:]...)
			code, out, errOut := zk(t, args...)
			if code != 1 || !strings.Contains(errOut, "INVALID") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Fatalf("%s: zkinfer %v: exit %d: %q %q", tc.what, cmd, code, out, errOut)
			}
			if cmd[0] == "calldata" && out != "" {
				t.Fatalf("%s: calldata printed %q", tc.what, out)
			}
			if cmd[0] == "verify-evm" && (!strings.HasPrefix(out, "rejected before the chain: ") || strings.Contains(out, "accepted")) {
				t.Fatalf("%s: verify-evm said %q", tc.what, out)
			}
		}
	}
}

// TestContextCommand: context prints abi.encodePacked(uint256 chain id,
// address contract, address sender, uint256 nonce), the bytes the wrapper
// hashes; malformed flags are usage errors.
func TestContextCommand(t *testing.T) {
	a, b := "0x"+strings.Repeat("11", 20), "0x"+strings.Repeat("2A", 20)
	out := strings.TrimSpace(mustZK(t, "context", "--chain-id", "0x89", "--contract", a, "--sender", b, "--nonce", "258"))
	want := "0x" + fmt.Sprintf("%064x", 137) + strings.Repeat("11", 20) + strings.Repeat("2a", 20) + fmt.Sprintf("%064x", 258)
	if out != want {
		t.Fatalf("context printed\n%s\nwant\n%s", out, want)
	}
	for _, args := range [][]string{
		{"--chain-id", "1", "--contract", a, "--sender", b},                      // no nonce
		{"--chain-id", "-1", "--contract", a, "--sender", b, "--nonce", "0"},     // negative
		{"--chain-id", "1", "--contract", a[:40], "--sender", b, "--nonce", "0"}, // short address
		{"--chain-id", "1", "--contract", a, "--sender", "0x" + strings.Repeat("g", 40), "--nonce", "0"},
		{"--chain-id", "1", "--contract", a, "--sender", b, "--nonce", "0x1" + strings.Repeat("0", 64)}, // 2^256
		{"--chain-id", "1", "--contract", a, "--sender", b, "--nonce", "0", "extra"},
	} {
		if code, _, errOut := zk(t, append([]string{"context"}, args...)...); code != 2 || strings.Contains(errOut, "internal error") {
			t.Errorf("context %v: exit %d, %q", args, code, errOut)
		}
	}
}
