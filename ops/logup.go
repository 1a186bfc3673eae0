package ops

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"

	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/internal/logderiv"
)

// LogUpRange is the RangeLookup gadget: every range check of a circuit is
// collected, and once the circuit is built (frontend's Defer) the checked
// values are cut into limbs that are looked up, with one log-derivative
// argument per table ([Haböck 2022]), in tables of all the integers
// [0, 2^w). Its tables are sized to the circuit's checks: the limb width L
// and the extra tables are the ones that minimise the constraints for the
// checks collected (logUpPlan).
//
// A check of v to b bits, k = ⌈b/L⌉ limbs, top width t = b − (k−1)·L:
//
//	l_0 … l_{k−2}   hinted limbs (LimbsHint), each looked up in [0, 2^L)
//	top = (v − Σ l_j·2^(jL)) · 2^(−(k−1)L)    a linear combination, no wire
//	top looked up in [0, 2^t): in the t-bit table when the plan has one,
//	else top and top·2^(L−t) both in [0, 2^L)
//
// The top limb is the value's own linear combination, not a hinted limb
// with an equality to recompose it (gnark's std/rangecheck): a check of at
// most L bits is one lookup of v itself, and no check pays a recomposition
// constraint. A lookup costs one constraint, the inverse 1/(ch − q); a
// table of 2^w rows costs 2^w + 1 (one quotient per row, the equality).
//
// Soundness. Each table's argument asserts, for a challenge ch drawn from
// the commitment of every query (its wires) and every multiplicity,
//
//	Σ_i 1/(ch − q_i) = Σ_j m_j/(ch − j)     j ∈ [0, 2^w)
//
// As rational functions in ch the two sides are equal only if every q_i is
// a row j (a q_i outside the table is a pole of the left side alone; the
// multiplicities are counts below p, so they cannot cancel it), and a
// prover who fixed the q_i and m_j before ch satisfies the equality for a
// wrong q_i with probability at most (#queries + 2^w)/p (Schwartz–Zippel
// on the cleared denominators). Every limb is then an integer in its
// table, and v = Σ l_j·2^(jL) + top·2^((k−1)L) holds in the field with the
// right side an integer below 2^b ≪ p: v is that integer, in [0, 2^b).
// The shifted query bounds top to t bits because top < 2^L and
// top·2^(L−t) < 2^L cannot wrap (2^(2L) ≪ p). A check of 0 bits is v = 0
// and of 1 bit v boolean, without a table.
type LogUpRange struct {
	api    frontend.API
	checks []rangeCheck
	closed bool
}

type rangeCheck struct {
	v    frontend.Variable
	bits int
}

// kvStore is the key-value store of gnark's builders, where a circuit's
// one LogUpRange is kept (the interface of gnark's internal kvstore).
type kvStore interface {
	SetKeyValue(key, value any)
	GetKeyValue(key any) any
}

type logUpKey struct{}

// maxLimbBits bounds the limb width L: a table of 2^18 rows.
const maxLimbBits = 18

func init() {
	solver.RegisterHint(LimbsHint, LogUpCountHint)
}

// NewLogUpRange returns the circuit's LogUpRange, creating it on first
// use: all range checks of a circuit share its tables.
func NewLogUpRange(api frontend.API) *LogUpRange {
	kv, ok := api.Compiler().(kvStore)
	if ok {
		if r, ok := kv.GetKeyValue(logUpKey{}).(*LogUpRange); ok {
			return r
		}
	}
	r := &LogUpRange{api: api}
	if ok {
		kv.SetKeyValue(logUpKey{}, r)
	}
	api.Compiler().Defer(r.build)
	return r
}

// Check asserts 0 ≤ v < 2^bits.
func (r *LogUpRange) Check(v frontend.Variable, bits int) {
	if r.closed {
		panic("range check after the circuit's lookup argument was built")
	}
	switch {
	case bits <= 0:
		r.api.AssertIsEqual(v, 0)
	case bits == 1:
		r.api.AssertIsBoolean(v)
	default:
		if bits+2 >= r.api.Compiler().FieldBitLen() {
			panic(fmt.Sprintf("range check of %d bits does not fit the field", bits))
		}
		r.checks = append(r.checks, rangeCheck{v, bits})
	}
}

// LogUpPlan is the limb width and the extra (top-limb) table widths of a
// LogUpRange.
type LogUpPlan struct {
	L     int
	Extra map[int]bool
	// Cost is the constraints of the lookups and the tables (the
	// commitment adds its own).
	Cost int
}

// PlanLogUp is the plan of a LogUpRange for hist[b] checks of b ≥ 2 bits.
func PlanLogUp(hist map[int]int) LogUpPlan {
	var widths []int
	for b := range hist {
		widths = append(widths, b)
	}
	slices.Sort(widths)
	return planLogUp(hist, widths)
}

