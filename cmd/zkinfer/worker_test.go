package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/queue/embedded"
)

// hangGuard bounds the waits of the queue tests: a guard against a hang,
// not a timing assertion.
const hangGuard = 5 * time.Minute

// proc is zkinfer running as a separate process, its stderr read line by
// line.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	more  chan struct{} // signalled on each new line
	done  chan struct{} // closed once stderr is at EOF
	out   strings.Builder
}

// startZK starts zkinfer with args as a process (the test binary, see
// TestMain); the test kills it if it is still running at the end.
func startZK(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, cmd: zkProcess(args...), more: make(chan struct{}, 1), done: make(chan struct{})}
	p.cmd.Stdout = &p.out
	r, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// stderr is what the process printed on stderr so far.
func (p *proc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// waitFor waits for a stderr line matching re and returns its submatches.
func (p *proc) waitFor(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	guard := time.After(hangGuard)
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if m := rx.FindStringSubmatch(l); m != nil {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-p.done:
			select {
			case <-p.more:
				continue
			default:
			}
			p.t.Fatalf("%v exited without printing a line matching %q:\n%s", p.cmd.Args[1:], re, p.stderr())
		case <-guard:
			p.t.Fatalf("%v printed no line matching %q:\n%s", p.cmd.Args[1:], re, p.stderr())
		}
	}
}

// wait waits for the process to exit and returns its exit status.
func (p *proc) wait() int {
	p.t.Helper()
	ch := make(chan error, 1)
	go func() { <-p.done; ch <- p.cmd.Wait() }()
	select {
	case err := <-ch:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			p.t.Fatal(err)
		}
		return 0
	case <-time.After(hangGuard):
		p.cmd.Process.Kill()
		p.t.Fatalf("%v did not exit:\n%s", p.cmd.Args[1:], p.stderr())
		return -1
	}
}

// queueServer starts a NATS server with JetStream on loopback: the
// "external" server of --queue.
func queueServer(t *testing.T) string {
	t.Helper()
	s, err := embedded.Start(embedded.Options{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s.URL()
}

// creditSegments compiles the credit model into 4 segments and sets them
// up; it returns the directory and the unsegmented model's outputs.
func creditSegments(t *testing.T) (string, [][]float64) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "seg")
	mustZK(t, "compile", demoModel, "--out", dir, "--segments", "4", "--quiet")
	mustZK(t, "setup", dir, "--quiet")
	d, err := segment.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 4 {
		t.Fatalf("%d segments, want 4", d.Len())
	}
	var run struct{ Outputs [][]float64 }
	if err := json.Unmarshal([]byte(mustZK(t, "run", demoModel, "--input", demoInput)), &run); err != nil {
		t.Fatal(err)
	}
	return dir, run.Outputs
}

// checkBundle verifies the bundle with the CLI and compares its outputs
// with want; nothing half-written may be left beside it.
func checkBundle(t *testing.T, dir, file string, want [][]float64) {
	t.Helper()
	mustZK(t, "verify", dir, "--proof", file, "--quiet")
	b, err := segment.ReadBundle(file)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.Outputs, want) {
		t.Errorf("outputs %v, unsegmented %v", b.Outputs, want)
	}
	if tmp := tempFiles(t, filepath.Dir(file)); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// provenBy returns, per segment (1-based), the worker the coordinator
// says proved it and the line.
func provenBy(log string) map[string][2]string {
	out := map[string][2]string{}
	for _, m := range regexp.MustCompile(`queue: segment (\d+) of \d+: proven by (\S+) \(.*`).FindAllStringSubmatch(log, -1) {
		out[m[1]] = [2]string{m[2], m[0]}
	}
	return out
}

// TestQueueWorkers: the credit model in 4 segments proven on a queue by 2
// worker processes that prove started; the bundle verifies and has the
// unsegmented outputs.
func TestQueueWorkers(t *testing.T) {
	dir, want := creditSegments(t)
	url := queueServer(t)
	out := filepath.Join(t.TempDir(), "proof.json")
	p := startZK(t, "prove", dir, "--input", demoInput, "--proof", out, "--queue", url, "--workers", "2")
	if code := p.wait(); code != exitOK {
		t.Fatalf("prove --workers 2: exit %d:\n%s", code, p.stderr())
	}
	if !strings.HasPrefix(p.out.String(), "wrote "+out+" (4 segment proofs; run ") {
		t.Errorf("stdout %q", p.out.String())
	}
	checkBundle(t, dir, out, want)
	by := provenBy(p.stderr())
	if len(by) != 4 {
		t.Errorf("%d segments reported proven, want 4:\n%s", len(by), p.stderr())
	}
	for k, w := range by {
		if !strings.HasPrefix(w[0], "local-") {
			t.Errorf("segment %s proven by %s, not a local worker", k, w[0])
		}
	}
}

