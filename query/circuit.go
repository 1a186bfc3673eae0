package query

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/ops"
)

func init() {
	solver.RegisterHint(floorHint)
}

// Public inputs, in order.
const (
	PubDataset  = iota // the dataset commitment
	PubSeed            // the seed commitment
	PubCoins           // keccak256(coins) mod r
	PubTag             // the statement's tag (Spec.Tag), pinned: the statement a verifier reads is the circuit's
	PubReleased        // the first noisy value, in lattice units (negative: p − |R|); one per bin of a histogram
)

// NumPublic is the number of public inputs of the spec's circuit.
func (sp *Spec) NumPublic() int { return PubReleased + sp.Query.Outputs() }

// Circuit proves that the released value is the query's exact statistic
// over every record of the committed dataset plus noise drawn from the
// committed seed and the public coins (see the package documentation).
type Circuit struct {
	Public []frontend.Variable `gnark:",public"`
	// Private: the features record by record, the labels, the group
	// columns, the dataset's salt, the seed.
	Private []frontend.Variable

	spec       *Spec
	RangeCheck ops.RangeCheck `gnark:"-"`
	// noNoise (tests) leaves the noise out of the released value, so a
	// test shows the released value must carry the sampled noise.
	noNoise bool
	// forgeQuo and forgeFloor (tests) play a cheating prover on a mean's
	// floor: the quotient moved by forgeQuo, or by −1 with the remainder
	// moved by +2^Shift (forgeFloor).
	forgeQuo   int64
	forgeFloor bool
	// forgeRem (tests) moves the remainder by 1 and the quotient by
	// −1/2^Shift in the field, which keeps the floor's equation: only the
	// quotient's range check rejects it.
	forgeRem bool
}

func (sp *Spec) numPrivate() int {
	s := &sp.Schema
	return s.Records*s.Features + s.Records + len(s.Groups)*s.Records + 2
}

// NewCircuit returns the circuit of spec with placeholder variables.
func NewCircuit(spec *Spec) (*Circuit, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	return &Circuit{spec: spec, Public: make([]frontend.Variable, spec.NumPublic()), Private: make([]frontend.Variable, spec.numPrivate())}, nil
}

// Define builds the constraints.
func (c *Circuit) Define(api frontend.API) error {
	sp := c.spec
	s := &sp.Schema
	budget := ops.NewConstraintBudget(0, c.RangeCheck)
	ca := &ops.CircuitArith{API: api, Budget: budget}
	ca.Range = budget.Range(ops.NewRangeChecker(api, c.RangeCheck))
	rc := ca.Range
	priv := c.Private
	take := func(n int) []frontend.Variable {
		out := priv[:n]
		priv = priv[n:]
		return out
	}
	N, F := s.Records, s.Features
	feats := make([][]frontend.Variable, N)
	for r := range feats {
		feats[r] = take(F)
	}
	labels := take(N)
	groups := make([][]frontend.Variable, len(s.Groups))
	for g := range groups {
		groups[g] = take(N)
	}
	salt, seed := take(1)[0], take(1)[0]

	// The records open the public dataset commitment (every feature is
	// range-checked to s.Bits signed bits there, which the comparisons
	// below rely on).
	h, err := audit.OpenCircuit(api, rc, s, feats, labels, groups, salt)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h, c.Public[PubDataset])
	// The seed opens the public seed commitment.
	hs, err := dp.CommitSeed(api, seed)
	if err != nil {
		return err
	}
	api.AssertIsEqual(hs, c.Public[PubSeed])

	stat, err := c.statistic(api, ca, feats, labels)
	if err != nil {
		return err
	}

	// The key binds the statement's tag and the dataset commitment: one
	// seed and coins never give the same noise to two queries or to one
	// query over two datasets (whose difference it would reveal).
	// The tag is pinned to the circuit's own statement: a verifier passes
	// the tag of the query.json it reads, so a statement edited after
	// setup (another ε, δ, query or mechanism) fails verification against
	// this circuit's key, as package circuit pins a claim's public inputs.
	api.AssertIsEqual(c.Public[PubTag], sp.Tag())
	sampler, err := dp.NewSampler(api, rc, sp.Mechanism, seed, c.Public[PubCoins], c.Public[PubTag], c.Public[PubDataset])
	if err != nil {
		return err
	}
	for j, v := range stat {
		z := sampler.Draw(j)
		if c.noNoise {
			z = 0
		}
		api.AssertIsEqual(api.Add(v, z), c.Public[PubReleased+j])
	}
	return nil
}

