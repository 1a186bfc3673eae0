package testkit_test

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/onnx"
)

// TestCorpusDir: the default is ../shared/corpus/ezkl beside the module
// root from any package directory; ZKINFER_CORPUS_DIR overrides it, a
// relative one read from the module root.
func TestCorpusDir(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(testkit.CorpusEnv, "")
	if got, want := testkit.CorpusDir(), filepath.Join(root, "..", "shared", "corpus", "ezkl"); got != want {
		t.Fatalf("default corpus %s, want %s", got, want)
	}
	t.Setenv(testkit.CorpusEnv, "/elsewhere/ezkl")
	if got := testkit.CorpusDir(); got != "/elsewhere/ezkl" {
		t.Fatalf("corpus %s, want /elsewhere/ezkl", got)
	}
	t.Setenv(testkit.CorpusEnv, "testdata/corpus")
	if got, want := testkit.CorpusDir(), filepath.Join(root, "testdata", "corpus"); got != want {
		t.Fatalf("relative corpus %s, want %s", got, want)
	}
	if _, _, ok := testkit.LookupCorpusModel("no_such_model"); ok {
		t.Fatal("found a model that is not there")
	}
}

// TestOtherWeights: the copy differs from the model in its first weight
// alone, raised by 0.25.
func TestOtherWeights(t *testing.T) {
	const path = "../../examples/credit/model.onnx"
	read := func(p string) *onnx.ModelProto {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m onnx.ModelProto
		if err := proto.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return &m
	}
	a, b := read(path), read(testkit.OtherWeights(t, path))
	first := func(m *onnx.ModelProto) float32 {
		init := m.Graph.Initializer[0]
		if len(init.FloatData) > 0 {
			return init.FloatData[0]
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(init.RawData))
	}
	if first(b) != first(a)+0.25 {
		t.Fatalf("first weight %v, want %v", first(b), first(a)+0.25)
	}
	a.Graph.Initializer[0], b.Graph.Initializer[0] = nil, nil
	if !proto.Equal(a, b) {
		t.Fatal("the copy differs beyond its first weight")
	}
}
