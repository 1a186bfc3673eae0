// Command recursion measures what aggregating segment proofs by recursion
// would cost: the constraints of gnark's in-circuit Groth16 verifier
// (std/recursion/groth16) for proofs shaped like zkinfer's segment proofs
// (K public inputs and one Pedersen commitment, as the lookup range checks
// make), and the time to compile, set up and prove the outer circuit.
//
// Two ways are measured:
//
//   - bn254: a BN254 proof verified inside a BN254 circuit, the pairing in
//     emulated (non-native) field arithmetic: what folding zkinfer's
//     current segment proofs into one proof for the EVM would need.
//   - bw6: a BLS12-377 proof verified inside a BW6-761 circuit natively
//     (the 2-chain), whose BW6-761 proof a BN254 circuit would then have
//     to verify, emulated, for the EVM.
//
// Each outer circuit verifies N inner proofs of one inner circuit (its
// verifying key a witness, as a folding circuit over segments with
// different keys would take it); N = 1 and 2 give the cost per proof.
// It prints one JSON line per measurement:
//
//	go build -o /tmp/recursion ./bench/recursion
//	/tmp/recursion -curves bn254,bw6 -k 3 -n 1,2          # compile only
//	/tmp/recursion -curves bw6 -k 3 -n 1 -prove            # also setup and prove
//
// It is not part of make test: the emulated BN254 verifier compiles for
// minutes and several GB.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra"
	"github.com/consensys/gnark/std/algebra/emulated/sw_bn254"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"
	"github.com/consensys/gnark/std/math/emulated"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"
)

// inner stands in for a segment's circuit: K public inputs (boundary
// commitments, outputs, the context) and one commitment, as zkinfer's
// lookup range checks make. What the in-circuit verifier costs depends
// only on these two numbers, not on the circuit's size.
type inner struct {
	Pub    []frontend.Variable `gnark:",public"`
	Secret frontend.Variable
}

func (c *inner) Define(api frontend.API) error {
	acc := c.Secret
	for _, p := range c.Pub {
		acc = api.Mul(acc, p)
	}
	cm, err := api.(frontend.Committer).Commit(acc, c.Secret)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, 0)
	return nil
}

// outer verifies N proofs of the inner circuit.
type outer[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT] struct {
	Proofs    []stdgroth16.Proof[G1, G2]
	Keys      []stdgroth16.VerifyingKey[G1, G2, GT]
	Witnesses []stdgroth16.Witness[FR]
}

func (c *outer[FR, G1, G2, GT]) Define(api frontend.API) error {
	v, err := stdgroth16.NewVerifier[FR, G1, G2, GT](api)
	if err != nil {
		return err
	}
	for i := range c.Proofs {
		if err := v.AssertProof(c.Keys[i], c.Proofs[i], c.Witnesses[i]); err != nil {
			return err
		}
	}
	return nil
}

