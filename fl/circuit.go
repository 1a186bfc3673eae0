package fl

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/ops"
)

// Fixed-point widths of the aggregation (see "Arithmetic" in the package
// documentation).
const (
	// FactorBits: a clipping factor f is an integer in [0, 2^FactorBits],
	// the factor f/2^FactorBits.
	FactorBits = 16
	// WeightBits: the public client weights p_k are integers summing to
	// exactly 2^WeightBits, the weights p_k/2^WeightBits.
	WeightBits = 16
	// MaxParams bounds N so that every norm stays far below the field
	// (‖u‖² < N·2^(2·UpdateBits) < 2^62).
	MaxParams = 1 << 24
	// MaxClients bounds K.
	MaxClients = 1024
	// clipBits bounds the public clipping bound C_q < 2^clipBits (units
	// of the parameter scale).
	clipBits = 40
	// cmpBits is the width of the clipping comparisons:
	// C_q²·2^(2·FactorBits) < 2^112.
	cmpBits = 2*clipBits + 2*FactorBits + 2
)

// Shape is what an aggregation circuit is set up for: K clients, N
// parameters of ParamBits signed bits each at scale 2^-ParamScale (the
// quantization of `zkinfer commit --param-bits`), updates of UpdateBits
// signed bits.
type Shape struct {
	Clients    int `json:"clients"`
	Params     int `json:"params"`
	ParamBits  int `json:"param_bits"`
	ParamScale int `json:"param_scale"`
	UpdateBits int `json:"update_bits"`
	// DP, when set, adds DP-FedAvg noise (noise.go).
	DP *DPShape `json:"dp,omitempty"`
	// PublicModels binds W_old and W_new by two Groth16 commitments that
	// the verifier recomputes from the two models, instead of Poseidon2
	// in the circuit (public.go).
	PublicModels bool `json:"public_models,omitempty"`
}

// Check refuses shapes outside the bounds the circuit's soundness argument
// needs.
func (s Shape) Check() error {
	switch {
	case s.Clients < 1 || s.Clients > MaxClients:
		return fmt.Errorf("fl: %d clients is outside [1, %d]", s.Clients, MaxClients)
	case s.Params < 1 || s.Params > MaxParams:
		return fmt.Errorf("fl: %d parameters is outside [1, %d]", s.Params, MaxParams)
	case s.ParamBits < 2 || s.ParamBits > 18:
		return fmt.Errorf("fl: param bits %d is outside [2, 18]", s.ParamBits)
	case s.UpdateBits < 2 || s.UpdateBits > s.ParamBits:
		return fmt.Errorf("fl: update bits %d is outside [2, param bits %d]", s.UpdateBits, s.ParamBits)
	case s.ParamScale < 0 || s.ParamScale > 30:
		return fmt.Errorf("fl: param scale %d is outside [0, 30]", s.ParamScale)
	case s.DP != nil:
		return s.DP.check(s.Params)
	}
	return nil
}

// paramInfo describes the model's parameters as one tensor: the Poseidon2
// packing of circuit.Commit depends only on the values' order and width,
// so this gives the commitment `zkinfer commit` computes over the model's
// tensors.
func (s Shape) paramInfo() []*ops.Info {
	return []*ops.Info{{DType: graph.Float, Shape: []int{s.Params}, Scale: s.ParamScale, Max: math.Ldexp(1, s.ParamBits-1)}}
}

// Client is one client's slot: its committed wires, in wire order, which
// is its commitment key's basis order (then gnark's mask).
type Client struct {
	Round frontend.Variable // equal to the public round
	Salt  frontend.Variable // the commitment's blind
	// Update holds u_k offset to nonnegative integers, u_kj + 2^(UpdateBits−1)
	// in [0, 2^UpdateBits) (N values): the circuit's u_kj is the linear
	// combination Update_j − 2^(UpdateBits−1), no constraint. A negative u_kj
	// is r − |u_kj| in the field, a full-width scalar in every multi-scalar
	// multiplication of the proof (A, B in G1 and G2, the commitment and its
	// proof of knowledge); its offset is a 16-bit one, which gnark-crypto's
	// Pippenger skips in all but its lowest windows.
	Update []frontend.Variable
}

