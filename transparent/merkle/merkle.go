// Package merkle is a binary SHA-256 Merkle tree (Merkle, CRYPTO 1987) over
// a power-of-two number of leaves, with authentication paths.
//
// Leaves and inner nodes are hashed under distinct one-byte prefixes (0x00
// for a leaf's data, 0x01 for a pair of children), so no leaf can be passed
// off as an inner node. Binding: opening a position to two different leaves
// under one root yields a SHA-256 collision; a prover making Q hash queries
// finds one with probability ≤ Q²/2^256.
package merkle

import (
	"crypto/sha256"
	"fmt"

	"github.com/zkinfer/zkinfer/internal/avxstate"
	"github.com/zkinfer/zkinfer/internal/par"
)

// Hash is a SHA-256 digest.
type Hash = [32]byte

// LeafHash returns SHA-256(0x00 ‖ data).
func LeafHash(data []byte) Hash {
	avxstate.Clear() // SHA-NI after gnark-crypto's AVX-512 code: package avxstate
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(data)
	var out Hash
	h.Sum(out[:0])
	return out
}

func node(l, r *Hash) Hash {
	avxstate.Clear()
	var buf [65]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[33:], r[:])
	return sha256.Sum256(buf[:])
}

// Tree holds every level: Levels[0] the leaf hashes, the last level the root.
type Tree struct {
	Levels [][]Hash
}

// Build returns the tree over leaf hashes; their number must be a power of
// two.
func Build(leaves []Hash) (*Tree, error) {
	n := len(leaves)
	if n == 0 || n&(n-1) != 0 {
		return nil, fmt.Errorf("merkle: %d leaves, not a power of two", n)
	}
	t := &Tree{Levels: [][]Hash{leaves}}
	for cur := leaves; len(cur) > 1; {
		next := make([]Hash, len(cur)/2)
		par.For(len(next), 1<<10, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				next[i] = node(&cur[2*i], &cur[2*i+1])
			}
		})
		t.Levels = append(t.Levels, next)
		cur = next
	}
	return t, nil
}

// Root returns the tree's root.
func (t *Tree) Root() Hash { return t.Levels[len(t.Levels)-1][0] }

// Path returns the authentication path of leaf i: its sibling at every level
// from the leaves up.
func (t *Tree) Path(i int) []Hash {
	path := make([]Hash, 0, len(t.Levels)-1)
	for l := 0; l < len(t.Levels)-1; l++ {
		path = append(path, t.Levels[l][i^1])
		i >>= 1
	}
	return path
}

// Verify checks that leaf is at position i of a tree of 2^len(path) leaves
// with the given root.
func Verify(root Hash, i int, leaf Hash, path []Hash) error {
	if i < 0 || i >= 1<<len(path) {
		return fmt.Errorf("merkle: position %d outside a tree of %d leaves", i, 1<<len(path))
	}
	cur := leaf
	for _, sib := range path {
		if i&1 == 0 {
			cur = node(&cur, &sib)
		} else {
			cur = node(&sib, &cur)
		}
		i >>= 1
	}
	if cur != root {
		return fmt.Errorf("merkle: path does not lead to the root")
	}
	return nil
}
