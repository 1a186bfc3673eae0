package cnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// resGraph is bench/genmodels.py's resnet_cN at a given input size S:
// stem Conv(3→N, 3×3) → Relu → MaxPool 2, a block N→N (stride 1, identity
// skip), a block N→2N (stride 2, 1×1 projection skip), [a block 2N→4N
// when deep], GlobalAveragePool, Flatten, [Gemm(hidden) → Relu when
// hidden > 0], Gemm(10). Each block is conv-relu-conv plus the skip, then
// Relu. resnet_c32 is {32, 32, deep, 0}.
func resGraph(n, s int, deep bool, rng *rand.Rand, hidden ...int) *graph.Graph {
	g := &graph.Graph{Consts: map[string]*graph.Tensor{}, Opset: 13,
		Inputs:  []graph.Value{{Name: "input", DType: graph.Float, Shape: []int{1, 3, s, s}}},
		Outputs: []graph.Value{{Name: "output", DType: graph.Float}}}
	he := func(name string, shape []int, fanIn int) {
		t := graph.NewTensor(graph.Float, shape)
		for i := range t.Data {
			t.Data[i] = rng.NormFloat64() * math.Sqrt(2/float64(fanIn))
		}
		g.Consts[name] = t
		b := graph.NewTensor(graph.Float, []int{shape[0]})
		for i := range b.Data {
			b.Data[i] = rng.NormFloat64() * 0.05
		}
		g.Consts[name+"b"] = b
	}
	ints := func(v ...int64) graph.Attr { return graph.Attr{Kind: graph.AttrInts, Ints: v} }
	node := func(op string, ins []string, out string, attrs map[string]graph.Attr) string {
		if attrs == nil {
			attrs = map[string]graph.Attr{}
		}
		g.Nodes = append(g.Nodes, &graph.Node{Name: out, Op: op, Inputs: ins, Outputs: []string{out}, Attrs: attrs})
		return out
	}
	convNode := func(x, name string, cin, cout, k, stride int) string {
		he(name+".W", []int{cout, cin, k, k}, cin*k*k)
		p := int64(k / 2)
		return node("Conv", []string{x, name + ".W", name + ".Wb"}, name, map[string]graph.Attr{
			"kernel_shape": ints(int64(k), int64(k)), "pads": ints(p, p, p, p), "strides": ints(int64(stride), int64(stride)), "dilations": ints(1, 1)})
	}
	block := func(x, name string, cin, cout, stride int) string {
		y := node("Relu", []string{convNode(x, name+".conv1", cin, cout, 3, stride)}, name+".r1", nil)
		y = convNode(y, name+".conv2", cout, cout, 3, 1)
		skip := x
		if stride != 1 || cin != cout {
			skip = convNode(x, name+".down", cin, cout, 1, stride)
		}
		return node("Relu", []string{node("Add", []string{y, skip}, name+".add", nil)}, name+".relu", nil)
	}
	x := node("Relu", []string{convNode("input", "stem", 3, n, 3, 1)}, "stem.relu", nil)
	x = node("MaxPool", []string{x}, "stem.pool", map[string]graph.Attr{"kernel_shape": ints(2, 2), "strides": ints(2, 2)})
	x = block(x, "layer1", n, n, 1)
	x = block(x, "layer2", n, 2*n, 2)
	c := 2 * n
	if deep {
		x, c = block(x, "layer3", 2*n, 4*n, 2), 4*n
	}
	x = node("GlobalAveragePool", []string{x}, "gap", nil)
	hidden = append(hidden, 0)
	x = node("Flatten", []string{x}, "flat", map[string]graph.Attr{"axis": {Kind: graph.AttrInt, Int: 1}})
	if h := hidden[0]; h > 0 {
		he("fc0.W", []int{h, c}, c)
		x = node("Relu", []string{node("Gemm", []string{x, "fc0.W", "fc0.Wb"}, "fc0", map[string]graph.Attr{"transB": {Kind: graph.AttrInt, Int: 1}})}, "fc0.relu", nil)
		c = h
	}
	he("fc.W", []int{10, c}, c)
	node("Gemm", []string{x, "fc.W", "fc.Wb"}, "output", map[string]graph.Attr{"transB": {Kind: graph.AttrInt, Int: 1}})
	return g
}

