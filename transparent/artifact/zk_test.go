package artifact

import (
	"testing"

	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/conv"
	"github.com/zkinfer/zkinfer/transparent/lower"
	"github.com/zkinfer/zkinfer/transparent/mlp"
)

// TestZeroKnowledgeShapes: the statement says "stays secret" except for
// the shapes whose vanishing masks are too short (zeroKnowledge), each of
// which flips it alone; dense layers of K = 1 or few outputs and patch
// cubes of ≤ 2 entries are no longer among them (padded to matmul.MinDim,
// conv.MinPatch).
func TestZeroKnowledgeShapes(t *testing.T) {
	dense := func(k, n int) mlp.Dense { return mlp.Dense{K: k, N: n} }
	conv3 := func(c, o, s, pool int) cnn.Conv {
		return cnn.Conv{Shape: conv.Shape{C: c, H: s, W: s, O: o, KH: 3, KW: 3, Stride: 1, Pad: 1}, Pool: pool}
	}
	c32 := []cnn.Conv{conv3(3, 32, 32, 2), conv3(32, 64, 16, 2)}
	for _, c := range []struct {
		name  string
		chain lower.Chain
		want  bool
	}{
		{"mlp 3→4", lower.Chain{M: 1, Layers: []mlp.Dense{dense(3, 4)}}, true},
		{"mlp 784→128→10", lower.Chain{M: 1, Layers: []mlp.Dense{dense(784, 128), dense(128, 10)}}, true},
		{"mlp last layer of one output", lower.Chain{M: 1, Layers: []mlp.Dense{dense(4, 8), dense(8, 1)}}, true},
		{"mlp last layer of three outputs", lower.Chain{M: 1, Layers: []mlp.Dense{dense(4, 8), dense(8, 3)}}, true},
		{"mlp K = 1", lower.Chain{M: 1, Layers: []mlp.Dense{dense(1, 4)}}, true},
		{"mlp hidden layer of 2 values", lower.Chain{M: 1, Layers: []mlp.Dense{dense(4, 2), dense(2, 3)}}, true},
		{"mlp 1→1 (1l_linear)", lower.Chain{M: 1, Layers: []mlp.Dense{dense(1, 1)}}, true},
		{"mlp hidden layer of 2 values, 2 rows", lower.Chain{M: 2, Layers: []mlp.Dense{dense(4, 2), dense(2, 3)}}, true},
		{"cnn_c32", lower.Chain{M: 1, CNN: &cnn.Model{Convs: c32, Dense: []mlp.Dense{dense(4096, 56), dense(56, 10)}}}, true},
		{"cnn 1×1×2 kernel", lower.Chain{M: 1, CNN: &cnn.Model{Convs: []cnn.Conv{{Shape: conv.Shape{C: 1, H: 4, W: 4, O: 4, KH: 1, KW: 2, Stride: 1}}}, Dense: []mlp.Dense{dense(48, 3)}}}, true},
		{"cnn pool to 1×1 of 4 channels", lower.Chain{M: 1, CNN: &cnn.Model{Convs: []cnn.Conv{conv3(3, 4, 2, 2)}, Dense: []mlp.Dense{dense(4, 3)}}}, true},
		{"cnn pool to 1×1 of 2 channels", lower.Chain{M: 1, CNN: &cnn.Model{Convs: []cnn.Conv{conv3(3, 2, 2, 2)}}}, false},
		{"cnn output of 2 values", lower.Chain{M: 1, CNN: &cnn.Model{Convs: []cnn.Conv{{Shape: conv.Shape{C: 3, H: 2, W: 1, O: 1, KH: 1, KW: 1, Stride: 1}}}}}, false},
		{"cnn pool to 2×2", lower.Chain{M: 1, CNN: &cnn.Model{Convs: []cnn.Conv{conv3(3, 4, 4, 2)}, Dense: []mlp.Dense{dense(16, 3)}}}, true},
		{"cnn dense K = 1", lower.Chain{M: 1, CNN: &cnn.Model{Convs: c32, Dense: []mlp.Dense{dense(4096, 1), dense(1, 10)}}}, true},
		{"residual", lower.Chain{M: 1, Res: &cnn.Residual{Nodes: []cnn.Node{{Kind: cnn.NodeConv, Conv: conv3(3, 8, 8, 0)}, {Kind: cnn.NodeAddRelu}}, Dense: []mlp.Dense{dense(8, 10)}}}, true},
		{"residual 1×1×2 kernel", lower.Chain{M: 1, Res: &cnn.Residual{Nodes: []cnn.Node{{Kind: cnn.NodeConv, Conv: cnn.Conv{Shape: conv.Shape{C: 2, H: 4, W: 4, O: 4, KH: 1, KW: 1, Stride: 1}}}}, Dense: []mlp.Dense{dense(64, 10)}}}, true},
	} {
		if got := zeroKnowledge(&c.chain); got != c.want {
			t.Errorf("%s: zero knowledge %v, want %v", c.name, got, c.want)
		}
	}
}
