package ops

import (
	"fmt"
	"math"
	"sync"

	"github.com/consensys/gnark/std/lookup/logderivlookup"

	"github.com/zkinfer/zkinfer/quant"
)

// MaxTableEntries bounds a table's size: a table costs about 3 constraints
// per entry (see "Lookups" in the package documentation).
const MaxTableEntries = 1 << 16

// Table is a function tabulated on a fixed-point grid. Tables are immutable
// and shared; get them from NewTable.
type Table struct {
	// Name identifies the function and its parameters, e.g. "elu(1)".
	Name              string
	F                 func(float64) float64
	InScale, OutScale int
	Lo, Hi            int64
	Vals              []int64
	max               int64
}

var tables = struct {
	sync.Mutex
	m map[string]*Table
}{m: map[string]*Table{}}

// NewTable returns the table of f, named name, on [lo, hi] (at inScale)
// with values at outScale. Two calls with the same name, scales and domain
// return the same Table, so name must determine f. It fails when the domain
// is empty, exceeds MaxTableEntries, or f is not finite on it.
func NewTable(name string, f func(float64) float64, inScale, outScale int, lo, hi int64) (*Table, error) {
	if hi < lo || hi-lo+1 > MaxTableEntries {
		return nil, fmt.Errorf("table %s: domain [%d, %d] is empty or has more than %d entries", name, lo, hi, MaxTableEntries)
	}
	key := fmt.Sprintf("%s/%d/%d/%d/%d", name, inScale, outScale, lo, hi)
	tables.Lock()
	defer tables.Unlock()
	if t, ok := tables.m[key]; ok {
		return t, nil
	}
	t := &Table{Name: name, F: f, InScale: inScale, OutScale: outScale, Lo: lo, Hi: hi, Vals: make([]int64, hi-lo+1)}
	for i := range t.Vals {
		y := math.Ldexp(f(math.Ldexp(float64(lo+int64(i)), -inScale)), outScale)
		if math.IsNaN(y) || math.Abs(y) > quant.MaxBound {
			return nil, fmt.Errorf("table %s: value %v at %g is not representable", name, y, math.Ldexp(float64(lo+int64(i)), -inScale))
		}
		t.Vals[i] = int64(math.Round(y))
		t.max = max(t.max, abs(t.Vals[i]))
	}
	tables.m[key] = t
	return t, nil
}

// Max bounds the magnitude of the table's values.
func (t *Table) Max() float64 { return float64(t.max) }

// Domain returns the real interval the table covers.
func (t *Table) Domain() (lo, hi float64) {
	return math.Ldexp(float64(t.Lo), -t.InScale), math.Ldexp(float64(t.Hi), -t.InScale)
}

func (FloatArith) Lookup(t *Table, x float64) float64 { return t.F(x) }

func (e *IntArith) Lookup(t *Table, x int64) int64 {
	if x < t.Lo || x > t.Hi {
		lo, hi := t.Domain()
		e.fail("%s: input %g is outside the table's domain [%g, %g]", t.Name, math.Ldexp(float64(x), -t.InScale), lo, hi)
		return 0
	}
	return t.Vals[x-t.Lo]
}

func (c *CircuitArith) Lookup(t *Table, x Variable) Variable {
	if c.tables == nil {
		c.tables = map[*Table]logderivlookup.Table{}
	}
	lt, ok := c.tables[t]
	if !ok {
		lt = logderivlookup.New(c.API)
		for _, v := range t.Vals {
			lt.Insert(v)
		}
		c.tables[t] = lt
	}
	return lt.Lookup(c.API.Sub(x, t.Lo))[0]
}
