package ops_test

import (
	"strings"
	"testing"

	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/optest"
	"github.com/zkinfer/zkinfer/ops"
)

// The gadget half of the soundness suite (docs/SOUNDNESS.md): every Arith
// primitive that takes a hint, in a circuit of its own, under both
// range-check gadgets. HintSweep perturbs every output of every hint call
// (up to gadgetOutputs outputs per call) by +1 and -1, with the gadget's
// results left free (solved wires nothing compares), and requires the
// circuit to reject each; the edge cases put inputs and results at the
// ends of their ranges (accepted) and just beyond (rejected).

type V = ops.Variable

// gadgetOutputs caps the outputs perturbed per hint call: a lookup range
// check's multiplicity hint has one output per table row.
const gadgetOutputs = 48

// sweepCircuit computes outs = f(ins) with one gadget, built as a model
// builds it (optest.Arith). Bound, it binds the results to public outputs
// Out; free, it leaves them as solved wires, so that only the gadget's own
// constraints can reject a moved hint.
type sweepCircuit struct {
	In    []frontend.Variable
	Out   []frontend.Variable `gnark:",public"`
	f     func(ops.Arith[V], []V) []V
	mode  ops.RangeCheck
	bound bool
}

func (c *sweepCircuit) Define(api frontend.API) error {
	a := optest.Arith(api, c.mode)
	ys := c.f(a, c.In)
	if c.bound {
		for i, y := range ys {
			api.AssertIsEqual(y, c.Out[i])
		}
	}
	return nil
}

// gadgetCase is one gadget, with its integer semantics and its circuit.
type gadgetCase struct {
	name string
	ints func(ops.Arith[int64], []int64) []int64
	circ func(ops.Arith[V], []V) []V
	// at: inputs at the ends of the gadget's ranges, which it accepts.
	at [][]int64
	// beyond: inputs just outside; the evaluator reports an error unless
	// unchecked (compile-time bounds make them unreachable), and the
	// circuit rejects the integer result, or accepts it where marked exact
	// (its constraints still pin the true value there), and always
	// rejects the results one off from it.
	beyond    []edge
	unchecked bool
}

// edge is an input beyond a gadget's range.
type edge struct {
	in    []int64
	exact bool // the circuit's own range still holds it
}

func beyond(ins ...int64) []edge {
	out := make([]edge, len(ins))
	for i, v := range ins {
		out[i] = edge{in: []int64{v}}
	}
	return out
}

func gadget1[T any](f func(ops.Arith[T], T) T) func(ops.Arith[T], []T) []T {
	return func(a ops.Arith[T], x []T) []T { return []T{f(a, x[0])} }
}

func rescale[T any](a ops.Arith[T], x T) T     { return a.Rescale(x, 4, 12) }
func rescale0[T any](a ops.Arith[T], x T) T    { return a.Rescale(x, 0, 12) }
func rescaleRelu[T any](a ops.Arith[T], x T) T { return a.RescaleRelu(x, 4, 12) }
func reluG[T any](a ops.Arith[T], x T) T       { return a.Relu(x, 12) }
func signG[T any](a ops.Arith[T], x T) T       { return a.Sign(x, 12) }
func sqrtG[T any](a ops.Arith[T], x T) T       { return a.Sqrt(x, 16) }
func divConst[T any](a ops.Arith[T], x T) T    { return a.DivRound(x, a.Const(ops.Q{F: 7, I: 7}), 8, 12) }

func divRound[T any](a ops.Arith[T], x []T) []T { return []T{a.DivRound(x[0], x[1], 8, 12)} }

// longSum is the sum of 70 inputs: a linear combination long enough that
// the rescale of it takes a remainder wire (see divPow2).
func longSum[T any](a ops.Arith[T], x []T) T {
	q := make([]ops.Q, len(x))
	for i := range q {
		q[i] = ops.Q{F: 1, I: 1}
	}
	return a.Lin(q, x, ops.Q{})
}

func rescaleLong[T any](a ops.Arith[T], x []T) []T { return []T{a.Rescale(longSum(a, x), 4, 12)} }
func rescaleReluLong[T any](a ops.Arith[T], x []T) []T {
	return []T{a.RescaleRelu(longSum(a, x), 4, 12)}
}

// maxRescaled pools a window of 4 values (a 2×2 max pool) with the rescale
// by 2^4 and, for maxRescaledRelu, the ReLU of the step before.
func maxRescaled[T any](a ops.Arith[T], x []T) []T { return []T{a.MaxRescaled(x, 4, 12, false)} }
func maxRescaledRelu[T any](a ops.Arith[T], x []T) []T {
	return []T{a.MaxRescaled(x, 4, 12, true)}
}

// matMul multiplies the 4×4 matrices in x[:16] and x[16:]: large enough
// for CircuitArith to use Freivalds' check.
func matMul[T any](a ops.Arith[T], x []T) []T {
	w, y := make([][]T, 4), make([][]T, 4)
	for i := range 4 {
		w[i], y[i] = x[4*i:4*i+4], x[16+4*i:16+4*i+4]
	}
	var out []T
	for _, row := range a.MatMul(w, y) {
		out = append(out, row...)
	}
	return out
}

