package main

import (
	"flag"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/fl"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// fl setup --dp …: DP-FedAvg's mechanism, fixed at setup (its table is
// compiled into the circuit; docs/FEDERATED.md, "DP-FedAvg").
type flDPFlagSet struct{ mech, eps, delta, sens, tensors *string }

func flDPFlags(fs *flag.FlagSet) *flDPFlagSet {
	return &flDPFlagSet{
		mech:    fs.String("dp", "", "DP-FedAvg: add noise sampled in the circuit to the average, laplace or gaussian (needs --epsilon and --sensitivity; see docs/FEDERATED.md)"),
		eps:     fs.String("epsilon", "", "with --dp: ε of one round, a decimal in (0, 20]"),
		delta:   fs.String("delta", "", "with --dp gaussian: the round's target δ in (0, 1)"),
		sens:    fs.String("sensitivity", "", "with --dp: the L2 (gaussian) or L1 (laplace) sensitivity the noise is calibrated for, in real units of the weights: at least 2·max weight·clip + √M·2^-param_scale (L2), √M·2·max weight·clip + M·2^-param_scale (L1), M the noised weights; aggregate refuses a round that needs more"),
		tensors: fs.String("dp-tensors", "", "with --dp: the weight tensors that are trained and noised, comma-separated, consecutive in the model's order (default all); the others stay unchanged"),
	}
}

// shape is the DP shape of the flags (nil without --dp).
func (f *flDPFlagSet) shape(p *fl.Params, paramScale int) (*fl.DPShape, error) {
	if *f.mech == "" {
		if *f.eps != "" || *f.delta != "" || *f.sens != "" || *f.tensors != "" {
			return nil, usageError{"--epsilon, --delta, --sensitivity and --dp-tensors are for --dp"}
		}
		return nil, nil
	}
	if *f.eps == "" || *f.sens == "" {
		return nil, usageError{"--dp needs --epsilon and --sensitivity"}
	}
	eps, err := dp.ParseDecimal(*f.eps, dp.MaxEpsilon)
	if err != nil {
		return nil, usageError{"--epsilon: " + err.Error()}
	}
	sr, err := dp.ParseDecimal(*f.sens, 1<<20)
	if err != nil {
		return nil, usageError{"--sensitivity: " + err.Error()}
	}
	sf, _ := sr.Rat().Float64()
	sens := int64(math.Ceil(math.Ldexp(sf, paramScale)))
	if sens > dp.MaxSensitivity {
		return nil, usageError{fmt.Sprintf("--sensitivity %s is %d units of 2^-%d, above the noise tables' %d: lower the clipping bound or noise fewer weights (--dp-tensors), or use a coarser --param-scale", *f.sens, sens, paramScale, dp.MaxSensitivity)}
	}
	off, count := 0, len(p.Values)
	if *f.tensors != "" {
		off, count = -1, 0
		at := 0
		names := splitList(*f.tensors)
		for i, name := range p.Names {
			if slices.Contains(names, name) {
				if off >= 0 && off+count != at {
					return nil, usageError{"--dp-tensors: the tensors must be consecutive in the model's order " + strings.Join(p.Names, ", ")}
				}
				if off < 0 {
					off = at
				}
				count += p.Sizes[i]
			}
			at += p.Sizes[i]
		}
		for _, n := range names {
			if !slices.Contains(p.Names, n) {
				return nil, usageError{fmt.Sprintf("--dp-tensors: the model has no weight tensor %q (it has %s)", n, strings.Join(p.Names, ", "))}
			}
		}
	}
	switch dp.Kind(*f.mech) {
	case dp.Laplace:
		if *f.delta != "" {
			return nil, usageError{"--delta is for --dp gaussian (laplace is ε-DP)"}
		}
		return &fl.DPShape{Mechanism: dp.Mechanism{Kind: dp.Laplace, Epsilon: eps, Sensitivity: sens}, Off: off, Count: count}, nil
	case dp.Gaussian:
		var delta float64
		if _, err := fmt.Sscan(*f.delta, &delta); err != nil {
			return nil, usageError{"--dp gaussian needs --delta, a number in (0, 1)"}
		}
		d, err := fl.GaussianFor(eps, delta, sens, off, count)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return d, nil
	}
	return nil, usageError{fmt.Sprintf("--dp %q: give laplace or gaussian", *f.mech)}
}

// matches checks the --dp flags given to fl aggregate (none is fine)
// against the mechanism the circuit was set up with: the table is
// compiled into the circuit, so aggregate cannot change it.
func (f *flDPFlagSet) matches(p *fl.Params, s fl.Shape) error {
	if *f.mech == "" && *f.eps == "" && *f.delta == "" && *f.sens == "" && *f.tensors == "" {
		return nil
	}
	d, err := f.shape(p, s.ParamScale)
	if err != nil {
		return err
	}
	same := d != nil && s.DP != nil && d.Mechanism.Kind == s.DP.Mechanism.Kind && d.Mechanism.Epsilon.Rat().Cmp(s.DP.Mechanism.Epsilon.Rat()) == 0 &&
		d.Mechanism.Sensitivity == s.DP.Mechanism.Sensitivity && d.Off == s.DP.Off && d.Count == s.DP.Count &&
		(d.Mechanism.Sigma == nil) == (s.DP.Mechanism.Sigma == nil) && (d.Mechanism.Sigma == nil || d.Mechanism.Sigma.Rat().Cmp(s.DP.Mechanism.Sigma.Rat()) == 0)
	if !same {
		have := "no DP"
		if s.DP != nil {
			have = s.DP.Describe()
		}
		return usageError{"the circuit was set up with " + have + ": the mechanism is fixed at fl setup (its table is in the circuit); drop --dp … here or set up again"}
	}
	return nil
}

// flDPExpect requires the verifier's seed commitment and coins and checks
// the proof's against them.
func flDPExpect(f *dpVerifyFlagSet, st *fl.Statement) error {
	if *f.commitment == "" || *f.coins == "" {
		return usageError{"this round adds DP noise: give --dp-commitment (the aggregator's published seed commitment) and --dp-coins (the coins you drew)"}
	}
	c := *f.commitment
	if !strings.HasPrefix(c, "0x") {
		v, err := dp.ReadCommitment(c)
		if err != nil {
			return fmt.Errorf("--dp-commitment: %w", err)
		}
		c = dp.FieldHex(v)
	}
	want, err := fl.ParseField(c)
	if err != nil {
		return usageError{"--dp-commitment: " + err.Error()}
	}
	b, err := dp.ParseCoins(*f.coins)
	if err != nil {
		return usageError{"--dp-coins: " + err.Error()}
	}
	// The proof is checked against the verifier's values: a proof of
	// other ones fails the pairing; these two lines only name the cause.
	if st.SeedCom == nil || st.SeedCom.Cmp(want) != 0 {
		return invalid(fmt.Errorf("%w: the noise comes from another seed commitment than --dp-commitment %s", fl.ErrInvalid, c))
	}
	if st.Coins == nil || st.Coins.Cmp(dp.CoinsValue(b)) != 0 {
		return invalid(fmt.Errorf("%w: the noise comes from other coins than --dp-coins", fl.ErrInvalid))
	}
	st.SeedCom, st.Coins = want, dp.CoinsValue(b)
	return nil
}

// flPublicModels reads both models for a circuit set up with
// --public-models: their `zkinfer commit` values must be the statement's
// (the previous one is --prev, checked by the caller), and their weights
// go to the statement for fl.Verify to recompute the proof's model
// commitments.
func flPublicModels(dir string, s fl.Shape, st *fl.Statement, prevModel, newModel string) error {
	if prevModel == "" || newModel == "" {
		return usageError{"this circuit binds public models: give --prev-model OLD.onnx and --model NEW.onnx"}
	}
	qs := quant.Default
	qs.ParamScale = s.ParamScale
	for i, m := range []struct {
		path string
		want *big.Int
		w    *[]int64
	}{{prevModel, st.Old, &st.OldW}, {newModel, st.New, &st.NewW}} {
		got, err := proof.ModelCommitment(m.path, qs, s.ParamBits, nil)
		if err != nil {
			return err
		}
		if got != fl.FieldHex(m.want) {
			return invalid(fmt.Errorf("%w: zkinfer commit gives %s %s, the proof's %s model %s", fl.ErrInvalid, m.path, got, [2]string{"previous", "new"}[i], fl.FieldHex(m.want)))
		}
		p, err := fl.LoadParams(m.path, s.ParamScale, s.ParamBits)
		if err != nil {
			return err
		}
		*m.w = p.Values
	}
	var err error
	st.ModelBases, err = fl.ReadModelBases(dir, s)
	return err
}
