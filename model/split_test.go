package model_test

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

func convStem(t *testing.T, c int) *graph.Graph {
	t.Helper()
	g, err := onnx.Parse(onnxbuild.Bytes(onnxbuild.ConvStem(c)))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestSplitExact: the stem (Conv, ReLU, max pool: one block) split into 2,
// 3 (uneven), 4 and 8 groups of output channels, and into groups of the
// explicit bounds [0 1 8], [0 5 6 8] and [0 2 3 7 8], gives exactly the unsplit
// model's integers on random inputs, each group is a block of its own
// (cuts allowed between groups and before the Concat), and the description
// of every tensor after the block is the unsplit one's.
func TestSplitExact(t *testing.T) {
	g := convStem(t, 8)
	whole, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	blocks := whole.SplitBlocks()
	if len(blocks) != 1 || blocks[0].From != 0 || blocks[0].To != 3 || blocks[0].Channels != 8 {
		t.Fatalf("split blocks %+v, want the stem, steps [0, 3) of 8 channels", blocks)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := make([][][]float64, 20)
	for i := range inputs {
		x := make([]float64, 2*6*6)
		for j := range x {
			x[j] = rng.Float64()*8 - 4
		}
		inputs[i] = [][]float64{x}
	}
	splits := []model.Split{}
	for _, groups := range []int{2, 3, 4, 8} {
		splits = append(splits, model.Split{Conv: blocks[0].Conv, Last: blocks[0].Last, Groups: groups})
	}
	for _, b := range [][]int{{0, 1, 8}, {0, 5, 6, 8}, {0, 2, 3, 7, 8}} {
		splits = append(splits, model.Split{Conv: blocks[0].Conv, Last: blocks[0].Last, Groups: len(b) - 1, Bounds: b})
	}
	for _, s := range splits {
		groups := s.Groups
		if err := whole.CheckSplit(s); err != nil {
			t.Fatalf("%d groups: %v", groups, err)
		}
		sg, err := model.SplitGraph(g, []model.Split{s})
		if err != nil {
			t.Fatal(err)
		}
		split, err := model.Compile(sg, quant.Default)
		if err != nil {
			t.Fatal(err)
		}
		if want := whole.NumSteps() + 3*(groups-1) + 1; split.NumSteps() != want {
			t.Fatalf("%d groups: %d steps, want %d", groups, split.NumSteps(), want)
		}
		for k := 1; k <= groups; k++ {
			if !split.CutAllowed(3 * k) {
				t.Errorf("%d groups: no cut allowed after group %d", groups, k)
			}
			if split.CutAllowed(3*k - 1) {
				t.Errorf("%d groups: a cut allowed inside group %d", groups, k)
			}
		}
		if n := model.SameDescription(whole, split, []string{"pool1", "flat", "y"}); n != "" {
			t.Errorf("%d groups: %q described otherwise", groups, n)
		}
		for _, in := range inputs {
			want, err := whole.Eval(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := split.Eval(in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%d groups: outputs %v, unsplit %v", groups, got[0].Data, want[0].Data)
			}
		}
	}
}

// TestCheckSplitRefuses: a group whose weights are all exact at a coarser
// scale than the whole map's would quantize its bias at another scale, so
// CheckSplit refuses it; a chain that is not a Conv with a channel-local
// tail is refused by SplitGraph.
func TestCheckSplitRefuses(t *testing.T) {
	g := convStem(t, 4)
	w := g.Consts["conv1.W"]
	for i := range 18 { // output channel 0: multiples of 1/2
		w.Data[i] = float64(i%5-2) / 2
	}
	whole, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	b := whole.SplitBlocks()[0]
	if err := whole.CheckSplit(model.Split{Conv: b.Conv, Last: b.Last, Groups: 4}); err == nil || !strings.Contains(err.Error(), "round elsewhere") {
		t.Errorf("4 groups, channel 0 exact at scale 1: %v", err)
	}
	if err := whole.CheckSplit(model.Split{Conv: b.Conv, Last: b.Last, Groups: 2}); err != nil {
		t.Errorf("2 groups (channels 0 and 1 together are not exact): %v", err)
	}
	for _, s := range []model.Split{
		{Conv: "relu1", Last: "pool1", Groups: 2},                            // not a Conv
		{Conv: "conv1", Last: "flat", Groups: 2},                             // Flatten mixes channels
		{Conv: "conv1", Last: "pool1", Groups: 5},                            // more groups than channels
		{Conv: "conv1", Last: "pool1", Groups: 1},                            // no split
		{Conv: "conv1", Last: "nowhere", Groups: 2},                          // no such tensor
		{Conv: "conv1", Last: "pool1", Groups: 2, Bounds: []int{0, 2}},       // too few bounds
		{Conv: "conv1", Last: "pool1", Groups: 2, Bounds: []int{0, 2, 3}},    // not to the last channel
		{Conv: "conv1", Last: "pool1", Groups: 2, Bounds: []int{1, 2, 4}},    // not from channel 0
		{Conv: "conv1", Last: "pool1", Groups: 3, Bounds: []int{0, 2, 2, 4}}, // an empty group
	} {
		if _, err := model.SplitGraph(g, []model.Split{s}); err == nil {
			t.Errorf("%+v: split", s)
		}
	}
}
