package ops_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// computedButFixed lists the operand positions ("Op/position", "Op/*" for
// every position) whose kernel takes a computed operand although the op
// does not declare a weight there: an initializer read there stays fixed
// in the circuit (and model.FixedConstants discloses it), for the reason
// given.
var computedButFixed = map[string]string{
	"Div/0":             "a numerator initializer is a constant of the computation (1/x, a scale), not a learned weight",
	"Div/1":             "a divisor is a normalisation constant; kept secret it would cost a sign and a division (4 range checks) per element instead of a free product by its reciprocal, and one that rounds to 0 would make proving fail",
	"Max/*":             "an initializer compared with activations is a clamp bound",
	"Min/*":             "an initializer compared with activations is a clamp bound",
	"Mod/1":             "a modulus is a constant of the computation",
	"Sum/*":             "n-ary: exporters write a bias as Add, which declares it",
	"Where/*":           "a constant branch of a select is a fill value (masking), not a learned weight",
	"Concat/*":          "a constant joined to activations gives an activation, not a weight; CompileSecret follows a weight only through single-input moves",
	"Gather/0":          "an embedding table: with computed indices a constant table is a lookup, a secret one a one-hot selection of n multiplications per output element",
	"GatherElements/0":  "as Gather: a constant table is a lookup",
	"GatherND/0":        "as Gather: a constant table is a lookup",
	"ScatterElements/*": "scattered data and updates are activations",
}