// result is one JSON line.
type result struct {
	Outer       string  `json:"outer"` // the outer circuit's curve
	Inner       string  `json:"inner"` // the verified proofs' curve
	K           int     `json:"k"`     // public inputs of each inner proof
	N           int     `json:"n"`     // inner proofs verified
	Constraints int     `json:"constraints"`
	CompileS    float64 `json:"compile_s"`
	SetupS      float64 `json:"setup_s,omitempty"`
	ProveS      float64 `json:"prove_s,omitempty"`
	ProveCPUS   float64 `json:"prove_cpu_s,omitempty"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	Verified    bool    `json:"verified,omitempty"`
	GOMAXPROCS  int     `json:"gomaxprocs"`
	Load        string  `json:"load"`
}

func main() {
	curves := flag.String("curves", "bn254,bw6", "bn254 (BN254 in BN254, emulated), bw6 (BLS12-377 in BW6-761, native)")
	ks := flag.String("k", "3", "public inputs of each inner proof, comma-separated")
	ns := flag.String("n", "1,2", "inner proofs per outer circuit, comma-separated")
	prove := flag.Bool("prove", false, "also set up and prove the outer circuit (with real inner proofs) and verify it")
	flag.Parse()
	for _, curve := range strings.Split(*curves, ",") {
		for _, k := range ints(*ks) {
			for _, n := range ints(*ns) {
				var r *result
				var err error
				switch curve {
				case "bn254":
					r, err = measure[sw_bn254.ScalarField, sw_bn254.G1Affine, sw_bn254.G2Affine, sw_bn254.GTEl]("bn254", "bn254", ecc.BN254.ScalarField(), ecc.BN254.ScalarField(), k, n, *prove)
				case "bw6":
					r, err = measure[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT]("bw6-761", "bls12-377", ecc.BW6_761.ScalarField(), ecc.BLS12_377.ScalarField(), k, n, *prove)
				default:
					err = fmt.Errorf("unknown -curves entry %q (bn254, bw6)", curve)
				}
				if err != nil {
					fmt.Fprintf(os.Stderr, "recursion: %s k=%d n=%d: %v\n", curve, k, n, err)
					os.Exit(1)
				}
				b, _ := json.Marshal(r)
				fmt.Println(string(b))
			}
		}
	}
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "recursion: %q is not a positive integer\n", f)
			os.Exit(2)
		}
		out = append(out, v)
	}
	return out
}

// measure compiles (and with prove, sets up and proves) the outer circuit
// over outerField verifying n proofs over innerField with k public inputs.
func measure[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](
	outerName, innerName string, outerField, innerField *big.Int, k, n int, prove bool) (*result, error) {
	r := &result{Outer: outerName, Inner: innerName, K: k, N: n, GOMAXPROCS: runtime.GOMAXPROCS(0), Load: load()}
	innerCcs, err := frontend.Compile(innerField, r1cs.NewBuilder, &inner{Pub: make([]frontend.Variable, k)})
	if err != nil {
		return nil, fmt.Errorf("inner: %w", err)
	}
	circuit := &outer[FR, G1, G2, GT]{}
	for range n {
		circuit.Proofs = append(circuit.Proofs, stdgroth16.PlaceholderProof[G1, G2](innerCcs))
		circuit.Keys = append(circuit.Keys, stdgroth16.PlaceholderVerifyingKey[G1, G2, GT](innerCcs))
		circuit.Witnesses = append(circuit.Witnesses, stdgroth16.PlaceholderWitness[FR](innerCcs))
	}
	start := time.Now()
	ccs, err := frontend.Compile(outerField, r1cs.NewBuilder, circuit)
	if err != nil {
		return nil, fmt.Errorf("outer: %w", err)
	}
	r.CompileS, r.Constraints = time.Since(start).Seconds(), ccs.GetNbConstraints()
	if prove {
		if err := proveOuter[FR, G1, G2, GT](r, innerCcs, ccs, outerField, innerField, k, n); err != nil {
			return nil, err
		}
	}
	r.PeakRSSMB = peakRSS()
	return r, nil
}

// proveOuter makes n real inner proofs, then sets up, proves and verifies
// the outer circuit.
func proveOuter[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](
	r *result, innerCcs, ccs constraint.ConstraintSystem, outerField, innerField *big.Int, k, n int) error {
	ipk, ivk, err := groth16.Setup(innerCcs)
	if err != nil {
		return err
	}
	assign := &outer[FR, G1, G2, GT]{}
	for i := range n {
		a := &inner{Pub: make([]frontend.Variable, k), Secret: 7 + i}
		for j := range a.Pub {
			a.Pub[j] = 3 + j + i
		}
		w, err := frontend.NewWitness(a, innerField)
		if err != nil {
			return err
		}
		p, err := groth16.Prove(innerCcs, ipk, w, stdgroth16.GetNativeProverOptions(outerField, innerField))
		if err != nil {
			return fmt.Errorf("inner proof: %w", err)
		}
		pub, err := w.Public()
		if err != nil {
			return err
		}
		if err := add(assign, p, ivk, pub); err != nil {
			return err
		}
	}
	start := time.Now()
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		return fmt.Errorf("outer setup: %w", err)
	}
	r.SetupS = time.Since(start).Seconds()
	w, err := frontend.NewWitness(assign, outerField)
	if err != nil {
		return err
	}
	start, cpu := time.Now(), cpuSeconds()
	p, err := groth16.Prove(ccs, pk, w)
	if err != nil {
		return fmt.Errorf("outer proof: %w", err)
	}
	r.ProveS, r.ProveCPUS = time.Since(start).Seconds(), cpuSeconds()-cpu
	pub, err := w.Public()
	if err != nil {
		return err
	}
	if err := groth16.Verify(p, vk, pub); err != nil {
		return fmt.Errorf("outer verify: %w", err)
	}
	r.Verified = true
	return nil
}

func add[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](
	c *outer[FR, G1, G2, GT], p groth16.Proof, vk groth16.VerifyingKey, pub witness.Witness) error {
	cp, err := stdgroth16.ValueOfProof[G1, G2](p)
	if err != nil {
		return err
	}
	cvk, err := stdgroth16.ValueOfVerifyingKey[G1, G2, GT](vk)
	if err != nil {
		return err
	}
	cw, err := stdgroth16.ValueOfWitness[FR](pub)
	if err != nil {
		return err
	}
	c.Proofs, c.Keys, c.Witnesses = append(c.Proofs, cp), append(c.Keys, cvk), append(c.Witnesses, cw)
	return nil
}

func peakRSS() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
