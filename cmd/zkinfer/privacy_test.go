package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof"
)

func TestModelCommitmentCLI(t *testing.T) {
	model, input := testkit.CorpusModel(t, "1l_mlp")
	other := testkit.OtherWeights(t, model)
	tmp := t.TempDir()
	cm := strings.TrimSpace(mustZK(t, "commit", model))
	cmOther := strings.TrimSpace(mustZK(t, "commit", other))
	cmSalted := strings.TrimSpace(mustZK(t, "commit", model, "--salt", "0x2a"))
	if len(cm) != 66 || cm == cmOther || cm == cmSalted {
		t.Fatalf("commitments %s, other weights %s, salted %s", cm, cmOther, cmSalted)
	}
	dir := filepath.Join(tmp, "c")
	mustZK(t, "compile", model, "--out", dir, "--param-visibility", "hashed", "--param-commitment", "poseidon2", "--input-visibility", "hashed", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	prf := filepath.Join(tmp, "p.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", prf, "--model", model, "--param-salt", "0x2a", "--salt", "0x99", "--quiet")
	out := mustZK(t, "verify", dir, "--proof", prf, "--model-commitment", cmSalted)
	if !strings.Contains(out, cmSalted) || !strings.Contains(out, "secret weights") {
		t.Fatalf("verify says %q", out)
	}
	inCm := strings.TrimSpace(mustZK(t, "commit", dir, "--input", input, "--salt", "0x99"))
	mustZK(t, "verify", dir, "--proof", prf, "--input-commitment", inCm)
	if code, _, errOut := zk(t, "verify", dir, "--proof", prf, "--model-commitment", cm); code != 1 || !strings.Contains(errOut, "INVALID") {
		t.Fatalf("verify against the unsalted commitment: exit %d: %s", code, errOut)
	}
	// The other model's weights prove, but not against this model's commitment.
	prf2 := filepath.Join(tmp, "p2.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", prf2, "--model", other, "--param-salt", "0x2a", "--quiet")
	if code, _, errOut := zk(t, "verify", dir, "--proof", prf2, "--model-commitment", cmSalted); code != 1 {
		t.Fatalf("other weights verified against the model's commitment: %s", errOut)
	}
	mustZK(t, "verify", dir, "--proof", prf2, "--model-commitment", strings.TrimSpace(mustZK(t, "commit", other, "--salt", "2a")))
	// The directory gives the same Poseidon2 commitment.
	if got := strings.TrimSpace(mustZK(t, "commit", dir, "--model", model, "--param-salt", "0x2a")); got != cmSalted {
		t.Fatalf("commit DIR --model gave %s, commit MODEL %s", got, cmSalted)
	}
	// The directory holds no weights: proving needs them.
	if code, _, errOut := zk(t, "prove", dir, "--input", input, "--proof", prf2, "--quiet"); code != exitError || !strings.Contains(errOut, "--model") {
		t.Fatalf("prove without weights: exit %d: %s", code, errOut)
	}
}

func TestClaimCLI(t *testing.T) {
	model, input := testkit.CorpusModel(t, "1l_mlp") // outputs [0.273, 0.648, 0, 0]
	tmp := t.TempDir()
	compile := func(name, claim string) string {
		dir := filepath.Join(tmp, name)
		mustZK(t, "compile", model, "--out", dir, "--claim", claim, "--quiet")
		mustZK(t, "setup", dir, "--quiet")
		return dir
	}
	a := compile("a", "output[1] >= 0.6")
	prf := filepath.Join(tmp, "p.json")
	mustZK(t, "prove", a, "--input", input, "--proof", prf, "--quiet")
	raw, _ := os.ReadFile(prf)
	if strings.Contains(string(raw), `"outputs"`) || !strings.Contains(string(raw), `"claim": "output[1] >= 0.6"`) {
		t.Fatalf("proof file: %s", raw)
	}
	out := mustZK(t, "verify", a, "--proof", prf, "--claim", "output[1]>=0.6")
	if !strings.Contains(out, `satisfy the claim "output[1] >= 0.6"`) || strings.Contains(out, "0.648") {
		t.Fatalf("verify says %q", out)
	}
	if code, _, _ := zk(t, "verify", a, "--proof", prf, "--claim", "output[1] >= 0.5"); code != 1 {
		t.Fatal("verified against another claim text")
	}
	// Another threshold: a different directory rejects the proof.
	b := compile("b", "output[1] >= 0.5")
	if code, _, errOut := zk(t, "verify", b, "--proof", prf); code != 1 {
		t.Fatalf("a proof of >= 0.6 verified against >= 0.5: %s", errOut)
	}
	// Even with the claim text rewritten to match, the bounds differ.
	s := strings.Replace(string(raw), `"claim": "output[1] >= 0.6"`, `"claim": "output[1] >= 0.5"`, 1)
	forged := writeFile(t, tmp, "forged.json", s)
	if code, _, _ := zk(t, "verify", b, "--proof", forged); code != 1 {
		t.Fatal("a forged claim text verified")
	}
	// A false claim cannot be proven.
	c := compile("c", "argmax(output) == 0")
	if code, _, errOut := zk(t, "prove", c, "--input", input, "--proof", prf, "--quiet"); code != exitError || !strings.Contains(errOut, "does not hold") {
		t.Fatalf("false claim: exit %d: %s", code, errOut)
	}
}

// tamperCommitment writes a copy of proof file pf whose first Groth16
// commitment (the model's, with bit range checks) is D + G.
func tamperCommitment(t *testing.T, pf string) string {
	t.Helper()
	raw, err := os.ReadFile(pf)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	raw, _ = hex.DecodeString(p["proof"].(string))
	prf, err := proof.DecodeGroth16(raw, proof.AnyCommitments)
	if err != nil || len(prf.Commitments) != 1 {
		t.Fatalf("proof: %v, %d commitments", err, len(prf.Commitments))
	}
	_, _, g, _ := curve.Generators()
	prf.Commitments[0].Add(&prf.Commitments[0], &g)
	p["proof"] = hex.EncodeToString(proof.EncodeGroth16(prf))
	d := prf.Commitments[0].RawBytes()
	p["commitments"] = map[string]string{"params": "0x" + hex.EncodeToString(d[:])}
	out, _ := json.Marshal(p)
	return writeFile(t, t.TempDir(), "tampered.json", string(out))
}

// TestPedersenCommitmentCLI: hashed weights default to a pedersen commitment;
// `commit DIR --model` prints the D that proofs of different inputs carry;
// verify --model-commitment rejects another model's proof and another salt;
// a tampered D fails verify and, on chain, the Solidity verifier.
func TestPedersenCommitmentCLI(t *testing.T) {
	model, input := testkit.CorpusModel(t, "1l_mlp")
	other := testkit.OtherWeights(t, model)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "c")
	mustZK(t, "compile", model, "--out", dir, "--param-visibility", "hashed", "--range-check", "bits", "--quiet")
	if raw, _ := os.ReadFile(filepath.Join(dir, "settings.json")); !strings.Contains(string(raw), `"param_commitment": "pedersen"`) || !strings.Contains(string(raw), `"model_commitment_index": 0`) {
		t.Fatalf("settings.json: %s", raw)
	}
	mustZK(t, "setup", dir, "--quiet")
	d := strings.TrimSpace(mustZK(t, "commit", dir, "--model", model, "--param-salt", "0x2a"))
	dOther := strings.TrimSpace(mustZK(t, "commit", dir, "--model", other, "--param-salt", "0x2a"))
	dSalt := strings.TrimSpace(mustZK(t, "commit", dir, "--model", model, "--param-salt", "0x2b"))
	if len(d) != 130 || d == dOther || d == dSalt {
		t.Fatalf("commitments %s, other weights %s, other salt %s", d, dOther, dSalt)
	}
	in2 := writeFile(t, tmp, "in2.json", `{"input_data":[[-0.5,0.25,0.75]]}`)
	var proofs []string
	for i, in := range []string{input, in2} {
		pf := filepath.Join(tmp, "p"+strconv.Itoa(i)+".json")
		mustZK(t, "prove", dir, "--input", in, "--proof", pf, "--model", model, "--param-salt", "0x2a", "--quiet")
		if out := mustZK(t, "verify", dir, "--proof", pf, "--model-commitment", d); !strings.Contains(out, d) {
			t.Fatalf("verify says %q", out)
		}
		proofs = append(proofs, pf)
	}
	if code, _, errOut := zk(t, "verify", dir, "--proof", proofs[0], "--model-commitment", dSalt); code != 1 || !strings.Contains(errOut, "INVALID") {
		t.Fatalf("verify against another salt's commitment: exit %d: %s", code, errOut)
	}
	po := filepath.Join(tmp, "other.json")
	mustZK(t, "prove", dir, "--input", input, "--proof", po, "--model", other, "--param-salt", "0x2a", "--quiet")
	mustZK(t, "verify", dir, "--proof", po, "--model-commitment", dOther)
	if code, _, errOut := zk(t, "verify", dir, "--proof", po, "--model-commitment", d); code != 1 || !strings.Contains(errOut, "not the expected") {
		t.Fatalf("another model's proof against this model's commitment: exit %d: %s", code, errOut)
	}
	bad := tamperCommitment(t, proofs[1])
	if code, _, errOut := zk(t, "verify", dir, "--proof", bad); code != 1 || !strings.Contains(errOut, "not valid") {
		t.Fatalf("tampered commitment: exit %d: %s", code, errOut)
	}
	// On chain: the model commitment is the circuit's only commitment.
	if _, err := evm.FindSolc(); err != nil || !evmBuild {
		t.Logf("SKIP on-chain part: %v (or built without -tags evm)", err)
		return
	}
	sol := filepath.Join(tmp, "V.sol")
	if out := mustZK(t, "export-verifier", dir, "--out", sol); !strings.Contains(out, "(1 commitment(s))") {
		t.Fatalf("export-verifier said %q", out)
	}
	for _, pf := range []string{proofs[0], proofs[1], po} {
		if out := mustZK(t, "verify-evm", dir, "--proof", pf, "--quiet"); !strings.HasPrefix(out, "accepted") {
			t.Fatalf("verify-evm said %q", out)
		}
	}
	if code, out, _ := zk(t, "verify-evm", dir, "--proof", bad, "--quiet"); code != 1 || !strings.Contains(out, "rejected") {
		t.Fatalf("verify-evm accepted a tampered commitment: exit %d: %s", code, out)
	}
	// With lookup range checks there are two commitments: no verifier.
	dl := filepath.Join(tmp, "l")
	mustZK(t, "compile", model, "--out", dl, "--param-visibility", "hashed", "--range-check", "lookup", "--quiet")
	mustZK(t, "setup", dl, "--quiet")
	if code, _, errOut := zk(t, "export-verifier", dl, "--out", filepath.Join(tmp, "L.sol")); code != exitError || !strings.Contains(errOut, "2 commitments") {
		t.Fatalf("export-verifier with two commitments: exit %d: %s", code, errOut)
	}
}
