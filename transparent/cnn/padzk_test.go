package cnn

import (
	"testing"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestSmallShapesZeroKnowledge: a CNN of the small shapes issue 22 pads or
// judges on the whole table, end to end under vanishing masks
// (zktest.Chain: uniform with the masks, not with them zeroed): a 1×1
// convolution on 2 channels (a patch cube of 2 entries, padded to
// conv.MinPatch), ReLU, a 2×2 max pool of its 4 channels to 1×1 (an output
// table of 4 entries: artifact.zeroKnowledge's least), the flatten and a
// dense layer 4 → 1 (N padded to matmul.MinDim). Input channel 0 is read
// by nothing, so the two inputs, which differ there, give one output.
func TestSmallShapesZeroKnowledge(t *testing.T) {
	c := Conv{
		Shape: conv.Shape{C: 2, H: 2, W: 2, O: 4, KH: 1, KW: 1, Stride: 1},
		W:     []int64{0, 3, 0, -2, 0, 5, 0, 1}, // O×C: channel 0 unread
		B:     []int64{40, 60, -8, 20},
		Shift: 2, Bits: 12, ReLU: true, Pool: 2,
	}
	d := mlp.Dense{K: 4, N: 1, W: []int64{2, -1, 3, 1}, B: []int64{7}, Shift: 3, Bits: 12}
	m, err := NewModel(8, []Conv{c}, []mlp.Dense{d})
	if err != nil {
		t.Fatal(err)
	}
	xs := twoInputs(t, []int64{9, -4, 17, 3, 11, -6, 25, 2}, m.Run)
	zktest.Chain(t, hidingParams, func(i int) any {
		proof, y, err := Prove(vanishingParams, m, xs[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(vanishingParams, m, y, proof); err != nil {
			t.Fatal(err)
		}
		return proof
	})
}