// initializerCases put float initializers where models put them and where
// opCases has computed operands: every position an op declares a weight
// is exercised, and the positions of computedButFixed.
func initializerCases() []optest.Case {
	x := optest.Ramp([]int{1, 2, 3}, -2, 2)
	v3 := optest.T([]int{3}, 0.5, 1.5, 2)
	w22 := optest.T([]int{1, 1, 2, 2}, 0.5, -1, 0.25, 2)
	mat := optest.Ramp([]int{3, 2}, 1, -0.5)
	in := func(name string, t *graph.Tensor) []optest.Named { return []optest.Named{optest.In(name, t)} }
	bin := func(op string, a, b string, data *graph.Tensor, attrs map[string]graph.Attr) optest.Case {
		return optest.Case{Node: node(op, []string{a, b}, []string{"y"}, attrs), Inputs: in("x", x), Consts: consts("c", data)}
	}
	move := func(op string, data *graph.Tensor, attrs map[string]graph.Attr, rest ...any) optest.Case {
		ins := []string{"c"}
		for i := 0; i < len(rest); i += 2 {
			ins = append(ins, rest[i].(string))
		}
		return optest.Case{Node: node(op, ins, []string{"y"}, attrs), Consts: consts(append([]any{"c", data}, rest...)...)}
	}
	return []optest.Case{
		bin("Add", "x", "c", v3, nil), bin("Add", "c", "x", v3, nil), bin("Sub", "x", "c", v3, nil), bin("Sub", "c", "x", v3, nil),
		bin("Mul", "x", "c", v3, nil), bin("Mul", "c", "x", v3, nil),
		bin("Div", "x", "c", v3, nil), bin("Max", "x", "c", v3, nil), bin("Min", "c", "x", v3, nil), bin("Sum", "x", "c", v3, nil),
		bin("Mod", "x", "c", v3, attrs("fmod", 1)),
		{Node: node("Div", []string{"c", "x"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{1, 2, 3}, 0.5, 2)), Consts: consts("c", v3)},
		{Node: node("Where", []string{"b", "c", "x"}, []string{"y"}, nil), Consts: consts("c", v3),
			Inputs: []optest.Named{optest.In("b", boolTensor([]int{1, 2, 3}, 1, 0, 1, 1, 0, 0)), optest.In("x", x)}},
		bin("Concat", "c", "x", optest.T([]int{1, 1, 3}, 1, 2, 3), attrs("axis", 1)),
		{Node: node("MatMul", []string{"x", "c"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{2, 3}, -1, 1)), Consts: consts("c", mat)},
		{Node: node("MatMul", []string{"c", "x"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{2, 3}, -1, 1)), Consts: consts("c", mat)},
		{Node: node("Gemm", []string{"c", "x", "b"}, []string{"y"}, attrs("alpha", 0.5, "beta", 2.0)), Inputs: in("x", optest.Ramp([]int{2, 2}, -1, 1)),
			Consts: consts("c", mat, "b", optest.T([]int{2}, 0.1, -0.2))},
		{Node: node("Conv", []string{"x", "w", "b"}, []string{"y"}, nil), Inputs: in("x", optest.Ramp([]int{1, 1, 3, 3}, -2, 2)),
			Consts: consts("w", w22, "b", optest.T([]int{1}, 0.5))},
		{Node: node("ConvTranspose", []string{"x", "w", "b"}, []string{"y"}, attrs("strides", []int64{2, 2})), Inputs: in("x", optest.Ramp([]int{1, 1, 1, 2}, -1, 1)),
			Consts: consts("w", w22, "b", optest.T([]int{1}, 0.5))},
		{Node: node("Gather", []string{"c", "i"}, []string{"y"}, attrs("axis", 0)), Inputs: in("i", intTensor([]int{2}, 2, 0)), Consts: consts("c", mat)},
		{Node: node("GatherElements", []string{"c", "i"}, []string{"y"}, attrs("axis", 0)), Inputs: in("i", intTensor([]int{1, 2}, 2, 0)), Consts: consts("c", mat)},
		{Node: node("GatherND", []string{"c", "i"}, []string{"y"}, nil), Inputs: in("i", intTensor([]int{2, 2}, 1, 0, 0, 1)), Consts: consts("c", mat)},
		{Node: node("ScatterElements", []string{"c", "i", "u"}, []string{"y"}, attrs("axis", 1)), Consts: consts("c", optest.Ramp([]int{2, 3}, -1, 1)),
			Inputs: []optest.Named{optest.In("i", intTensor([]int{2, 1}, 2, 0)), optest.In("u", optest.T([]int{2, 1}, 0.5, 1.5))}},
		{Node: node("ScatterElements", []string{"x", "i", "c"}, []string{"y"}, attrs("axis", 1)), Consts: consts("c", optest.T([]int{2, 1}, 0.5, 1.5)),
			Inputs: []optest.Named{optest.In("x", optest.Ramp([]int{2, 3}, -1, 1)), optest.In("i", intTensor([]int{2, 1}, 2, 0))}},
		{Node: node("Pad", []string{"x", "p", "c"}, []string{"y"}, nil), Inputs: in("x", x),
			Consts: consts("p", intTensor([]int{6}, 0, 0, 1, 0, 0, 1), "c", optest.T(nil, 0.5))},
		{Node: node("Clip", []string{"x", "lo", "hi"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("lo", optest.T(nil, -1), "hi", optest.T(nil, 1))},
		{Node: node("LayerNormalization", []string{"x", "g", "b"}, []string{"y"}, attrs("axis", -1)), Inputs: in("x", x),
			Consts: consts("g", optest.T([]int{3}, 1, 0.5, 2), "b", v3)},
		{Node: node("Pow", []string{"c", "x"}, []string{"y"}, nil), Inputs: in("x", x), Consts: consts("c", optest.T(nil, 2))},
		move("Identity", mat, nil), move("Flatten", mat, nil), move("Transpose", mat, nil),
		move("Reshape", mat, nil, "s", intTensor([]int{1}, 6)),
		move("Squeeze", optest.Ramp([]int{3, 1}, -1, 1), nil, "a", intTensor([]int{1}, 1)),
		move("Unsqueeze", v3, nil, "a", intTensor([]int{1}, 0)),
		move("Expand", v3, nil, "s", intTensor([]int{2}, 2, 3)),
		move("Tile", v3, nil, "r", intTensor([]int{1}, 2)),
		move("Slice", mat, nil, "s", intTensor([]int{1}, 1), "e", intTensor([]int{1}, 3)),
	}
}

// TestWeightDeclarations scans every operator for weight operands: in
// each case (one per registered operator, and initializerCases), every
// float initializer is made a computed input in turn. Where the kernel
// then compiles, and its evaluator agrees with the float reference and its
// circuit with the evaluator, the op must declare a weight there
// (ops.Op.Weights) or list the position in computedButFixed; a declared
// weight the kernel refuses computed needs the op's SecretRewrite, which
// model's TestSecretWeightsByOperator runs end to end. Every declared
// position must be exercised, and every listed one still compile.
func TestWeightDeclarations(t *testing.T) {
	seen, listed := map[string]bool{}, map[string]bool{}
	for _, c := range append(opCases(), initializerCases()...) {
		op, ok := ops.Lookup(c.Node.Op)
		if !ok {
			t.Fatalf("%s is not registered", c.Node.Op)
		}
		for _, name := range slices.Sorted(maps.Keys(c.Consts)) {
			if c.Consts[name].DType != graph.Float {
				continue
			}
			pos := slices.Index(c.Node.Inputs, name)
			key := fmt.Sprintf("%s/%d", c.Node.Op, pos)
			seen[key] = true
			d := computed(c, name)
			_, _, err := d.Compile()
			declared := op.Weight(pos) != ops.NoWeight
			reason, isListed := computedButFixed[key]
			if r, ok := computedButFixed[c.Node.Op+"/*"]; ok && !isListed {
				key, reason, isListed = c.Node.Op+"/*", r, true
			}
			switch {
			case err != nil && declared && op.Weight(pos) != ops.PassWeight && op.SecretRewrite == nil:
				t.Errorf("%s declares a weight at %d, which its kernel refuses computed: %v", c.Node.Op, pos, err)
			case err != nil:
				continue
			case declared && isListed:
				t.Errorf("%s declares a weight at %d and lists it as fixed (%s)", c.Node.Op, pos, reason)
			case !declared && !isListed:
				t.Errorf("%s takes a computed operand at %d, which is not declared a weight (ops.Op.Weights) nor listed with a reason", c.Node.Op, pos)
			}
			listed[key] = true
			t.Run(fmt.Sprintf("%s %s computed", c.Node.Op, name), func(t *testing.T) { optest.Run(t, d) })
		}
	}
	for _, name := range ops.Supported() {
		op, _ := ops.Lookup(name)
		for pos, u := range op.Weights {
			if key := fmt.Sprintf("%s/%d", name, pos); u != ops.NoWeight && !seen[key] {
				t.Errorf("%s declares a weight at %d and no case puts an initializer there", name, pos)
			}
		}
	}
	for key := range computedButFixed {
		if !listed[key] {
			t.Errorf("%s is listed in computedButFixed and no case compiles with it computed", key)
		}
	}
}

// computed returns c with the constant name made a computed input.
func computed(c optest.Case, name string) optest.Case {
	c.Inputs = append(slices.Clone(c.Inputs), optest.In(name, c.Consts[name]))
	c.Consts = maps.Clone(c.Consts)
	delete(c.Consts, name)
	c.Tol = 0.05
	return c
}