var squareTable = func() *ops.Table {
	t, err := ops.NewTable("sweep-square", func(x float64) float64 { return x * x }, 0, 0, -8, 8)
	if err != nil {
		panic(err)
	}
	return t
}()

func lookupG[T any](a ops.Arith[T], x T) T { return a.Lookup(squareTable, x) }

func gadgetCases() []gadgetCase {
	ramp := make([]int64, 32)
	for i := range ramp {
		ramp[i] = int64(i*7%23) - 11
	}
	const q = 2048 // 2^(12-1): the 12-bit signed range is [-q, q)
	long := func(v ...int64) []int64 { return append(v, make([]int64, 70-len(v))...) }
	return []gadgetCase{
		{name: "Rescale", ints: gadget1(rescale[int64]), circ: gadget1(rescale[V]),
			at: [][]int64{{100}, {-100}, {(q-1)*16 + 7}, {-q*16 - 8}}, beyond: beyond(q*16-8, -q*16-9)},
		{name: "Rescale of a long sum", ints: rescaleLong[int64], circ: rescaleLong[V],
			at: [][]int64{long(60, 40), long(-100), long((q-1)*16 + 7), long(-q*16 - 8)}, beyond: []edge{{in: long(q*16 - 8)}, {in: long(-q*16 - 9)}}},
		{name: "RescaleRelu of a long sum", ints: rescaleReluLong[int64], circ: rescaleReluLong[V],
			at:     [][]int64{long(60, 40), long(-100), long((q-1)*16 + 7), long((-q+1)*16 - 8)},
			beyond: []edge{{in: long(q*16 - 8)}, {in: long(-q*16 - 8), exact: true}, {in: long(-q*16 - 9)}}},
		{name: "Rescale by 2^0", ints: gadget1(rescale0[int64]), circ: gadget1(rescale0[V]),
			at: [][]int64{{q - 1}, {-q}}, beyond: beyond(q, -q-1)},
		{name: "RescaleRelu", ints: gadget1(rescaleRelu[int64]), circ: gadget1(rescaleRelu[V]),
			at: [][]int64{{100}, {-100}, {(q-1)*16 + 7}, {(-q+1)*16 - 8}},
			// The evaluator bounds |q| < 2^11; the sign check's range also
			// holds q = -2^11, whose ReLU, 0, is exact.
			beyond: []edge{{in: []int64{q*16 - 8}}, {in: []int64{-q*16 - 8}, exact: true}, {in: []int64{-q*16 - 9}}}},
		{name: "Relu", ints: gadget1(reluG[int64]), circ: gadget1(reluG[V]),
			at: [][]int64{{5}, {-5}, {0}, {2*q - 1}, {-2 * q}}, beyond: beyond(2*q, -2*q-1), unchecked: true},
		{name: "Sign", ints: gadget1(signG[int64]), circ: gadget1(signG[V]),
			at: [][]int64{{5}, {-5}, {0}, {-1}, {2*q - 1}, {-2 * q}}, beyond: beyond(2*q, -2*q-1), unchecked: true},
		{name: "DivRound", ints: divRound[int64], circ: divRound[V],
			at: [][]int64{{100, 7}, {-100, 7}, {5, 1}, {(q - 1) * 255, 255}, {-q * 3, 3}},
			// The evaluator bounds d < 2^8; the circuit's d-1 < 2^8 also
			// holds d = 2^8, where r < 2d still makes q exact.
			beyond: []edge{{in: []int64{5, 256}, exact: true}, {in: []int64{5, 257}}, {in: []int64{5, 0}}, {in: []int64{q * 3, 3}}, {in: []int64{(-q - 1) * 3, 3}}}},
		{name: "DivRound by a constant", ints: gadget1(divConst[int64]), circ: gadget1(divConst[V]),
			at: [][]int64{{100}, {-100}, {(q-1)*7 + 3}}, beyond: beyond(q*7 - 3)},
		{name: "Sqrt", ints: gadget1(sqrtG[int64]), circ: gadget1(sqrtG[V]),
			at: [][]int64{{0}, {1}, {99}, {1<<16 - 1}},
			// y² ≤ a < (y+1)² pins y beyond 2^16 too: the evaluator rejects
			// a = 2^16, the circuit accepts only its exact root.
			beyond: []edge{{in: []int64{1 << 16}, exact: true}, {in: []int64{-1}}}},
		{name: "Lookup", ints: gadget1(lookupG[int64]), circ: gadget1(lookupG[V]),
			at: [][]int64{{-8}, {0}, {3}, {8}}, beyond: beyond(9, -9)},
		{name: "MatMul (Freivalds)", ints: matMul[int64], circ: matMul[V], at: [][]int64{ramp}},
		// Quotients 6, 5, -6, 2: the maximum moved down by one is another
		// quotient, so only the difference checks reject it.
		{name: "MaxRescaled", ints: maxRescaled[int64], circ: maxRescaled[V],
			at: [][]int64{{100, 84, -100, 37}, {16, 16, 16, 16}, {(q-1)*16 + 7, 0, -q * 16, 5}, {-q * 16, -q * 16, -q*16 - 8, -q * 16}},
			// The evaluator bounds every quotient; the circuit bounds the
			// maximum and each quotient's distance to it, so a quotient of
			// -2^11-1 below a maximum of 0 still has its exact maximum.
			beyond: []edge{{in: []int64{q*16 - 8, 0, 0, 0}}, {in: []int64{0, 0, 0, -q*16 - 9}, exact: true}}},
		{name: "MaxRescaled with ReLU", ints: maxRescaledRelu[int64], circ: maxRescaledRelu[V],
			at:     [][]int64{{100, 84, -100, 37}, {-100, -84, -200, -37}, {(q-1)*16 + 7, 0, -q * 16, 5}},
			beyond: []edge{{in: []int64{q*16 - 8, 0, 0, 0}}, {in: []int64{0, 0, 0, -q*16 - 9}, exact: true}}},
	}
}

