package circuit

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/ops"
)

// A DP release (compile --dp): the circuit keeps the model's exact outputs
// secret and releases each one floored to a lattice plus noise sampled
// inside the circuit by package dp's sampler, from a secret seed the
// prover committed to before the verifier drew its public coins (see
// docs/DP.md for the protocol, the accounting and what each step
// prevents).
//
// Public inputs, after the other segments and before the context: the
// seed commitment H(16, seed), the coins' value (dp.CoinsValue), the DP
// statement's tag (pinned: a verifier passes the tag of the settings.json
// it reads, so an edited ε or sensitivity fails against this circuit's
// key, as a claim's bounds do), and the released values, one per output
// value, in lattice units (negative: p − |v|). Secret: the seed.

// DP segment names.
const (
	SegDPSeedCommitment = "dp_seed_commitment" // H(16, seed) (public)
	SegDPCoins          = "dp_coins"           // keccak256(coins) mod r (public)
	SegDPTag            = "dp_tag"             // the DP statement's tag (public, pinned)
	SegDPReleased       = "dp_released"        // lattice value + noise per output value (public)
	SegDPSeed           = "dp_seed"            // the seed (secret)
)

// MaxDPSensitivity bounds a release's sensitivity in output units.
const MaxDPSensitivity = 1 << 20

// DPRelease is settings.json's visibility.dp: what the user asked for.
// Everything else (the lattice, the mechanism in lattice units, the table
// and the δ it achieves) is a deterministic function of it and of the
// outputs' scale (Resolve), computed alike by prover and verifier.
type DPRelease struct {
	// Mechanism: dp.Laplace or dp.Gaussian.
	Mechanism dp.Kind `json:"mechanism"`
	// Epsilon is ε.
	Epsilon dp.Decimal `json:"epsilon"`
	// Delta is the target δ of the Gaussian mechanism (σ is the smallest
	// that meets it); 0 for Laplace, whose δ is the table's.
	Delta float64 `json:"delta,omitempty"`
	// Sensitivity is how much one output value can move between
	// neighbouring inputs, in output units (the model's real-valued
	// outputs): the data holder's statement about its model, which the
	// circuit cannot check (a sensitivity is about inputs that are not
	// there).
	Sensitivity dp.Decimal `json:"sensitivity"`
}

// DPResolved is a DPRelease made concrete for outputs at one scale.
type DPResolved struct {
	// Shift: the lattice step is 2^Shift output integers; a value q is
	// released as ⌊q/2^Shift⌋ + z.
	Shift int
	// Mech is the noise mechanism in lattice units; Table its table.
	Mech  dp.Mechanism
	Table *dp.Table
	// Delta is the δ of the table as sampled (dp.Table.Delta).
	Delta float64
	// Scale is the outputs' fixed-point scale.
	Scale int
}

// maxLatticeSensitivity: the lattice is chosen so that the sensitivity is
// at most 16 lattice units (as package query's means), which keeps the
// table small: the rounding to the lattice is then at most a sixteenth of
// the noise's scale.
const maxLatticeSensitivity = 16

// Check validates the request's own fields.
func (d *DPRelease) Check() error {
	switch {
	case d.Mechanism != dp.Laplace && d.Mechanism != dp.Gaussian:
		return fmt.Errorf("circuit: dp mechanism %.20q is not supported (laplace, gaussian)", d.Mechanism)
	case d.Epsilon.Den <= 0 || d.Epsilon.Num <= 0 || d.Epsilon.Num > dp.MaxEpsilon*d.Epsilon.Den:
		return fmt.Errorf("circuit: dp ε must be in (0, %d]", dp.MaxEpsilon)
	case d.Sensitivity.Den <= 0 || d.Sensitivity.Num <= 0 || d.Sensitivity.Num > MaxDPSensitivity*d.Sensitivity.Den:
		return fmt.Errorf("circuit: dp sensitivity must be in (0, %d] output units", MaxDPSensitivity)
	case d.Mechanism == dp.Gaussian && !(d.Delta > 0 && d.Delta < 1):
		return fmt.Errorf("circuit: the gaussian mechanism needs --delta in (0, 1)")
	case d.Mechanism == dp.Laplace && d.Delta != 0:
		return fmt.Errorf("circuit: --delta is for the gaussian mechanism (laplace's δ is its table's)")
	}
	return nil
}

