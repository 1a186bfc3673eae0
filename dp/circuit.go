package dp

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/poseidon2"
	p2perm "github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/zkinfer/zkinfer/ops"
)

func init() {
	solver.RegisterHint(SplitHint, SampleHint, CountHint)
}

// RangeChecker asserts 0 ≤ v < 2^bits (ops.RangeChecker: lookups or bits).
type RangeChecker = ops.RangeChecker

func hashCircuit(api frontend.API, vals ...frontend.Variable) (frontend.Variable, error) {
	h, err := poseidon2.New(api)
	if err != nil {
		return nil, err
	}
	h.Write(vals...)
	return h.Sum(), nil
}

// CommitSeed returns H(TagSeed, seed) in the circuit, for the caller to
// assert equal to the public seed commitment.
func CommitSeed(api frontend.API, seed frontend.Variable) (frontend.Variable, error) {
	return hashCircuit(api, TagSeed, seed)
}

// Sampler draws a mechanism's noise in a circuit from the key of seed,
// coins and the bound values (Key; see the package documentation for the
// method and its soundness).
type Sampler struct {
	api   frontend.API
	rc    RangeChecker
	mech  Mechanism
	table *Table
	rows  *rowTable
	p4    *p2perm.Permutation
	// blocks are the squeezed sponge states S_0, S_1, … (Key), computed
	// as draws need them.
	blocks [][]frontend.Variable
	// test hooks: a forged prover (see sampler_test.go).
	hooks hooks
}

// hooks let the tests play a cheating prover and remove single checks, to
// show that each check is what rejects the cheat.
type hooks struct {
	forgeSplitAt  int // draw j+1's split is forgedSplits[forgeSplit]'s
	forgeSplit    int // 1: of u + p; 2: of u − p; 3: sign + 2; 4: v + 2^(k+1); 5: another v
	forgeRowAt    int // draw j+1's row is forgedRow's, with forgeRow's inputs
	forgeRow      [3]int64
	skipHiBound   bool // leaves out hi < ⌊p/2^k⌋
	skipHiRange   bool // leaves out hi < 2^hiBits
	skipRecompose bool // leaves out u = v + 2^(k−1)·s + 2^k·hi
	skipSign      bool // leaves out s ∈ {0, 1}
	skipVRange    bool // leaves out v < 2^(k−1)
	skipMRange    bool // leaves out m < 2^mBits
	skipRowBounds bool // leaves out d0, d1 < 2^(k−1)
	skipLookup    [2]bool
}

// W is the packing shift of the magnitude table's rows, r·2^W + Mag[r].
const packShift = UniformBits + 1

// NewSampler computes the noise key of seed, coins and the values bound
// to the release (Key) and loads the mechanism's magnitude table as a
// lookup table. A constant first bound value (a pinned tag) costs no
// constraint: it goes into the key's IV.
func NewSampler(api frontend.API, rc RangeChecker, m Mechanism, seed, coins frontend.Variable, bound ...frontend.Variable) (*Sampler, error) {
	t, err := m.Table()
	if err != nil {
		return nil, err
	}
	p4, err := p2perm.NewPoseidon2FromParameters(api, 4, 8, 56)
	if err != nil {
		return nil, err
	}
	s0, err := keyCircuit(api, p4, seed, coins, bound...)
	if err != nil {
		return nil, err
	}
	rows := make([]*big.Int, len(t.Mag))
	for r, c := range t.Mag {
		rows[r] = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(int64(r)), packShift), c)
	}
	return &Sampler{api: api, rc: rc, mech: m, table: t, p4: p4, blocks: [][]frontend.Variable{s0}, rows: newRowTable(api, rows)}, nil
}

// u is draw j's uniform field element, S_⌊j/3⌋[1 + j mod 3] (Key).
func (s *Sampler) u(j int) frontend.Variable {
	for len(s.blocks) <= j/3 {
		next := append([]frontend.Variable{}, s.blocks[len(s.blocks)-1]...)
		if err := s.p4.Permutation(next); err != nil {
			panic(err)
		}
		s.blocks = append(s.blocks, next)
	}
	return s.blocks[j/3][1+j%3]
}