// Circuit proves one FedAvg round with clipping (package documentation).
type Circuit struct {
	Round   frontend.Variable   `gnark:",public"`
	Clip    frontend.Variable   `gnark:",public"` // C_q
	Weights []frontend.Variable `gnark:",public"` // p_k, Σ p_k = 2^WeightBits
	Old     frontend.Variable   `gnark:",public"` // Poseidon2 commitment of W_old
	New     frontend.Variable   `gnark:",public"` // Poseidon2 commitment of W_new
	// DPPub is, with DP, the seed's commitment and the coins' value
	// (dp.SeedCommitment, dp.CoinsValue); empty without.
	DPPub []frontend.Variable `gnark:",public"`

	// Clients come first among the secret wires: client k's wires are
	// nPub + k·(N+2) + [0, N+2) (Setup checks it against gnark's lists).
	Clients []Client
	Factor  []frontend.Variable // f_k
	OldW    []frontend.Variable
	NewW    []frontend.Variable
	Rem     []frontend.Variable // the rounding remainders r_j
	OldSalt frontend.Variable
	NewSalt frontend.Variable
	Seed    []frontend.Variable // with DP, the noise seed; empty without

	shape Shape
}

// NewCircuit allocates the circuit of shape s.
func NewCircuit(s Shape) *Circuit {
	c := &Circuit{shape: s, Weights: make([]frontend.Variable, s.Clients), Clients: make([]Client, s.Clients),
		Factor: make([]frontend.Variable, s.Clients), OldW: make([]frontend.Variable, s.Params),
		NewW: make([]frontend.Variable, s.Params), Rem: make([]frontend.Variable, s.Params)}
	for k := range c.Clients {
		c.Clients[k].Update = make([]frontend.Variable, s.Params)
	}
	if s.DP != nil {
		c.DPPub, c.Seed = make([]frontend.Variable, 2), make([]frontend.Variable, 1)
	}
	return c
}