// Resolve computes the lattice and the mechanism for outputs: all outputs
// must share one scale. With S the sensitivity in output integers
// (⌈sensitivity·2^scale⌉), the shift is the smallest g with ⌈S/2^g⌉ ≤ 16,
// and the sensitivity on the lattice is Δ = ⌈S/2^g⌉: for |q − q'| ≤ S,
// |⌊q/2^g⌋ − ⌊q'/2^g⌋| ≤ ⌈S/2^g⌉.
func (d *DPRelease) Resolve(outputs []*ops.Info) (*DPResolved, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if len(outputs) == 0 {
		return nil, fmt.Errorf("circuit: --dp needs a model with outputs")
	}
	scale := outputs[0].Scale
	for _, o := range outputs[1:] {
		if o.Scale != scale {
			return nil, fmt.Errorf("circuit: --dp needs outputs of one scale, the model's have %d and %d", scale, o.Scale)
		}
	}
	if scale < 0 || scale > 60 {
		return nil, fmt.Errorf("circuit: --dp: output scale %d is outside [0, 60]", scale)
	}
	num := new(big.Int).Lsh(big.NewInt(d.Sensitivity.Num), uint(scale))
	s := new(big.Int).Add(num, big.NewInt(d.Sensitivity.Den-1))
	s.Quo(s, big.NewInt(d.Sensitivity.Den)) // ⌈sensitivity·2^scale⌉ ≥ 1
	if s.BitLen() > 62 {
		return nil, fmt.Errorf("circuit: --dp: the sensitivity is %s output integers, more than 2^62", s)
	}
	S, g := s.Int64(), 0
	for (S+(int64(1)<<g)-1)>>g > maxLatticeSensitivity {
		g++
	}
	r := &DPResolved{Shift: g, Scale: scale}
	delta := (S + (int64(1) << g) - 1) >> g
	var err error
	if d.Mechanism == dp.Gaussian {
		if r.Mech, err = dp.GaussianFor(d.Epsilon, d.Delta, delta); err != nil {
			return nil, fmt.Errorf("circuit: %w", err)
		}
	} else {
		r.Mech = dp.Mechanism{Kind: dp.Laplace, Epsilon: d.Epsilon, Sensitivity: delta}
	}
	if err := r.Mech.Check(); err != nil {
		return nil, fmt.Errorf("circuit: %w", err)
	}
	if r.Table, err = r.Mech.Table(); err != nil {
		return nil, fmt.Errorf("circuit: %w", err)
	}
	r.Delta = r.Table.Delta(d.Epsilon, delta)
	return r, nil
}

// Tag is the DP statement's tag: SHA-256 of the request and its
// resolution (the JSON below), mod p. The circuit pins it; the noise key
// binds it, so two statements never share noise.
func (r *DPResolved) Tag() *big.Int {
	b, _ := json.Marshal(struct {
		Mech  dp.Mechanism `json:"mechanism"`
		Shift int          `json:"shift"`
		Scale int          `json:"scale"`
		Off   int64        `json:"offset"`
	}{r.Mech, r.Shift, r.Scale, r.Table.Offset})
	h := sha256.Sum256(append([]byte("zkinfer-dp-release-v1:"), b...))
	v := new(big.Int).SetBytes(h[:])
	return v.Mod(v, ecc.BN254.ScalarField())
}

// Step is the lattice step in output units, 2^(Shift − Scale).
func (r *DPResolved) Step() float64 {
	f, _ := new(big.Float).SetMantExp(big.NewFloat(1), r.Shift-r.Scale).Float64()
	return f
}

