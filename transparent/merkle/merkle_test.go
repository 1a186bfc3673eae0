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

func TestMultiProof(t *testing.T) {
	tr, _ := Build(leaves(64))
	root := tr.Root()
	cases := [][]int{{0}, {63}, {5, 4}, {0, 1, 2, 3}, {9, 40, 41, 17, 63, 0}, func() []int {
		all := make([]int, 64)
		for i := range all {
			all[i] = 63 - i
		}
		return all
	}()}
	for _, pos := range cases {
		proof, err := tr.MultiPath(pos)
		if err != nil {
			t.Fatal(err)
		}
		ls := make([]Hash, len(pos))
		for k, i := range pos {
			ls[k] = tr.Levels[0][i]
		}
		if err := VerifyMulti(root, 6, pos, ls, proof); err != nil {
			t.Fatalf("positions %v: %v", pos, err)
		}
		if len(pos) == 64 && len(proof) != 0 {
			t.Fatalf("all leaves opened, %d hashes sent", len(proof))
		}
		if len(pos) == 1 && len(proof) != 6 {
			t.Fatalf("one leaf opened, %d hashes sent, want 6", len(proof))
		}
	}
	pos := []int{9, 40, 41, 17}
	proof, _ := tr.MultiPath(pos)
	ls := []Hash{tr.Levels[0][9], tr.Levels[0][40], tr.Levels[0][41], tr.Levels[0][17]}
	flip := func(h Hash) Hash { h[0] ^= 1; return h }
	for _, c := range []struct {
		name   string
		pos    []int
		leaves []Hash
		proof  []Hash
		depth  int
	}{
		{"wrong leaf", pos, []Hash{ls[0], flip(ls[1]), ls[2], ls[3]}, proof, 6},
		{"leaves swapped", pos, []Hash{ls[1], ls[0], ls[2], ls[3]}, proof, 6},
		{"tampered proof hash", pos, ls, append(append([]Hash(nil), proof[:2]...), append([]Hash{flip(proof[2])}, proof[3:]...)...), 6},
		{"short proof", pos, ls, proof[:len(proof)-1], 6},
		{"extra hash", pos, ls, append(append([]Hash(nil), proof...), proof[0]), 6},
		{"repeated position", []int{9, 9, 41, 17}, ls, proof, 6},
		{"position out of range", []int{9, 40, 41, 64}, ls, proof, 6},
		{"wrong depth", pos, ls, proof, 5},
	} {
		if err := VerifyMulti(root, c.depth, c.pos, c.leaves, c.proof); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if _, err := tr.MultiPath([]int{3, 3}); err == nil {
		t.Error("MultiPath accepted a repeated position")
	}
}

// TestMultiRepeatedPositionAttack: without the repeated-position check, a
// second "leaf" at an opened position would ride along unauthenticated (its
// siblings are never compared with anything).
func TestMultiRepeatedPositionAttack(t *testing.T) {
	tr, _ := Build(leaves(64))
	path := tr.Path(9)
	var junk Hash
	junk[0] = 0xee
	proof := make([]Hash, 0, 12)
	for _, h := range path {
		proof = append(proof, h, junk)
	}
	if err := VerifyMulti(tr.Root(), 6, []int{9, 9}, []Hash{tr.Levels[0][9], LeafHash([]byte("forged"))}, proof); err == nil {
		t.Fatal("a forged leaf at a repeated position was accepted")
	}
	// Mismatched counts and a negative depth are refused before any hashing.
	for _, c := range []struct {
		name   string
		pos    []int
		leaves []Hash
		depth  int
	}{{"more positions than leaves", []int{1, 2}, []Hash{junk}, 6}, {"no positions", nil, nil, 6}, {"negative depth", []int{0}, []Hash{junk}, -1}} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panicked: %v", c.name, r)
				}
			}()
			if err := VerifyMulti(tr.Root(), c.depth, c.pos, c.leaves, nil); err == nil {
				t.Errorf("%s: accepted", c.name)
			}
		}()
	}
}
