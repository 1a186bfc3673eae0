package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/fl"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

func init() {
	commands = append(commands, command{"fl", "setup | commit | aggregate | verify",
		"verifiable federated aggregation: FedAvg with L2 clipping over committed client updates (docs/FEDERATED.md)", cmdFL})
}

// droppedSlot stands for a client that dropped out of the round, in fl
// aggregate's --updates and --openings and fl verify's --commitments.
const droppedSlot = "-"

const flUsage = `usage: zkinfer fl setup --model GLOBAL.onnx --clients K --out DIR [--ceremony] [--dp gaussian|laplace --epsilon E [--delta D] --sensitivity S [--dp-tensors T1,T2,…]]   (once per model architecture and K)
       zkinfer fl commit UPDATE --model GLOBAL.onnx --key DIR --slot k --round R --out C.json --opening O.json   (each client)
       zkinfer fl aggregate DIR --model GLOBAL.onnx --round R --updates U0,U1,… --openings O0,O1,… --weights a0,a1,… --clip C --out NEW.onnx --proof P.json [--dp-seed SEED --dp-coins HEX [--dp … as set up]]
       zkinfer fl verify DIR --proof P.json --commitments C0,C1,… --prev OLD_COMMITMENT [--round R] [--clip C] [--model-commitment NEW] [--dp-commitment DPCOMMIT --dp-coins HEX] [--prev-model OLD.onnx --model NEW.onnx]
       a client that dropped out: - as its update, opening and commitment, and weight 0 (docs/FEDERATED.md)
       zkinfer fl account DIR --rounds R [--delta D]   (DP: the privacy of R rounds together)`

func cmdFL(fs *flag.FlagSet, args []string) error {
	for len(args) > 0 && (args[0] == "--quiet" || args[0] == "-quiet") {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprintln(stderr, flUsage)
			return usageError{"give a subcommand (setup, commit, aggregate, verify, account)"}
		}
		fmt.Fprintln(stdout, flUsage)
		return nil
	}
	subs := map[string]struct {
		args string
		run  func(*flag.FlagSet, []string) error
	}{
		"setup":     {"--model GLOBAL.onnx --clients K --out DIR", cmdFLSetup},
		"commit":    {"UPDATE --model GLOBAL.onnx --key DIR --slot k --round R --out C.json --opening O.json", cmdFLCommit},
		"aggregate": {"DIR --model GLOBAL.onnx --round R --updates … --openings … --weights … --clip C --out NEW.onnx --proof P.json", cmdFLAggregate},
		"verify":    {"DIR --proof P.json --commitments … --prev OLD_COMMITMENT", cmdFLVerify},
		"account":   {"DIR --rounds R [--delta D]", cmdFLAccount},
	}
	sub, ok := subs[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown subcommand %.40q (setup, commit, aggregate, verify, account)", args[0])}
	}
	sfs := flag.NewFlagSet("fl "+args[0], flag.ContinueOnError)
	sfs.SetOutput(io.Discard)
	err := sub.run(sfs, args[1:])
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stdout, "usage: zkinfer fl %s %s\n", args[0], sub.args)
		printFlags(stdout, sfs)
		return nil
	case errors.As(err, &ue):
		return subUsageError{ue, "fl " + args[0] + " " + sub.args}
	}
	return err
}

// flProgress reports on stderr unless --quiet.
func flProgress(q *bool) func(string, ...any) {
	return func(format string, a ...any) {
		if !*q {
			fmt.Fprintf(stderr, format+"\n", a...)
		}
	}
}

