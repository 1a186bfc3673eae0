package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zkinfer/zkinfer/model"
)

// CorpusEnv names the environment variable that overrides the corpus
// directory.
const CorpusEnv = "ZKINFER_CORPUS_DIR"

// moduleRoot is the directory of the repository's go.mod, found upward
// from the working directory (a test runs in its package's directory).
var moduleRoot = sync.OnceValue(func() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return dir
		}
		d = up
	}
})

// CorpusDir returns the corpus directory, whether or not it exists:
// $ZKINFER_CORPUS_DIR (a relative one read from the module root) or
// ../shared/corpus/ezkl beside the module root.
func CorpusDir() string {
	dir := os.Getenv(CorpusEnv)
	if dir == "" {
		return filepath.Join(moduleRoot(), "..", "shared", "corpus", "ezkl")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(), dir)
	}
	return dir
}

// whereToPut is the end of a skip message: how to provide the corpus.
const whereToPut = "(set " + CorpusEnv + ", or keep EZKL's examples in ../shared/corpus/ezkl beside the repository as CI does)"

// Corpus returns the corpus directory, skipping the test when it is absent.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := CorpusDir()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("SKIP: no corpus at %s %s", dir, whereToPut)
	}
	return dir
}

// LookupCorpusModel returns the ONNX file (network.onnx) and the input
// file (input.json, EZKL's format) of the corpus model name; ok is false
// when the model is absent.
func LookupCorpusModel(name string) (path, input string, ok bool) {
	dir := filepath.Join(CorpusDir(), name)
	if _, err := os.Stat(dir); err != nil {
		return "", "", false
	}
	return filepath.Join(dir, "network.onnx"), filepath.Join(dir, "input.json"), true
}

// CorpusModel returns the ONNX file and the input file of the corpus model
// name, skipping the test when the model is absent.
func CorpusModel(t testing.TB, name string) (path, input string) {
	t.Helper()
	path, input, ok := LookupCorpusModel(name)
	if !ok {
		t.Skipf("SKIP: corpus model %s not found in %s %s", name, CorpusDir(), whereToPut)
	}
	return path, input
}

// CorpusInput returns the ONNX file of the corpus model name and its input
// values, skipping the test when the model is absent.
func CorpusInput(t testing.TB, name string) (path string, in [][]float64) {
	t.Helper()
	path, input := CorpusModel(t, name)
	in, err := model.ReadInput(input)
	if err != nil {
		t.Fatal(err)
	}
	return path, in
}

// ModelsFromEnv returns the corpus models listed, separated by commas, in
// the environment variable env, skipping the test when it is unset: the
// slow measurements run only on the models someone names.
func ModelsFromEnv(t testing.TB, env string) []string {
	t.Helper()
	list := os.Getenv(env)
	if list == "" {
		t.Skipf("SKIP: set %s=model,model,... to measure", env)
	}
	return strings.Split(list, ",")
}
