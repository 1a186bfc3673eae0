package transcript

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

func TestChallengesDependOnHistory(t *testing.T) {
	base := func() *Transcript {
		tr := New("p")
		tr.AppendBytes("a", []byte{1, 2})
		return tr
	}
	ref := base().Challenge("c")
	cases := []struct {
		name string
		tr   func() *Transcript
	}{
		{"other domain", func() *Transcript { tr := New("q"); tr.AppendBytes("a", []byte{1, 2}); return tr }},
		{"other label", func() *Transcript { tr := New("p"); tr.AppendBytes("b", []byte{1, 2}); return tr }},
		{"other data", func() *Transcript { tr := New("p"); tr.AppendBytes("a", []byte{1, 3}); return tr }},
		{"label/data boundary moved", func() *Transcript { tr := New("p"); tr.AppendBytes("a\x01", []byte{2}); return tr }},
		{"split message", func() *Transcript {
			tr := New("p")
			tr.AppendBytes("a", []byte{1})
			tr.AppendBytes("a", []byte{2})
			return tr
		}},
		{"extra message", func() *Transcript { tr := base(); tr.AppendUint64("n", 0); return tr }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.tr().Challenge("c"); got.Equal(&ref) {
				t.Fatal("challenge unchanged")
			}
		})
	}
	if again := base().Challenge("c"); !again.Equal(&ref) {
		t.Fatal("same history, different challenge")
	}
	tr := base()
	c1, c2 := tr.Challenge("c"), tr.Challenge("c")
	if c1.Equal(&c2) {
		t.Fatal("two successive challenges are equal")
	}
}

func TestIndices(t *testing.T) {
	tr := New("p")
	idx, err := tr.Indices("q", 64, 1000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, i := range idx {
		if i < 0 || i >= 64 {
			t.Fatalf("index %d out of [0,64)", i)
		}
		seen[i] = true
	}
	if len(seen) < 60 { // 1000 draws miss a given index with probability 2^-22
		t.Fatalf("1000 draws hit only %d of 64 indices", len(seen))
	}
	if _, err := tr.Indices("q", 48, 3); err == nil {
		t.Fatal("range 48 accepted")
	}
}

func ExampleTranscript() {
	prover, verifier := New("example"), New("example")
	var claim fr.Element
	claim.SetUint64(42)
	prover.AppendElements("claim", claim)
	verifier.AppendElements("claim", claim)
	a, b := prover.Challenge("r"), verifier.Challenge("r")
	fmt.Println(a.Equal(&b))
	// Output: true
}
