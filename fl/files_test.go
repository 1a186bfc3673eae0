package fl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadShapeVersion: a directory set up for another circuit version
// (an older zkinfer's, whose clients committed signed update wires) is
// refused with a message saying to set up again; this version's is read,
// unless its keys are to come from a ceremony not finalized yet, or its
// setup record is not one this zkinfer writes.
func TestReadShapeVersion(t *testing.T) {
	shape := `"clients": 2, "params": 4, "param_bits": 16, "param_scale": 12, "update_bits": 16`
	for _, tc := range []struct {
		name, json, err string
	}{
		{"this version", `{` + shape + `, "circuit": "` + CircuitVersion + `"}`, ""},
		{"before versions", `{` + shape + `}`, "run fl setup again"},
		{"another version", `{` + shape + `, "circuit": "v1"}`, "run fl setup again"},
		{"a development setup recorded", `{` + shape + `, "circuit": "` + CircuitVersion + `", "setup": {"kind": "development"}}`, ""},
		{"a ceremony not finalized", `{` + shape + `, "circuit": "` + CircuitVersion + `", "setup": {"kind": "ceremony"}}`, "its ceremony is not finalized"},
		{"a finalized ceremony", `{` + shape + `, "circuit": "` + CircuitVersion + `", "setup": {"kind": "ceremony", "ceremony": {"phase1_contributions": 1, "phase2_contributions": 1, "final_sha256": "00", "close": "last-contribution"}}}`, ""},
		{"an unknown setup", `{` + shape + `, "circuit": "` + CircuitVersion + `", "setup": {"kind": "trusted"}}`, `the keys' setup "trusted" is unknown`},
		{"a development setup with a ceremony's record", `{` + shape + `, "circuit": "` + CircuitVersion + `", "setup": {"kind": "development", "ceremony": {"close": "beacon"}}}`, "with a ceremony's record"},
		{"a ceremony closed in an unknown way", `{` + shape + `, "circuit": "` + CircuitVersion + `", "setup": {"kind": "ceremony", "ceremony": {"close": "never"}}}`, "the ceremony's record"},
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