// resCompiled compiles g and builds its Residual and a quantized random
// input in [−1, 1).
func resCompiled(t testing.TB, g *graph.Graph, rng *rand.Rand) (*model.Model, *Residual, []int64, []int64) {
	t.Helper()
	mod, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	r, err := FromResidual(mod)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]float64, mod.Inputs[0].Size())
	for i := range in {
		in[i] = rng.Float64()*2 - 1
	}
	q, err := mod.Quantize([][]float64{in})
	if err != nil {
		t.Fatal(err)
	}
	want, err := mod.Eval([][]float64{in})
	if err != nil {
		t.Fatal(err)
	}
	return mod, r, q[0].Data, want[0].Data
}

// TestResidualMatchesIntArith: the network FromResidual builds proves
// exactly the integer evaluator's output; resnet_c32 itself when
// ZKINFER_RESNET_C32 names bench/genmodels.py's directory for it.
func TestResidualMatchesIntArith(t *testing.T) {
	type tc struct {
		name string
		g    func() *graph.Graph
	}
	cases := []tc{
		{"n2s8", func() *graph.Graph { return resGraph(2, 8, false, rand.New(rand.NewPCG(2, 8))) }},
		{"n3s12deep", func() *graph.Graph { return resGraph(3, 12, true, rand.New(rand.NewPCG(3, 12))) }},
		{"n2s8hidden6", func() *graph.Graph { return resGraph(2, 8, false, rand.New(rand.NewPCG(2, 6)), 6) }},
	}
	if dir := getenv("ZKINFER_RESNET_C32"); dir != "" {
		cases = append(cases, tc{"resnet_c32", func() *graph.Graph {
			g, err := onnx.Load(dir + "/network.onnx")
			if err != nil {
				t.Fatal(err)
			}
			return g
		}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, r, x, want := resCompiled(t, c.g(), rand.New(rand.NewPCG(7, 7)))
			proof, y, err := ProveResidual(testParams, r, x)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y, want) {
				t.Fatalf("proved output %v, IntArith gives %v", y, want)
			}
			if err := VerifyResidual(testParams, r, y, proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
			y[0]++
			if err := VerifyResidual(testParams, r, y, proof); err == nil {
				t.Fatal("another output accepted")
			}
		})
	}
}

// TestFromResidualRefuses: shapes the backend does not prove are refused
// with the step's name.
func TestFromResidualRefuses(t *testing.T) {
	g := resGraph(2, 8, false, rand.New(rand.NewPCG(1, 1)))
	// The last block's Relu removed: a bare Add.
	for i, n := range g.Nodes {
		if n.Name == "layer2.relu" {
			g.Nodes = append(g.Nodes[:i], g.Nodes[i+1:]...)
			g.Nodes[i].Inputs[0] = "layer2.add"
			break
		}
	}
	mod, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FromResidual(mod); err == nil || !strings.Contains(err.Error(), "Relu") {
		t.Fatalf("a bare Add accepted or refused for another reason: %v", err)
	}
}

// TestResidualCheats: a cheating prover's edits, everything downstream
// computed from the edited values, are caught by the check named.
func TestResidualCheats(t *testing.T) {
	_, r, x, _ := resCompiled(t, resGraph(2, 8, false, rand.New(rand.NewPCG(2, 8))), rand.New(rand.NewPCG(7, 7)))
	kind := func(k NodeKind) int {
		for i, n := range r.Nodes {
			if n.Kind == k {
				return i
			}
		}
		t.Fatal("no such node")
		return 0
	}
	add, avg := kind(NodeAddRelu), kind(NodeAvg)
	cases := []struct {
		name string
		ch   resCheats
		want string
	}{
		{"relu output edited", resCheats{editOut: func(i int, y []int64) {
			if i == add {
				y[0]++
			}
		}}, "y = relu(a + b)"},
		{"skip operand other than the committed tensor", resCheats{skip: func(i int, b []int64) {
			if i == add {
				b[1] += 5
			}
		}}, "openings"},
		{"average pool accumulator edited", resCheats{editAcc: func(i int, a []int64) {
			if i == avg {
				a[0] += 64
			}
		}}, "node " + fmt.Sprint(avg)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			proof, y, err := r.prove(testParams, x, c.ch)
			if err != nil {
				t.Fatal(err)
			}
			err = VerifyResidual(testParams, r, y, proof)
			if err == nil {
				t.Fatal("cheating proof accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("rejected by another check than %q: %v", c.want, err)
			}
			t.Log(err)
		})
	}
}

