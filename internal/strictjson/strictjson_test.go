package strictjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	type file struct {
		Format string `json:"format"`
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body, err string
	}{
		{"known fields", `{"format":"x"}`, ""},
		{"unknown field", `{"format":"x","extra":1}`, "unknown field"},
		{"not json", `{"format":`, "unexpected EOF"},
		{"over the limit", `{"format":"` + strings.Repeat("a", 64) + `"}`, "more than 32 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "f.json")
			if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			var f file
			err := Read(p, 32, &f)
			if tc.err == "" {
				if err != nil || f.Format != "x" {
					t.Fatalf("Read: %v, %+v", err, f)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), p) {
				t.Fatalf("Read: %v, want an error naming %s and %q", err, p, tc.err)
			}
		})
	}
	if err := Read(filepath.Join(dir, "missing.json"), 32, new(file)); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v", err)
	}
}
