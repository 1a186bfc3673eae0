package dp

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/poseidon2"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	p2perm "github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/zkinfer/zkinfer/ops"
)

func init() {
	solver.RegisterHint(SplitHint, SampleHint)
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

// Sampler draws a mechanism's noise in a circuit from the key
// H(TagKey, seed, coins, bound…) (see the package documentation for the
// method and its soundness).
type Sampler struct {
	api   frontend.API
	rc    RangeChecker
	mech  Mechanism
	table *Table
	cdf   logderivlookup.Table
	perm  *p2perm.Permutation
	key   frontend.Variable
	// test hooks: a forged prover (see sampler_test.go).
	hooks hooks
}

// hooks let the tests play a cheating prover and remove single checks, to
// show that each check is what rejects the cheat.
type hooks struct {
	forgeIndex    int64    // added to the hinted row
	forgeSplitAt  int      // draw j+1's split is forgedSplits[forgeSplit]'s
	forgeSplit    int      // 1: the split of u + p; 2: of u − p (hi "negative")
	forgeLoAt     int      // draw j+1's lo has forgeLo added
	forgeLo       *big.Int //
	skipHiBound   bool     // leaves out hi < ⌊p/2^k⌋
	skipHiRange   bool     // leaves out hi < 2^hiBits
	skipRecompose bool     // leaves out u = lo + 2^k·hi
	skipRowBounds bool     // leaves out CDF[i] ≤ lo < CDF[i+1]
}

// NewSampler computes the noise key of seed, coins and the values bound
// to the release (Key) and loads the mechanism's table as a lookup table.
func NewSampler(api frontend.API, rc RangeChecker, m Mechanism, seed, coins frontend.Variable, bound ...frontend.Variable) (*Sampler, error) {
	t, err := m.Table()
	if err != nil {
		return nil, err
	}
	key, err := hashCircuit(api, append([]frontend.Variable{TagKey, seed, coins}, bound...)...)
	if err != nil {
		return nil, err
	}
	perm, err := p2perm.NewPoseidon2FromParameters(api, 2, 6, 50)
	if err != nil {
		return nil, err
	}
	s := &Sampler{api: api, rc: rc, mech: m, table: t, perm: perm, key: key, cdf: logderivlookup.New(api)}
	for _, c := range t.CDF {
		s.cdf.Insert(c)
	}
	return s, nil
}

// Offset is the table's T: every noise is in [−T, T].
func (s *Sampler) Offset() int64 { return s.table.Offset }

// Draw returns draw j's noise z ∈ [−T, T] (as a field element: negative
// noise is p − |z|), constrained to be Noise(table, key, j):
//
//  1. u = Compress(key, j): one Poseidon2 permutation.
//  2. u = lo + 2^k·hi with lo ∈ [0, 2^k) and hi ∈ [0, ⌊p/2^k⌋) (two range
//     checks: hi and ⌊p/2^k⌋ − 1 − hi): then lo + 2^k·hi < p, so the split
//     is u's canonical one, and lo is the only k-bit value the prover can
//     use. Without the upper bound on hi, u + p = lo' + 2^k·hi' would give
//     a second lo' for a third of the u; without hi's own range, a
//     "negative" hi = p − m (m small, so ⌊p/2^k⌋ − 1 − hi is small) would
//     give lo' = u + 2^k·m − p for a third of the u. lo needs no range
//     check of its own: step 3 bounds it, CDF[i] ≤ lo ≤ CDF[i+1] − 1 with
//     both ends in [0, 2^k].
//  3. i hinted; CDF[i] and CDF[i+1] looked up in the table (a
//     log-derivative lookup [Hab22]: both indices must be rows, so
//     i ∈ [0, 2T]); lo − CDF[i] and CDF[i+1] − 1 − lo range-checked to k
//     bits. Every value is below 2^k+1 ≪ p, so a negative difference
//     wraps to about p and fails: CDF[i] ≤ lo < CDF[i+1], which one i
//     meets (a row of zero mass, CDF[i] = CDF[i+1], is met by none).
//  4. z = i − T.
func (s *Sampler) Draw(j int) frontend.Variable {
	api := s.api
	u := s.perm.Compress(s.key, j)
	split := SplitHint
	if s.hooks.forgeSplitAt == j+1 {
		split = forgedSplits[s.hooks.forgeSplit]
	}
	parts, err := api.Compiler().NewHint(split, 2, u)
	if err != nil {
		panic(err)
	}
	lo, hi := parts[0], parts[1]
	if s.hooks.forgeLoAt == j+1 {
		lo = api.Add(lo, s.hooks.forgeLo)
	}
	bound := hiBound()
	hiBits := new(big.Int).Sub(bound, big.NewInt(1)).BitLen()
	m := &s.mech
	in := []frontend.Variable{lo, kindCode(m.Kind), m.Epsilon.Num, m.Epsilon.Den, m.Sensitivity, 0, 0}
	if m.Sigma != nil {
		in[5], in[6] = m.Sigma.Num, m.Sigma.Den
	}
	res, err := api.Compiler().NewHint(SampleHint, 1, in...)
	if err != nil {
		panic(err)
	}
	i := res[0]
	if s.hooks.forgeIndex != 0 {
		i = api.Add(i, s.hooks.forgeIndex)
	}
	if !s.hooks.skipHiRange {
		s.rc.Check(hi, hiBits)
	}
	if !s.hooks.skipHiBound {
		s.rc.Check(api.Sub(new(big.Int).Sub(bound, big.NewInt(1)), hi), hiBits)
	}
	if !s.hooks.skipRecompose {
		api.AssertIsEqual(u, api.Add(lo, api.Mul(hi, new(big.Int).Lsh(big.NewInt(1), UniformBits))))
	}
	c := s.cdf.Lookup(i, api.Add(i, 1))
	if !s.hooks.skipRowBounds {
		s.rc.Check(api.Sub(lo, c[0]), UniformBits)
		s.rc.Check(api.Sub(api.Sub(c[1], 1), lo), UniformBits)
	}
	return api.Sub(i, s.table.Offset)
}

// forgedSplits are set by the tests: a cheating prover's splits.
var forgedSplits [3]solver.Hint

func kindCode(k Kind) int {
	if k == Gaussian {
		return 2
	}
	return 1
}

// SplitHint returns u's canonical split (u mod 2^k, u >> k).
func SplitHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 1 || len(out) != 2 {
		return fmt.Errorf("dp split hint: want 1 input and 2 outputs")
	}
	out[0].And(in[0], new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), UniformBits), big.NewInt(1)))
	out[1].Rsh(in[0], UniformBits)
	return nil
}

// SampleHint returns the table row of a uniform value: inputs lo, then
// the mechanism (kind code, ε numerator and denominator, sensitivity, σ
// numerator and denominator or 0, 0).
func SampleHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 7 || len(out) != 1 {
		return fmt.Errorf("dp sample hint: want 7 inputs and 1 output")
	}
	for _, v := range in[1:] {
		if !v.IsInt64() {
			return fmt.Errorf("dp sample hint: a mechanism parameter is not an int64")
		}
	}
	m := Mechanism{Kind: Laplace, Epsilon: Decimal{in[2].Int64(), in[3].Int64()}, Sensitivity: in[4].Int64()}
	if in[1].Int64() == 2 {
		m.Kind = Gaussian
		m.Sigma = &Decimal{in[5].Int64(), in[6].Int64()}
	}
	t, err := m.Table()
	if err != nil {
		return err
	}
	z, err := t.Sample(in[0])
	if err != nil {
		return err
	}
	out[0].SetInt64(z + t.Offset)
	return nil
}