// TestAddReluCheats: the Add+Relu protocol alone, on committed random a
// and b, against provers that break one of its conditions each; every
// case names the check that catches it (addrelu.go, "Soundness"): the
// zero-check's sumcheck (y edited, a sign flipped with v kept in range, a
// non-boolean sign), the batch (the sumcheck run on tables other than the
// committed: its finals are claims on them at ρ), the eq factor's final
// against eq(r, ρ) (accepted without that check), the range checks. Every
// case in three modes: binding, hiding, hiding with vanishing masks.
func TestAddReluCheats(t *testing.T) {
	const size, bits = 64, 9
	rng := rand.New(rand.NewPCG(9, 9))
	a, b := make([]int64, size), make([]int64, size)
	for i := range a {
		a[i], b[i] = rng.Int64N(200)-100, rng.Int64N(100)-50
	}
	l := &addRelu{UpA: 0, UpB: 1, Bits: bits, size: size}
	z := func(i int) int64 { return a[i] + 2*b[i] }
	pos, neg := -1, -1
	for i := range a {
		if z(i) > 0 && pos < 0 {
			pos = i
		}
		if z(i) < 0 && neg < 0 {
			neg = i
		}
	}
	var inv2B fr.Element
	inv2B.SetUint64(1 << bits)
	inv2B.Inverse(&inv2B)
	cases := []struct {
		name string
		y    func(y []int64)
		ch   addCheats
		want string
	}{
		{"honest", nil, addCheats{}, ""},
		{"y edited", func(y []int64) { y[pos]++ }, addCheats{}, "y = relu(a + b)"},
		{"sign flipped: y = z < 0", func(y []int64) { y[neg] = z(neg) }, addCheats{sign: func(s []int64) { s[neg] = 1 }}, "y = relu(a + b)"},
		{"the sum's a other than the committed", func(y []int64) { y[pos] += 3 }, addCheats{sum: func(t []mle.Table, _ fr.Element) {
			three := fr.NewElement(3)
			t[aA][pos].Add(&t[aA][pos], &three)
			t[aV0][pos].Add(&t[aV0][pos], &three)
		}}, "batch"},
		{"sign flipped, the sum on the honest tables", func(y []int64) { y[neg] = z(neg) }, addCheats{sign: func(s []int64) { s[neg] = 1 }, sum: func(t []mle.Table, _ fr.Element) {
			v := z(neg) + 1<<bits
			t[aY][neg].SetZero()
			t[aS][neg].SetZero()
			t[aV0][neg].SetInt64(v & (1<<12 - 1))
			if len(t) > aV1 {
				t[aV1][neg].SetInt64(v >> 12)
			}
		}}, "batch"},
		{"sign flipped, v = z < 0 in limbs out of range", func(y []int64) { y[neg] = z(neg) }, addCheats{sign: func(s []int64) { s[neg] = 1 }, tables: func(_, _, t0, t1 mle.Table) {
			t0[neg].SetInt64(z(neg) & (1<<12 - 1))
			t1[neg].SetInt64(z(neg) >> 12)
		}}, "range check"},
		{"the sum's y other than the committed", func(y []int64) { y[pos]++ }, addCheats{sum: func(t []mle.Table, _ fr.Element) {
			t[aY][pos].SetInt64(z(pos))
		}}, "batch"},
		{"y edited, the eq factor forged to hide it", func(y []int64) { y[pos]++ }, addCheats{sum: func(t []mle.Table, mu fr.Element) {
			// Each entry adds eq·(P0 + λP1 + μE + μ·2^B), μ·2^B + 1 at the
			// edited one: rescale its eq so that it adds eq·μ·2^B.
			var c, d fr.Element
			c.SetUint64(1 << bits)
			c.Mul(&c, &mu)
			d.SetOne()
			d.Add(&d, &c).Inverse(&d)
			t[aEq][pos].Mul(&t[aEq][pos], &c).Mul(&t[aEq][pos], &d)
		}}, "eq factor"},
		{"sign not boolean: s = 1 + 2^-B, v = z − 1 in range", nil, addCheats{tables: func(yt, st, t0, t1 mle.Table) {
			st[pos].SetOne()
			st[pos].Add(&st[pos], &inv2B)
			var zv fr.Element
			zv.SetInt64(z(pos))
			yt[pos].Mul(&st[pos], &zv)
			v := z(pos) - 1
			t0[pos].SetInt64(v & (1<<12 - 1))
			t1[pos].SetInt64(v >> 12)
		}}, "y = relu(a + b)"},
	}
	hiding := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	vanishing := hiding
	vanishing.Vanishing = true
	for _, params := range []pcs.Params{testParams, hiding, vanishing} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/hiding=%v,vanishing=%v", c.name, params.Hiding, params.Vanishing), func(t *testing.T) {
				y, err := l.run(a, b)
				if err != nil {
					t.Fatal(err)
				}
				if c.y != nil {
					c.y(y)
				}
				aData, _ := pcs.Commit(params, mle.FromInt64(a))
				bData, _ := pcs.Commit(params, mle.FromInt64(b))
				tr, bp := transcript.New("test"), batch.NewProver()
				p, _, err := l.prove(tr, params, aData, bData, a, b, y, bp, c.ch)
				if err != nil && c.want != "" && strings.Contains(err.Error(), c.want) {
					t.Log(err) // refused by a sub-protocol's prover (logUp's soundness is its package's)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					t.Fatal(err)
				}
				tv, bv := transcript.New("test"), batch.NewVerifier()
				err = l.verify(tv, params, aData.Commitment(), bData.Commitment(), &p, bv)
				if err == nil {
					err = bv.Verify(tv, params, bproof)
				}
				switch {
				case c.want == "" && err != nil:
					t.Fatalf("honest proof rejected: %v", err)
				case c.want != "" && err == nil:
					t.Fatal("cheating proof accepted")
				case c.want != "" && !strings.Contains(err.Error(), c.want):
					t.Fatalf("rejected by another check than %q: %v", c.want, err)
				}
			})
		}
	}
}