func cmdFLSetup(fs *flag.FlagSet, args []string) error {
	modelPath := fs.String("model", "", "the global model (ONNX): its weights' count and order")
	clients := fs.Int("clients", 0, "number of clients K a round aggregates")
	out := fs.String("out", "", "directory to write the circuit, keys and clients' bases into")
	paramScale := fs.Int("param-scale", quant.Default.ParamScale, "fixed-point exponent of the weights (as given to compile)")
	paramBits := fs.Int("param-bits", model.DefaultParamBits, "signed bit width of each quantized weight (as given to compile and commit)")
	updateBits := fs.Int("update-bits", model.DefaultParamBits, "signed bit width of each quantized update value")
	dpf := flDPFlags(fs)
	forCeremony := fs.Bool("ceremony", false, "write the circuit without keys: they come from a multi-party ceremony run on DIR (zkinfer ceremony …: docs/FEDERATED.md), not from this process")
	public := fs.Bool("public-models", false, "bind the previous and the new model by commitments the verifier recomputes from both ONNX files, instead of Poseidon2 in the circuit (45% fewer constraints; verifiers then need both models: docs/FEDERATED.md)")
	report := flProgress(fs.Bool("quiet", false, "no progress on stderr"))
	if _, err := parse(fs, args, 0, "model", "clients", "out"); err != nil {
		return err
	}
	p, err := fl.LoadParams(*modelPath, *paramScale, *paramBits)
	if err != nil {
		return err
	}
	s := fl.Shape{Clients: *clients, Params: len(p.Values), ParamBits: *paramBits, ParamScale: *paramScale, UpdateBits: *updateBits}
	if s.DP, err = dpf.shape(p, *paramScale); err != nil {
		return err
	}
	s.PublicModels = *public
	if err := s.Check(); err != nil {
		return usageError{err.Error()}
	}
	t0 := time.Now()
	ccs, err := fl.Compile(s)
	if err != nil {
		return err
	}
	report("compiled the aggregation circuit for %d clients × %d parameters: %d constraints (%v)", s.Clients, s.Params, ccs.GetNbConstraints(), time.Since(t0).Round(time.Millisecond))
	if s.DP != nil {
		report("DP-FedAvg: %s", s.DP.Describe())
	}
	if *forCeremony {
		if err := fl.WriteCircuit(*out, s, ccs); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote the aggregation circuit (%d constraints, size 2^%d) to %s without keys: run its ceremony (zkinfer ceremony phase2 %s --prepared FILE, each participant ceremony contribute … --dir %s, ceremony finalize STATE %s --no-beacon --prepared FILE), then give clients %s and %s, verifiers %s and %s\n",
			ccs.GetNbConstraints(), bits.TrailingZeros64(ecc.NextPowerOfTwo(uint64(ccs.GetNbConstraints()))), *out, *out, *out, *out, fl.ShapeFile, fl.ClientsKeyFile, fl.ShapeFile, fl.VKFile)
		return nil
	}
	t0 = time.Now()
	keys, err := fl.Setup(s, ccs)
	if err != nil {
		return err
	}
	if err := fl.WriteDir(*out, s, ccs, keys); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "set up %s (%v, development setup: see docs/FEDERATED.md): give clients %s and %s, verifiers %s and %s\n", *out, time.Since(t0).Round(time.Millisecond), fl.ShapeFile, fl.ClientsKeyFile, fl.ShapeFile, fl.VKFile)
	return nil
}

func cmdFLCommit(fs *flag.FlagSet, args []string) error {
	modelPath := fs.String("model", "", "the global model (ONNX) the update was trained from")
	dir := fs.String("key", "", "the set-up directory (its fl.json and clients.key suffice)")
	slot := fs.Int("slot", -1, "this client's slot k in the round, from 0")
	round := fs.Uint64("round", 0, "the round number")
	out := fs.String("out", "", "the commitment to publish (JSON)")
	opening := fs.String("opening", "", "the opening to hand the aggregator with the update (JSON, secret)")
	pos, err := parse(fs, args, 1, "model", "key", "slot", "round", "out", "opening")
	if err != nil {
		return err
	}
	s, err := fl.ReadShape(*dir)
	if err != nil {
		return err
	}
	base, err := fl.LoadParams(*modelPath, s.ParamScale, s.ParamBits)
	if err != nil {
		return err
	}
	if len(base.Values) != s.Params {
		return fmt.Errorf("%s has %d weights, the circuit in %s %d: give the round's global model", *modelPath, len(base.Values), *dir, s.Params)
	}
	u, err := fl.LoadUpdate(pos[0], base, s.ParamScale, s.ParamBits)
	if err != nil {
		return err
	}
	basis, err := fl.ReadClientBasis(*dir, s, *slot)
	if err != nil {
		return err
	}
	salt, err := rand.Int(rand.Reader, ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	t0 := time.Now()
	p, err := fl.ClientCommitment(basis, s.UpdateBits, *round, salt, u)
	if err != nil {
		return err
	}
	cm := fl.PointHex(&p)
	ob, _ := json.MarshalIndent(fl.OpeningFile{Format: fl.OpeningFormat, Round: *round, Slot: *slot, Salt: fl.FieldHex(salt)}, "", "  ")
	cb, _ := json.MarshalIndent(fl.CommitmentFile{Format: fl.CommitmentFormat, Round: *round, Slot: *slot, Commitment: cm}, "", "  ")
	if err := writeSecret(*opening, append(ob, '\n')); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, append(cb, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "committed the update of slot %d for round %d (%d values, %v): publish %s; hand %s (secret) and the update to the aggregator\n", *slot, *round, len(u), time.Since(t0).Round(time.Millisecond), *out, *opening)
	return nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func readFLJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s is not valid JSON: %v", path, err)
	}
	return nil
}