// Words says the release's mechanism in plain words.
func (d *DPRelease) Words(r *DPResolved) string {
	noise := fmt.Sprintf("discrete Laplace noise (scale Δ/ε = %.4g lattice units)", float64(r.Mech.Sensitivity)*float64(d.Epsilon.Den)/float64(d.Epsilon.Num))
	if r.Mech.Kind == dp.Gaussian {
		noise = fmt.Sprintf("discrete Gaussian noise (σ = %s lattice units)", r.Mech.Sigma)
	}
	return fmt.Sprintf("each output is released with %s: (ε = %s, δ = %.3g)-differentially private for a sensitivity of %s output units per output value, as the compiler stated it (the circuit cannot check a sensitivity); outputs are floored to a lattice of step %g (Δ = %d lattice units), noise within ±%d lattice units, drawn in the circuit from the committed seed and the verifier's coins",
		noise, d.Epsilon, r.Delta, d.Sensitivity, r.Step(), r.Mech.Sensitivity, r.Table.Offset)
}

// validateDP rejects visibilities a DP release cannot go with.
func (v Visibility) validateDP() error {
	if v.DP == nil {
		return nil
	}
	if err := v.DP.Check(); err != nil {
		return err
	}
	switch {
	case v.Output != Private:
		return fmt.Errorf("circuit: --dp releases noisy outputs and keeps the exact ones secret: output visibility must be private, not %s", v.Output)
	case v.Claim != "":
		return fmt.Errorf("circuit: --dp refuses a claim: a claim on the exact outputs would reveal more than the DP release (a claim on the noisy ones is plain post-processing of them)")
	case v.Input == Boundary:
		return fmt.Errorf("circuit: --dp is for a whole model, not a segment")
	}
	return nil
}

// layoutDP adds the DP segments (after the claim, before the context).
func layoutDP(add func(bool, string, int), vis Visibility, nOutputs int) {
	if vis.DP == nil {
		return
	}
	add(true, SegDPSeedCommitment, 1)
	add(true, SegDPCoins, 1)
	add(true, SegDPTag, 1)
	add(true, SegDPReleased, nOutputs)
}

// DPWitness is what the prover adds for a DP release: the seed and the
// verifier's coins.
type DPWitness struct {
	Seed  *big.Int
	Coins []byte
}

// DPReleased computes the released values (lattice units) of outputs
// under r, with noise from seed and coins: the integer reference of
// defineDP.
func DPReleased(r *DPResolved, outputs []ops.Tensor[int64], seed *big.Int, coins []byte, context []byte) ([]int64, error) {
	key := dp.Key(seed, dp.CoinsValue(coins), r.Tag(), ContextValue(context))
	var out []int64
	j := 0
	for _, t := range outputs {
		for _, q := range t.Data {
			z, err := dp.Noise(r.Table, key, j)
			if err != nil {
				return nil, err
			}
			out = append(out, (q>>r.Shift)+z) // >> floors a negative q too
			j++
		}
	}
	return out, nil
}

// dpValues returns the DP segments' values of a witness.
func dpValues(r *DPResolved, m []ops.Tensor[int64], w *Witness) (map[string][]frontend.Variable, error) {
	if w.DP == nil || w.DP.Seed == nil || w.DP.Coins == nil {
		return nil, fmt.Errorf("this circuit releases its outputs with DP noise: prove with --dp-seed SEED --dp-coins HEX")
	}
	rel, err := DPReleased(r, m, w.DP.Seed, w.DP.Coins, w.Context)
	if err != nil {
		return nil, err
	}
	vals := map[string][]frontend.Variable{
		SegDPSeedCommitment: {dp.SeedCommitment(w.DP.Seed)},
		SegDPCoins:          {dp.CoinsValue(w.DP.Coins)},
		SegDPTag:            {r.Tag()},
		SegDPSeed:           {w.DP.Seed},
	}
	for _, v := range rel {
		vals[SegDPReleased] = append(vals[SegDPReleased], v)
	}
	return vals, nil
}

func init() { solver.RegisterHint(dpFloorHint) }

