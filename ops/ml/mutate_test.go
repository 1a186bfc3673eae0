package ml_test

import (
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/ops"
)

// TestMutatedModels: the exported models with one attribute value changed
// to an edge value (negative, zero, out of range, huge, NaN) compile to an
// error or run; nothing panics. Seeded: the same mutations on every run.
func TestMutatedModels(t *testing.T) {
	rng := rand.New(rand.NewSource(20261130))
	edges := []float64{-1, 0, 1, 2, 7, 1 << 20, 1 << 40, -1 << 40, math.NaN(), math.Inf(1)}
	for _, c := range loadCorpus(t) {
		if slices.Contains([]string{"target_xgboost_100x6", "target_random_forest_100x8", "random_forest_breast_cancer", "lightgbm_breast_cancer", "catboost_breast_cancer"}, c.Name) {
			continue // large: the small ones cover the same operators
		}
		for range 40 {
			g, err := onnx.Load(filepath.Join(corpusDir, c.Name+".onnx"))
			if err != nil {
				t.Fatal(err)
			}
			desc := mutate(rng, g, edges)
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s with %s: panic: %v", c.Name, desc, r)
					}
				}()
				m, err := model.Compile(g, c.settings())
				if err != nil {
					return
				}
				if q, err := m.Quantize(split(m, c.inputs[0])); err == nil {
					_, _ = model.Run(m, &ops.IntArith{}, q)
				}
			}()
		}
	}
}

// mutate changes one value of one list attribute of an ai.onnx.ml node.
func mutate(rng *rand.Rand, g *graph.Graph, edges []float64) string {
	var nodes []*graph.Node
	for _, n := range g.Nodes {
		if n.Domain == "ai.onnx.ml" {
			nodes = append(nodes, n)
		}
	}
	n := nodes[rng.Intn(len(nodes))]
	var names []string
	for k, a := range n.Attrs {
		if (a.Kind == graph.AttrInts && len(a.Ints) > 0) || (a.Kind == graph.AttrFloats && len(a.Floats) > 0) {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return "nothing"
	}
	sort.Strings(names)
	name := names[rng.Intn(len(names))]
	a := n.Attrs[name]
	v := edges[rng.Intn(len(edges))]
	if a.Kind == graph.AttrInts {
		a.Ints = slices.Clone(a.Ints)
		i := rng.Intn(len(a.Ints))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = float64(len(a.Ints))
		}
		a.Ints[i] = int64(v)
		n.Attrs[name] = a
		return fmt.Sprintf("%s %s[%d] = %v", n.Op, name, i, int64(v))
	}
	a.Floats = slices.Clone(a.Floats)
	i := rng.Intn(len(a.Floats))
	a.Floats[i] = v
	n.Attrs[name] = a
	return fmt.Sprintf("%s %s[%d] = %v", n.Op, name, i, v)
}
