package circuit

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// A Claim is a statement about the model's outputs that a proof establishes
// without revealing them:
//
//	output[i] >= x   output[i] > x   output[i] <= x   output[i] < x
//	output[i] in [a, b]
//	argmax(output) == k
//
// "output" is the model's first output ("output1", "output2"… the others),
// read flat in row-major order. Comparisons are on the fixed-point output
// q/2^scale the circuit computes: output[i] >= x holds when
// q ≥ ceil(x·2^scale). The claim's canonical text (as Tag) and its integer
// bounds are public inputs, each asserted equal to its compile-time value
// inside the circuit: a proof verifies only with the claim and bounds the
// circuit was compiled with, under any verifier (gnark's, the Solidity
// contract's or zkinfer's), and a proof of one claim never verifies as
// another's, since their circuits, and so their keys, differ.
type Claim struct {
	Output int     // which model output
	Index  int     // flat index (comparisons)
	Kind   string  // "cmp" or "argmax"
	Op     string  // >=, >, <=, <, in
	A, B   float64 // threshold (A), or interval [A, B]
	Argmax int
}

var (
	numRe     = `([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)`
	outRe     = `output(\d*)`
	cmpRe     = regexp.MustCompile(`^` + outRe + `\s*\[\s*(\d+)\s*\]\s*(>=|>|<=|<)\s*` + numRe + `$`)
	inRe      = regexp.MustCompile(`^` + outRe + `\s*\[\s*(\d+)\s*\]\s+in\s+\[\s*` + numRe + `\s*,\s*` + numRe + `\s*\]$`)
	argmaxRe  = regexp.MustCompile(`^argmax\s*\(\s*` + outRe + `\s*\)\s*==\s*(\d+)$`)
	claimForm = `"output[i] >= x" (or >, <=, <), "output[i] in [a, b]" or "argmax(output) == k"`
)

// ParseClaim parses a claim; "" is no claim (nil).
func ParseClaim(s string) (*Claim, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	atoi := func(x string) int {
		if x == "" {
			return 0
		}
		v, err := strconv.Atoi(x)
		if err != nil {
			return math.MaxInt32
		}
		return v
	}
	atof := func(x string) float64 { v, _ := strconv.ParseFloat(x, 64); return v }
	var c Claim
	switch {
	case cmpRe.MatchString(s):
		m := cmpRe.FindStringSubmatch(s)
		c = Claim{Output: atoi(m[1]), Index: atoi(m[2]), Kind: "cmp", Op: m[3], A: atof(m[4])}
	case inRe.MatchString(s):
		m := inRe.FindStringSubmatch(s)
		c = Claim{Output: atoi(m[1]), Index: atoi(m[2]), Kind: "cmp", Op: "in", A: atof(m[3]), B: atof(m[4])}
		if c.A > c.B {
			return nil, fmt.Errorf("claim %q: the interval is empty", s)
		}
	case argmaxRe.MatchString(s):
		m := argmaxRe.FindStringSubmatch(s)
		c = Claim{Output: atoi(m[1]), Kind: "argmax", Argmax: atoi(m[2])}
	default:
		return nil, fmt.Errorf("claim %q is not of the form %s", s, claimForm)
	}
	if math.IsInf(c.A, 0) || math.IsInf(c.B, 0) || math.IsNaN(c.A) || math.IsNaN(c.B) {
		return nil, fmt.Errorf("claim %q: thresholds must be finite", s)
	}
	return &c, nil
}

