// Package zktest holds the statistics of the chains' end-to-end
// zero-knowledge tests (packages mlp and cnn; docs/TRANSPARENT.md, "Zero
// knowledge"): a model that ignores one entry of its input is proven many
// times on two inputs that differ only there (so the public output is the
// same), and the low two bits of every value the verifier receives that
// could depend on the input must be uniform for each input — a chi-square
// test with 3 degrees of freedom — whatever the input. Two kinds of value:
//
//   - the proof's own field elements (Tally.Proof, by reflection): every
//     stated value (a struct's fr.Element fields: ỹ(r), b̃(r), masks' sums
//     and values…), every sumcheck's and batch group's finals (the f̂ values
//     and the V_c), tail finals, and the first round's values; openings
//     (pcs.Opening, pcs.MultiOpening) are package pcs's to test. A position
//     whose value is the same in every proof of both inputs depends on
//     neither and is left out (Tally.Constant counts them);
//   - every value claim's vanishing part (Tally.Hook, through
//     batch.SetClaimHookForTests): value − f̃(z) = Z(z)·s̃(z_col), what a
//     verifier who knows a candidate input cannot compute. Claims at points
//     where Z vanishes (the public output's) are public and left out. With
//     the vanishing masks zeroed (pcs.SetZeroVanishingForTests) every
//     vanishing part is 0, so the test fails: it can.
//
// The per-layer tests (packages cnn, maxpool, mlp, logup, conv, matmul
// and pcs) tally named values themselves with LowBits, ChiSquare and
// Counts, and run MaskedRuns or CheckRevealed; the chains run Chain.
//
// Only tests import it.
package zktest

import (
	"fmt"
	"math/big"
	"reflect"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// Crit is the chi-square bound with 3 degrees of freedom at about 10^-6
// per statistic (1.4·10^-6 exactly over 48 runs, PValue): a test of a few
// hundred statistics (CheckRevealed's) fails by chance with probability
// below 10^-3. Chain and MaskedRuns, with thousands, judge by Significant.
const Crit = 30.66

// Tally records named field elements over the proofs of each input.
type Tally struct {
	vals  [2]map[string][]fr.Element
	claim map[string]bool // names of claims' vanishing parts: never left out
	input int
	k     int // the claim's index within the current proof
}

// New returns an empty tally.
func New() *Tally {
	return &Tally{vals: [2]map[string][]fr.Element{{}, {}}, claim: map[string]bool{}}
}

// Start begins a proof of input i (0 or 1).
func (t *Tally) Start(i int) { t.input, t.k = i, 0 }

// Add records e under name for the current input.
func (t *Tally) Add(name string, e fr.Element) {
	t.vals[t.input][name] = append(t.vals[t.input][name], e)
}

// Hook is the batch claim hook: it records each value claim's vanishing
// part Z(z)·s̃(z_col), in the order the prover makes them, unless Z(z) = 0.
func (t *Tally) Hook(d *pcs.ProverData, z []fr.Element, _ fr.Element) {
	k := t.k
	t.k++
	zv := pcs.Vanishing(z)
	if zv.IsZero() || d.MaskRow() == nil {
		return
	}
	c := d.Commitment()
	s, _ := mle.Table(d.MaskRow()).Eval(z[c.RowVars:])
	name := fmt.Sprintf("claim %d vanishing part", k)
	t.claim[name] = true
	t.Add(name, *s.Mul(&s, &zv))
}

var (
	elemType  = reflect.TypeFor[fr.Element]()
	skipTypes = map[reflect.Type]bool{reflect.TypeFor[pcs.Opening](): true, reflect.TypeFor[pcs.MultiOpening](): true, reflect.TypeFor[pcs.Commitment](): true}
)

// Proof records the field elements of proof (a struct or a pointer to
// one) the package doc lists.
func (t *Tally) Proof(proof any) { t.walk("", reflect.ValueOf(proof), false) }

func (t *Tally) walk(name string, v reflect.Value, firstOnly bool) {
	switch {
	case v.Type() == elemType:
		t.Add(name, v.Interface().(fr.Element))
		return
	case skipTypes[v.Type()]:
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			t.walk(name, v.Elem(), false)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			t.walk(name+"."+f.Name, v.Field(i), f.Name == "Rounds")
		}
	case reflect.Slice, reflect.Array:
		n := v.Len()
		if firstOnly && n > 1 {
			n = 1
		}
		for i := 0; i < n; i++ {
			t.walk(fmt.Sprintf("%s[%d]", name, i), v.Index(i), false)
		}
	}
}

// Result is the outcome over both inputs.
type Result struct {
	Worst     float64  // the largest statistic
	Name      string   // its name and input
	Stats     int      // statistics computed (per input)
	Claims    int      // of which claims' vanishing parts
	Constant  []string // positions left out: one value in every proof
	Unaligned int      // positions not in every proof (a test error)
}

// Result computes every statistic.
func (t *Tally) Result() Result {
	var r Result
	names := map[string]bool{}
	for i := range t.vals {
		for n := range t.vals[i] {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		a, b := t.vals[0][n], t.vals[1][n]
		if len(a) == 0 || len(b) == 0 {
			r.Unaligned++
			continue
		}
		if !t.claim[n] && constant(a, b) {
			r.Constant = append(r.Constant, n)
			continue
		}
		r.Stats++
		if t.claim[n] {
			r.Claims++
		}
		for i, vs := range [][]fr.Element{a, b} {
			if s := chi2(vs); s > r.Worst {
				r.Worst, r.Name = s, fmt.Sprintf("%s (input %d)", n, i)
			}
		}
	}
	return r
}

func constant(a, b []fr.Element) bool {
	for _, vs := range [][]fr.Element{a, b} {
		for i := range vs {
			if !vs[i].Equal(&a[0]) {
				return false
			}
		}
	}
	return true
}

// chi2 is the chi-square statistic of the low two bits of vs against the
// uniform distribution.
func chi2(vs []fr.Element) float64 {
	var c [4]int
	var b big.Int
	for i := range vs {
		vs[i].BigInt(&b)
		c[b.Bit(0)|b.Bit(1)<<1]++
	}
	e := float64(len(vs)) / 4
	var s float64
	for _, k := range c {
		d := float64(k) - e
		s += d * d / e
	}
	return s
}