// TestQueueKillWorker: a worker killed (SIGKILL) while it proves a
// segment never acknowledges the job; after AckWait the job goes to the
// other worker, and the run ends in a verified bundle with nothing
// half-written.
func TestQueueKillWorker(t *testing.T) {
	dir, want := creditSegments(t)
	url := queueServer(t)
	out := filepath.Join(t.TempDir(), "proof.json")
	coord := startZK(t, "prove", dir, "--input", demoInput, "--proof", out, "--queue", url, "--workers", "0", "--ack-wait", "2s")
	coord.waitFor(`segment jobs on`)
	victim := startZK(t, "worker", "--queue", url, "--dir", dir, "--name", "victim")
	seg := victim.waitFor(`segment (\d+) of 4: proving`)[1]
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	victim.wait()
	stored := strings.Contains(victim.stderr(), "segment "+seg+" of 4: proof stored")
	survivor := startZK(t, "worker", "--queue", url, "--dir", dir, "--name", "survivor")
	if code := coord.wait(); code != exitOK {
		t.Fatalf("prove: exit %d:\n%s\nsurvivor:\n%s", code, coord.stderr(), survivor.stderr())
	}
	checkBundle(t, dir, out, want)
	by := provenBy(coord.stderr())
	got, ok := by[seg]
	switch {
	case !ok:
		t.Fatalf("segment %s is not reported proven:\n%s", seg, coord.stderr())
	case got[0] == "survivor" && !regexp.MustCompile(`delivery [2-9]`).MatchString(got[1]):
		t.Errorf("segment %s proven by the survivor without a redelivery: %s", seg, got[1])
	case got[0] == "victim" && !stored:
		t.Errorf("segment %s proven by the victim, which was killed before storing it: %s", seg, got[1])
	}
	t.Logf("the victim was killed proving segment %s (proof stored before: %v); %s", seg, stored, got[1])
	survivor.cmd.Process.Kill()
}

// TestQueueResume: a coordinator killed (SIGKILL) after 2 of 4 segments
// are proven, started again with the same command, resumes the run: the
// 2 proven segments are not proven again.
func TestQueueResume(t *testing.T) {
	dir, want := creditSegments(t)
	url := queueServer(t)
	out := filepath.Join(t.TempDir(), "proof.json")
	args := []string{"prove", dir, "--input", demoInput, "--proof", out, "--queue", url, "--workers", "0", "--ack-wait", "5s"}
	first := startZK(t, args...)
	run := first.waitFor(`queue: run (\w+): 4 segment jobs`)[1]
	w1 := startZK(t, "worker", "--queue", url, "--dir", dir, "--name", "first", "--jobs", "2")
	if code := w1.wait(); code != exitOK {
		t.Fatalf("worker --jobs 2: exit %d:\n%s", code, w1.stderr())
	}
	first.waitFor(`queue: segment \d of 4: proven by first .*; 2 of 4 done`)
	first.cmd.Process.Kill()
	first.wait()
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the killed coordinator left %s: %v", out, err)
	}

	again := startZK(t, args...)
	again.waitFor(`queue: run ` + run + `: 2 segment jobs`)
	w2 := startZK(t, "worker", "--queue", url, "--dir", dir, "--name", "second", "--run", run)
	if code := again.wait(); code != exitOK {
		t.Fatalf("prove again: exit %d:\n%s", code, again.stderr())
	}
	if code := w2.wait(); code != exitOK {
		t.Fatalf("worker --run: exit %d:\n%s", code, w2.stderr())
	}
	checkBundle(t, dir, out, want)
	if n := strings.Count(again.stderr(), "proven before (run "+run+" resumed)"); n != 2 {
		t.Errorf("%d segments resumed, want 2:\n%s", n, again.stderr())
	}
	if !strings.Contains(w2.stderr(), "worker: proved 2 segment(s)") {
		t.Errorf("the second worker did not prove exactly the 2 other segments:\n%s", w2.stderr())
	}
	count := map[string]int{}
	for _, w := range provenBy(again.stderr()) {
		count[w[0]]++
	}
	if count["first"] != 2 || count["second"] != 2 {
		t.Errorf("segments by worker %v, want 2 by first and 2 by second", count)
	}
}

// TestQueueUsage: the queue flags' usage errors (exit 2) and a worker's
// directory that is not segmented (exit 3), each in one line.
func TestQueueUsage(t *testing.T) {
	seg, _ := creditSegments(t)
	plain := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", plain, "--quiet")
	pf := filepath.Join(t.TempDir(), "p.json")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"prove", seg, "--input", demoInput, "--proof", pf, "--workers", "-1", "--queue", "nats://127.0.0.1:1"}, exitUsage, "--workers must be positive"},
		{[]string{"prove", plain, "--input", demoInput, "--proof", pf, "--workers", "2"}, exitUsage, "segmented directory"},
		{[]string{"prove", seg, "--input", demoInput, "--proof", pf, "--shared-dir", plain}, exitUsage, "need --workers, --queue or --listen"},
		{[]string{"prove", plain, "--input", demoInput, "--proof", pf, "--listen", ":4222"}, exitUsage, "segmented directory"},
		{[]string{"prove", seg, "--input", demoInput, "--proof", pf, "--workers", "2", "--ack-wait", "10ms"}, exitUsage, "--ack-wait"},
		{[]string{"prove", seg, "--input", demoInput, "--proof", pf, "--queue", "nats://127.0.0.1:1", "--listen", ":4222"}, exitUsage, "not with --queue"},
		{[]string{"worker"}, exitUsage, "--queue is required"},
		{[]string{"worker", "--queue", "nats://127.0.0.1:1", "--jobs", "-2"}, exitUsage, "--jobs"},
		{[]string{"worker", "--queue", "nats://127.0.0.1:1", "--dir", plain}, exitError, "is not a segmented directory"},
	} {
		code, _, errOut := zk(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("zkinfer %v: exit %d, %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
		if first, _, _ := strings.Cut(errOut, "\n"); strings.Contains(first, "\n") || first == "" {
			t.Errorf("zkinfer %v: %q", tc.args, errOut)
		}
	}
	if _, err := os.Stat(pf); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused prove wrote %s", pf)
	}
}
