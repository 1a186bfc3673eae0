package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// step is one timed step of a ceremony.
type step struct {
	Step  string  `json:"step"`
	WallS float64 `json:"wall_s"`
	CPUS  float64 `json:"cpu_s"` // user and system, all threads
	Load  string  `json:"load"`
}

// namedStep is a step to run: f writes the state file out, if any.
type namedStep struct {
	name string
	f    func(out string) error
}

// ceremonyResult is -ceremony's JSON line.
type ceremonyResult struct {
	Circuit       string `json:"circuit"`
	Constraints   int    `json:"constraints"`
	Contributions int    `json:"contributions_per_phase"`
	Steps         []step `json:"steps"`
	LoadBefore    string `json:"load_before"`
	LoadAfter     string `json:"load_after"`
}

// runCeremony runs a whole ceremony on the compiled directory dir (its keys
// are overwritten): init, n contributions to phase 1, phase 2's start, n
// contributions to phase 2, finalize and verify, and prints each step's
// wall time with the load average after it. With a prepared phase 1
// (prepared, with its recorded digest) it runs the per-model ceremony
// only: phase 2 opened from it, n contributions, finalize and verify.
func runCeremony(dir string, n int, prepared, digest string, noBeacon, verbose bool) error {
	c, err := proof.Open(dir)
	if err != nil {
		return err
	}
	res := ceremonyResult{Circuit: dir, Constraints: c.Settings.Constraints, Contributions: n, LoadBefore: load()}
	work, err := os.MkdirTemp("", "setupcmp-ceremony")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var progress proof.Progress
	if verbose {
		progress = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
	}
	var files []string
	timed := func(name string, f func(out string) error) error {
		out := filepath.Join(work, fmt.Sprintf("%02d.state", len(files)))
		start, cpu := time.Now(), cpuSeconds()
		if err := f(out); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		res.Steps = append(res.Steps, step{Step: name, WallS: time.Since(start).Seconds(), CPUS: cpuSeconds() - cpu, Load: load()})
		if _, err := os.Stat(out); err == nil {
			files = append(files, out)
		}
		return nil
	}
	contribute := func(out string) error {
		_, err := ceremony.Contribute(files[len(files)-1], out, progress)
		return err
	}
	b1, _ := ceremony.ParseBeacon("0x000102030405060708090a0b0c0d0e0f")
	b2, _ := ceremony.ParseBeacon("0xf0e0d0c0b0a090807060504030201000")
	closing := ceremony.WithBeacon(b2)
	if noBeacon {
		closing = ceremony.WithoutBeacon
	}
	var steps []namedStep
	if prepared == "" {
		steps = append(steps, namedStep{"init", func(out string) error { _, err := c.CeremonyInit(out); return err }})
		for i := 1; i <= n; i++ {
			steps = append(steps, namedStep{fmt.Sprintf("phase 1 contribution %d", i), contribute})
		}
		steps = append(steps, namedStep{"phase 2 start", func(out string) error {
			_, err := c.CeremonyPhase2(files[len(files)-1], out, b1, progress)
			return err
		}})
	} else {
		steps = append(steps, namedStep{"phase 2 start from the prepared phase 1", func(out string) error {
			_, err := c.CeremonyPhase2Prepared(prepared, digest, out, progress)
			return err
		}})
	}
	for i := 1; i <= n; i++ {
		steps = append(steps, namedStep{fmt.Sprintf("phase 2 contribution %d", i), contribute})
	}
	steps = append(steps, namedStep{"finalize", func(string) error {
		return c.CeremonyFinalizePrepared(files[len(files)-1], prepared, closing, progress)
	}},
		namedStep{"verify", func(string) error {
			_, err := proof.VerifyCeremony(dir, files, ceremony.VerifyOptions{Progress: progress, Prepared: prepared, PreparedSHA256: digest})
			return err
		}})
	for _, s := range steps {
		if err := timed(s.name, s.f); err != nil {
			return err
		}
	}
	res.LoadAfter = load()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// cpuSeconds is the process's user and system time so far.
func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return seconds(u.Utime) + seconds(u.Stime)
}