// defineDP releases outs (the model's computed outputs, each |q| ≤ its
// Info.Max) with noise:
//
//  1. The seed opens the public seed commitment (dp.CommitSeed).
//  2. The tag public input is pinned to the circuit's statement.
//  3. Each q is split q = 2^g·Q + rem, rem ∈ [0, 2^g) and Q + 2^(b−1) ∈
//     [0, 2^b) range-checked, with 2^(b−1) > |q|/2^g + 1 from the
//     outputs' bound: |2^g·Q + rem| < 2^(b+g) ≪ p, so the equation holds
//     over the integers and Q = ⌊q/2^g⌋, the one value that meets it.
//  4. The sampler's key K(tag, context, seed, coins) (dp.Key) binds the
//     statement and the context; draw j noises output value j, and
//     Q + z is asserted equal to the public released value.
func (c *Circuit) defineDP(api frontend.API, a *ops.CircuitArith, infos []*ops.Info, outs [][]frontend.Variable, seg map[string][]frontend.Variable) error {
	r := c.dp
	seed := seg[SegDPSeed][0]
	hs, err := dp.CommitSeed(api, seed)
	if err != nil {
		return err
	}
	api.AssertIsEqual(hs, seg[SegDPSeedCommitment][0])
	tag := seg[SegDPTag][0]
	api.AssertIsEqual(tag, r.Tag())
	// The key binds the tag as the constant the line above pins it to:
	// its IV H(17, 2, tag) is then a constant (dp.Key), and the key one
	// width-4 Poseidon2 permutation of (IV, context, seed, coins), with
	// the same value as from the public input.
	sampler, err := dp.NewSampler(api, a.Range, r.Mech, seed, seg[SegDPCoins][0], r.Tag(), seg[SegContext][0])
	if err != nil {
		return err
	}
	released := seg[SegDPReleased]
	j := 0
	for i, info := range infos {
		b := bits.Len64(uint64(info.Max)>>r.Shift) + 2
		if info.Max <= 0 || info.Max >= 1<<61 {
			b = 63 - r.Shift
		}
		for _, q := range outs[i] {
			Q := q
			if r.Shift > 0 {
				res, err := api.Compiler().NewHint(dpFloorHint, 2, q, r.Shift)
				if err != nil {
					return err
				}
				Q = res[0]
				// rem ∈ [0, 2^g): a width one bit larger accepts
				// (Q − 1, rem + 2^g), a release one unit low
				// (TestDPFloorForged).
				a.Range.Check(res[1], r.Shift)
				// Q's check makes the split unique, it bounds nothing
				// else: two splits (Q, rem), (Q', rem') that pass both
				// checks and the equation differ by 2^g·ΔQ + Δrem ≡ 0
				// mod p, an integer below 2^(b+g+1) ≤ 2^64 ≪ p, so 0,
				// and |Δrem| < 2^g gives Δrem = ΔQ = 0. A width one bit
				// larger keeps that (b+g+2 ≤ 65), so it admits only the
				// true floor ⌊q/2^g⌋ (q is bounded by Info.Max through
				// the model's own checks): listed as equivalent in
				// internal/mutate/equivalent.txt. Deleting it is not:
				// any other rem gives Q = (q − rem)/2^g in the field,
				// about p/2^g (TestDPFloorForged).
				a.Range.Check(api.Add(Q, int64(1)<<(b-1)), b)
				api.AssertIsEqual(q, api.Add(api.Mul(Q, int64(1)<<r.Shift), res[1]))
			}
			z := sampler.Draw(j)
			if c.dpNoNoise {
				z = 0
			}
			if !c.dpUnlinked {
				api.AssertIsEqual(api.Add(Q, z), released[j])
			} else {
				api.AssertIsDifferent(released[j], -1<<62) // reads the public input, tied to nothing
			}
			j++
		}
	}
	return nil
}

// dpFloorHint returns ⌊q/2^s⌋ and q mod 2^s of a signed q (a field
// element above p/2 is negative).
func dpFloorHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) != 2 || !in[1].IsInt64() {
		return fmt.Errorf("dp floor hint: want 2 inputs and 2 outputs")
	}
	q := ops.Signed(field, in[0])
	s := uint(in[1].Int64())
	quo := new(big.Int).Rsh(q, s) // Rsh floors negative values
	rem := new(big.Int).Sub(q, new(big.Int).Lsh(quo, s))
	out[0].Mod(quo, field)
	out[1].Set(rem)
	return nil
}
