// Command setupcmp times one Groth16 setup, zkinfer's (proof/groth16setup)
// or gnark's groth16.Setup, on a compiled zkinfer directory or a synthetic
// circuit, and prints one JSON line: wall and CPU seconds, peak RSS of the
// process (circuit included) and the load average before and after. Run
// each setup in its own process, alternating, to compare them:
//
//	go build -o /tmp/setupcmp ./bench/setupcmp
//	/tmp/setupcmp -impl ours DIR; /tmp/setupcmp -impl gnark DIR
//	/tmp/setupcmp -impl ours -synthetic 62240
//
// -ceremony N times a whole ceremony instead (package proof/ceremony:
// init, N contributions per phase, phase 2's start, finalize, verify), one
// JSON line with each step's wall time and the load after it:
//
//	/tmp/setupcmp -ceremony 3 DIR
//
// For counts that do not depend on the machine's load, count instructions
// and subtract -impl none's (Go's preemption signals upset callgrind):
//
//	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind /tmp/setupcmp -impl ours -synthetic 8192
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/bench/internal/synth"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

type result struct {
	Impl        string  `json:"impl"`
	Circuit     string  `json:"circuit"`
	Constraints int     `json:"constraints"`
	WallS       float64 `json:"wall_s"`
	UserS       float64 `json:"user_s"`
	SysS        float64 `json:"sys_s"`
	MaxRSSMiB   float64 `json:"max_rss_mib"`
	LoadBefore  string  `json:"load_before"`
	LoadAfter   string  `json:"load_after"`
}

func main() {
	impl := flag.String("impl", "ours", "ours, gnark, or none (only read or build the circuit)")
	synthetic := flag.Int("synthetic", 0, "time a synthetic circuit of this many constraints instead of DIR's")
	cer := flag.Int("ceremony", 0, "instead of a setup, time a whole ceremony on DIR with this many contributions per phase (DIR's keys are replaced)")
	verbose := flag.Bool("v", false, "with -ceremony: the steps' progress on stderr")
	prepared := flag.String("prepared", "", "with -ceremony: run the per-model ceremony only (phase 2 opened from this prepared phase 1, its contributions, finalize, verify)")
	digest := flag.String("prepared-sha256", "", "with -prepared: the prepared file's sha256 recorded when it was verified")
	noBeacon := flag.Bool("no-beacon", false, "with -ceremony: finalize closes phase 2 at its last contribution, without a beacon")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "setupcmp:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	if *cer > 0 {
		if flag.NArg() != 1 {
			err = errors.New("-ceremony needs a compiled directory")
		} else {
			err = runCeremony(flag.Arg(0), *cer, *prepared, *digest, *noBeacon, *verbose)
		}
	} else {
		err = run(*impl, *synthetic, flag.Args())
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "setupcmp:", err)
		os.Exit(1)
	}
}

func run(impl string, synthetic int, args []string) error {
	var ccs constraint.ConstraintSystem
	var name string
	switch {
	case synthetic > 0:
		var err error
		if ccs, err = synth.Compile(synthetic); err != nil {
			return err
		}
		name = fmt.Sprintf("synthetic %d", synthetic)
	case len(args) == 1:
		c, err := proof.Open(args[0])
		if err != nil {
			return err
		}
		if ccs, err = c.ReadCircuit(); err != nil {
			return err
		}
		name = args[0]
	default:
		return errors.New("give a compiled directory or -synthetic N")
	}
	r1 := ccs.(*cs.R1CS)
	res := result{Impl: impl, Circuit: name, Constraints: ccs.GetNbConstraints(), LoadBefore: load()}
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	var err error
	switch impl {
	case "ours":
		_, _, err = groth16setup.Setup(r1, groth16setup.WithProgress(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }))
	case "gnark":
		_, _, err = groth16.Setup(ccs)
	case "none": // the baseline, for instruction counts
	default:
		err = fmt.Errorf("-impl %q: ours, gnark or none", impl)
	}
	if err != nil {
		return err
	}
	res.WallS = time.Since(start).Seconds()
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	res.UserS = seconds(after.Utime) - seconds(before.Utime)
	res.SysS = seconds(after.Stime) - seconds(before.Stime)
	res.MaxRSSMiB = float64(after.Maxrss) / 1024
	res.LoadAfter = load()
	return json.NewEncoder(os.Stdout).Encode(res)
}

func seconds(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// load is the 1-, 5- and 15-minute load averages.
func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
