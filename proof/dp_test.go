package proof

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// TestDPReleaseGroth16: a DP release of the credit model's output proves
// and verifies with the expected seed commitment and coins; a proof with
// another seed, other coins, an altered released value (in the file or in
// the public input: altered noise), or a settings.json whose ε was edited
// fails verification, each with the reason.
func TestDPReleaseGroth16(t *testing.T) {
	path, in := creditModel, [][]float64{{48, 0.28, 9, 0, 0.35, 33, 12, 5}}
	vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Fixed, Output: circuit.Private,
		DP: &circuit.DPRelease{Mechanism: dp.Laplace, Epsilon: dp.Decimal{Num: 1, Den: 1}, Sensitivity: dp.Decimal{Num: 1, Den: 10}}}
	c := compileSetup(t, path, vis)
	seed, coins := big.NewInt(424242), []byte("the-verifiers-coins-for-release-1")
	cm := dp.FieldHex(dp.SeedCommitment(seed))
	p, err := c.ProveWith(in, ProveOptions{DP: &circuit.DPWitness{Seed: seed, Coins: coins}})
	if err != nil {
		t.Fatal(err)
	}
	expect := VerifyOptions{DPCommitment: cm, DPCoins: coins}
	if err := c.VerifyWith(p, expect); err != nil {
		t.Fatalf("honest release: %v", err)
	}
	if d := c.Describe(p); !strings.Contains(d, "ε = 1") || !strings.Contains(d, "discrete Laplace") || !strings.Contains(d, "sensitivity of 0.1") {
		t.Fatalf("describe does not say the mechanism: %s", d)
	}
	if _, err := c.ProveWith(in, ProveOptions{}); err == nil {
		t.Fatal("a DP circuit proved without a seed")
	}
	// Another seed: valid on its own, not for the expected commitment.
	p2, err := c.ProveWith(in, ProveOptions{DP: &circuit.DPWitness{Seed: big.NewInt(7), Coins: coins}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyWith(p2, expect); err == nil || !strings.Contains(err.Error(), "seed committed") {
		t.Fatalf("another seed: %v", err)
	}
	// Other coins.
	p3, err := c.ProveWith(in, ProveOptions{DP: &circuit.DPWitness{Seed: seed, Coins: []byte("other-coins-drawn-before-the-commit")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyWith(p3, expect); err == nil || !strings.Contains(err.Error(), "coins") {
		t.Fatalf("other coins: %v", err)
	}
	segs := c.Settings.Layout()
	rel := segs.Offset(circuit.SegDPReleased)
	for name, tc := range map[string]struct {
		edit func(q *Proof)
		want string
	}{
		"released value in the file": {func(q *Proof) { q.DP.Released[0][0] += 0.0078125 }, "dp released"},
		"altered noise":              {func(q *Proof) { q.PublicInputs[rel] = bump(q.PublicInputs[rel]); q.DP.Released[0][0] += 0.0078125 }, "not valid"},
		"coins public input": {func(q *Proof) {
			q.PublicInputs[segs.Offset(circuit.SegDPCoins)] = bump(q.PublicInputs[segs.Offset(circuit.SegDPCoins)])
		}, "coins"},
		"seed commitment":    {func(q *Proof) { q.DP.SeedCommitment = dp.FieldHex(big.NewInt(1)) }, "seed commitment"},
		"no dp section":      {func(q *Proof) { q.DP = nil }, "no dp section"},
		"mechanism in words": {func(q *Proof) { q.DP.Mechanism = strings.Replace(q.DP.Mechanism, "ε = 1", "ε = 0.1", 1) }, "dp mechanism"},
		"tag public input": {func(q *Proof) {
			q.PublicInputs[segs.Offset(circuit.SegDPTag)] = bump(q.PublicInputs[segs.Offset(circuit.SegDPTag)])
		}, "another DP statement"},
	} {
		q := cloneProof(t, p)
		tc.edit(q)
		if err := c.VerifyWith(q, expect); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: %v (want %q)", name, err, tc.want)
		}
	}
	// settings.json edited to claim ε = 0.5: its tag is not the circuit's.
	b, err := os.ReadFile(filepath.Join(c.Dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := verifier.ParseSettings(b)
	if err != nil {
		t.Fatal(err)
	}
	s.Visibility.DP.Epsilon = dp.Decimal{Num: 1, Den: 2}
	if err := verifier.Verify(s, dirKey{c}, p, expect); err == nil || !strings.Contains(err.Error(), "another DP statement") {
		t.Fatalf("edited ε: %v", err)
	}
}

func bump(h string) string {
	v, _ := new(big.Int).SetString(strings.TrimPrefix(h, "0x"), 16)
	return verifier.FieldHex(v.Add(v, big.NewInt(1)))
}

func cloneProof(t *testing.T, p *Proof) *Proof {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q Proof
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	return &q
}
