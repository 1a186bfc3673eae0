package fl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

const exampleDir = "../examples/federated"

// TestUpdates: an update read from the trained ONNX model and from a delta
// JSON of the same change are the same values; a written model's
// commitment is `zkinfer commit`'s (proof.ModelCommitment); malformed
// updates are refused with their reason.
func TestUpdates(t *testing.T) {
	global := filepath.Join(exampleDir, "global.onnx")
	base, err := LoadParams(global, 12, 16)
	if err != nil {
		t.Fatal(err)
	}
	u, err := LoadUpdate(filepath.Join(exampleDir, "hospital0.onnx"), base, 12, 16)
	if err != nil {
		t.Fatal(err)
	}
	delta := map[string][]float64{}
	off := 0
	for i, name := range base.Names {
		for _, v := range u[off : off+base.Sizes[i]] {
			delta[name] = append(delta[name], quant.Dequantize(v, 12))
		}
		off += base.Sizes[i]
	}
	tmp := t.TempDir()
	write := func(name string, v any) string {
		b, _ := json.Marshal(v)
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := LoadUpdate(write("delta.json", map[string]any{"delta": delta}), base, 12, 16)
	if err != nil || !slices.Equal(got, u) {
		t.Fatalf("the delta JSON gives %v (%v), the ONNX model %v", got, err, u)
	}
	short := map[string][]float64{base.Names[0]: delta[base.Names[0]][:3]}
	for name, v := range delta {
		if name != base.Names[0] {
			short[name] = v
		}
	}
	for _, tc := range []struct{ name, path, want string }{
		{"a tensor missing", write("missing.json", map[string]any{"delta": map[string][]float64{base.Names[0]: delta[base.Names[0]]}}), "give every weight tensor"},
		{"a tensor short", write("short.json", map[string]any{"delta": short}), "has 3 values"},
		{"another architecture", filepath.Join("..", "examples", "credit", "model.onnx"), ""},
	} {
		if _, err := LoadUpdate(tc.path, base, 12, 16); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %q", tc.name, err, tc.want)
		}
	}
	w := slices.Clone(base.Values)
	for j := range w {
		w[j] += u[j]
	}
	s := Shape{Clients: 1, Params: len(w), ParamBits: 16, ParamScale: 12, UpdateBits: 16}
	want, err := commit(s, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "new.onnx")
	if err := WriteModel(global, out, base, w, 12, 16, nil, want); err != nil {
		t.Fatal(err)
	}
	h, err := proof.ModelCommitment(out, quant.Default, 16, nil)
	if err != nil || h != FieldHex(want) {
		t.Fatalf("zkinfer commit gives the written model %s (%v), want %s", h, err, FieldHex(want))
	}
}
