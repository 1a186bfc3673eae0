package cnn

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

func ExampleProve() {
	// One 1×4×4 image, a 1×1 convolution doubling it (then >> 1, ReLU), a 2×2
	// max pool, and a dense layer summing the four pooled values (>> 1).
	m, err := NewModel(8, []Conv{{
		Shape: conv.Shape{C: 1, H: 4, W: 4, O: 1, KH: 1, KW: 1, Stride: 1},
		W:     []int64{2}, Shift: 1, Bits: 8, ReLU: true, Pool: 2,
	}}, []mlp.Dense{{K: 4, N: 1, W: []int64{1, 1, 1, 1}, Shift: 1, Bits: 8}})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []int64{
		1, 5, -3, 0,
		2, -7, 4, 4,
		-1, -1, 9, 0,
		-2, -8, 3, 2,
	}
	proof, y, err := Prove(pcs.DefaultParams(), m, x) // maxima 5, 4, 0 (ReLU), 9: sum 18, 18/2 = 9
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y, Verify(pcs.DefaultParams(), m, y, proof))
	fmt.Println(Verify(pcs.DefaultParams(), m, []int64{8}, proof) != nil)
	// Output:
	// [9] <nil>
	// true
}
