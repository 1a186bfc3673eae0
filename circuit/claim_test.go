package circuit

import (
	"math/big"
	"testing"

	"github.com/zkinfer/zkinfer/ops"
)

func TestClaimParse(t *testing.T) {
	for in, want := range map[string]string{
		"output[0] >= 0.7":          "output[0] >= 0.7",
		"output1[2]<-1e-3":          "output1[2] < -0.001",
		"argmax(output) == 3":       "argmax(output) == 3",
		"output[1] in [0.2, 0.4]":   "output[1] in [0.2, 0.4]",
		" output [1]  in [ .2,.4 ]": "output[1] in [0.2, 0.4]",
	} {
		c, err := ParseClaim(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if c.String() != want {
			t.Fatalf("%q → %q, want %q", in, c, want)
		}
	}
	for _, bad := range []string{"output[0] = 1", "max(output) == 1", "output[0] in [0.5, 0.1]", "output[a] > 1", "output[0] >= inf"} {
		if _, err := ParseClaim(bad); err == nil {
			t.Fatalf("%q parsed", bad)
		}
	}
}

// TestClaimGadget: true claims solve; a claim bound that the output does not
// meet, or an output value forged to meet it, leaves the circuit unsolved.
func TestClaimGadget(t *testing.T) {
	m, w := secretMLP(t)
	y := w.Outputs[0].Data // 1l_mlp: [0.273, 0.648, 0, 0] at scale 2^12
	for _, tc := range []struct {
		claim string
		holds bool
	}{
		{"output[1] >= 0.6", true},
		{"output[1] >= 0.7", false},
		{"output[0] > 0.2734375", false},
		{"output[0] >= 0.2734375", true},
		{"output[0] in [0.2, 0.3]", true},
		{"output[0] in [0.28, 0.3]", false},
		{"output[2] <= 0", true},
		{"output[2] < 0", false},
		{"argmax(output) == 1", true},
		{"argmax(output) == 0", false},
		{"argmax(output) == 3", false}, // ties 0 == 0: the first index wins
	} {
		c, _ := ParseClaim(tc.claim)
		if got := c.Holds(m.Outputs, w.Outputs); got != tc.holds {
			t.Fatalf("%q holds = %v on %v", tc.claim, got, y)
		}
		vis := Visibility{Input: Private, Params: Private, Output: Private, Claim: tc.claim}
		cs := build(t, m, vis, ops.RangeBits)
		_, err := AssignWitness(m, vis, w)
		if tc.holds != (err == nil) {
			t.Fatalf("%q: assign: %v", tc.claim, err)
		}
		// Force the assignment, true claim or false: the claim's public
		// values, then the context (the last public input) of the same
		// witness without a claim. A true claim must solve (so that a
		// malformed witness cannot pass this test vacuously), a false one
		// must not.
		a, err := AssignWitness(m, Visibility{Input: Private, Params: Private, Output: Private}, w)
		if err != nil {
			t.Fatal(err)
		}
		forced := &Circuit{Public: nil, Private: a.Private}
		for _, v := range c.PublicValues(m.Outputs) {
			forced.Public = append(forced.Public, v)
		}
		forced.Public = append(forced.Public, a.Public...)
		if err := solved(t, cs, forced); (err == nil) != tc.holds {
			t.Fatalf("claim %q (holds: %v) forced: %v", tc.claim, tc.holds, err)
		}
	}
	// A threshold public input other than the claim's: unsolved when the
	// output misses it, and a tag other than the claim's: always unsolved.
	vis := Visibility{Input: Private, Params: Private, Output: Private, Claim: "output[1] >= 0.6"}
	cs := build(t, m, vis, ops.RangeLookup)
	a, err := AssignWitness(m, vis, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := solved(t, cs, a); err != nil {
		t.Fatal(err)
	}
	a.Public[1] = big.NewInt(y[1] + 1)
	if solved(t, cs, a) == nil {
		t.Fatal("a threshold above the output solves")
	}
	a, _ = AssignWitness(m, vis, w)
	a.Public[0] = big.NewInt(1)
	if solved(t, cs, a) == nil {
		t.Fatal("another claim tag solves")
	}
}
