package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/onnx"
)

// zkProcess returns zkinfer as a separate process (the test binary, see
// TestMain).
func zkProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ZKINFER_TEST_MAIN=1")
	return cmd
}

// interrupt starts zkinfer with args, sends SIGINT once stderr shows a line
// containing at, and returns the exit status and stderr.
func interrupt(t *testing.T, at string, args ...string) (int, string) {
	t.Helper()
	cmd := zkProcess(args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), at) {
			cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	rest, _ := io.ReadAll(stderr)
	log.Write(rest)
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, log.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), log.String()
	}
	t.Fatal(err)
	return 0, ""
}

// tempFiles lists the temporary files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

// mlp writes a model of n Gemm layers of width w, each followed by act
// (Relu, or Sigmoid: a lookup table).
func mlp(t *testing.T, dir string, n, w int, act string) string {
	t.Helper()
	var nodes []*onnx.NodeProto
	var inits []*onnx.TensorProto
	in := "x"
	for i := range n {
		vals := make([]float32, w*w)
		for j := range vals {
			vals[j] = float32((j*7+i)%13-6) / 64
		}
		wn, h, out := "W"+string(rune('a'+i)), "h"+string(rune('a'+i)), "r"+string(rune('a'+i))
		inits = append(inits, onnxbuild.Floats(wn, []int64{int64(w), int64(w)}, vals...))
		nodes = append(nodes, onnxbuild.Node(h, "Gemm", []string{in, wn}, []string{h}), onnxbuild.Node(out, act, []string{h}, []string{out}))
		in = out
	}
	m := onnxbuild.Model(nodes, inits,
		[]*onnx.ValueInfoProto{onnxbuild.Value("x", onnx.TensorProto_FLOAT, 1, int64(w))},
		[]*onnx.ValueInfoProto{onnxbuild.Value(in, onnx.TensorProto_FLOAT, 1, int64(w))})
	p := filepath.Join(dir, act+".onnx")
	if err := os.WriteFile(p, onnxbuild.Bytes(m), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInterruptedSetup: SIGINT during setup exits 130 and leaves no key and
// no temporary file; the directory still sets up afterwards.
func TestInterruptedSetup(t *testing.T) {
	dir := t.TempDir()
	mustZK(t, "compile", demoModel, "--out", dir, "--quiet")
	code, log := interrupt(t, "setup: ", "setup", dir)
	if code != 130 || !strings.Contains(log, "interrupted") {
		t.Fatalf("exit %d, stderr %q: want 130 and an interruption", code, log)
	}
	for _, f := range []string{"pk.bin", "vk.bin"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s left behind", f)
		}
	}
	if tmp := tempFiles(t, dir); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	mustZK(t, "setup", dir, "--quiet")
}

// TestInterruptedCompile: SIGINT while the circuit is built exits 130 and
// leaves no output directory.
func TestInterruptedCompile(t *testing.T) {
	tmp := t.TempDir()
	model := mlp(t, tmp, 3, 96, "Relu")
	out := filepath.Join(tmp, "out")
	code, log := interrupt(t, "building the circuit", "compile", model, "--out", out)
	if code == 0 {
		t.Skipf("compile finished before the signal: %s", log)
	}
	if code != 130 {
		t.Fatalf("exit %d, stderr %q", code, log)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(out)
		t.Fatalf("the interrupted compile left %s with %d entries", out, len(entries))
	}
}

// TestDeterministicCompile: compiling a model in two fresh processes gives
// byte-identical circuit.r1cs and settings.json, and so does compiling
// with a constraint limit (which only watches the build).
func TestDeterministicCompile(t *testing.T) {
	tmp := t.TempDir()
	models := map[string][]string{
		"demo, auto range checks":                  {demoModel},
		"lookup range checks and tables":           {mlp(t, tmp, 2, 8, "Sigmoid"), "--range-check", "lookup"},
		"pedersen-committed weights, hashed input": {demoModel, "--param-visibility", "hashed", "--param-bits", "22", "--input-visibility", "hashed", "--range-check", "lookup"},
	}
	for name, args := range models {
		t.Run(name, func(t *testing.T) {
			var dirs []string
			for i := range 2 {
				d := filepath.Join(t.TempDir(), "c")
				cmd := zkProcess(append([]string{"compile", args[0], "--out", d, "--quiet"}, args[1:]...)...)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("compile %d: %v: %s", i, err, out)
				}
				dirs = append(dirs, d)
			}
			d := filepath.Join(t.TempDir(), "c")
			mustZK(t, append([]string{"compile", args[0], "--out", d, "--quiet", "--max-constraints", "100000000"}, args[1:]...)...)
			dirs = append(dirs, d)
			for _, f := range []string{"circuit.r1cs", "settings.json"} {
				a, err := os.ReadFile(filepath.Join(dirs[0], f))
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range dirs[1:] {
					b, _ := os.ReadFile(filepath.Join(d, f))
					if !bytes.Equal(a, b) {
						t.Errorf("%s differs between two compiles", f)
					}
				}
			}
		})
	}
}
