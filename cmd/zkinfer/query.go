package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/consensys/gnark/backend/groth16"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/query"
)

func init() {
	commands = append(commands, []command{
		{"query", "QDIR --dataset DATA.json --commitment COMMITMENT.json (--count 'x[J] >= T' | --mean x[J] --clip LO,HI | --histogram x[J] --bins B1,B2,... | --model DIR --count 'score >= T') --epsilon E --dp-seed SEED --dp-coins HEX [--proof P]",
			"release a differentially private count, clipped mean or histogram over every record of a committed dataset, with a proof of its noise (docs/DP.md)", cmdQuery},
		{"query-verify", "QDIR --proof P --dataset-commitment COMMITMENT.json|0x… --dp-commitment DPCOMMIT.json|0x… --dp-coins HEX",
			"verify a DP release and print its statistic, mechanism, ε, δ and sensitivity in plain words", cmdQueryVerify},
	}...)
}

func cmdQuery(fs *flag.FlagSet, args []string) error {
	data := fs.String("dataset", "", "DATA.json: the records and their salt (zkinfer dataset commit --help)")
	commitPath := fs.String("commitment", "", "the published dataset commitment file: DATA.json must open it")
	salt := fs.String("salt", "", "hex salt of the dataset (default: DATA.json's \"salt\")")
	count := fs.String("count", "", "count the records with a predicate: 'x[J] OP VALUE' (feature J; OP >=, >, <=, <, ==, !=), 'label == K', or 'score OP VALUE' with --model")
	modelDir := fs.String("model", "", "--count 'score OP T' and --mean score: a compiled directory (zkinfer compile, weights fixed) whose model scores every record")
	mean := fs.String("mean", "", "the mean of a feature x[J], or of the model's score with --model, clipped to --clip (over one record: a DP release of one model output)")
	clip := fs.String("clip", "", "mean: LO,HI, the bounds every value is clipped to")
	hist := fs.String("histogram", "", "the count of records in each bin of a feature x[J] (--bins)")
	bins := fs.String("bins", "", "histogram: the increasing bin edges B1,B2,...: bins < B1, [B1, B2), ..., >= Bm")
	mech := fs.String("mechanism", "laplace", "the noise: laplace (discrete Laplace, ε-DP up to a δ of about 1e-18) or gaussian (discrete Gaussian, with --delta)")
	epsilon := fs.String("epsilon", "", "the privacy parameter ε of this release (a decimal, at most 20)")
	delta := fs.Float64("delta", 0, "gaussian: the δ to meet")
	sens := fs.Float64("sensitivity", 0, "the most one record moves the statistic (default the query's own: 1 for a count, (HI−LO)/N for a mean); only larger values are accepted; not for a histogram")
	seedPath := fs.String("dp-seed", "", "the secret seed file of zkinfer dp commit")
	coinsHex := fs.String("dp-coins", "", "the verifier's public coins for this release (hex, 16 to 64 bytes: zkinfer dp coins)")
	proofPath := fs.String("proof", "", "the proof file (default QDIR/proof.json)")
	sf := addStatementFlags(fs)
	pos, err := parse(fs, args, 1, "dataset", "commitment", "epsilon", "dp-seed", "dp-coins")
	if err != nil {
		return err
	}
	rc, say, err := sf.parse()
	if err != nil {
		return err
	}
	if n := btoi(*count != "") + btoi(*mean != "") + btoi(*hist != ""); n != 1 {
		return usageError{"give one of --count 'x[J] >= T', --mean x[J] --clip LO,HI and --histogram x[J] --bins B1,B2,..."}
	}
	if (*mean != "") != (*clip != "") {
		return usageError{"--mean and --clip go together"}
	}
	if (*hist != "") != (*bins != "") {
		return usageError{"--histogram and --bins go together"}
	}
	if *hist != "" && *sens != 0 {
		return usageError{"--sensitivity is not for a histogram: one record moves two bins by 1 each, and each bin gets ε/2"}
	}
	eps, err := dp.ParseDecimal(*epsilon, dp.MaxEpsilon)
	if err != nil {
		return usageError{"--epsilon: " + err.Error()}
	}
	kind := dp.Kind(*mech)
	switch {
	case kind != dp.Laplace && kind != dp.Gaussian:
		return usageError{"--mechanism is laplace or gaussian"}
	case kind == dp.Gaussian && !(*delta > 0 && *delta < 1):
		return usageError{"--mechanism gaussian needs --delta in (0, 1), such as 1e-6"}
	case kind == dp.Laplace && *delta != 0:
		return usageError{"--delta is for --mechanism gaussian (laplace's δ is what its table gives, about 1e-18)"}
	}
	coins, err := dp.ParseCoins(*coinsHex)
	if err != nil {
		return usageError{"--dp-coins: " + err.Error()}
	}
	seed, seedCm, err := dp.ReadSeed(*seedPath)
	if err != nil {
		return err
	}
	cf, err := audit.ReadCommitment(*commitPath)
	if err != nil {
		return err
	}
	df := datasetFlags{&cf.Scale, &cf.Bits, &cf.Classes}
	rs, err := readRecords(*data, *salt, df)
	if err != nil {
		return err
	}
	h, err := rs.Commitment()
	if err != nil {
		return err
	}
	if circuit.Hex(h) != cf.Commitment || fmt.Sprint(cf.Schema) != fmt.Sprint(rs.Schema) {
		return fmt.Errorf("%s does not open %s (commitment %s): a record, label, group value or the salt differs", *data, *commitPath, cf.Commitment)
	}
	var q query.Query
	var scorer *proof.Compiled
	scoreCount := strings.HasPrefix(strings.TrimSpace(*count), "score")
	scoreMean := strings.TrimSpace(*mean) == "score"
	if *modelDir != "" {
		if !scoreCount && !scoreMean {
			return usageError{"--model is for --count 'score OP VALUE' and --mean score"}
		}
		if scorer, err = proof.Open(*modelDir); err != nil {
			return err
		}
		if scorer.Settings.Visibility.Params != circuit.Fixed {
			return fmt.Errorf("%s's weights are %s: a score count takes a model whose weights are fixed in the circuit, so that the verifying key is the model (compile with --param-visibility fixed)", *modelDir, scorer.Settings.Visibility.Params)
		}
	}
	switch {
	case scorer != nil && scoreCount:
		q, err = query.ParseScoreCount(*count, &rs.Schema, scorer.Model, scorer.Settings.ModelSHA256)
	case scorer != nil:
		q, err = query.ParseScoreMean(*clip, &rs.Schema, scorer.Model, scorer.Settings.ModelSHA256)
	case scoreCount || scoreMean:
		return usageError{"a score needs --model DIR, the compiled model that scores the records"}
	case *count != "":
		q, err = query.ParseCount(*count, &rs.Schema)
	case *mean != "":
		q, err = query.ParseMean(*mean, *clip, &rs.Schema)
	default:
		q, err = query.ParseHistogram(*hist, *bins, &rs.Schema)
	}
	if err != nil {
		return usageError{err.Error()}
	}
	units, err := sensitivityUnits(&q, *sens)
	if err != nil {
		return usageError{"--sensitivity: " + err.Error()}
	}
	// A histogram's bins each get ε/k and δ/k (k = 2: one record moves two
	// bins), which compose to the release's ε and δ.
	eps = q.PerValueEpsilon(eps)
	var spec *query.Spec
	if kind == dp.Gaussian {
		m, err := dp.GaussianFor(eps, *delta/float64(q.Composition()), units)
		if err != nil {
			return err
		}
		spec, err = query.NewSpec(rs.Schema, q, kind, eps, units, m.Sigma)
		if err != nil {
			return err
		}
	} else if spec, err = query.NewSpec(rs.Schema, q, kind, eps, units, nil); err != nil {
		return err
	}
	if scorer != nil {
		spec.Model = scorer.Model
	}
	w := &query.Witness{Records: rs, Seed: seed, Coins: coins}
	if _, _, _, err := query.Release(spec, w); err != nil {
		return err
	}
	dir := pos[0]
	start := time.Now()
	say("building the query circuit: %d records, %s", rs.Schema.Records, q.Describe())
	cs, err := query.Compile(spec, rc)
	if err != nil {
		return err
	}
	sha, err := audit.CircuitSHA256(cs)
	if err != nil {
		return err
	}
	say("%d constraints in %.1fs", cs.GetNbConstraints(), time.Since(start).Seconds())
	st, err := query.ReadStatement(dir)
	cached := err == nil && st.CircuitSHA == sha
	pk, err := statementKeys(dir, cached, cs, say, func(pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
		var err error
		if st, err = query.NewStatement(spec, rc, cs, sha); err != nil {
			return err
		}
		return query.WriteDir(dir, st, cs, pk, vk)
	}, "zkinfer query", "docs/DP.md")
	if err != nil {
		return err
	}
	say("proving")
	t := time.Now()
	raw, pub, err := query.Prove(spec, cs, pk, w)
	if err != nil {
		return err
	}
	say("proved in %.1fs", time.Since(t).Seconds())
	pf := query.NewProofFile(st, raw, pub)
	pp, err := writeStatementProof(*proofPath, dir, pf)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "released: %s; wrote %s (verify: zkinfer query-verify %s --proof %s --dataset-commitment %s --dp-commitment %s --dp-coins %s)\n",
		pf.Statement, pp, dir, pp, *commitPath, dp.FieldHex(seedCm), hex.EncodeToString(coins))
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sensitivityUnits is --sensitivity in the statistic's lattice units: a
// count's in records (an integer), a mean's in the mean's units, times N
// for the sum, over the lattice's step; 0 is the query's own.
func sensitivityUnits(q *query.Query, s float64) (int64, error) {
	if s == 0 {
		return q.Sensitivity(), nil
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return 0, fmt.Errorf("%v is not a positive number", s)
	}
	var u float64
	if q.Kind == query.Count {
		if s != math.Trunc(s) {
			return 0, fmt.Errorf("a count's sensitivity is a whole number of records, not %v", s)
		}
		u = s
	} else {
		u = math.Ceil(s * float64(q.N) * math.Ldexp(1, q.Scale-q.Shift))
	}
	if u < float64(q.Sensitivity()) {
		return 0, fmt.Errorf("%v is below the query's own sensitivity: one record can move it by more", s)
	}
	if u > dp.MaxSensitivity {
		return 0, fmt.Errorf("%v is %v lattice units, more than %d", s, u, dp.MaxSensitivity)
	}
	return int64(u), nil
}

