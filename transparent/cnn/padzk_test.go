package cnn

import (
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestSmallShapesZeroKnowledge: CNNs of the small shapes issue 22 pads,
// end to end under vanishing masks (zktest.Chain: uniform with the masks,
// not with them zeroed), each proven for two inputs with one output:
//
//   - pooled: a 1×1 convolution on 2 channels (a patch cube of 2 entries,
//     padded to conv.MinPatch), ReLU, a 2×2 max pool of its 4 channels to
//     1×1 (an output table of 4 entries), the flatten and a dense layer
//     4 → 1 (N padded to matmul.MinDim); input channel 0 is read by
//     nothing;
//   - conv2: a 1×1 convolution of a 2×1×2 input to 1×1×2, the model's
//     output (2 values: its table padded to conv.MinTable); the inputs'
//     entries 16 and 17 give the accumulators 31 and 32, which round alike;
//   - pool1: one channel of 2×2 pooled to one value (padded to
//     conv.MinTable; unpadded its honest proof failed the batch); the
//     non-maximal entry 16 or 17, rounded alike.
func TestSmallShapesZeroKnowledge(t *testing.T) {
	pooled := Conv{
		Shape: conv.Shape{C: 2, H: 2, W: 2, O: 4, KH: 1, KW: 1, Stride: 1},
		W:     []int64{0, 3, 0, -2, 0, 5, 0, 1}, // O×C: channel 0 unread
		B:     []int64{40, 60, -8, 20},
		Shift: 2, Bits: 12, ReLU: true, Pool: 2,
	}
	head := []mlp.Dense{{K: 4, N: 1, W: []int64{2, -1, 3, 1}, B: []int64{7}, Shift: 3, Bits: 12}}
	conv2 := Conv{Shape: conv.Shape{C: 2, H: 1, W: 2, O: 1, KH: 1, KW: 1, Stride: 1}, W: []int64{1, 3}, Shift: 4, Bits: 12}
	pool1 := Conv{Shape: conv.Shape{C: 1, H: 2, W: 2, O: 1, KH: 1, KW: 1, Stride: 1}, W: []int64{1}, Shift: 4, Bits: 12, ReLU: true, Pool: 2}
	for _, c := range []struct {
		name  string
		conv  Conv
		dense []mlp.Dense
		xs    [2][]int64
	}{
		{"pooled", pooled, head, [2][]int64{{9, -4, 17, 3, 11, -6, 25, 2}, {-8, -4, 17, 3, 11, -6, 25, 2}}},
		{"conv2", conv2, nil, [2][]int64{{16, 0, 5, 7}, {17, 0, 5, 7}}},
		{"pool1", pool1, nil, [2][]int64{{40, 16, 20, 30}, {40, 17, 20, 30}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := NewModel(8, []Conv{c.conv}, c.dense)
			if err != nil {
				t.Fatal(err)
			}
			y1, err1 := m.Run(c.xs[0])
			y2, err2 := m.Run(c.xs[1])
			if err1 != nil || err2 != nil || !slices.Equal(y1, y2) {
				t.Fatalf("the two inputs' outputs differ (%v, %v): the test's premise is wrong", err1, err2)
			}
			zktest.Chain(t, hidingParams, func(i int) any {
				proof, y, err := Prove(vanishingParams, m, c.xs[i])
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(y, y1) {
					t.Fatalf("output %v, want %v", y, y1)
				}
				if err := Verify(vanishingParams, m, y, proof); err != nil {
					t.Fatal(err)
				}
				return proof
			})
		})
	}
}