// statistic is the exact statistic in lattice units. Features are in
// [−2^(B−1), 2^(B−1)) and thresholds and clip bounds within ±2^(B−1)
// (Query.Check), so every difference compared below is within ±2^(B+1)
// and Sign's range (bits B+1) holds.
func (c *Circuit) statistic(api frontend.API, ca *ops.CircuitArith, feats [][]frontend.Variable, labels []frontend.Variable) ([]frontend.Variable, error) {
	q := &c.spec.Query
	sb := q.Bits + 1
	if q.Feature == ScoreColumn && q.Kind == Count {
		// The model on every record (its features range-checked to the
		// dataset's bits, at most the model's activation bits, by the
		// opening), then |score − T| < 2^ScoreBits compared by Sign.
		if c.spec.Model == nil {
			return nil, fmt.Errorf("query: a score count needs its model")
		}
		var terms []frontend.Variable
		for r := range feats {
			v, err := scoreCircuit(c.spec.Model, ca, feats[r])
			if err != nil {
				return nil, fmt.Errorf("query: record %d: %w", r, err)
			}
			terms = append(terms, predicate(api, ca, v, q.Op, q.Threshold, q.ScoreBits+1))
		}
		return []frontend.Variable{linexpr.Sum(api, terms)}, nil
	}
	if q.Kind == Histogram {
		// s_i = [x ≥ b_i] is monotone in i (b increasing), so bin 0 is
		// 1 − s_1, bin i is s_i − s_{i+1} and bin m is s_m: each record is
		// in exactly one bin. Each bin's count is a sum of N booleans.
		bins := make([][]frontend.Variable, len(q.Bins)+1)
		for r := range feats {
			x := feats[r][q.Feature]
			prev := frontend.Variable(1)
			for i, b := range q.Bins {
				s := ca.Sign(api.Sub(x, b), sb)
				bins[i] = append(bins[i], api.Sub(prev, s))
				prev = s
			}
			bins[len(q.Bins)] = append(bins[len(q.Bins)], prev)
		}
		out := make([]frontend.Variable, len(bins))
		for i, t := range bins {
			out[i] = linexpr.Sum(api, t)
		}
		return out, nil
	}
	var terms []frontend.Variable
	for r := range feats {
		switch q.Kind {
		case Count:
			var v frontend.Variable
			if q.Feature < 0 {
				v = labels[r]
			} else {
				v = feats[r][q.Feature]
			}
			terms = append(terms, predicate(api, ca, v, q.Op, q.Threshold, sb))
		case Mean:
			// y = min(x, Hi) = x + [x ≥ Hi]·(Hi − x); v = max(y, Lo) =
			// y + [y < Lo]·(Lo − y), [y < Lo] = [Lo − y − 1 ≥ 0]. For a
			// score, x is the model's output, within ±2^ScoreBits with
			// the clip bounds (ParseScoreMean), and sb is ScoreBits + 1.
			var x frontend.Variable
			if q.Feature == ScoreColumn {
				if c.spec.Model == nil {
					return nil, fmt.Errorf("query: a score mean needs its model")
				}
				var err error
				if x, err = scoreCircuit(c.spec.Model, ca, feats[r]); err != nil {
					return nil, fmt.Errorf("query: record %d: %w", r, err)
				}
				sb = q.ScoreBits + 1
			} else {
				x = feats[r][q.Feature]
			}
			y := api.Add(x, api.Mul(ca.Sign(api.Sub(x, q.Hi), sb), api.Sub(q.Hi, x)))
			v := api.Add(y, api.Mul(ca.Sign(api.Sub(api.Sub(q.Lo, y), 1), sb), api.Sub(q.Lo, y)))
			terms = append(terms, api.Sub(v, q.Lo))
		}
	}
	total := linexpr.Sum(api, terms)
	if q.Kind == Count || q.Shift == 0 {
		return []frontend.Variable{total}, nil
	}
	// sum ∈ [0, N·(Hi − Lo)] < 2^(20+B+1): sum = 2^Shift·Q + rem with rem
	// in [0, 2^Shift) and Q in [0, 2^qb), all far below p, so the equation
	// holds over the integers and Q = ⌊sum/2^Shift⌋, the one value that
	// meets it.
	res, err := api.Compiler().NewHint(floorHint, 2, total, q.Shift)
	if err != nil {
		panic(err)
	}
	quo, rem := res[0], res[1]
	if c.forgeQuo != 0 {
		quo = api.Add(quo, c.forgeQuo)
	}
	if c.forgeFloor {
		quo, rem = api.Sub(quo, 1), api.Add(rem, int64(1)<<q.Shift)
	}
	if c.forgeRem {
		quo, rem = api.Sub(quo, api.Inverse(int64(1)<<q.Shift)), api.Add(rem, 1)
	}
	qb := bits.Len64(uint64(int64(q.N)*(q.Hi-q.Lo))>>q.Shift) + 1 // N·(Hi − Lo) < 2^62 (Query.Check)
	ca.Range.Check(rem, q.Shift)
	ca.Range.Check(quo, qb)
	api.AssertIsEqual(total, api.Add(api.Mul(quo, new(big.Int).Lsh(big.NewInt(1), uint(q.Shift))), rem))
	return []frontend.Variable{quo}, nil
}

// predicate is 1 when v op t holds, else 0, for |v − t| < 2^(bits−1).
// Sign(a) = [a ≥ 0] is ops' sound comparison; == is IsZero.
func predicate(api frontend.API, ca *ops.CircuitArith, v frontend.Variable, op string, t int64, bits int) frontend.Variable {
	switch op {
	case ">=":
		return ca.Sign(api.Sub(v, t), bits)
	case ">":
		return ca.Sign(api.Sub(api.Sub(v, t), 1), bits)
	case "<":
		return api.Sub(1, ca.Sign(api.Sub(v, t), bits))
	case "<=":
		return api.Sub(1, ca.Sign(api.Sub(api.Sub(v, t), 1), bits))
	case "==":
		return api.IsZero(api.Sub(v, t))
	}
	return api.Sub(1, api.IsZero(api.Sub(v, t)))
}

// floorHint returns ⌊a/2^s⌋ and a mod 2^s of a non-negative a.
func floorHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) != 2 || !in[1].IsInt64() {
		return fmt.Errorf("query floor hint: want 2 inputs and 2 outputs")
	}
	s := uint(in[1].Int64())
	out[0].Rsh(in[0], s)
	out[1].Sub(in[0], new(big.Int).Lsh(out[0], s))
	return nil
}