// witness runs the gadget on in with the evaluator and returns the
// circuit, its assignment, the results and the evaluator's error; bound
// binds the results to public outputs.
func (g gadgetCase) witness(in []int64, mode ops.RangeCheck, bound bool) (*sweepCircuit, *sweepCircuit, []int64, error) {
	e := &ops.IntArith{}
	out := g.ints(e, in)
	c := &sweepCircuit{In: make([]frontend.Variable, len(in)), f: g.circ, mode: mode, bound: bound}
	a := &sweepCircuit{f: g.circ, mode: mode, bound: bound}
	for _, v := range in {
		a.In = append(a.In, v)
	}
	if bound {
		c.Out = make([]frontend.Variable, len(out))
		for _, v := range out {
			a.Out = append(a.Out, v)
		}
	}
	return c, a, out, e.Err()
}

// TestGadgetHintSoundness: for every gadget with a hint, under both
// range-check gadgets, every single-output perturbation of every hint call
// leaves the circuit unsatisfiable, with the results free, at ordinary
// inputs and at the ends of the ranges.
func TestGadgetHintSoundness(t *testing.T) {
	for _, g := range gadgetCases() {
		for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
			t.Run(g.name+"/"+mode.String(), func(t *testing.T) {
				for _, in := range g.at {
					c, a, _, err := g.witness(in, mode, false)
					if err != nil {
						t.Fatalf("evaluator rejects %v, at the end of the range: %v", in, err)
					}
					cs, err := optest.CompileR1CS(c)
					if err != nil {
						t.Fatal(err)
					}
					w, err := optest.FullWitness(a)
					if err != nil {
						t.Fatal(err)
					}
					calls, escapes, err := optest.HintSweep(cs, w, optest.Sweep{Outputs: gadgetOutputs})
					if err != nil {
						t.Fatalf("input %v: %v", in, err)
					}
					if len(calls) == 0 {
						t.Fatalf("input %v: the circuit made no hint call", in)
					}
					t.Logf("input %v: %d hint calls: %v", in, len(calls), hintNames(calls))
					for _, e := range escapes {
						t.Errorf("input %v: %v", in, e)
					}
				}
			})
		}
	}
}

// TestGadgetOverflow: just beyond a gadget's range, the evaluator reports
// an error at witness time, and the circuit rejects the evaluator's result
// and the results one off from it (it accepts the true result only where
// its constraints still pin it exactly).
func TestGadgetOverflow(t *testing.T) {
	for _, g := range gadgetCases() {
		if len(g.beyond) == 0 {
			continue
		}
		for _, mode := range []ops.RangeCheck{ops.RangeBits, ops.RangeLookup} {
			t.Run(g.name+"/"+mode.String(), func(t *testing.T) {
				for _, b := range g.beyond {
					in := b.in
					c, a, out, err := g.witness(in, mode, true)
					if err == nil && !g.unchecked {
						t.Errorf("evaluator accepts %v, beyond the range", in)
					}
					cs, err := optest.CompileR1CS(c)
					if err != nil {
						t.Fatal(err)
					}
					for _, d := range []int64{0, 1, -1} {
						if d == 0 && b.exact {
							continue
						}
						a.Out[0] = out[0] + d
						w, err := optest.FullWitness(a)
						if err != nil {
							t.Fatal(err)
						}
						if solvesSafely(cs, w) {
							t.Errorf("input %v beyond the range: the circuit accepts %v", in, out[0]+d)
						}
					}
				}
			})
		}
	}
}

// solvesSafely is IsSolved, with a solver panic (a lookup index outside
// its table) counted as unsolved.
func solvesSafely(cs constraint.ConstraintSystem, w witness.Witness) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return cs.IsSolved(w, solver.WithNbTasks(1)) == nil
}

// hintNames counts the calls of each hint.
func hintNames(calls []optest.HintCall) map[string]int {
	m := map[string]int{}
	for _, c := range calls {
		m[c.Name[strings.LastIndex(c.Name, "/")+1:]]++
	}
	return m
}
