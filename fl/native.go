package fl

import (
	"fmt"
	"math/big"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/ops"
)

// Round is one aggregation's inputs: the previous global model's
// quantized parameters (and its commitment's salt), the clients' updates
// in slot order with their commitments' salts, the public weights and the
// clipping bound.
type Round struct {
	Number  uint64
	Old     []int64
	OldSalt *big.Int
	NewSalt *big.Int
	Updates [][]int64
	Salts   []*big.Int
	Weights []int64 // p_k, Σ = 2^WeightBits (Weights gives them from counts)
	Clip    int64   // C_q: the L2 bound in units of 2^-ParamScale
	// DPSeed and DPCoins (dp.CoinsValue of the verifier's coins) draw the
	// noise of a DP circuit.
	DPSeed, DPCoins *big.Int
	// OldBasis is, for a DP circuit with public models, W_old's
	// commitment basis (ModelsKeyFile's first: ReadModelBases), from
	// which the noise key's model input is computed (ModelKey).
	OldBasis []curve.G1Affine
}

// Result is what the aggregation computes natively, as the circuit does.
type Result struct {
	New     []int64
	Factors []int64    // f_k
	Norms   []*big.Int // ‖u_k‖² in units of 2^-2·ParamScale
	Rem     []int64
	Noise   []int64 // z_j with DP (nil without)
	OldCom  *big.Int
	NewCom  *big.Int
}

// Weights turns client sample counts (or any nonnegative weights a_k, not
// all zero) into the circuit's p_k: ⌊a_k·2^G/Σa⌋, the remainder of 2^G
// given one unit each to the largest fractional parts (ties to the
// lowest slot), so that Σ p_k = 2^G exactly and |p_k/2^G − a_k/Σa| < 2^-G.
func Weights(counts []int64) ([]int64, error) {
	var total big.Int
	for k, a := range counts {
		if a < 0 {
			return nil, fmt.Errorf("fl: weight %d of client %d is negative: give sample counts or other nonnegative weights", a, k)
		}
		total.Add(&total, big.NewInt(a))
	}
	if total.Sign() == 0 {
		return nil, fmt.Errorf("fl: every client's weight is 0: give at least one positive weight")
	}
	p := make([]int64, len(counts))
	rems := make([]*big.Int, len(counts))
	left := int64(1) << WeightBits
	for k, a := range counts {
		num := new(big.Int).Lsh(big.NewInt(a), WeightBits)
		q, r := new(big.Int).QuoRem(num, &total, new(big.Int))
		p[k] = q.Int64()
		rems[k] = r
		left -= p[k]
	}
	order := make([]int, len(counts))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for i := int64(0); i < left; i++ {
		p[order[i]]++
	}
	return p, nil
}

