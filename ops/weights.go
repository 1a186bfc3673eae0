package ops

import (
	"github.com/zkinfer/zkinfer/graph"
)

// WeightUse says whether a float initializer read at one operand position
// of an op may be one of the model's secret weights (model.CompileSecret):
// a witness value that the circuit range-checks to the parameter bits,
// like every secret weight, and that the kernel then reads as a computed
// operand. An op declares it per position in [Op.Weights]; see "Secret
// weights" in the package documentation.
type WeightUse uint8

const (
	// NoWeight: an initializer here stays a constant fixed in the circuit,
	// because the kernel needs its value at compile time (a shape, an
	// exponent, a normalisation's statistics) or because it is no weight.
	NoWeight WeightUse = iota
	// AnyWeight: any float initializer here is a weight (a linear layer's
	// matrices and bias): the kernel takes the operand computed.
	AnyWeight
	// VectorWeight: a float initializer of at least 2 elements is a weight
	// (a per-channel scale or shift); a scalar stays fixed, so that a
	// product or a shift by a known number stays free.
	VectorWeight
	// PassWeight: the op only moves the operand's elements (a reshape, a
	// transpose), so an initializer here is a weight when every use of the
	// op's single output is.
	PassWeight
)

// Weight returns how operand pos of op may hold a secret weight.
func (op *Op) Weight(pos int) WeightUse {
	if pos < 0 || pos >= len(op.Weights) {
		return NoWeight
	}
	return op.Weights[pos]
}

// passWeight is the declaration of an op that moves its operand 0.
var passWeight = []WeightUse{PassWeight}

// SecretGraph is the graph model.CompileSecret rewrites, as an op's
// [Op.SecretRewrite] sees it.
type SecretGraph interface {
	// Secret reports whether input i of n is a secret weight.
	Secret(n *graph.Node, i int) bool
	// Const returns the original graph's initializer named name, nil when
	// there is none.
	Const(name string) *graph.Tensor
	// Derive adds the secret weight name+suffix, initializer name with the
	// given shape and every value multiplied by f, and returns its name.
	Derive(name, suffix string, shape []int, f float64) string
}

// Fuse offers a node of op to producer, the plan of the step that computes
// its input 0 and is that input's only reader (see [Op.FuseInto]). When the
// plan takes the op over, Fuse returns the op the node compiles to instead:
// Identity, whose output is the producer's.
func (op *Op) Fuse(producer any) (*Op, bool) {
	if op.FuseInto == nil || !op.FuseInto(producer) {
		return op, false
	}
	return registry["Identity"], true
}
