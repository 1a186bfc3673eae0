package ops

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/quant"
)

// Info is what compile knows of a tensor before any input arrives.
type Info struct {
	DType graph.DType
	Shape []int
	// Scale is the fixed-point exponent of the tensor's integers.
	Scale int
	// Max bounds the magnitude of the tensor's integers.
	Max float64
	// Const holds the value when it is known at compile time.
	Const *graph.Tensor
}

// Size is the number of elements.
func (i *Info) Size() int { return graph.NumElements(i.Shape) }

// Context is what Infer sees besides the node: the number format.
type Context struct {
	quant.Settings
	// Producer, while a node is inferred, is the plan of the step that
	// computes the node's input 0 when this node is that value's only
	// reader (through a ReLU fused into the step), else nil. An op may take
	// part of that step's work over (RequantTaker); model.Compile sets it.
	Producer any
	// overflow records an intermediate bound beyond quant.MaxBound seen by
	// Requant while inferring the current node.
	overflow float64
}

// CheckBound records that a value bounded by max is computed; compile fails
// when max exceeds quant.MaxBound (see TakeOverflow).
func (c *Context) CheckBound(max float64) {
	if max > quant.MaxBound {
		c.overflow = math.Max(c.overflow, max)
	}
}

// TakeOverflow returns and clears the largest out-of-bound value recorded
// since the last call (0 when none).
func (c *Context) TakeOverflow() float64 {
	o := c.overflow
	c.overflow = 0
	return o
}

// InferFunc checks a node against the info of its inputs (nil for an omitted
// optional input) and returns its outputs' info and the plan its kernels
// run. An output whose Info.Const is set needs no kernel.
type InferFunc func(c *Context, n *graph.Node, ins []*Info) (outs []*Info, plan any, err error)

// Kernel computes a node's outputs from its inputs and the plan Infer made.
type Kernel[T any] func(a Arith[T], plan any, ins []Tensor[T]) []Tensor[T]

// Op is one operator: its compile-time inference and its kernel for each
// Arith, normally three instantiations of one generic function, and the
// facts compile needs about it beyond one node.
type Op struct {
	Infer   InferFunc
	Float   Kernel[float64]
	Int     Kernel[int64]
	Circuit Kernel[Variable]

	// Weights declares, by operand position, which float initializers the
	// op reads as a model's secret weights (see WeightUse); nil: none.
	Weights []WeightUse
	// SecretRewrite, when set, adapts a node that reads secret weights to
	// a kernel that takes some operand only as a constant: it edits n (a
	// copy) and returns a secret bias for compile to add to n's first
	// output after it, or "". Gemm folds alpha and beta into its weights
	// and moves its C out; Conv and ConvTranspose move their bias out.
	SecretRewrite func(n *graph.Node, g SecretGraph) (bias string)
	// FuseInto, when set, offers the op to the plan of the step that
	// computes its input 0, when that step is the input's only reader, and
	// reports whether the plan took the op over: the plan then applies it
	// to its own outputs, and the node compiles to Identity (see Fuse).
	// ReLU fuses into a rescale (ReluFuser).
	FuseInto func(producer any) bool
}

var registry = map[string]*Op{}

// Register adds an operator; it panics on a duplicate name.
func Register(name string, op Op) {
	if _, dup := registry[name]; dup {
		panic("ops: duplicate operator " + name)
	}
	registry[name] = &op
}

// Lookup returns the operator registered under the ONNX op type name.
func Lookup(name string) (*Op, bool) {
	op, ok := registry[name]
	return op, ok
}

// domains holds the operators of ONNX domains other than the default one,
// by domain, then op type (see RegisterDomain).
var domains = map[string]map[string]*Op{}

// DefaultDomain reports whether domain names ONNX's default operator set
// ("" or "ai.onnx"), whose operators Register adds.
func DefaultDomain(domain string) bool { return domain == "" || domain == "ai.onnx" }

// RegisterDomain adds an operator of an ONNX domain other than the default
// one (e.g. "ai.onnx.ml"); it panics on a duplicate.
func RegisterDomain(domain, name string, op Op) {
	if DefaultDomain(domain) {
		Register(name, op)
		return
	}
	if domains[domain] == nil {
		domains[domain] = map[string]*Op{}
	}
	if _, dup := domains[domain][name]; dup {
		panic("ops: duplicate operator " + domain + "." + name)
	}
	domains[domain][name] = &op
}

// LookupDomain returns the operator registered under an op type of domain;
// known is false when no operator of the domain is registered at all.
func LookupDomain(domain, name string) (op *Op, ok, known bool) {
	if DefaultDomain(domain) {
		op, ok = registry[name]
		return op, ok, true
	}
	ops, known := domains[domain]
	op, ok = ops[name]
	return op, ok, known
}

// SupportedIn lists the op types registered in domain, sorted.
func SupportedIn(domain string) []string {
	if DefaultDomain(domain) {
		return Supported()
	}
	names := make([]string, 0, len(domains[domain]))
	for n := range domains[domain] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Supported lists the registered op types, sorted.
func Supported() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// KernelFor returns op's kernel for element type T.
func KernelFor[T any](op *Op) Kernel[T] {
	for _, k := range []any{op.Float, op.Int, op.Circuit} {
		if k, ok := k.(Kernel[T]); ok {
			return k
		}
	}
	panic(fmt.Sprintf("ops: no kernel for %T", *new(T)))
}

// Materialize turns a constant tensor into elements of one Arith, quantized
// at the info's scale.
func Materialize[T any](a Arith[T], info *Info) Tensor[T] {
	t := info.Const
	out := Tensor[T]{Shape: slices.Clone(t.Shape), Data: make([]T, len(t.Data))}
	for i, v := range t.Data {
		out.Data[i] = a.Const(Q{F: v, I: quant.Quantize(v, info.Scale)})
	}
	return out
}

// ConstInfo describes a constant tensor at the scale it is used at:
// activations' scale for reals, 0 for integers and booleans.
func (c *Context) ConstInfo(t *graph.Tensor) *Info {
	scale := 0
	if t.DType == graph.Float {
		scale = c.Scale
	}
	return &Info{DType: t.DType, Shape: slices.Clone(t.Shape), Scale: scale, Max: maxAbsQ(t.Data, scale), Const: t}
}

// Params quantizes a constant at the weights' scale.
func (c *Context) Params(t *graph.Tensor) []Q {
	return quantizeAt(t.Data, c.ParamScale)
}

func quantizeAt(data []float64, scale int) []Q {
	q := make([]Q, len(data))
	for i, v := range data {
		q[i] = Q{F: v, I: quant.Quantize(v, scale)}
	}
	return q
}

func maxAbsQ(data []float64, scale int) float64 {
	m := 0.0
	for _, v := range data {
		m = max(m, float64(abs(quant.Quantize(v, scale))))
	}
	return m
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
