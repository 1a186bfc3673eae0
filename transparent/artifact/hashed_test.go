package artifact

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

// TestHashedDirectory: a hashed directory proves with its weights and
// salt; the proof's commitment is WeightsCommitment's; Open refuses an
// edited architecture.json (a changed shift) and
// Weighted refuses a model of another architecture; ProveHashed refuses a
// zero salt and Prove any proof without the weights.
func TestHashedDirectory(t *testing.T) {
	path, input := testkit.CorpusModel(t, "2l_relu_fc")
	dir := filepath.Join(t.TempDir(), "d")
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	if _, err := Compile(path, dir, quant.Default, vis); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	in, err := model.ReadInput(input)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Prove(in, nil); err == nil {
		t.Error("a hashed directory proved without its weights")
	}
	w, err := c.Weighted(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ProveHashed(in, big.NewInt(0), nil); err == nil || !strings.Contains(err.Error(), "--param-salt") {
		t.Errorf("a zero salt: %v", err)
	}
	salt := big.NewInt(0x5eed)
	p, err := w.ProveHashed(in, salt, nil)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := c.WeightsCommitment(path, salt)
	if err != nil {
		t.Fatal(err)
	}
	if p.Commitments["params"] != mc {
		t.Fatalf("proof's commitment %s, WeightsCommitment %s", p.Commitments["params"], mc)
	}
	if err := c.Verify(p, verifier.Options{ModelCommitment: strings.ToUpper(mc[2:])}); err != nil {
		t.Fatalf("honest proof with its commitment expected: %v", err)
	}
	other, _ := testkit.CorpusModel(t, "1l_mlp")
	if _, err := c.Weighted(other); err == nil {
		t.Error("a model of another architecture accepted")
	}
	a := filepath.Join(dir, ArchFile)
	orig, _ := os.ReadFile(a)
	edited := strings.Replace(string(orig), `"Shift": 12`, `"Shift": 11`, 1)
	if edited == string(orig) {
		t.Fatal("no shift to edit")
	}
	os.WriteFile(a, []byte(edited), 0o644)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "circuit_sha256") {
		t.Errorf("an edited architecture: %v", err)
	}
}
