package circuit

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// StepCost is what StepCosts measures of a circuit.
type StepCost struct {
	// Own[i] is the constraints step i adds as it is built; Checks[i] the
	// range checks and products it makes (ops.ConstraintBudget's count),
	// whose deferred work (a lookup's share of its log-derivative
	// argument) lands at the circuit's end; Bits[i] their widths
	// (ops.ConstraintBudget.BitsCount: a check of b bits counts b+1, a
	// product 1), what a lookup check's share of that work grows with.
	Own, Checks, Bits []int
	// Words[i] is the calldata words step i adds to the constraint
	// system (gnark's encoding of its constraints' linear expressions: a
	// term is two words), what a prover's peak grows with beside the
	// constraints (a convolution's dot products: hundreds of words a
	// constraint); 0 when the builder's could not be read.
	Words []int
	// BeforeWords and AfterWords are the calldata words of Before and
	// After (After's mostly the lookup arguments' share of each range
	// check: tens of words a check).
	BeforeWords, AfterWords int
	// Before: the constraints before the first step (inputs' checks and
	// commitments), BeforeChecks and BeforeBits its checks; After: the rest (outputs,
	// claim, context, deferred lookup arguments and tables, commitments).
	// Total is the circuit's.
	Before, BeforeChecks, BeforeBits, After, Total int
	// Exact is false when the builder's count could not be read (another
	// gnark version): Own holds ops.ConstraintBudget's lower bounds.
	Exact bool
	// Steps is the steps measured: all of them, or fewer when the build
	// stopped (StepCostOptions.Stop), and then After and Total are 0: the
	// circuit was never finished.
	Steps int
}

// StepCostOptions are how StepCosts builds and when it may stop.
type StepCostOptions struct {
	BuildOptions
	// Stop, when positive, stops the build after the first step i that
	// leaves the builder with more than Stop constraints, counting
	// DeferredPerBit for each bit range-checked so far (what the circuit's
	// end would add: most of a lookup circuit), and after which CanStop(i)
	// allows a cut (nil: any step), unless it is the last: the steps up to
	// i are measured and nothing past i+1 is built, so a measurement holds
	// about Stop constraints whatever the model's size.
	Stop           int
	DeferredPerBit float64
	CanStop        func(step int) bool
	// LooseOutputs builds the outputs without binding them to the output
	// wires or to a commitment, as if the circuit went on: a part of a
	// model measured for its steps alone.
	LooseOutputs bool
}

// StepCosts builds m's circuit under vis once, recording the builder's
// constraint count after each step of the model. A RangeAuto policy is
// measured with lookups, what a large model gets.
func StepCosts(m *model.Model, vis Visibility, opt StepCostOptions) (*StepCost, error) {
	g, ok := opt.RangeCheck.gadget()
	if !ok {
		g = ops.RangeLookup
	}
	circ, err := New(m, vis)
	if err != nil {
		return nil, err
	}
	circ.RangeCheck, circ.looseOutputs = g, opt.LooseOutputs
	steps := m.NumSteps()
	sc := &StepCost{Own: make([]int, steps), Checks: make([]int, steps), Bits: make([]int, steps), Words: make([]int, steps), Exact: true, Steps: steps}
	cum, checks, bits, words := make([]int, steps), make([]int, steps), make([]int, steps), make([]int, steps)
	start, startChecks, startBits, startWords, stopped := 0, 0, 0, 0, false
	circ.onStep = func(api frontend.API, step int) {
		n, ok := builderCount(api)
		if !ok {
			n, sc.Exact = circ.Cost.Count, false
		}
		w, _ := builderWords(api)
		if step < 0 {
			start, startChecks, startBits, startWords = n, circ.Cost.Count, circ.Cost.BitsCount, w
			return
		}
		cum[step], checks[step], bits[step], words[step] = n, circ.Cost.Count, circ.Cost.BitsCount, w
		if opt.Stop > 0 && float64(n)+opt.DeferredPerBit*float64(circ.Cost.BitsCount) > float64(opt.Stop) && step+1 < steps && !stopped && (opt.CanStop == nil || opt.CanStop(step)) {
			// The budget's error after the next step ends the build
			// (model.Run checks it after every step), the way a
			// circuit over --max-constraints ends.
			stopped, sc.Steps = true, step+1
			circ.Cost.Max, circ.Cost.Count = 1, max(circ.Cost.Count, 2)
		}
	}
	cs, err := compile(circ, opt.System)
	if err != nil && !(stopped && errors.As(err, new(*ops.BudgetError))) {
		return nil, err
	}
	p, pc, pb, pw := start, startChecks, startBits, startWords
	for i := range sc.Steps {
		sc.Own[i], sc.Checks[i], sc.Bits[i], sc.Words[i] = cum[i]-p, checks[i]-pc, bits[i]-pb, words[i]-pw
		p, pc, pb, pw = cum[i], checks[i], bits[i], words[i]
	}
	sc.Own, sc.Checks, sc.Bits, sc.Words = sc.Own[:sc.Steps], sc.Checks[:sc.Steps], sc.Bits[:sc.Steps], sc.Words[:sc.Steps]
	sc.Before, sc.BeforeChecks, sc.BeforeBits, sc.BeforeWords = start, startChecks, startBits, startWords
	if !stopped {
		sc.Total = max(cs.GetNbConstraints(), p)
		sc.After = sc.Total - p
		if w, ok := callDataLen(reflect.ValueOf(cs)); ok {
			sc.AfterWords = max(w-pw, 0)
		}
	}
	return sc, nil
}

// builderWords reads the length of the calldata of gnark's R1CS or sparse
// R1CS builder (constraint.System.CallData, in its cs field); false when
// api is not such a builder.
func builderWords(api frontend.API) (int, bool) {
	v := reflect.ValueOf(api)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return 0, false
	}
	f := v.Elem().FieldByName("cs")
	if !f.IsValid() || !f.CanAddr() {
		return 0, false
	}
	return callDataLen(reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem())
}

// callDataLen is the length of the CallData of the constraint system v
// holds (gnark's constraint.System, embedded in each curve's R1CS and
// SparseR1CS); false when it has none.
func callDataLen(v reflect.Value) (int, bool) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	d := v.FieldByName("CallData")
	if !d.IsValid() || d.Kind() != reflect.Slice {
		return 0, false
	}
	return d.Len(), true
}

// builderCount reads the constraint count of gnark's R1CS or sparse R1CS
// builder (its cs field), which gnark does not export; false when api is
// not such a builder.
func builderCount(api frontend.API) (int, bool) {
	v := reflect.ValueOf(api)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return 0, false
	}
	f := v.Elem().FieldByName("cs")
	if !f.IsValid() || !f.CanAddr() {
		return 0, false
	}
	cs, ok := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(interface{ GetNbConstraints() int })
	if !ok || cs == nil {
		return 0, false
	}
	return cs.GetNbConstraints(), true
}
