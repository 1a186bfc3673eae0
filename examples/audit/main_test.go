package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/zkinfer/zkinfer/audit"
)

// TestShippedData: data50.json, which make test audits, is what the
// generator writes for 50 applicants with the default seed and a seeded
// salt.
func TestShippedData(t *testing.T) {
	d := Data(50, 20261124)
	d.Salt = audit.SaltHex(seededSalt(20261124))
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("data50.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(b, '\n'), want) {
		t.Fatal("data50.json is not the generator's output: go run ./examples/audit -n 50 -seeded-salt -out examples/audit/data50.json")
	}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
}