// Define builds the constraints. Costs (constraints) per client value:
// one lookup (range), half a product (the norm, two squares a product:
// normPairs) and 1/G of a product (the weighted sum, G parameters a
// product: packedSums); per parameter: three or four lookups (W_old,
// W_new, the 32-bit remainder in one or two limbs), 1/G of an equality
// and two 1/⌊253/(ParamBits+1)⌋ shares of a Poseidon2 permutation (the
// old and the new commitment); with DP, a draw of package dp's sampler
// for each noised parameter.
func (c *Circuit) Define(api frontend.API) error {
	s := c.shape
	committer, ok := api.(frontend.Committer)
	if !ok {
		return fmt.Errorf("fl: the constraint builder cannot make commitments")
	}
	rc := ops.NewLogUpRange(api)
	uHalf := pow2(s.UpdateBits - 1)
	pHalf := pow2(s.ParamBits - 1)
	one := pow2(FactorBits)

	// The clients' commitments, first, so that they are commitments
	// 0 … K−1 (the lookup argument's, deferred, comes last). Each binds
	// the round (a replayed commitment of another round opens to another
	// round), the salt, which hides the rest, and the update. A committed
	// wire must sit in a constraint of its own or its basis point would be
	// zero or a multiple of another wire's: the round in its equality, the
	// salt in its square, each u in its own range lookup (the inverse
	// 1/(ch − u − 2^(b−1))), besides the products it shares below.
	for k := range c.Clients {
		cl := &c.Clients[k]
		api.AssertIsEqual(cl.Round, c.Round)
		api.Mul(cl.Salt, cl.Salt)
		committed := append([]frontend.Variable{cl.Round, cl.Salt}, cl.Update...)
		if _, err := committer.Commit(committed...); err != nil {
			return fmt.Errorf("fl: committing to client %d's update: %w", k, err)
		}
	}
	// The noise key's model input (DP): H_old, or with public models the
	// value gnark gives the circuit for W_old's commitment (public.go).
	var model frontend.Variable = c.Old
	if s.PublicModels {
		var err error
		if model, err = c.commitModels(committer); err != nil {
			return err
		}
	}

	// The clipping bound: C_q < 2^clipBits keeps the comparisons below
	// exact (cmpBits ≪ 254).
	rc.Check(c.Clip, clipBits)
	cc := api.Mul(c.Clip, c.Clip, new(big.Int).Lsh(big.NewInt(1), 2*FactorBits))

	// The weights sum to exactly 2^WeightBits, each in [0, 2^WeightBits].
	api.AssertIsEqual(api.Add(c.Weights[0], 0, c.Weights[1:]...), pow2(WeightBits))
	scaled := make([]frontend.Variable, s.Clients)
	updates := make([][]frontend.Variable, s.Clients) // the signed u_k
	for k := range c.Clients {
		rc.Check(c.Weights[k], WeightBits+1)
		// u_kj = Update_kj − 2^(UpdateBits−1) with Update_kj ∈ [0, 2^UpdateBits):
		// one lookup each, so u_kj ∈ [−2^(UpdateBits−1), 2^(UpdateBits−1)).
		// With N < 2^24 and UpdateBits ≤ 18, ‖u‖² < 2^60: the sum of
		// squares below is the integer norm, no wrap-around.
		u := make([]frontend.Variable, s.Params)
		for j, v := range c.Clients[k].Update {
			rc.Check(v, s.UpdateBits)
			u[j] = api.Sub(v, uHalf)
		}
		updates[k] = u
		norm := normPairs(api, u)
		// f = ⌊2^F·min(1, C_q/‖u‖)⌋ exactly:
		//   0 ≤ f ≤ 2^F                               (two lookups)
		//   f²·‖u‖² ≤ C_q²·2^2F          f is not above the bound
		//   f = 2^F or (f+1)²·‖u‖² > C_q²·2^2F    and it is the largest
		// Every quantity is below 2^cmpBits ≪ r, so "≥ 0" is "it is in
		// [0, 2^cmpBits)" (a negative value is r − x, far above 2^cmpBits):
		// a lookup range check of cmpBits bits (⌈cmpBits/L⌉ limbs).
		f := c.Factor[k]
		rc.Check(f, FactorBits+1)
		rc.Check(api.Sub(one, f), FactorBits+1)
		rc.Check(api.Sub(cc, api.Mul(f, f, norm)), cmpBits)
		f1 := api.Add(f, 1)
		over := api.Sub(api.Mul(f1, f1, norm), cc, 1)
		full := api.IsZero(api.Sub(one, f))
		rc.Check(api.Select(full, 0, over), cmpBits)
		scaled[k] = api.Mul(c.Weights[k], f)
	}

	// DP-FedAvg: noise z_j for the first DP.Params parameters, drawn by
	// package dp's sampler from the committed seed, the public coins, the
	// round and the previous model's commitment (dp.go).
	noise, err := c.drawNoise(api, rc, updates, model)
	if err != nil {
		return err
	}

	// W_new_j = W_old_j + Δ_j + z_j, Δ_j = ⌊(Σ_k p_k·f_k·u_kj + 2^(G+F−1)) / 2^(G+F)⌋
	// (G = WeightBits, F = FactorBits): the weighted clipped average
	// rounded to nearest, half up, plus the noise (0 for a parameter not
	// noised). With r_j ∈ [0, 2^(G+F)) and W_old, W_new range-checked,
	// (Δ_j, r_j) is the unique solution of
	//   Δ_j·2^(G+F) + r_j = Σ_k p_k·f_k·u_kj + 2^(G+F−1)
	// (packedSums: both sides are integers far below r, checked a group
	// of parameters at a time).
	den := pow2(WeightBits + FactorBits)
	halfDen := pow2(WeightBits + FactorBits - 1)
	right := make([]frontend.Variable, s.Params)
	for j := range c.OldW {
		rc.Check(c.Rem[j], WeightBits+FactorBits)
		rc.Check(api.Add(c.OldW[j], pHalf), s.ParamBits)
		rc.Check(api.Add(c.NewW[j], pHalf), s.ParamBits)
		delta := api.Sub(c.NewW[j], c.OldW[j])
		if j < len(noise) {
			delta = api.Sub(delta, noise[j])
		}
		right[j] = api.Sub(api.Add(api.Mul(delta, den), c.Rem[j]), halfDen)
	}
	c.packedSums(api, scaled, updates, right)

	if s.PublicModels {
		return c.pinModelInputs(api)
	}
	// The models' commitments, as `zkinfer commit` computes them: the
	// range checks above make the packing injective, so each opens to one
	// parameter vector.
	old, err := c.commitParams(api, c.OldW, c.OldSalt)
	if err != nil {
		return err
	}
	api.AssertIsEqual(old, c.Old)
	nw, err := c.commitParams(api, c.NewW, c.NewSalt)
	if err != nil {
		return err
	}
	api.AssertIsEqual(nw, c.New)
	return nil
}

// iota is a square root of −1 in BN254's scalar field (r ≡ 1 mod 4).
var iota = new(big.Int).ModSqrt(new(big.Int).Sub(ecc.BN254.ScalarField(), big.NewInt(1)), ecc.BN254.ScalarField())