// clipFactor is ⌊2^F·min(1, C/√norm)⌋: the largest f ≤ 2^F with
// f²·norm ≤ C²·2^2F.
func clipFactor(norm *big.Int, clip int64) int64 {
	one := int64(1) << FactorBits
	cc := new(big.Int).Mul(big.NewInt(clip), big.NewInt(clip))
	cc.Lsh(cc, 2*FactorBits)
	ok := func(f int64) bool {
		v := new(big.Int).Mul(big.NewInt(f*f), norm)
		return v.Cmp(cc) <= 0
	}
	if ok(one) {
		return one
	}
	lo, hi := int64(0), one // ok(lo), !ok(hi)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// Aggregate computes the round natively: the checks the circuit makes,
// each refused with an error naming the client or parameter.
func Aggregate(s Shape, r *Round) (*Result, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if len(r.Updates) != s.Clients || len(r.Salts) != s.Clients || len(r.Weights) != s.Clients {
		return nil, fmt.Errorf("fl: %d updates, %d salts and %d weights for a circuit of %d clients", len(r.Updates), len(r.Salts), len(r.Weights), s.Clients)
	}
	if len(r.Old) != s.Params {
		return nil, fmt.Errorf("fl: the previous model has %d parameters, the circuit %d", len(r.Old), s.Params)
	}
	if r.Clip < 0 || r.Clip >= 1<<clipBits {
		return nil, fmt.Errorf("fl: the clipping bound %d (units of 2^-%d) is outside [0, 2^%d)", r.Clip, s.ParamScale, clipBits)
	}
	var sum int64
	for k, p := range r.Weights {
		if p < 0 || p > 1<<WeightBits {
			return nil, fmt.Errorf("fl: weight %d of client %d is outside [0, 2^%d]", p, k, WeightBits)
		}
		sum += p
	}
	if sum != 1<<WeightBits {
		return nil, fmt.Errorf("fl: the weights sum to %d, not 2^%d: make them with fl.Weights", sum, WeightBits)
	}
	uLim, pLim := int64(1)<<(s.UpdateBits-1), int64(1)<<(s.ParamBits-1)
	for j, w := range r.Old {
		if w < -pLim || w >= pLim {
			return nil, fmt.Errorf("fl: previous parameter %d = %d is outside the %d-bit range", j, w, s.ParamBits)
		}
	}
	if d := s.DP; d != nil {
		if need := d.Sensitivity(r.Clip, r.Weights); d.Mechanism.Sensitivity < need {
			return nil, fmt.Errorf("fl: the circuit's noise is calibrated for sensitivity %d, the round's bound %d and weights need %d: lower --clip or set up for a higher sensitivity", d.Mechanism.Sensitivity, r.Clip, need)
		}
	}
	res := &Result{Factors: make([]int64, s.Clients), Norms: make([]*big.Int, s.Clients)}
	for k, u := range r.Updates {
		if len(u) != s.Params {
			return nil, fmt.Errorf("fl: client %d's update has %d values, the circuit %d", k, len(u), s.Params)
		}
		norm := new(big.Int)
		for j, v := range u {
			if v < -uLim || v >= uLim {
				return nil, fmt.Errorf("fl: client %d's update value %d = %d is outside the %d-bit range: raise --update-bits or scale the update down", k, j, v, s.UpdateBits)
			}
			if v != 0 && s.DP != nil && !s.DP.noised(j) {
				return nil, fmt.Errorf("fl: client %d changes parameter %d, outside the noised parameters [%d, %d): with DP only those are trained", k, j, s.DP.Off, s.DP.Off+s.DP.Count)
			}
			norm.Add(norm, big.NewInt(v*v))
		}
		res.Norms[k] = norm
		res.Factors[k] = clipFactor(norm, r.Clip)
	}
	if err := combine(s, r, res, true); err != nil {
		return nil, err
	}
	return res, nil
}

// combine computes the new model, the remainders and both commitments
// from res.Factors, as the circuit does (with checkRange, refusing a new
// parameter outside the param-bits range; the tests' forged witnesses
// skip it).
func combine(s Shape, r *Round, res *Result, checkRange bool) error {
	pLim := int64(1) << (s.ParamBits - 1)
	var err error
	if res.OldCom, err = commit(s, r.Old, r.OldSalt); err != nil {
		return err
	}
	if res.Noise == nil {
		model := res.OldCom
		if s.DP != nil && s.PublicModels {
			if model, err = ModelKey(r.OldBasis, r.Old); err != nil {
				return fmt.Errorf("%w (a DP round with public models draws its noise from the previous model's commitment: give its basis, Round.OldBasis)", err)
			}
		}
		if res.Noise, err = noiseNative(s, r, model); err != nil {
			return err
		}
	}
	res.New = make([]int64, s.Params)
	res.Rem = make([]int64, s.Params)
	shift := uint(WeightBits + FactorBits)
	scaled := make([]int64, s.Clients)
	for k := range scaled {
		scaled[k] = r.Weights[k] * res.Factors[k] // ≤ 2^32
	}
	for j := range res.New {
		// |n| ≤ Σ_k p_k·f_k·|u_kj| ≤ 2^16·2^16·2^17 = 2^49
		var n int64
		for k := range scaled {
			n += scaled[k] * r.Updates[k][j]
		}
		n += 1 << (shift - 1)
		delta := n >> shift // floor
		res.Rem[j] = n - delta<<shift
		w := r.Old[j] + delta
		if res.Noise != nil {
			w += res.Noise[j]
		}
		if checkRange && (w < -pLim || w >= pLim) {
			return fmt.Errorf("fl: the new parameter %d = %d is outside the %d-bit range: lower the clipping bound or the learning rate", j, w, s.ParamBits)
		}
		res.New[j] = w
	}
	res.NewCom, err = commit(s, res.New, r.NewSalt)
	return err
}

// commit is `zkinfer commit`'s Poseidon2 commitment of parameters w.
func commit(s Shape, w []int64, salt *big.Int) (*big.Int, error) {
	e, err := circuit.Commit(circuit.TagParams, s.paramInfo(), []ops.Tensor[int64]{{Shape: []int{len(w)}, Data: w}}, salt)
	if err != nil {
		return nil, err
	}
	return e.BigInt(new(big.Int)), nil
}

// assign fills the circuit's witness.
func assign(s Shape, r *Round, res *Result) *Circuit {
	c := NewCircuit(s)
	c.Round, c.Clip, c.Old, c.New = r.Number, r.Clip, res.OldCom, res.NewCom
	if s.PublicModels {
		c.Old, c.New = 0, 0
	}
	c.OldSalt, c.NewSalt = orZero(r.OldSalt), orZero(r.NewSalt)
	if s.DP != nil {
		c.DPPub[0], c.DPPub[1], c.Seed[0] = dp.SeedCommitment(orZero(r.DPSeed)), orZero(r.DPCoins), orZero(r.DPSeed)
	}
	for k := range c.Clients {
		c.Weights[k] = r.Weights[k]
		c.Factor[k] = res.Factors[k]
		cl := &c.Clients[k]
		cl.Round, cl.Salt = r.Number, orZero(r.Salts[k])
		for j, v := range r.Updates[k] {
			cl.Update[j] = v + updateOffset(s.UpdateBits)
		}
	}
	for j := range c.OldW {
		c.OldW[j], c.NewW[j], c.Rem[j] = r.Old[j], res.New[j], res.Rem[j]
	}
	return c
}

// updateOffset is 2^(bits−1): a committed update wire holds u + updateOffset,
// in [0, 2^bits) (Client.Update).
func updateOffset(bits int) int64 { return int64(1) << (bits - 1) }

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

func fieldOf(v *big.Int) fr.Element {
	var e fr.Element
	e.SetBigInt(orZero(v))
	return e
}
