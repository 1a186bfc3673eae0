// Command limit measures what gnark alone does at a given constraint
// count, so that zkinfer's own figures can be read against it: for each
// N it compiles a synthetic circuit of N constraints (bench/internal/synth,
// no commitment), runs gnark's groth16.Setup, zkinfer's fixed-base setup
// (proof/groth16setup) and gnark's groth16.Prove (witness solving
// included) on it, and prints one JSON line per N with each step's wall
// time, the process's peak RSS and the load average before and after.
//
//	go run ./bench/limit -n 62240,531861
//
// bench/run.py runs it for every benchmarked model at that model's
// constraint count, in the same run as the model, and reports zkinfer's
// prove and setup over these ("ours over bare"). The comparison favours
// gnark slightly: zkinfer's figures are whole CLI processes (reading the
// circuit and keys from disk, evaluating the model, writing the proof),
// the bare ones are calls on keys already in memory.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/bench/internal/synth"
	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

type result struct {
	Constraints int       `json:"constraints"`
	CompileS    float64   `json:"compile_s"`
	GnarkSetupS float64   `json:"gnark_setup_s,omitempty"`
	OurSetupS   float64   `json:"our_setup_s"`
	ProveS      float64   `json:"prove_s"`  // median of -repeat proofs
	ProvesS     []float64 `json:"proves_s"` // each proof
	// ProveCPUS is each proof's CPU time (user and system, all threads):
	// what a loaded machine's wall times cannot compare.
	ProveCPUS  []float64 `json:"prove_cpu_s"`
	MaxRSSMiB  float64   `json:"max_rss_mib"`
	LoadBefore string    `json:"load_before"`
	LoadAfter  string    `json:"load_after"`
}

func main() {
	ns := flag.String("n", "", "constraint counts, comma-separated")
	repeat := flag.Int("repeat", 3, "proofs per count; prove_s is their median")
	gnarkSetup := flag.Bool("gnark-setup", true, "also time gnark's groth16.Setup (slow: 13–25× ours)")
	flag.Parse()
	if *ns == "" || *repeat < 1 {
		fmt.Fprintln(os.Stderr, "limit: give -n N[,N...] and -repeat ≥ 1")
		os.Exit(2)
	}
	for _, f := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err == nil {
			err = measure(n, *repeat, *gnarkSetup)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "limit: -n %s: %v\n", f, err)
			os.Exit(1)
		}
	}
}

func measure(n, repeat int, gnarkSetup bool) error {
	res := result{LoadBefore: load()}
	t := time.Now()
	ccs, err := synth.Compile(n)
	if err != nil {
		return err
	}
	res.CompileS = since(t)
	res.Constraints = ccs.GetNbConstraints()
	if gnarkSetup {
		t = time.Now()
		if _, _, err := groth16.Setup(ccs); err != nil {
			return err
		}
		res.GnarkSetupS = since(t)
	}
	t = time.Now()
	pk, vk, err := groth16setup.Setup(ccs.(*cs.R1CS))
	if err != nil {
		return err
	}
	res.OurSetupS = since(t)
	w, err := frontend.NewWitness(synth.Assignment(n, 3), ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	for range repeat {
		t, c := time.Now(), cpu()
		p, err := groth16.Prove(ccs, pk, w)
		if err != nil {
			return err
		}
		res.ProvesS = append(res.ProvesS, since(t))
		res.ProveCPUS = append(res.ProveCPUS, cpu()-c)
		pub, _ := w.Public()
		if err := groth16.Verify(p, vk, pub); err != nil {
			return fmt.Errorf("the bare proof does not verify: %w", err)
		}
	}
	s := slices.Clone(res.ProvesS)
	slices.Sort(s)
	res.ProveS = s[len(s)/2]
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	res.MaxRSSMiB = float64(ru.Maxrss) / 1024
	res.LoadAfter = load()
	return json.NewEncoder(os.Stdout).Encode(res)
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }

// cpu is the process's CPU time so far, user and system, in seconds.
func cpu() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// load is the 1-, 5- and 15-minute load averages.
func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