// normPairs is Σ_j u_j² with two squares a constraint:
//
//	(u_a + ι·u_b)·(u_a − ι·u_b) = u_a² + u_b²    (ι² = −1 in the field)
//
// both factors linear in the wires (ι a constant), so one R1CS constraint
// for a pair (a sum of squares has rank N: N/2 products of two linear
// forms is the fewest). The identity is the field's, exact for any field
// elements; with every u range-checked the sum is the integer norm.
func normPairs(api frontend.API, u []frontend.Variable) frontend.Variable {
	sq := make([]frontend.Variable, 0, (len(u)+1)/2)
	for j := 0; j+1 < len(u); j += 2 {
		b := api.Mul(u[j+1], iota)
		sq = append(sq, api.Mul(api.Add(u[j], b), api.Sub(u[j], b)))
	}
	if len(u)%2 == 1 {
		v := u[len(u)-1]
		sq = append(sq, api.Mul(v, v))
	}
	return linexpr.Sum(api, sq)
}

// packWidth is the slot width S and the group size G of packedSums for
// shape s: every slot's value, on either side, is below 2^(S−1) in
// absolute value, and G·S ≤ 253 (2^253 < r).
func (s Shape) packWidth() (S, G int) {
	// the right side: |Δ_j·2^(G+F) + r_j − 2^(G+F−1)| with |Δ_j| ≤
	// 2^ParamBits − 1 + T (W_old, W_new in range, |z_j| ≤ T)
	t := int64(0)
	if s.DP != nil {
		t = s.DP.offset()
	}
	right := new(big.Int).Add(pow2(s.ParamBits), big.NewInt(t))
	right.Mul(right, pow2(WeightBits+FactorBits))
	// the left side: |Σ_k p_k·f_k·u_kj| ≤ 2^(G+F)·2^(UpdateBits−1)
	// (Σ_k p_k·f_k ≤ 2^G·2^F)
	left := pow2(WeightBits + FactorBits + s.UpdateBits - 1)
	e := max(right.BitLen(), left.BitLen())
	return e + 1, 253 / (e + 1)
}

// packedSums asserts Σ_k scaled_k·u_kj = right_j for every parameter j
// (updates[k] the signed u_k),
// G parameters at a time (packWidth), with one product a client a group:
//
//	Σ_k scaled_k·(Σ_i 2^(S·i)·u_k,j_i) = Σ_i 2^(S·i)·right_j_i
//
// Soundness: both sides' slots are integers (the wires are range-checked
// integers) of absolute value below 2^(S−1), so the difference D of the
// two sides is an integer with |D| < 2^(S·G) ≤ 2^253 < r: the field
// equation is the integer one, and its lowest slot's difference is a
// multiple of 2^S of absolute value below 2^S, so 0; by induction every
// slot's equation holds on its own. This replaces N·K products (one a
// client value) by ⌈N/G⌉·K and ⌈N/G⌉ equalities.
func (c *Circuit) packedSums(api frontend.API, scaled []frontend.Variable, updates [][]frontend.Variable, right []frontend.Variable) {
	S, G := c.shape.packWidth()
	for lo := 0; lo < len(right); lo += G {
		hi := min(lo+G, len(right))
		prods := make([]frontend.Variable, len(scaled))
		packed := make([]frontend.Variable, hi-lo)
		for k := range scaled {
			u := updates[k]
			for i := range packed {
				packed[i] = api.Mul(u[lo+i], pow2(S*i))
			}
			prods[k] = api.Mul(scaled[k], linexpr.Sum(api, packed))
		}
		for i := range packed {
			packed[i] = api.Mul(right[lo+i], pow2(S*i))
		}
		api.AssertIsEqual(linexpr.Sum(api, prods), linexpr.Sum(api, packed))
	}
}

// commitParams is `zkinfer commit`'s Poseidon2 commitment of one tensor
// of N values (circuit.CommitVariables: ⌊253/(ParamBits+1)⌋ values a field
// element, 15 elements a width-16 Poseidon2 permutation of 555
// constraints: package circuit/sponge), 2.6 constraints a 16-bit value.
func (c *Circuit) commitParams(api frontend.API, w []frontend.Variable, salt frontend.Variable) (frontend.Variable, error) {
	return circuit.CommitVariables(api, circuit.TagParams, c.shape.paramInfo(), [][]frontend.Variable{w}, salt)
}

func pow2(k int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(k)) }