// keyCircuit is Key's absorbing in the circuit: the IV is a Merkle–Damgård
// hash (constant, and free, when the first bound value is), then one
// width-4 permutation per block of three absorbed values; it returns S_0.
func keyCircuit(api frontend.API, p4 *p2perm.Permutation, seed, coins frontend.Variable, bound ...frontend.Variable) ([]frontend.Variable, error) {
	var b0 frontend.Variable = 0
	rest := bound
	if len(bound) > 0 {
		b0, rest = bound[0], bound[1:]
	}
	iv, err := hashCircuit(api, TagKey, len(bound), b0)
	if err != nil {
		return nil, err
	}
	in := append(append([]frontend.Variable{}, rest...), seed, coins)
	for len(in)%3 != 0 {
		in = append(in, 0)
	}
	state := []frontend.Variable{iv, 0, 0, 0}
	for i := 0; i < len(in); i += 3 {
		for l := range 3 {
			state[1+l] = api.Add(state[1+l], in[i+l])
		}
		if err := p4.Permutation(state); err != nil {
			return nil, err
		}
	}
	return state, nil
}

// Offset is the table's T: every noise is in [−T, T].
func (s *Sampler) Offset() int64 { return s.table.Offset }

// Draw returns draw j's noise z ∈ [−T, T] (as a field element: negative
// noise is p − |z|), constrained to be Noise(table, key, j). With k =
// UniformBits, W = k + 1 and mBits = bitlen(T):
//
//  1. u = S_⌊j/3⌋[1 + j mod 3] (Key): one width-4 Poseidon2 permutation
//     every three draws, the first three from the absorbing one.
//  2. u = v + 2^(k−1)·s + 2^k·hi, all hinted, with v ∈ [0, 2^(k−1)),
//     s ∈ {0, 1} and hi ∈ [0, ⌊p/2^k⌋) (hi's two range checks): then the
//     right side is below p, so this is u's canonical split and (v, s) the
//     only low bits the prover can use. Without hi's upper bound, u + p
//     has a second split for a third of the u; without hi's own range,
//     u − p with a "negative" hi does; without s boolean, (s + 2, hi − 1)
//     is one; without v's range, (v + 2^(k+1), hi − 2) is one, and
//     row m − 1 then opens it (step 3's lookups see m·2^W + v the same).
//  3. The magnitude row m and d0, d1 are hinted; m ∈ [0, 2^mBits) and
//     d0, d1 ∈ [0, 2^(k−1)) are range-checked, and m·2^W + v − d0 and
//     (m+1)·2^W + v + 1 + d1 are looked up among the packed rows
//     r·2^W + Mag[r] (Mag[r] ∈ [0, 2^(k−1)]). Every term is an integer
//     far below p (m < 2^mBits ≤ 2^20, W = 65), so each lookup is an
//     integer equation: (m − r)·2^W = Mag[r] − (v − d0), whose right side
//     is below 2^k < 2^W in absolute value, so r = m and v − d0 = Mag[m];
//     likewise r' = m + 1 (|Mag[r'] − (v + 1 + d1)| ≤ 2^k < 2^W) and
//     v + 1 + d1 = Mag[m+1]. With d0, d1 ≥ 0: Mag[m] ≤ v < Mag[m+1],
//     which one m meets (a row of zero mass is met by none), and both m
//     and m + 1 are rows, so m ≤ T. Without m's range check, m = r + x/2^W
//     mod p (x ≠ 0, d0 and d1 moved by x) passes both lookups: a noise of
//     about p.
//  4. z = m·(1 − 2s): m for s = 0, −m for s = 1.
func (s *Sampler) Draw(j int) frontend.Variable {
	api := s.api
	u := s.u(j)
	split := SplitHint
	if s.hooks.forgeSplitAt == j+1 {
		split = forgedSplits[s.hooks.forgeSplit]
	}
	parts, err := api.Compiler().NewHint(split, 3, u)
	if err != nil {
		panic(err)
	}
	v, sign, hi := parts[0], parts[1], parts[2]
	bound := hiBound()
	hiBits := new(big.Int).Sub(bound, big.NewInt(1)).BitLen()
	mBits := bits.Len64(uint64(s.table.Offset))
	m := &s.mech
	in := []frontend.Variable{v, kindCode(m.Kind), m.Epsilon.Num, m.Epsilon.Den, m.Sensitivity, 0, 0}
	if m.Sigma != nil {
		in[5], in[6] = m.Sigma.Num, m.Sigma.Den
	}
	sample := SampleHint
	if s.hooks.forgeRowAt == j+1 {
		sample = forgedRow
		in = append(in, s.hooks.forgeRow[0], s.hooks.forgeRow[1], s.hooks.forgeRow[2])
	}
	res, err := api.Compiler().NewHint(sample, 3, in...)
	if err != nil {
		panic(err)
	}
	row, d0, d1 := res[0], res[1], res[2]
	if !s.hooks.skipHiRange {
		s.rc.Check(hi, hiBits)
	}
	if !s.hooks.skipHiBound {
		s.rc.Check(api.Sub(new(big.Int).Sub(bound, big.NewInt(1)), hi), hiBits)
	}
	if !s.hooks.skipSign {
		api.AssertIsBoolean(sign)
	}
	if !s.hooks.skipVRange {
		s.rc.Check(v, UniformBits-1)
	}
	if !s.hooks.skipRecompose {
		api.AssertIsEqual(u, api.Add(v, api.Mul(sign, magTop()), api.Mul(hi, new(big.Int).Lsh(big.NewInt(1), UniformBits))))
	}
	if !s.hooks.skipMRange {
		s.rc.Check(row, mBits)
	}
	if !s.hooks.skipRowBounds {
		s.rc.Check(d0, UniformBits-1)
		s.rc.Check(d1, UniformBits-1)
	}
	w := new(big.Int).Lsh(big.NewInt(1), packShift)
	s.rows.commit(v, d0, d1, row)
	if !s.hooks.skipLookup[0] {
		s.rows.assert(api.Sub(api.Add(api.Mul(row, w), v), d0))
	}
	if !s.hooks.skipLookup[1] {
		s.rows.assert(api.Add(api.Mul(api.Add(row, 1), w), v, 1, d1))
	}
	return api.Sub(row, api.Mul(2, row, sign))
}

