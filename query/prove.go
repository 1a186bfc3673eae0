package query

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/ops"
)

// Compile builds the query circuit of spec (R1CS, for Groth16).
func Compile(spec *Spec, rangeCheck ops.RangeCheck) (constraint.ConstraintSystem, error) {
	c, err := NewCircuit(spec)
	if err != nil {
		return nil, err
	}
	c.RangeCheck = rangeCheck
	return circuit.CompileR1CS("query", c)
}

// Witness is what a query proof is made from: the quantized records and
// their salt, the prover's seed and the verifier's coins.
type Witness struct {
	Records *audit.Records
	Seed    *big.Int
	Coins   []byte
}

// Public is what a query proof reveals: the dataset and seed
// commitments, the coins, the statement's tag and the released values
// (lattice units).
type Public struct {
	Dataset, Seed *big.Int
	Coins         []byte
	Tag           *big.Int
	Released      []int64
}

// Values lists the public inputs.
func (p *Public) Values() []*big.Int {
	out := []*big.Int{p.Dataset, p.Seed, dp.CoinsValue(p.Coins), p.Tag}
	for _, v := range p.Released {
		r := big.NewInt(v)
		if r.Sign() < 0 {
			r.Add(r, ecc.BN254.ScalarField())
		}
		out = append(out, r)
	}
	return out
}

// Release computes what the proof will reveal: the exact statistic, the
// noise of the seed and coins, and their sum (one of each per released
// value), with the integer reference of the circuit.
func Release(spec *Spec, w *Witness) (exact, noise []int64, pub *Public, err error) {
	if err := spec.Check(); err != nil {
		return nil, nil, nil, err
	}
	rs := w.Records
	if fmt.Sprint(rs.Schema) != fmt.Sprint(spec.Schema) {
		return nil, nil, nil, fmt.Errorf("query: the records' schema %+v is not the query's %+v", rs.Schema, spec.Schema)
	}
	if w.Seed == nil || w.Seed.Sign() < 0 || w.Seed.Cmp(ecc.BN254.ScalarField()) >= 0 {
		return nil, nil, nil, fmt.Errorf("query: the seed is not a field element")
	}
	if len(w.Coins) < dp.MinCoins || len(w.Coins) > dp.MaxCoins {
		return nil, nil, nil, fmt.Errorf("query: %d bytes of coins: the verifier gives %d to %d", len(w.Coins), dp.MinCoins, dp.MaxCoins)
	}
	if exact, err = spec.Evaluate(rs); err != nil {
		return nil, nil, nil, err
	}
	t, err := spec.Mechanism.Table()
	if err != nil {
		return nil, nil, nil, err
	}
	h, err := rs.Commitment()
	if err != nil {
		return nil, nil, nil, err
	}
	key := dp.Key(w.Seed, dp.CoinsValue(w.Coins), spec.Tag(), h.BigInt(new(big.Int)))
	pub = &Public{Dataset: h.BigInt(new(big.Int)), Seed: dp.SeedCommitment(w.Seed), Coins: w.Coins, Tag: spec.Tag()}
	for j, v := range exact {
		z, err := dp.Noise(t, key, j)
		if err != nil {
			return nil, nil, nil, err
		}
		noise, pub.Released = append(noise, z), append(pub.Released, v+z)
	}
	return exact, noise, pub, nil
}

// Assign returns the full assignment and what the proof reveals.
func Assign(spec *Spec, w *Witness) (*Circuit, *Public, error) {
	_, _, pub, err := Release(spec, w)
	if err != nil {
		return nil, nil, err
	}
	c, err := NewCircuit(spec)
	if err != nil {
		return nil, nil, err
	}
	rs := w.Records
	var priv []frontend.Variable
	for _, f := range rs.Features {
		for _, v := range f {
			priv = append(priv, v)
		}
	}
	for _, l := range rs.Labels {
		priv = append(priv, l)
	}
	for _, g := range rs.Groups {
		for _, v := range g {
			priv = append(priv, v)
		}
	}
	salt := rs.Salt
	if salt == nil {
		salt = new(big.Int)
	}
	priv = append(priv, salt, w.Seed)
	if len(priv) != len(c.Private) {
		return nil, nil, fmt.Errorf("query: %d secret values, the circuit takes %d", len(priv), len(c.Private))
	}
	c.Private, c.Public = priv, nil
	for _, v := range pub.Values() {
		c.Public = append(c.Public, v)
	}
	return c, pub, nil
}

// Prove proves the release with pk and returns the proof's bytes (the
// proof-file encoding of proof/verifier) and the public values.
func Prove(spec *Spec, cs constraint.ConstraintSystem, pk groth16.ProvingKey, w *Witness) ([]byte, *Public, error) {
	assign, pub, err := Assign(spec, w)
	if err != nil {
		return nil, nil, err
	}
	raw, err := audit.ProveGroth16("query", cs, pk, assign)
	if err != nil {
		return nil, nil, err
	}
	return raw, pub, nil
}

// Verify checks a proof's bytes against the verifying key and the public
// values; an error wrapping ErrInvalid is a verdict.
func Verify(vk *groth16bn254.VerifyingKey, commitments int, raw []byte, pub *Public) error {
	return audit.VerifyGroth16("query", vk, commitments, raw, pub.Values(), ErrInvalid)
}
