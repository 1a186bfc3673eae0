package fl

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/graph"
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
	Round  frontend.Variable   // equal to the public round
	Salt   frontend.Variable   // the commitment's blind
	Update []frontend.Variable // u_k, N values
}

// Circuit proves one FedAvg round with clipping (package documentation).
type Circuit struct {
	Round   frontend.Variable   `gnark:",public"`
	Clip    frontend.Variable   `gnark:",public"` // C_q
	Weights []frontend.Variable `gnark:",public"` // p_k, Σ p_k = 2^WeightBits
	Old     frontend.Variable   `gnark:",public"` // Poseidon2 commitment of W_old
	New     frontend.Variable   `gnark:",public"` // Poseidon2 commitment of W_new

	// Clients come first among the secret wires: client k's wires are
	// nPub + k·(N+2) + [0, N+2) (Setup checks it against gnark's lists).
	Clients []Client
	Factor  []frontend.Variable // f_k
	OldW    []frontend.Variable
	NewW    []frontend.Variable
	Rem     []frontend.Variable // the rounding remainders r_j
	OldSalt frontend.Variable
	NewSalt frontend.Variable

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
	return c
}

// Define builds the constraints. Costs (constraints) per client value:
// one lookup (range), one square (norm), one product (weighted sum); per
// parameter: three lookups (W_old, W_new, the 32-bit remainder in two
// limbs) and two 1/⌊253/(ParamBits+1)⌋ shares of a Poseidon2 permutation
// (the old and the new commitment).
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
	// zero or shared with another wire: the round in its equality, the
	// salt in its square, each u in its square and product below.
	for k := range c.Clients {
		cl := &c.Clients[k]
		api.AssertIsEqual(cl.Round, c.Round)
		api.Mul(cl.Salt, cl.Salt)
		committed := append([]frontend.Variable{cl.Round, cl.Salt}, cl.Update...)
		if _, err := committer.Commit(committed...); err != nil {
			return fmt.Errorf("fl: committing to client %d's update: %w", k, err)
		}
	}

	// The clipping bound: C_q < 2^clipBits keeps the comparisons below
	// exact (cmpBits ≪ 254).
	rc.Check(c.Clip, clipBits)
	cc := api.Mul(c.Clip, c.Clip, new(big.Int).Lsh(big.NewInt(1), 2*FactorBits))

	// The weights sum to exactly 2^WeightBits, each in [0, 2^WeightBits].
	api.AssertIsEqual(api.Add(c.Weights[0], 0, c.Weights[1:]...), pow2(WeightBits))
	scaled := make([]frontend.Variable, s.Clients)
	for k := range c.Clients {
		rc.Check(c.Weights[k], WeightBits+1)
		u := c.Clients[k].Update
		// u_kj ∈ [−2^(UpdateBits−1), 2^(UpdateBits−1)): one lookup each.
		// With N < 2^24 and UpdateBits ≤ 18, ‖u‖² < 2^60: the sum of
		// squares below is the integer norm, no wrap-around.
		sq := make([]frontend.Variable, len(u))
		for j, v := range u {
			rc.Check(api.Add(v, uHalf), s.UpdateBits)
			sq[j] = api.Mul(v, v)
		}
		norm := sumAll(api, sq)
		// f = ⌊2^F·min(1, C_q/‖u‖)⌋ exactly:
		//   0 ≤ f ≤ 2^F                               (two lookups)
		//   f²·‖u‖² ≤ C_q²·2^2F          f is not above the bound
		//   f = 2^F or (f+1)²·‖u‖² > C_q²·2^2F    and it is the largest
		// Every quantity is below 2^cmpBits ≪ r, so "≥ 0" is "its
		// cmpBits-bit decomposition exists" (a negative value is r − x,
		// far above 2^cmpBits).
		f := c.Factor[k]
		rc.Check(f, FactorBits+1)
		rc.Check(api.Sub(one, f), FactorBits+1)
		api.ToBinary(api.Sub(cc, api.Mul(f, f, norm)), cmpBits)
		f1 := api.Add(f, 1)
		over := api.Sub(api.Mul(f1, f1, norm), cc, 1)
		full := api.IsZero(api.Sub(one, f))
		api.ToBinary(api.Select(full, 0, over), cmpBits)
		scaled[k] = api.Mul(c.Weights[k], f)
	}

	// W_new_j = W_old_j + Δ_j, Δ_j = ⌊(Σ_k p_k·f_k·u_kj + 2^(G+F−1)) / 2^(G+F)⌋
	// (G = WeightBits, F = FactorBits): the weighted clipped average
	// rounded to nearest, half up. With r_j ∈ [0, 2^(G+F)) and W_old, W_new
	// range-checked (so |Δ_j| < 2^ParamBits), both sides of
	//   Δ_j·2^(G+F) + r_j = Σ_k p_k·f_k·u_kj + 2^(G+F−1)
	// are below 2^(ParamBits+G+F+1) ≪ r in absolute value: the field
	// equation is the integer one, whose solution (Δ_j, r_j) is unique.
	den := pow2(WeightBits + FactorBits)
	halfDen := pow2(WeightBits + FactorBits - 1)
	for j := range c.OldW {
		terms := make([]frontend.Variable, s.Clients)
		for k := range c.Clients {
			terms[k] = api.Mul(scaled[k], c.Clients[k].Update[j])
		}
		rc.Check(c.Rem[j], WeightBits+FactorBits)
		rc.Check(api.Add(c.OldW[j], pHalf), s.ParamBits)
		rc.Check(api.Add(c.NewW[j], pHalf), s.ParamBits)
		delta := api.Sub(c.NewW[j], c.OldW[j])
		api.AssertIsEqual(api.Add(api.Mul(delta, den), c.Rem[j]), api.Add(sumAll(api, terms), halfDen))
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

// commitParams is `zkinfer commit`'s Poseidon2 commitment of one tensor
// of N values (circuit.CommitVariables: ⌊253/(ParamBits+1)⌋ values a field
// element, about 186 constraints a Poseidon2 permutation). gnark's GKR
// Poseidon2 (std/permutation/poseidon2/gkr-poseidon2) computes the same
// function but costs more here: measured at 110 constraints a parameter
// against 27 for the two commitments (its sum-check verifier's fixed
// part: 945,000 constraints at N = 24).
func (c *Circuit) commitParams(api frontend.API, w []frontend.Variable, salt frontend.Variable) (frontend.Variable, error) {
	return circuit.CommitVariables(api, circuit.TagParams, c.shape.paramInfo(), [][]frontend.Variable{w}, salt)
}

func pow2(k int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(k)) }

// sumAll adds xs in one linear expression (no constraint).
func sumAll(api frontend.API, xs []frontend.Variable) frontend.Variable {
	switch len(xs) {
	case 0:
		return 0
	case 1:
		return xs[0]
	}
	return api.Add(xs[0], xs[1], xs[2:]...)
}
