package audit

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"

	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/ops"
)

// batchArith runs the model on every record with ops.CircuitArith, except
// that products of two secret matrices (ops.Arith.MatMul: secret weights
// times a record's activations) are taken from a hint and checked at the
// end all at once: the calls that share one matrix (the same weight wires)
// are stacked into a single product checked with Freivalds' algorithm
// (see "Secret weights" in the package documentation).
type batchArith struct {
	*ops.CircuitArith
	calls []*matCall
	// DirectProducts checks every product term by term (tests).
	DirectProducts bool
}

type matCall struct {
	w, x, y    [][]frontend.Variable
	keyW, keyX string
}

func (b *batchArith) isConst(v frontend.Variable) bool {
	_, ok := b.API.Compiler().ConstantValue(v)
	return ok
}

// MatMul returns the hinted W·X; finish checks it.
func (b *batchArith) MatMul(w, x [][]frontend.Variable) [][]frontend.Variable {
	if len(w) == 0 || len(x) == 0 || len(x[0]) == 0 {
		return b.CircuitArith.MatMul(w, x)
	}
	M, K, P := len(w), len(x), len(x[0])
	in := make([]frontend.Variable, 0, 3+M*K+K*P)
	in = append(in, M, K, P)
	for _, row := range w {
		in = append(in, row...)
	}
	for _, row := range x {
		in = append(in, row...)
	}
	flat, err := b.API.Compiler().NewHint(ops.MatMulHint, M*P, in...)
	if err != nil {
		panic(err) // only for a wrong output count: a programming error
	}
	y := make([][]frontend.Variable, M)
	for m := range y {
		y[m] = flat[m*P : (m+1)*P]
	}
	b.calls = append(b.calls, &matCall{w: w, x: x, y: y, keyW: key(w), keyX: key(x)})
	return y
}

// key identifies a matrix by its wires (their linear expressions), so the
// same weights read by every record give the same key.
func key(a [][]frontend.Variable) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%dx%d:", len(a), len(a[0]))
	for _, row := range a {
		for _, v := range row {
			fmt.Fprint(&sb, v, ";")
		}
	}
	return sb.String()
}

// finish checks every hinted product. Calls sharing their left matrix W
// put their X and Y columns side by side; calls sharing their right matrix
// X stack their W and Y rows; either way the group is one product
// Y = W·X, checked with Freivalds' algorithm when that costs fewer
// products than computing it, and term by term otherwise.
func (b *batchArith) finish() {
	countW, countX := map[string]int{}, map[string]int{}
	for _, c := range b.calls {
		countW[c.keyW]++
		countX[c.keyX]++
	}
	type group struct{ w, x, y [][]frontend.Variable }
	groups := map[string]*group{}
	var order []*group
	for _, c := range b.calls {
		switch {
		case countW[c.keyW] > 1:
			g := groups["W"+c.keyW]
			if g == nil {
				g = &group{w: c.w, x: make([][]frontend.Variable, len(c.x)), y: make([][]frontend.Variable, len(c.y))}
				groups["W"+c.keyW] = g
				order = append(order, g)
			}
			for k := range c.x {
				g.x[k] = append(g.x[k], c.x[k]...)
			}
			for m := range c.y {
				g.y[m] = append(g.y[m], c.y[m]...)
			}
		case countX[c.keyX] > 1:
			g := groups["X"+c.keyX]
			if g == nil {
				g = &group{x: c.x}
				groups["X"+c.keyX] = g
				order = append(order, g)
			}
			g.w = append(g.w, c.w...)
			g.y = append(g.y, c.y...)
		default:
			order = append(order, &group{w: c.w, x: c.x, y: c.y})
		}
	}
	for _, g := range order {
		direct, freivalds := ops.FreivaldsCost(g.w, g.x, b.isConst)
		if b.DirectProducts || direct <= freivalds {
			b.checkDirect(g.w, g.x, g.y)
		} else {
			b.checkFreivalds(g.w, g.x, g.y)
		}
	}
}

// checkDirect asserts Y = W·X term by term.
func (b *batchArith) checkDirect(w, x, y [][]frontend.Variable) {
	for m, row := range w {
		for p := range x[0] {
			terms := make([]frontend.Variable, len(row))
			for k := range row {
				terms[k] = b.API.Mul(row[k], x[k][p])
			}
			b.API.AssertIsEqual(y[m][p], linexpr.Sum(b.API, terms))
		}
	}
}

// checkFreivalds asserts Y·v = W·(X·v) for v = (1, r, r², …), r from the
// Groth16 commitment to every secret wire of W, X and Y: the prover fixes
// all three before r is known. Scheduled as ops schedules its own check:
// std/multicommit's WithCommitment runs in the deferred phase, so that the
// lookup range checks created later share the commitment.
func (b *batchArith) checkFreivalds(w, x, y [][]frontend.Variable) {
	var committed []frontend.Variable
	seen := map[string]bool{}
	add := func(rows [][]frontend.Variable) {
		for _, row := range rows {
			for _, v := range row {
				if b.isConst(v) {
					continue
				}
				k := fmt.Sprint(v)
				if !seen[k] {
					seen[k] = true
					committed = append(committed, v)
				}
			}
		}
	}
	add(w)
	add(x)
	add(y)
	b.API.Compiler().Defer(func(api frontend.API) error {
		multicommit.WithCommitment(api, func(api frontend.API, r frontend.Variable) error {
			ops.FreivaldsAssert(api, w, x, y, r)
			return nil
		}, committed...)
		return nil
	})
}
