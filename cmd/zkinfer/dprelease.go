package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/proof"
)

// compile --dp, prove --dp-seed --dp-coins, verify --dp-commitment
// --dp-coins: a DP release of a model's outputs (circuit/dp.go,
// docs/DP.md).

type dpCompileFlagSet struct{ mech, eps, delta, sens *string }

func dpCompileFlags(fs *flag.FlagSet) *dpCompileFlagSet {
	return &dpCompileFlagSet{
		mech:  fs.String("dp", "", "release the outputs with differential-privacy noise sampled in the circuit: laplace or gaussian (needs --epsilon and --sensitivity; see docs/DP.md)"),
		eps:   fs.String("epsilon", "", "with --dp: ε, a decimal in (0, 20]"),
		delta: fs.String("delta", "", "with --dp gaussian: the target δ in (0, 1)"),
		sens:  fs.String("sensitivity", "", "with --dp: how much one output value can move between neighbouring inputs, in output units (your statement about the model: the circuit cannot check it)"),
	}
}

// apply sets vis.DP from the flags; the outputs become private unless
// --output-visibility was given (which Validate then judges).
func (f *dpCompileFlagSet) apply(fs *flag.FlagSet, vis *circuit.Visibility) error {
	if *f.mech == "" {
		if *f.eps != "" || *f.delta != "" || *f.sens != "" {
			return usageError{"--epsilon, --delta and --sensitivity are for a DP release: give --dp laplace or --dp gaussian"}
		}
		return nil
	}
	if *f.eps == "" || *f.sens == "" {
		return usageError{"--dp needs --epsilon E and --sensitivity S (in output units)"}
	}
	d := &circuit.DPRelease{Mechanism: dp.Kind(strings.ToLower(*f.mech))}
	var err error
	if d.Epsilon, err = dp.ParseDecimal(*f.eps, dp.MaxEpsilon); err != nil {
		return usageError{"--epsilon: " + err.Error()}
	}
	if d.Sensitivity, err = dp.ParseDecimal(*f.sens, circuit.MaxDPSensitivity); err != nil {
		return usageError{"--sensitivity: " + err.Error()}
	}
	if *f.delta != "" {
		if d.Delta, err = strconv.ParseFloat(*f.delta, 64); err != nil {
			return usageError{fmt.Sprintf("--delta %.40q is not a number", *f.delta)}
		}
	}
	set := false
	fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == "output-visibility" })
	if !set {
		vis.Output = circuit.Private
	}
	vis.DP = d
	if err := vis.Validate(); err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	return nil
}

type dpProveFlagSet struct{ seed, coins *string }

func dpProveFlags(fs *flag.FlagSet) *dpProveFlagSet {
	return &dpProveFlagSet{
		seed:  fs.String("dp-seed", "", "for a circuit compiled with --dp: the secret seed file of zkinfer dp commit"),
		coins: fs.String("dp-coins", "", "for a circuit compiled with --dp: the verifier's coins for this release (hex, 16 to 64 bytes: zkinfer dp coins)"),
	}
}

// witness reads the seed and the coins (nil when neither is given).
func (f *dpProveFlagSet) witness() (*circuit.DPWitness, error) {
	if *f.seed == "" && *f.coins == "" {
		return nil, nil
	}
	if *f.seed == "" || *f.coins == "" {
		return nil, usageError{"a DP release needs both --dp-seed SEED and --dp-coins HEX"}
	}
	coins, err := dp.ParseCoins(*f.coins)
	if err != nil {
		return nil, usageError{"--dp-coins: " + err.Error()}
	}
	seed, _, err := dp.ReadSeed(*f.seed)
	if err != nil {
		return nil, fmt.Errorf("--dp-seed: %w", err)
	}
	return &circuit.DPWitness{Seed: seed, Coins: coins}, nil
}

type dpVerifyFlagSet struct{ commitment, coins *string }

func dpVerifyFlags(fs *flag.FlagSet) *dpVerifyFlagSet {
	return &dpVerifyFlagSet{
		commitment: fs.String("dp-commitment", "", "for a DP release: fail unless its noise comes from this seed commitment (DPCOMMIT.json or 0x…)"),
		coins:      fs.String("dp-coins", "", "for a DP release: fail unless its noise comes from these coins (the hex you drew with zkinfer dp coins)"),
	}
}

// expect sets the DP expectations of o.
func (f *dpVerifyFlagSet) expect(o *proof.VerifyOptions) error {
	if c := *f.commitment; c != "" {
		if !strings.HasPrefix(c, "0x") {
			v, err := dp.ReadCommitment(c)
			if err != nil {
				return fmt.Errorf("--dp-commitment: %w", err)
			}
			c = dp.FieldHex(v)
		}
		o.DPCommitment = c
	}
	if *f.coins != "" {
		b, err := dp.ParseCoins(*f.coins)
		if err != nil {
			return usageError{"--dp-coins: " + err.Error()}
		}
		o.DPCoins = b
	}
	return nil
}