// TestResidualHiding: a small resnet proves and verifies with hiding
// commitments (pcs.Params.Hiding), its Add+Relu sumchecks and the input
// range's zero-check are masked, and the proof is refused under other
// parameters.
func TestResidualHiding(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	_, r, x, want := resCompiled(t, resGraph(2, 8, false, rand.New(rand.NewPCG(2, 8))), rand.New(rand.NewPCG(7, 7)))
	proof, y, err := ProveResidual(p, r, x)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y, want) {
		t.Fatalf("proved output %v, IntArith gives %v", y, want)
	}
	if err := VerifyResidual(p, r, y, proof); err != nil {
		t.Fatalf("honest hiding proof rejected: %v", err)
	}
	adds := 0
	for i, n := range proof.Nodes {
		if n.Add == nil {
			continue
		}
		adds++
		if n.Add.Sum.Mask == nil {
			t.Errorf("node %d: the Add+Relu's sumchecks not masked under hiding", i)
		}
	}
	if proof.Input.Zero.Mask == nil || adds == 0 {
		t.Errorf("input range's zero-check masked: %v; %d Add+Relu nodes", proof.Input.Zero.Mask != nil, adds)
	}
	if err := VerifyResidual(testParams, r, y, proof); err == nil {
		t.Fatal("a hiding proof accepted under non-hiding parameters")
	}
}
