package ml

import (
	"fmt"

	"github.com/zkinfer/zkinfer/graph"
)

// ensemble is a tree ensemble in one form, whatever the operator and
// opset it came from: nodes (internal and leaves) with child links, and the
// root of each tree.
type ensemble struct {
	nodes   []treeNode
	roots   []int
	targets int    // scores per row: targets or classes
	agg     string // SUM, AVERAGE, MIN, MAX
	post    string // NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT
	base    []float64
}

type treeNode struct {
	leaf    bool
	feature int
	test    test
	yes, no int    // children (internal nodes)
	votes   []vote // leaves
}

type vote struct {
	target int
	w      float64
}

// maxTreeNodes bounds the nodes of an ensemble, far beyond what trained
// models hold, so that a crafted attribute list cannot exhaust memory.
const maxTreeNodes = 1 << 22

// parseClassic reads the nodes_* and <prefix>_* attributes of
// TreeEnsembleClassifier (prefix "class") and TreeEnsembleRegressor
// ("target"), opsets 1 and 3.
func parseClassic(n *graph.Node, prefix string, targets int) (*ensemble, error) {
	if targets < 1 || targets > maxTargets {
		return nil, fmt.Errorf("has %d targets or classes, want 1 to %d", targets, maxTargets)
	}
	tree, ids := ints(n, "nodes_treeids"), ints(n, "nodes_nodeids")
	feats, yes, no := ints(n, "nodes_featureids"), ints(n, "nodes_truenodeids"), ints(n, "nodes_falsenodeids")
	modes, vals := strs(n, "nodes_modes"), floats(n, "nodes_values")
	if len(tree) == 0 || len(tree) > maxTreeNodes {
		return nil, fmt.Errorf("has %d nodes (nodes_treeids), want 1 to %d", len(tree), maxTreeNodes)
	}
	if err := sameLen(len(tree), map[string]int{"nodes_nodeids": len(ids), "nodes_featureids": len(feats),
		"nodes_truenodeids": len(yes), "nodes_falsenodeids": len(no), "nodes_modes": len(modes), "nodes_values": len(vals)}); err != nil {
		return nil, err
	}
	e := &ensemble{nodes: make([]treeNode, len(tree)), targets: targets, agg: "SUM"}
	type key struct{ tree, node int64 }
	index := map[key]int{}
	for i := range tree {
		k := key{tree[i], ids[i]}
		if _, dup := index[k]; dup {
			return nil, fmt.Errorf("node %d of tree %d is listed twice", ids[i], tree[i])
		}
		index[k] = i
		if i == 0 || tree[i] != tree[i-1] {
			e.roots = append(e.roots, i)
		}
	}
	for i := range tree {
		nd := &e.nodes[i]
		if modes[i] == "LEAF" {
			nd.leaf = true
			continue
		}
		m, ok := modeNames[modes[i]]
		if !ok {
			return nil, fmt.Errorf("node mode %q is not one of BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ, LEAF", modes[i])
		}
		nd.test, nd.feature = test{mode: m, vals: []float64{vals[i]}}, int(feats[i])
		var found bool
		if nd.yes, found = index[key{tree[i], yes[i]}]; !found {
			return nil, fmt.Errorf("node %d of tree %d: true branch %d does not exist", ids[i], tree[i], yes[i])
		}
		if nd.no, found = index[key{tree[i], no[i]}]; !found {
			return nil, fmt.Errorf("node %d of tree %d: false branch %d does not exist", ids[i], tree[i], no[i])
		}
	}
	vt, vn, vi, vw := ints(n, prefix+"_treeids"), ints(n, prefix+"_nodeids"), ints(n, prefix+"_ids"), floats(n, prefix+"_weights")
	if err := sameLen(len(vt), map[string]int{prefix + "_nodeids": len(vn), prefix + "_ids": len(vi), prefix + "_weights": len(vw)}); err != nil {
		return nil, err
	}
	for j := range vt {
		i, ok := index[key{vt[j], vn[j]}]
		if !ok {
			return nil, fmt.Errorf("%s_nodeids: node %d of tree %d does not exist", prefix, vn[j], vt[j])
		}
		if !e.nodes[i].leaf {
			continue // ONNX Runtime ignores weights on internal nodes (old converters wrote them)
		}
		if vi[j] < 0 || vi[j] >= int64(targets) {
			return nil, fmt.Errorf("%s_ids: %d is not among the %d targets or classes", prefix, vi[j], targets)
		}
		e.nodes[i].votes = append(e.nodes[i].votes, vote{int(vi[j]), vw[j]})
	}
	return e, e.check()
}

