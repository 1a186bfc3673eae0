package merkle

import (
	"fmt"
	"testing"
)

func leaves(n int) []Hash {
	out := make([]Hash, n)
	for i := range out {
		out[i] = LeafHash([]byte(fmt.Sprint("leaf", i)))
	}
	return out
}

func TestPaths(t *testing.T) {
	for _, n := range []int{1, 2, 8, 64} {
		tr, err := Build(leaves(n))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			if err := Verify(tr.Root(), i, tr.Levels[0][i], tr.Path(i)); err != nil {
				t.Fatalf("n=%d leaf %d: %v", n, i, err)
			}
		}
	}
}

func TestTamperedRejected(t *testing.T) {
	tr, _ := Build(leaves(16))
	root, leaf, path := tr.Root(), tr.Levels[0][5], tr.Path(5)
	flip := func(h Hash) Hash { h[7] ^= 1; return h }
	cases := []struct {
		name string
		i    int
		leaf Hash
		path func() []Hash
	}{
		{"wrong leaf", 5, flip(leaf), func() []Hash { return path }},
		{"wrong position", 4, leaf, func() []Hash { return path }},
		{"position out of range", 21, leaf, func() []Hash { return path }},
		{"tampered sibling", 5, leaf, func() []Hash { p := append([]Hash(nil), path...); p[2] = flip(p[2]); return p }},
		{"short path", 5, leaf, func() []Hash { return path[:3] }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify(root, c.i, c.leaf, c.path()); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := Build(leaves(6)); err == nil {
		t.Fatal("6 leaves accepted")
	}
}
