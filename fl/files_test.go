package fl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadShapeVersion: a directory set up for another circuit version
// (an older zkinfer's, whose clients committed signed update wires) is
// refused with a message saying to set up again; this version's is read.
func TestReadShapeVersion(t *testing.T) {
	shape := `"clients": 2, "params": 4, "param_bits": 16, "param_scale": 12, "update_bits": 16`
	for _, tc := range []struct {
		name, json, err string
	}{
		{"this version", `{` + shape + `, "circuit": "` + CircuitVersion + `"}`, ""},
		{"before versions", `{` + shape + `}`, "run fl setup again"},
		{"another version", `{` + shape + `, "circuit": "v1"}`, "run fl setup again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, ShapeFile), []byte(tc.json), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := ReadShape(dir)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.err == "" && s.Params != 4:
				t.Fatalf("read %+v", s)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("got %v, want an error saying %q", err, tc.err)
			}
		})
	}
}