// planLogUp picks the limb width L ∈ [2, maxLimbBits] and the top-limb
// tables that make the fewest constraints for hist[b] checks of b bits:
// a t-bit table (2^t + 1) pays off when more tops have t bits than it has
// rows; without it a top costs two lookups in the L-bit table.
func planLogUp(hist map[int]int, widths []int) LogUpPlan {
	best := LogUpPlan{Cost: -1}
	for L := 2; L <= maxLimbBits; L++ {
		main := 0
		tops := make([]int, L)
		for _, b := range widths {
			n := hist[b]
			k := (b + L - 1) / L
			main += (k - 1) * n
			if t := b - (k-1)*L; t == L {
				main += n
			} else {
				tops[t] += n
			}
		}
		p := LogUpPlan{L: L, Extra: map[int]bool{}}
		for t, n := range tops {
			switch {
			case n == 0:
			case n > 1<<t+1:
				p.Extra[t] = true
				p.Cost += tableCost(t, n)
			default:
				main += 2 * n
			}
		}
		if main > 0 {
			p.Cost += tableCost(L, main)
		}
		if best.Cost < 0 || p.Cost < best.Cost {
			best = p
		}
	}
	return best
}

// tableCost is the constraints of a table of 2^w rows with n lookups: a
// quotient per row, an inverse per lookup, the equality, and one more for
// each of the two sums gnark's R1CS builder compresses into a wire (300
// terms or more: frontend's default CompressThreshold).
func tableCost(w, n int) int {
	c := 1<<w + n + 1
	if 1<<w >= 300 {
		c++
	}
	if n >= 300 {
		c++
	}
	return c
}

// build cuts every check into limbs and proves the lookups (see LogUpRange).
func (r *LogUpRange) build(api frontend.API) error {
	r.closed = true
	if len(r.checks) == 0 {
		return nil
	}
	hist := map[int]int{}
	var widths []int
	for _, c := range r.checks {
		if hist[c.bits] == 0 {
			widths = append(widths, c.bits)
		}
		hist[c.bits]++
	}
	plan := planLogUp(hist, widths)
	L := plan.L
	queries := map[int][]frontend.Variable{} // by table width
	for _, c := range r.checks {
		k := (c.bits + L - 1) / L
		top := c.v
		if k > 1 {
			limbs, err := api.Compiler().NewHint(LimbsHint, k-1, L, c.v)
			if err != nil {
				return err
			}
			low := make([]frontend.Variable, k-1)
			for j, l := range limbs {
				low[j] = api.Mul(l, pow2(j*L))
			}
			queries[L] = append(queries[L], limbs...)
			top = api.Mul(api.Sub(c.v, linexpr.Sum(api, low)), invPow2(api, (k-1)*L))
		}
		switch t := c.bits - (k-1)*L; {
		case t == L || plan.Extra[t]:
			queries[t] = append(queries[t], top)
		default:
			queries[L] = append(queries[L], top, api.Mul(top, pow2(L-t)))
		}
	}
	var tableWidths []int
	var toCommit []frontend.Variable
	counts := map[int][]frontend.Variable{}
	for w := 1; w <= L; w++ {
		q := queries[w]
		if len(q) == 0 {
			continue
		}
		m, err := api.Compiler().NewHint(LogUpCountHint, 1<<w, append([]frontend.Variable{w}, q...)...)
		if err != nil {
			return err
		}
		counts[w] = m
		tableWidths = append(tableWidths, w)
		toCommit = append(toCommit, q...)
		toCommit = append(toCommit, m...)
	}
	multicommit.WithCommitment(api, func(api frontend.API, ch frontend.Variable) error {
		for _, w := range tableWidths {
			rows := make([]frontend.Variable, 1<<w)
			for j := range rows {
				rows[j] = j
			}
			logderiv.AssertEqual(api, ch, rows, counts[w], queries[w])
		}
		return nil
	}, toCommit...)
	return nil
}

// invPow2 is 2^-k in the field.
func invPow2(api frontend.API, k int) *big.Int {
	p := api.Compiler().Field()
	return new(big.Int).ModInverse(pow2(k), p)
}

// LimbsHint writes v (its low n·L bits, v read as an integer in [0, p))
// as n limbs of L bits, least significant first. Inputs: L, v.
func LimbsHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || !in[0].IsUint64() || in[0].Uint64() > 64 {
		return fmt.Errorf("limbs hint: want inputs L ≤ 64 and v")
	}
	L := uint(in[0].Uint64())
	mask := new(big.Int).Sub(pow2(int(L)), big.NewInt(1))
	v := new(big.Int).Set(in[1])
	for i := range out {
		out[i].And(v, mask)
		v.Rsh(v, L)
	}
	return nil
}

// LogUpCountHint counts the queries equal to each row j ∈ [0, 2^w):
// out[j] = #{i : q_i = j}. Inputs: w, q_1, …, q_n. A query outside the
// table is not counted: the argument's equality then fails, which is what
// rejects it (the hint does not).
func LogUpCountHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) < 1 || !in[0].IsUint64() || in[0].Uint64() > maxLimbBits || len(out) != 1<<in[0].Uint64() {
		return fmt.Errorf("lookup count hint: want w ≤ %d and 2^w outputs", maxLimbBits)
	}
	cnt := make([]int64, len(out))
	for _, q := range in[1:] {
		if q.IsUint64() && q.Uint64() < uint64(len(out)) {
			cnt[q.Uint64()]++
		}
	}
	for j, c := range cnt {
		out[j].SetInt64(c)
	}
	return nil
}
