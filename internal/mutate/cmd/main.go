// Command mutate runs the mutation tests of the constraint code
// (internal/mutate; docs/SOUNDNESS.md, "Mutation testing").
//
//	go run ./internal/mutate/cmd            every mutant (make mutate)
//	go run ./internal/mutate/cmd -sample    the fixed sample (make test)
//	go run ./internal/mutate/cmd -list      list the mutants and their IDs
//	go run ./internal/mutate/cmd -run RE    the mutants whose ID or key matches RE
//
// It fails on a survivor that the equivalent list does not explain, on a
// mutant that does not build, and, on a full run, on an entry of the list
// that names no mutant or a mutant that the tests kill.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/zkinfer/zkinfer/internal/mutate"
)

// allPkgs are the packages with constraint code.
const allPkgs = "ops,ops/ml,circuit,proof,audit,dp,query,fl,internal/logderiv"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

func run() error {
	list := flag.Bool("list", false, "list the mutants and exit")
	sample := flag.Bool("sample", false, "run the fixed sample only")
	match := flag.String("run", "", "run only the mutants whose ID or key matches this regular expression")
	pkgs := flag.String("pkg", allPkgs, "package directories to mutate, comma-separated")
	eqFile := flag.String("equivalent", "internal/mutate/equivalent.txt", "the list of equivalent mutants")
	timeout := flag.Duration("timeout", 3*time.Minute, "test timeout per mutant")
	flag.Parse()

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	srcs, err := mutate.Snapshot(root)
	if err != nil {
		return err
	}
	mutants, err := mutate.Find(srcs, strings.Split(*pkgs, ","))
	if err != nil {
		return err
	}
	if *list {
		for _, m := range mutants {
			fmt.Println(m.ID(), m.Key())
		}
		return nil
	}
	f, err := os.Open(filepath.Join(root, *eqFile))
	if err != nil {
		return err
	}
	equivalent, err := mutate.Equivalent(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *eqFile, err)
	}

	// jobs pairs each chosen mutant with the -run pattern it is judged by.
	type job struct {
		m   *mutate.Mutant
		run string
	}
	var jobs []job
	full := !*sample && *match == "" && *pkgs == allPkgs
	switch {
	case *sample:
		for _, s := range mutate.Sample {
			var found []*mutate.Mutant
			for _, m := range mutants {
				if strings.Contains(m.Key(), s.Match) {
					found = append(found, m)
				}
			}
			if len(found) != 1 {
				return fmt.Errorf("sample %q matches %d mutants, want 1: update mutate.Sample", s.Match, len(found))
			}
			jobs = append(jobs, job{found[0], s.Run})
		}
	default:
		re, err := regexp.Compile(*match)
		if err != nil {
			return err
		}
		for _, m := range mutants {
			if s, ok := mutate.Suites[m.Pkg]; ok && (re.MatchString(m.ID()) || re.MatchString(m.Key())) {
				jobs = append(jobs, job{m, s.Run})
			} else if !ok {
				return fmt.Errorf("%s: no test suite for package %s (mutate.Suites)", m.Key(), m.Pkg)
			}
		}
	}

	tmp, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := &mutate.Runner{Root: root, Go: goCommand(), Timeout: *timeout, Tmp: tmp}
	if err := r.Prepare(srcs); err != nil {
		return err
	}
	start := time.Now()
	baselined := map[string]bool{}
	var results []*mutate.Result
	for i, j := range jobs {
		suite := mutate.Suites[j.m.Pkg]
		if key := j.m.Pkg + " " + j.run; !baselined[key] {
			if err := r.Baseline(suite, j.run); err != nil {
				return err
			}
			baselined[key] = true
		}
		res, err := r.Run(j.m, srcs[j.m.File], suite, j.run)
		if err != nil {
			return err
		}
		results = append(results, res)
		by := ""
		if res.By != "" {
			by = " by " + res.By
		}
		fmt.Printf("%3d/%d %-8s %s %s (%.0fs%s)\n", i+1, len(jobs), res.Status, j.m.ID(), j.m.Key(), res.Took.Seconds(), by)
	}
	var scanned []string // packages to report even without mutants
	if !*sample && *match == "" {
		scanned = strings.Split(*pkgs, ",")
	}
	fails := report(results, equivalent, scanned)
	if *sample {
		for _, res := range results {
			if res.Status != mutate.Killed {
				fails = append(fails, fmt.Sprintf("sample mutant %s %s: %s", res.Mutant.ID(), res.Mutant.Key(), res.Status))
			}
		}
	}
	if full {
		fails = append(fails, stale(results, equivalent)...)
	}
	fmt.Printf("%d mutants in %s\n", len(results), time.Since(start).Round(time.Second))
	if len(fails) > 0 {
		return fmt.Errorf("%d problems:\n%s", len(fails), strings.Join(fails, "\n"))
	}
	return nil
}

// report prints the score of each package and the survivors, and returns
// the problems: unexplained survivors and broken mutants.
func report(results []*mutate.Result, equivalent map[string]string, pkgs []string) []string {
	type score struct{ total, killed, equiv int }
	scores := map[string]*score{}
	for _, p := range pkgs {
		scores[p] = &score{}
	}
	var fails []string
	for _, res := range results {
		m := res.Mutant
		s := scores[m.Pkg]
		if s == nil {
			s = &score{}
			scores[m.Pkg] = s
		}
		s.total++
		switch res.Status {
		case mutate.Killed:
			s.killed++
		case mutate.Survived:
			if reason, ok := equivalent[m.ID()]; ok {
				s.equiv++
				fmt.Printf("equivalent %s %s\n    %s\n", m.ID(), m.Key(), reason)
				continue
			}
			fails = append(fails, fmt.Sprintf("survivor %s %s: add the test that kills it, or list it as equivalent with the reason", m.ID(), m.Key()))
		case mutate.Broken:
			fails = append(fails, fmt.Sprintf("broken %s %s: the mutant does not build\n%s", m.ID(), m.Key(), res.Output))
		}
	}
	var names []string
	for p := range scores {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		s := scores[p]
		pct := "n/a"
		if n := s.total - s.equiv; n > 0 {
			pct = fmt.Sprintf("%.1f%%", 100*float64(s.killed)/float64(n))
		}
		fmt.Printf("%-8s %3d mutants: %3d killed, %2d equivalent, %2d survived: score %s (killed / non-equivalent)\n",
			p, s.total, s.killed, s.equiv, s.total-s.killed-s.equiv, pct)
	}
	return fails
}

// stale returns the entries of the equivalent list that name no mutant or
// a mutant the tests kill.
func stale(results []*mutate.Result, equivalent map[string]string) []string {
	status := map[string]mutate.Status{}
	for _, res := range results {
		status[res.Mutant.ID()] = res.Status
	}
	var fails []string
	for id := range equivalent {
		switch st, ok := status[id]; {
		case !ok:
			fails = append(fails, fmt.Sprintf("equivalent entry %s names no mutant (the statement changed?): update the list", id))
		case st == mutate.Killed:
			fails = append(fails, fmt.Sprintf("equivalent entry %s is killed by the tests: remove it", id))
		}
	}
	sort.Strings(fails)
	return fails
}

func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
