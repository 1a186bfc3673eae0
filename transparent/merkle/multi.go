package merkle

import (
	"fmt"
	"sort"
)

// A multiproof authenticates several leaves at once (the "batch" or "pruned"
// Merkle proof used by FRI-based provers): it carries, level by level from
// the leaves up and in increasing position within a level, each sibling
// hash that cannot be computed from the opened leaves, so the nodes shared
// by several paths are sent once. For t random leaves of 2^d it holds about
// t·(d − log2 t + 1.4) hashes instead of t·d.

// MultiPath returns the multiproof of the leaves at positions, which must be
// distinct and in range (order does not matter).
func (t *Tree) MultiPath(positions []int) ([]Hash, error) {
	known, err := sortedSet(positions, len(t.Levels[0]))
	if err != nil {
		return nil, err
	}
	var proof []Hash
	for l := 0; l < len(t.Levels)-1; l++ {
		next := known[:0:0]
		for k := 0; k < len(known); k++ {
			i := known[k]
			if k+1 < len(known) && known[k+1] == i^1 {
				k++ // both children known
			} else {
				proof = append(proof, t.Levels[l][i^1])
			}
			next = append(next, i>>1)
		}
		known = next
	}
	return proof, nil
}

func sortedSet(positions []int, n int) ([]int, error) {
	s := append([]int(nil), positions...)
	sort.Ints(s)
	for k, i := range s {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("merkle: position %d outside a tree of %d leaves", i, n)
		}
		if k > 0 && s[k-1] == i {
			return nil, fmt.Errorf("merkle: position %d repeated", i)
		}
	}
	return s, nil
}

// VerifyMulti checks that leaves[k] is at positions[k] in a tree of 2^depth
// leaves with the given root, using a multiproof from [Tree.MultiPath].
func VerifyMulti(root Hash, depth int, positions []int, leaves []Hash, proof []Hash) error {
	if len(positions) != len(leaves) || len(positions) == 0 {
		return fmt.Errorf("merkle: %d positions for %d leaves", len(positions), len(leaves))
	}
	if depth < 0 || depth > 62 {
		return fmt.Errorf("merkle: depth %d", depth)
	}
	type pending struct {
		i int
		h Hash
	}
	order := make([]int, len(positions))
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool { return positions[order[a]] < positions[order[b]] })
	cur := make([]pending, len(positions))
	for k, o := range order {
		cur[k] = pending{positions[o], leaves[o]}
		if cur[k].i < 0 || cur[k].i >= 1<<depth {
			return fmt.Errorf("merkle: position %d outside a tree of %d leaves", cur[k].i, 1<<depth)
		}
		if k > 0 && cur[k-1].i == cur[k].i {
			return fmt.Errorf("merkle: position %d repeated", cur[k].i)
		}
	}
	used := 0
	for l := 0; l < depth; l++ {
		next := cur[:0:0]
		for k := 0; k < len(cur); k++ {
			n := cur[k]
			var sib Hash
			if k+1 < len(cur) && cur[k+1].i == n.i^1 {
				sib = cur[k+1].h
				k++
			} else {
				if used == len(proof) {
					return fmt.Errorf("merkle: multiproof too short")
				}
				sib = proof[used]
				used++
			}
			var h Hash
			if n.i&1 == 0 {
				h = node(&n.h, &sib)
			} else {
				h = node(&sib, &n.h)
			}
			next = append(next, pending{n.i >> 1, h})
		}
		cur = next
	}
	if used != len(proof) {
		return fmt.Errorf("merkle: multiproof has %d unused hashes", len(proof)-used)
	}
	if cur[0].h != root {
		return fmt.Errorf("merkle: multiproof does not lead to the root")
	}
	return nil
}