func cmdFLAggregate(fs *flag.FlagSet, args []string) error {
	modelPath := fs.String("model", "", "the previous global model (ONNX)")
	round := fs.Uint64("round", 0, "the round number (the clients' commitments bind it)")
	updates := fs.String("updates", "", "the clients' updates in slot order, comma-separated (ONNX or delta JSON); "+droppedSlot+" for a client that dropped out (weight 0)")
	openings := fs.String("openings", "", "the clients' openings (fl commit --opening), in the same order ("+droppedSlot+" for a dropped client)")
	weightsFlag := fs.String("weights", "", "the clients' weights (sample counts), comma-separated; default equal (0 for a dropped client)")
	clip := fs.Float64("clip", 0, "the L2 bound C every update is clipped to (real units of the weights)")
	out := fs.String("out", "", "the aggregated model to write (ONNX)")
	proofPath := fs.String("proof", "", "the proof to write (JSON)")
	oldSalt := fs.String("salt", "", "hex salt of the previous model's commitment (commit --salt)")
	newSalt := fs.String("new-salt", "", "hex salt of the new model's commitment")
	dpw := dpProveFlags(fs)
	dpf := flDPFlags(fs) // optional: checked against the set-up mechanism
	report := flProgress(fs.Bool("quiet", false, "no progress on stderr"))
	pos, err := parse(fs, args, 1, "model", "round", "updates", "openings", "clip", "out", "proof")
	if err != nil {
		return err
	}
	dir := pos[0]
	s, err := fl.ReadShape(dir)
	if err != nil {
		return err
	}
	ups, ops := splitList(*updates), splitList(*openings)
	if len(ups) != s.Clients || len(ops) != s.Clients {
		return usageError{fmt.Sprintf("%d updates and %d openings for a circuit of %d clients: give one of each per slot, in slot order", len(ups), len(ops), s.Clients)}
	}
	counts, err := parseCounts(*weightsFlag, s.Clients)
	if err != nil {
		return err
	}
	if counts == nil {
		counts = make([]int64, s.Clients)
		for k := range counts {
			counts[k] = 1
		}
	}
	dropped := 0
	for k := range ups {
		switch d := ups[k] == droppedSlot; {
		case d != (ops[k] == droppedSlot):
			return usageError{fmt.Sprintf("slot %d: give %s as both its update and its opening when the client dropped out, or neither", k, droppedSlot)}
		case d && *weightsFlag != "" && counts[k] != 0:
			return usageError{fmt.Sprintf("slot %d dropped out: its weight must be 0, not %d", k, counts[k])}
		case d:
			counts[k] = 0
			dropped++
		}
	}
	if dropped == s.Clients {
		return usageError{"every client dropped out: nothing to aggregate"}
	}
	cq := math.Round(math.Ldexp(*clip, s.ParamScale))
	if !(*clip > 0) || cq >= 1<<39 {
		return usageError{fmt.Sprintf("--clip %v: give a positive L2 bound below 2^%d", *clip, 39-s.ParamScale)}
	}
	r := &fl.Round{Number: *round, Clip: int64(cq)}
	if r.Weights, err = fl.Weights(counts); err != nil {
		return usageError{err.Error()}
	}
	if r.OldSalt, err = circuit.ParseSalt(*oldSalt); err != nil {
		return fmt.Errorf("--salt: %w", err)
	}
	if r.NewSalt, err = circuit.ParseSalt(*newSalt); err != nil {
		return fmt.Errorf("--new-salt: %w", err)
	}
	if s.PublicModels && (r.OldSalt.Sign() != 0 || r.NewSalt.Sign() != 0) {
		return usageError{"the circuit binds public models, which verifiers recompute without salts: drop --salt and --new-salt"}
	}
	var coins []byte
	switch w, err := dpw.witness(); {
	case err != nil:
		return err
	case (w != nil) != (s.DP != nil):
		return usageError{fmt.Sprintf("%s was set up with DP: %v; give --dp-seed and --dp-coins exactly when it has DP", dir, s.DP != nil)}
	case w != nil:
		r.DPSeed, r.DPCoins, coins = w.Seed, dp.CoinsValue(w.Coins), w.Coins
		if s.PublicModels { // the noise key binds the previous model's commitment
			mb, err := fl.ReadModelBases(dir, s)
			if err != nil {
				return err
			}
			r.OldBasis = mb[0]
		}
	}
	base, err := fl.LoadParams(*modelPath, s.ParamScale, s.ParamBits)
	if err != nil {
		return err
	}
	if len(base.Values) != s.Params {
		return fmt.Errorf("%s has %d weights, the circuit in %s %d: give the round's global model", *modelPath, len(base.Values), dir, s.Params)
	}
	r.Old = base.Values
	if err := dpf.matches(base, s); err != nil {
		return err
	}
	for k := range ups {
		if ups[k] == droppedSlot {
			// The slot holds the aggregator's own commitment to a zero
			// update, with weight 0: it adds nothing, and the statement
			// shows it (fl verify takes the proof's point for the slot).
			salt, err := rand.Int(rand.Reader, ecc.BN254.ScalarField())
			if err != nil {
				return err
			}
			r.Updates, r.Salts = append(r.Updates, make([]int64, s.Params)), append(r.Salts, salt)
			continue
		}
		u, err := fl.LoadUpdate(ups[k], base, s.ParamScale, s.ParamBits)
		if err != nil {
			return err
		}
		var o fl.OpeningFile
		if err := readFLJSON(ops[k], &o); err != nil {
			return err
		}
		if o.Format != fl.OpeningFormat || o.Slot != k || o.Round != *round {
			return fmt.Errorf("%s is the opening of slot %d, round %d, not slot %d of round %d: give the openings in slot order", ops[k], o.Slot, o.Round, k, *round)
		}
		salt, err := fl.ParseField(o.Salt)
		if err != nil {
			return fmt.Errorf("%s: %w", ops[k], err)
		}
		r.Updates, r.Salts = append(r.Updates, u), append(r.Salts, salt)
	}
	res, err := fl.Aggregate(s, r)
	if err != nil {
		return err
	}
	if err := fl.WriteModel(*modelPath, *out, base, res.New, s.ParamScale, s.ParamBits, r.NewSalt, res.NewCom); err != nil {
		return err
	}
	t0 := time.Now()
	ccs, err := fl.ReadCircuit(dir)
	if err != nil {
		return err
	}
	report("read the circuit (%v)", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	prf, err := fl.ProveFile(s, ccs, filepath.Join(dir, fl.PKFile), r, res, proof.Progress(report))
	if err != nil {
		return err
	}
	st := &fl.Statement{Round: r.Number, Clip: r.Clip, Weights: r.Weights, Old: res.OldCom, New: res.NewCom, Clients: prf.Commitments[:s.Clients]}
	if s.DP != nil {
		st.SeedCom, st.Coins = dp.SeedCommitment(r.DPSeed), r.DPCoins
	}
	pf, err := fl.EncodeProof(prf, st, coins)
	if err != nil {
		return err
	}
	pb, _ := json.MarshalIndent(pf, "", "  ")
	if err := atomicfile.WriteFile(*proofPath, append(pb, '\n')); err != nil {
		return err
	}
	clipped := 0
	norms := make([]string, s.Clients)
	for k, f := range res.Factors {
		if f < 1<<fl.FactorBits {
			clipped++
		}
		n, _ := new(big.Float).SetInt(res.Norms[k]).Float64()
		norms[k] = strconv.FormatFloat(math.Ldexp(math.Sqrt(n), -s.ParamScale), 'f', 3, 64)
	}
	report("update norms (L2): %s", strings.Join(norms, ", "))
	gone := ""
	if dropped > 0 {
		gone = fmt.Sprintf(", %d dropped out", dropped)
	}
	fmt.Fprintf(stdout, "aggregated round %d: %d clients (%d clipped to L2 ≤ %v%s), wrote %s with commitment %s and %s (proved in %v)\n", *round, s.Clients-dropped, clipped, *clip, gone, *out, pf.New, *proofPath, time.Since(t0).Round(time.Millisecond))
	return nil
}

func cmdFLVerify(fs *flag.FlagSet, args []string) error {
	proofPath := fs.String("proof", "", "the aggregation proof (fl aggregate --proof)")
	commitments := fs.String("commitments", "", "the clients' published commitments (fl commit --out), comma-separated, in slot order")
	prev := fs.String("prev", "", "the previous global model's commitment (zkinfer commit of its ONNX file)")
	round := fs.Int64("round", -1, "the round the proof must be of")
	newCom := fs.String("model-commitment", "", "the commitment the aggregated model must have")
	clip := fs.Float64("clip", 0, "the L2 bound the round must have clipped to (real units; the proof's is printed either way)")
	weightsFlag := fs.String("weights", "", "the clients' weights (sample counts) the round must have used, comma-separated (0 for a client that dropped out; the proof's are printed either way)")
	dpv := dpVerifyFlags(fs)
	prevModel := fs.String("prev-model", "", "with public models: the previous global model (ONNX); its commitment must be --prev")
	newModel := fs.String("model", "", "with public models: the aggregated model (ONNX); its commitment must be the proof's")
	pos, err := parse(fs, args, 1, "proof", "commitments", "prev")
	if err != nil {
		return err
	}
	s, err := fl.ReadShape(pos[0])
	if err != nil {
		return err
	}
	vk, err := fl.ReadVerifyingKey(pos[0])
	if err != nil {
		return err
	}
	var pf fl.ProofFile
	if err := readFLJSON(*proofPath, &pf); err != nil {
		return err
	}
	prf, st, err := pf.Decode()
	if err != nil {
		return err
	}
	want, err := fl.ParseField(*prev)
	if err != nil {
		return usageError{"--prev: " + err.Error()}
	}
	if st.Old.Cmp(want) != 0 {
		return invalid(fmt.Errorf("%w: the proof aggregates from the model with commitment %s, not --prev %s", fl.ErrInvalid, pf.Old, fl.FieldHex(want)))
	}
	if *round >= 0 && st.Round != uint64(*round) {
		return invalid(fmt.Errorf("%w: the proof is of round %d, not %d", fl.ErrInvalid, st.Round, *round))
	}
	if *newCom != "" {
		nc, err := fl.ParseField(*newCom)
		if err != nil {
			return usageError{"--model-commitment: " + err.Error()}
		}
		if nc.Cmp(st.New) != 0 {
			return invalid(fmt.Errorf("%w: the aggregated model's commitment is %s, not %s", fl.ErrInvalid, pf.New, *newCom))
		}
	}
	if *clip != 0 && math.Round(math.Ldexp(*clip, s.ParamScale)) != float64(st.Clip) {
		return invalid(fmt.Errorf("%w: the proof clips to L2 ≤ %v, not --clip %v", fl.ErrInvalid, quant.Dequantize(st.Clip, s.ParamScale), *clip))
	}
	if counts, err := parseCounts(*weightsFlag, s.Clients); err != nil {
		return err
	} else if counts != nil {
		want, err := fl.Weights(counts)
		if err != nil {
			return usageError{"--weights: " + err.Error()}
		}
		if !slices.Equal(want, st.Weights) {
			return invalid(fmt.Errorf("%w: the proof weighs the clients %v (units of 2^-%d), --weights %s gives %v", fl.ErrInvalid, st.Weights, fl.WeightBits, *weightsFlag, want))
		}
	}
	if s.DP != nil {
		if err := flDPExpect(dpv, st); err != nil {
			return err
		}
	}
	if s.PublicModels {
		if err := flPublicModels(pos[0], s, st, *prevModel, *newModel); err != nil {
			return err
		}
	} else if *prevModel != "" || *newModel != "" {
		return usageError{"--prev-model and --model are for a circuit set up with --public-models"}
	}
	cs := splitList(*commitments)
	st.Clients, st.Dropped = nil, make([]bool, len(cs))
	var dropped []string
	for k, path := range cs {
		if path == droppedSlot { // fl.Verify requires the slot to weigh 0
			st.Clients, st.Dropped[k] = append(st.Clients, fl.Point{}), true
			dropped = append(dropped, strconv.Itoa(k))
			continue
		}
		var c fl.CommitmentFile
		if err := readFLJSON(path, &c); err != nil {
			return err
		}
		if c.Format != fl.CommitmentFormat {
			return fmt.Errorf("%s is not an fl commitment file (format %q)", path, c.Format)
		}
		if c.Slot != k || c.Round != st.Round {
			return invalid(fmt.Errorf("%w: %s is the commitment of slot %d in round %d, given as slot %d of round %d", fl.ErrInvalid, path, c.Slot, c.Round, k, st.Round))
		}
		p, err := fl.ParsePoint(c.Commitment)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		st.Clients = append(st.Clients, p)
	}
	if err := fl.Verify(s, vk, prf, st); err != nil {
		if errors.Is(err, fl.ErrInvalid) {
			return invalid(err)
		}
		return err
	}
	ws := make([]string, len(st.Weights))
	for k, w := range st.Weights {
		ws[k] = strconv.FormatFloat(float64(w)/(1<<fl.WeightBits), 'f', 5, 64)
	}
	fmt.Fprintf(stdout, "verified: round %d: the model with commitment %s is the previous model %s plus the weighted average (weights %s) of the %d committed client updates, each clipped to L2 norm ≤ %v, rounded to 2^-%d\n",
		st.Round, pf.New, pf.Old, strings.Join(ws, ", "), s.Clients-len(dropped), quant.Dequantize(st.Clip, s.ParamScale), s.ParamScale)
	if len(dropped) > 0 {
		fmt.Fprintf(stdout, "  slot(s) %s dropped out: weight 0, their commitments the aggregator's\n", strings.Join(dropped, ", "))
	}
	if s.DP != nil {
		fmt.Fprintf(stdout, "  with DP-FedAvg noise from the seed committed as %s and your coins: %s\n", pf.DPCommitment, s.DP.Describe())
	}
	if r, err := fl.ReadSetup(pos[0]); err == nil {
		check := ""
		if r.Kind == fl.SetupCeremony {
			check = " (whoever has not checked the ceremony: zkinfer ceremony verify STATE… --dir " + pos[0] + ")"
		}
		fmt.Fprintf(stdout, "trust: %s%s\n", r.Trust(), check)
	}
	return nil
}

// cmdFLAccount composes R rounds of a DP circuit's releases: a client
// takes part in every round, so its data's privacy is that of all of them
// together (fl.DPShape.Composed).
func cmdFLAccount(fs *flag.FlagSet, args []string) error {
	rounds := fs.Int("rounds", 0, "the number of rounds a client takes part in")
	delta := fs.Float64("delta", 0, "the δ to account at (default: the round's own δ for the Gaussian, none for the Laplace)")
	pos, err := parse(fs, args, 1, "rounds")
	if err != nil {
		return err
	}
	if *rounds < 1 {
		return usageError{fmt.Sprintf("--rounds %d: give at least 1", *rounds)}
	}
	s, err := fl.ReadShape(pos[0])
	if err != nil {
		return err
	}
	if s.DP == nil {
		return usageError{pos[0] + " was set up without DP (fl setup --dp): its rounds add no noise, there is no privacy to account"}
	}
	eps, d, err := s.DP.Composed(*rounds, *delta)
	if err != nil {
		return usageError{err.Error()}
	}
	fmt.Fprintf(stdout, "%d rounds together are (ε = %.4g, δ = %.3g)-DP for one client's updates replaced in every round (zCDP composition: docs/FEDERATED.md); one round: %s\n", *rounds, eps, d, s.DP.Describe())
	return nil
}

// parseCounts parses --weights, the clients' sample counts in slot order
// (nil when not given).
func parseCounts(list string, n int) ([]int64, error) {
	ws := splitList(list)
	if ws == nil {
		return nil, nil
	}
	if len(ws) != n {
		return nil, usageError{fmt.Sprintf("--weights: %d weights for %d clients", len(ws), n)}
	}
	counts := make([]int64, n)
	for k, w := range ws {
		c, err := strconv.ParseInt(strings.TrimSpace(w), 10, 64)
		if err != nil || c < 0 {
			return nil, usageError{fmt.Sprintf("--weights: %q is not a nonnegative integer", w)}
		}
		counts[k] = c
	}
	return counts, nil
}