// String is the canonical text of the claim.
func (c *Claim) String() string {
	out := "output"
	if c.Output > 0 {
		out += strconv.Itoa(c.Output)
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch {
	case c.Kind == "argmax":
		return fmt.Sprintf("argmax(%s) == %d", out, c.Argmax)
	case c.Op == "in":
		return fmt.Sprintf("%s[%d] in [%s, %s]", out, c.Index, f(c.A), f(c.B))
	}
	return fmt.Sprintf("%s[%d] %s %s", out, c.Index, c.Op, f(c.A))
}

// Check validates the claim against the model's outputs.
func (c *Claim) Check(outs []*ops.Info) error {
	if c.Output < 0 || c.Output >= len(outs) {
		return fmt.Errorf("claim %q: the model has %d output(s)", c, len(outs))
	}
	n := outs[c.Output].Size()
	switch c.Kind {
	case "argmax":
		if c.Argmax < 0 || c.Argmax >= n {
			return fmt.Errorf("claim %q: the output has %d values", c, n)
		}
		if n < 2 {
			return fmt.Errorf("claim %q: argmax of a single value is always 0", c)
		}
	default:
		if c.Index < 0 || c.Index >= n {
			return fmt.Errorf("claim %q: the output has %d values", c, n)
		}
		lo, hi := c.Bounds(outs[c.Output])
		if lo != nil && hi != nil && lo.Cmp(hi) > 0 {
			return fmt.Errorf("claim %q: no fixed-point output at scale 2^%d lies in the interval", c, outs[c.Output].Scale)
		}
		lim := int64(outs[c.Output].Max)
		if (lo != nil && lo.Int64() > lim) || (hi != nil && hi.Int64() < -lim) {
			return fmt.Errorf("claim %q can never hold: the output is bounded by ±%v", c, quant.Dequantize(lim, outs[c.Output].Scale))
		}
	}
	return nil
}

// Bounds returns the integer bounds lo ≤ q ≤ hi the claim puts on the
// fixed-point output (nil: unbounded on that side), clamped to ±(Max+1).
func (c *Claim) Bounds(out *ops.Info) (lo, hi *big.Int) {
	x := func(v float64) float64 { return math.Ldexp(v, out.Scale) }
	clamp := func(v float64) *big.Int {
		m := out.Max + 1
		v = math.Max(-m, math.Min(m, v))
		return big.NewInt(int64(v))
	}
	switch c.Op {
	case ">=":
		lo = clamp(math.Ceil(x(c.A)))
	case ">":
		lo = clamp(math.Floor(x(c.A)) + 1)
	case "<=":
		hi = clamp(math.Floor(x(c.A)))
	case "<":
		hi = clamp(math.Ceil(x(c.A)) - 1)
	case "in":
		lo, hi = clamp(math.Ceil(x(c.A))), clamp(math.Floor(x(c.B)))
	}
	return lo, hi
}

// PublicValues are the claim's public inputs: its tag, then its bounds.
func (c *Claim) PublicValues(outs []*ops.Info) []*big.Int {
	return c.publicValues(outs[c.Output])
}

// publicValues are the public inputs of the claim on output out.
func (c *Claim) publicValues(out *ops.Info) []*big.Int {
	v := []*big.Int{c.Tag()}
	if c.Kind == "cmp" {
		lo, hi := c.Bounds(out)
		for _, b := range []*big.Int{lo, hi} {
			if b != nil {
				v = append(v, new(big.Int).Mod(b, ecc.BN254.ScalarField()))
			}
		}
	}
	return v
}

// Tag is the claim's canonical text hashed into a field element.
func (c *Claim) Tag() *big.Int {
	h := sha256.Sum256([]byte("zkinfer-claim-v1:" + c.String()))
	return new(big.Int).Mod(new(big.Int).SetBytes(h[:]), ecc.BN254.ScalarField())
}

// Holds evaluates the claim on fixed-point outputs.
func (c *Claim) Holds(outs []*ops.Info, vals []ops.Tensor[int64]) bool {
	y := vals[c.Output].Data
	if c.Kind == "argmax" {
		for j, v := range y {
			if v > y[c.Argmax] || (v == y[c.Argmax] && j < c.Argmax) {
				return false
			}
		}
		return true
	}
	lo, hi := c.Bounds(outs[c.Output])
	q := big.NewInt(y[c.Index])
	return (lo == nil || q.Cmp(lo) >= 0) && (hi == nil || q.Cmp(hi) <= 0)
}

// nPublic is the number of public inputs of the claim.
func (c *Claim) nPublic() int {
	if c == nil {
		return 0
	}
	if c.Kind == "argmax" {
		return 1
	}
	if c.Op == "in" {
		return 3
	}
	return 2
}

// define constrains the claim on the output values y, given its public
// inputs pub (tag, bounds). Each public input is pinned: asserted equal to
// the constant this circuit was compiled for, so that a witness with a
// lower bound (the forgery "score ≥ 0.30" passed off as "score ≥ 0.70")
// fails the circuit itself, not only zkinfer's check against settings.json.
// The comparisons then use the constants. A difference d that must be ≥ 0
// is range-checked to [0, 2^bits) with bits covering twice the output bound:
// a negative d wraps around to a field element near the modulus and fails
// the check.
func (c *Claim) define(api frontend.API, a *ops.CircuitArith, out *ops.Info, y []frontend.Variable, pub []frontend.Variable) {
	vals := c.publicValues(out)
	for i, v := range vals {
		api.AssertIsEqual(pub[i], v)
	}
	bits := quant.BitsFor(2*out.Max + 2)
	nonneg := func(d frontend.Variable) { a.Range.Check(d, bits) }
	if c.Kind == "argmax" {
		k := c.Argmax
		for j := range y {
			switch {
			case j < k: // strictly greater than earlier values: first index wins ties
				nonneg(api.Sub(y[k], y[j], 1))
			case j > k:
				nonneg(api.Sub(y[k], y[j]))
			}
		}
		return
	}
	lo, hi := c.Bounds(out)
	if lo != nil {
		nonneg(api.Sub(y[c.Index], lo))
	}
	if hi != nil {
		nonneg(api.Sub(hi, y[c.Index]))
	}
}