// parseV5 reads TreeEnsemble (ai.onnx.ml opset 5): leaves are apart from
// the nodes, each with one weight and target, and set-membership nodes
// take their sets, in node order, from membership_values (NaN-separated).
func parseV5(n *graph.Node) (*ensemble, error) {
	targets := int(n.AttrInt("n_targets", 0))
	if targets < 1 || targets > maxTargets {
		return nil, fmt.Errorf("n_targets %d is not in [1, %d]", targets, maxTargets)
	}
	feats, modes, splits := ints(n, "nodes_featureids"), ints(n, "nodes_modes"), floats(n, "nodes_splits")
	yes, yesLeaf, no, noLeaf := ints(n, "nodes_truenodeids"), ints(n, "nodes_trueleafs"), ints(n, "nodes_falsenodeids"), ints(n, "nodes_falseleafs")
	lt, lw, roots := ints(n, "leaf_targetids"), floats(n, "leaf_weights"), ints(n, "tree_roots")
	nn := len(feats)
	if nn > maxTreeNodes || len(lt) > maxTreeNodes {
		return nil, fmt.Errorf("has more than %d nodes", maxTreeNodes)
	}
	if modes == nil {
		modes = make([]int64, nn)
	}
	if err := sameLen(nn, map[string]int{"nodes_modes": len(modes), "nodes_splits": len(splits), "nodes_truenodeids": len(yes),
		"nodes_trueleafs": len(yesLeaf), "nodes_falsenodeids": len(no), "nodes_falseleafs": len(noLeaf)}); err != nil {
		return nil, err
	}
	if err := sameLen(len(lt), map[string]int{"leaf_weights": len(lw)}); err != nil {
		return nil, err
	}
	aggs := []string{"AVERAGE", "SUM", "MIN", "MAX"}
	posts := []string{"NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT"}
	ag, pt := n.AttrInt("aggregate_function", 1), n.AttrInt("post_transform", 0)
	if ag < 0 || ag >= int64(len(aggs)) || pt < 0 || pt >= int64(len(posts)) {
		return nil, fmt.Errorf("aggregate_function %d or post_transform %d is unknown", ag, pt)
	}
	e := &ensemble{nodes: make([]treeNode, nn+len(lt)), targets: targets, agg: aggs[ag], post: posts[pt]}
	members := floats(n, "membership_values")
	child := func(id, leaf int64) (int, error) {
		if leaf != 0 {
			if id < 0 || id >= int64(len(lt)) {
				return 0, fmt.Errorf("leaf %d does not exist", id)
			}
			return nn + int(id), nil
		}
		if id < 0 || id >= int64(nn) {
			return 0, fmt.Errorf("node %d does not exist", id)
		}
		return int(id), nil
	}
	for i := range nn {
		m := int(modes[i])
		if m < modeLEQ || m > modeMember {
			return nil, fmt.Errorf("node %d: mode %d is unknown", i, m)
		}
		t := test{mode: m, vals: []float64{splits[i]}}
		if m == modeMember {
			t.vals = nil
			for len(members) > 0 && members[0] == members[0] { // up to the next NaN
				t.vals, members = append(t.vals, members[0]), members[1:]
			}
			if len(members) == 0 {
				return nil, fmt.Errorf("node %d: membership_values has no NaN-terminated set for it", i)
			}
			members = members[1:]
		}
		var err error
		nd := &e.nodes[i]
		nd.feature, nd.test = int(feats[i]), t
		if nd.yes, err = child(yes[i], yesLeaf[i]); err != nil {
			return nil, fmt.Errorf("node %d: true branch: %w", i, err)
		}
		if nd.no, err = child(no[i], noLeaf[i]); err != nil {
			return nil, fmt.Errorf("node %d: false branch: %w", i, err)
		}
	}
	for j := range lt {
		if lt[j] < 0 || lt[j] >= int64(targets) {
			return nil, fmt.Errorf("leaf %d: target %d is not among the %d targets", j, lt[j], targets)
		}
		e.nodes[nn+j] = treeNode{leaf: true, votes: []vote{{int(lt[j]), lw[j]}}}
	}
	for _, r := range roots {
		if r < 0 || r >= int64(nn) {
			return nil, fmt.Errorf("tree root %d does not exist", r)
		}
		// A tree that is a single leaf is written as a root whose two
		// branches are the same leaf.
		if yesLeaf[r] != 0 && noLeaf[r] != 0 && yes[r] == no[r] {
			e.roots = append(e.roots, nn+int(yes[r]))
			continue
		}
		e.roots = append(e.roots, int(r))
	}
	if len(e.roots) == 0 {
		return nil, fmt.Errorf("has no tree (tree_roots)")
	}
	return e, e.check()
}

// check walks every tree from its root: each node must be reached once
// (no cycle, no node shared between branches or trees) and every leaf must
// vote.
func (e *ensemble) check() error {
	seen := make([]bool, len(e.nodes))
	for _, r := range e.roots {
		stack := []int{r}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[i] {
				return fmt.Errorf("node %d is reached twice: the trees have a cycle or share nodes", i)
			}
			seen[i] = true
			nd := e.nodes[i]
			if nd.leaf {
				if len(nd.votes) == 0 {
					return fmt.Errorf("leaf %d has no weight", i)
				}
				continue
			}
			if nd.feature < 0 {
				return fmt.Errorf("node %d: feature %d is negative", i, nd.feature)
			}
			stack = append(stack, nd.no, nd.yes)
		}
	}
	return nil
}

// walk visits the nodes of tree r in pre-order, parents before children.
func (e *ensemble) walk(r int, visit func(i int)) {
	stack := []int{r}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(i)
		if nd := e.nodes[i]; !nd.leaf {
			stack = append(stack, nd.no, nd.yes)
		}
	}
}