// forgedSplits and forgedRow are set by the tests: a cheating prover's
// hints.
var (
	forgedSplits [6]solver.Hint
	forgedRow    solver.Hint
)

func kindCode(k Kind) int {
	if k == Gaussian {
		return 2
	}
	return 1
}

// SplitHint returns u's canonical split (u mod 2^(k−1), bit k−1 of u,
// u >> k).
func SplitHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 1 || len(out) != 3 {
		return fmt.Errorf("dp split hint: want 1 input and 3 outputs")
	}
	out[0].And(in[0], new(big.Int).Sub(magTop(), big.NewInt(1)))
	out[1].SetUint64(uint64(in[0].Bit(UniformBits - 1)))
	out[2].Rsh(in[0], UniformBits)
	return nil
}

// SampleHint returns the magnitude row m of v and the row bounds' slacks
// d0 = v − Mag[m], d1 = Mag[m+1] − 1 − v: inputs v, then the mechanism
// (kind code, ε numerator and denominator, sensitivity, σ numerator and
// denominator or 0, 0).
func SampleHint(_ *big.Int, in, out []*big.Int) error {
	t, err := hintTable(in, out)
	if err != nil {
		return err
	}
	m := t.Magnitude(in[0])
	out[0].SetInt64(m)
	out[1].Sub(in[0], t.Mag[m])
	out[2].Sub(new(big.Int).Sub(t.Mag[m+1], big.NewInt(1)), in[0])
	return nil
}

// hintTable reads the mechanism of SampleHint's inputs 1 to 6.
func hintTable(in, out []*big.Int) (*Table, error) {
	if len(in) < 7 || len(out) != 3 {
		return nil, fmt.Errorf("dp sample hint: want 7 inputs and 3 outputs")
	}
	for _, v := range in[1:7] {
		if !v.IsInt64() {
			return nil, fmt.Errorf("dp sample hint: a mechanism parameter is not an int64")
		}
	}
	m := Mechanism{Kind: Laplace, Epsilon: Decimal{in[2].Int64(), in[3].Int64()}, Sensitivity: in[4].Int64()}
	if in[1].Int64() == 2 {
		m.Kind = Gaussian
		m.Sigma = &Decimal{in[5].Int64(), in[6].Int64()}
	}
	if in[0].Sign() < 0 || in[0].Cmp(magTop()) >= 0 {
		return nil, fmt.Errorf("dp sample hint: v is not below 2^%d", UniformBits-1)
	}
	return m.Table()
}
