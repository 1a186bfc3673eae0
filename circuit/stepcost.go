package circuit

import (
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
	// argument) lands at the circuit's end.
	Own, Checks []int
	// Before: the constraints before the first step (inputs' checks and
	// commitments); After: the rest (outputs, claim, context, deferred
	// lookup arguments and tables, commitments). Total is the circuit's.
	Before, After, Total int
	// Exact is false when the builder's count could not be read (another
	// gnark version): Own holds ops.ConstraintBudget's lower bounds.
	Exact bool
}

// StepCosts builds m's circuit under vis once, recording the builder's
// constraint count after each step of the model. A RangeAuto policy is
// measured with lookups, what a large model gets.
func StepCosts(m *model.Model, vis Visibility, opt BuildOptions) (*StepCost, error) {
	g, ok := opt.RangeCheck.gadget()
	if !ok {
		g = ops.RangeLookup
	}
	circ, err := New(m, vis)
	if err != nil {
		return nil, err
	}
	circ.RangeCheck = g
	sc := &StepCost{Own: make([]int, m.NumSteps()), Checks: make([]int, m.NumSteps()), Exact: true}
	cum, checks := make([]int, m.NumSteps()), make([]int, m.NumSteps())
	start, startChecks := 0, 0
	circ.onStep = func(api frontend.API, step int) {
		n, ok := builderCount(api)
		if !ok {
			n, sc.Exact = circ.Cost.Count, false
		}
		if step < 0 {
			start, startChecks = n, circ.Cost.Count
		} else {
			cum[step], checks[step] = n, circ.Cost.Count
		}
	}
	cs, err := compile(circ, opt.System)
	if err != nil {
		return nil, err
	}
	p, pc := start, startChecks
	for i := range cum {
		sc.Own[i], sc.Checks[i] = cum[i]-p, checks[i]-pc
		p, pc = cum[i], checks[i]
	}
	sc.Total = max(cs.GetNbConstraints(), p)
	sc.Before, sc.After = start, sc.Total-p
	return sc, nil
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
