package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/zkinfer/zkinfer/audit"
)

// TestShippedData: loans200.json, which make test queries
// (TestDPCountExample in cmd/zkinfer runs README.md's walkthrough on it),
// is what the generator writes for 200 loans with the default seed and a
// seeded salt, and holds the figures README.md quotes.
func TestShippedData(t *testing.T) {
	d := Loans(200, 20261130)
	d.Salt = audit.SaltHex(seededSalt(20261130))
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("loans200.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(b, '\n'), want) {
		t.Fatal("loans200.json is not the generator's output: go run ./examples/dpcount -n 200 -seeded-salt -out examples/dpcount/loans200.json")
	}
	var late, defaults int
	for i, r := range d.Records {
		if r[3] >= 2 {
			late++
		}
		defaults += int(d.Labels[i])
	}
	if late != 16 || defaults != 24 {
		t.Errorf("%d loans with 2 or more late payments and %d defaults; README.md says 16 and 24", late, defaults)
	}
}