func cmdQueryVerify(fs *flag.FlagSet, args []string) error {
	proofPath := fs.String("proof", "", "the proof file (default QDIR/proof.json)")
	dataset := fs.String("dataset-commitment", "", "the published dataset commitment: a commitment file or 0x…")
	seedCm := fs.String("dp-commitment", "", "the prover's published seed commitment: the file of zkinfer dp commit --out, or 0x…")
	coinsHex := fs.String("dp-coins", "", "the coins this verifier drew for the release (hex)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	var opt query.VerifyOptions
	if *coinsHex != "" {
		if opt.Coins, err = dp.ParseCoins(*coinsHex); err != nil {
			return usageError{"--dp-coins: " + err.Error()}
		}
	}
	st, err := query.ReadStatement(pos[0])
	if err != nil {
		return err
	}
	if want := *dataset; want != "" {
		if !strings.HasPrefix(want, "0x") {
			cf, err := audit.ReadCommitment(want)
			if err != nil {
				return err
			}
			if fmt.Sprint(cf.Schema) != fmt.Sprint(st.Schema) {
				return invalid(fmt.Errorf("INVALID: the release is about records of schema %+v, %s commits to %+v", st.Schema, want, cf.Schema))
			}
			want = cf.Commitment
		}
		opt.Dataset = want
	}
	if want := *seedCm; want != "" {
		if !strings.HasPrefix(want, "0x") {
			v, err := dp.ReadCommitment(want)
			if err != nil {
				return err
			}
			want = dp.FieldHex(v)
		}
		opt.Seed = want
	}
	p, err := readStatementProof(*proofPath, pos[0], query.ReadProof)
	if err != nil {
		return err
	}
	st, err = query.VerifyFile(pos[0], p, opt)
	if errors.Is(err, query.ErrInvalid) {
		return invalid(fmt.Errorf("INVALID: %w", err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified: %s\n", st.Describe(p))
	for _, w := range []struct {
		missing bool
		what    string
	}{
		{opt.Dataset == "", fmt.Sprintf("the dataset commitment %s was not compared with a published one (--dataset-commitment)", p.Dataset)},
		{opt.Seed == "", fmt.Sprintf("the seed commitment %s was not compared with the one the prover published before the coins (--dp-commitment): a prover who picks the seed after the coins picks the noise", p.Seed)},
		{opt.Coins == nil, fmt.Sprintf("the coins %s were not compared with the ones drawn for this release (--dp-coins): a replayed release or coins the prover chose would pass", p.Coins)},
	} {
		if w.missing {
			fmt.Fprintf(stderr, "zkinfer query-verify: warning: %s\n", w.what)
		}
	}
	return nil
}
