package fl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/proof/ceremony"
)

var testBeacon = []byte("fl ceremony test beacon, 32 byte")

// ceremonyDir writes s's circuit without keys into a new directory and
// runs a ceremony on it (one contribution a phase, phase 2 closed at its
// last contribution); it returns the directory and the state files.
func ceremonyDir(t *testing.T, s Shape) (string, []string) {
	t.Helper()
	dir, _ := circuitDir(t, s)
	c, err := OpenCeremony(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	files := []string{at("p1-0.state"), at("p1-1.state"), at("p2-0.state"), at("p2-1.state")}
	if _, err := c.CeremonyInit(files[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Contribute(files[0], files[1], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CeremonyPhase2(files[1], files[2], testBeacon, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ceremony.Contribute(files[2], files[3], nil); err != nil {
		t.Fatal(err)
	}
	if err := c.CeremonyFinalizePrepared(files[3], "", ceremony.WithoutBeacon, nil); err != nil {
		t.Fatal(err)
	}
	return dir, files
}

// circuitDir writes s's circuit without keys into a new directory.
func circuitDir(t *testing.T, s Shape) (string, *cs.R1CS) {
	t.Helper()
	ccs, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteCircuit(dir, s, ccs); err != nil {
		t.Fatal(err)
	}
	return dir, ccs
}

// TestCeremony takes the aggregation circuit's keys from a ceremony: no
// keys before it is finalized; afterwards the chain verifies against the
// directory, a round proven under its keys verifies against commitments
// made with its clients.key, and the directory records the ceremony.
func TestCeremony(t *testing.T) {
	s := testShape
	pending, ccs := circuitDir(t, s)
	if _, err := ReadShape(pending); err == nil || !strings.Contains(err.Error(), "not finalized") {
		t.Fatalf("a directory awaiting its ceremony: %v", err)
	}
	// Set up for a ceremony where a development setup's keys were: they go.
	_, devKeys := testSetup(t)
	if err := WriteDir(pending, s, ccs, devKeys); err != nil {
		t.Fatal(err)
	}
	if err := WriteCircuit(pending, s, ccs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{PKFile, VKFile, ClientsKeyFile} {
		if _, err := os.Stat(filepath.Join(pending, f)); err == nil {
			t.Errorf("%s left from the development setup", f)
		}
	}

	dir, files := ceremonyDir(t, s)
	c, err := OpenCeremony(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.VerifyCeremony(files, ceremony.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.Keys, ClientsKeyFile) || rep.Phase1 != 1 || rep.Phase2 != 1 {
		t.Fatalf("report %+v", rep)
	}
	rec, err := ReadSetup(dir)
	if err != nil || rec.Kind != SetupCeremony || rec.Ceremony == nil || rec.Ceremony.Phase2 != 1 || rec.Ceremony.Close != ceremony.CloseLast {
		t.Fatalf("setup record %+v, %v", rec, err)
	}

	// A round under the ceremony's keys, the clients committing with the
	// bases they read from clients.key.
	if _, err := ReadShape(dir); err != nil {
		t.Fatal(err)
	}
	pk, err := ReadProvingKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	vk, err := ReadVerifyingKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := testRound(5)
	res, err := Aggregate(s, r)
	if err != nil {
		t.Fatal(err)
	}
	prf, err := Prove(s, ccs, pk, r, res)
	if err != nil {
		t.Fatal(err)
	}
	keys := &Keys{Bases: make([][]curve.G1Affine, s.Clients)}
	for k := range keys.Bases {
		if keys.Bases[k], err = ReadClientBasis(dir, s, k); err != nil {
			t.Fatal(err)
		}
	}
	if err := Verify(s, vk, prf, statement(t, keys, r, res)); err != nil {
		t.Fatal(err)
	}
}

// TestCeremonyRefuses checks what `ceremony verify --dir` must refuse on
// an aggregation directory: bases that are not the key's, keys from a
// development setup, a record of another chain, and a ceremony run for
// another circuit than the recorded shape's.
func TestCeremonyRefuses(t *testing.T) {
	dir, files := ceremonyDir(t, testShape)
	verify := func(dir string) error {
		c, err := OpenCeremony(dir)
		if err != nil {
			return err
		}
		_, err = c.VerifyCeremony(files, ceremony.VerifyOptions{})
		return err
	}
	ccs, devKeys := testSetup(t)
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   string
	}{
		{"clients' bases swapped", func(t *testing.T, dir string) {
			b0, _ := ReadClientBasis(dir, testShape, 0)
			b1, _ := ReadClientBasis(dir, testShape, 1)
			b2, _ := ReadClientBasis(dir, testShape, 2)
			writeFile(t, filepath.Join(dir, ClientsKeyFile), basesFile([][]curve.G1Affine{b1, b0, b2}, testShape.Params+3))
		}, "clients.key: client 0's basis is not the ceremony's proving key's"},
		{"development keys", func(t *testing.T, dir string) {
			if err := writeDir(dir, testShape, ccs, devKeys, ceremonySetup(t, dir)); err != nil {
				t.Fatal(err)
			}
		}, "not the key this ceremony gives"},
		{"another chain's record", func(t *testing.T, dir string) {
			editShapeFile(t, dir, func(f *shapeFile) { f.Setup.Ceremony.Final = strings.Repeat("ab", 32) })
		}, "come from another ceremony"},
		{"no ceremony recorded", func(t *testing.T, dir string) {
			editShapeFile(t, dir, func(f *shapeFile) { f.Setup = &SetupRecord{Kind: SetupDevelopment} })
		}, "do not come from a finished ceremony"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := copyDir(t, dir)
			tc.tamper(t, d)
			if err := verify(d); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}

	// A coordinator who ran the ceremony for a circuit of narrower
	// updates than the shape it records: its files agree with each other,
	// but the circuit is not the one this zkinfer compiles for the shape.
	narrow := testShape
	narrow.UpdateBits = 10
	other, otherFiles := ceremonyDir(t, narrow)
	editShapeFile(t, other, func(f *shapeFile) { f.UpdateBits = testShape.UpdateBits })
	c, err := OpenCeremony(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyCeremony(otherFiles, ceremony.VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "not the aggregation circuit this zkinfer compiles") {
		t.Fatalf("a ceremony for another circuit: %v", err)
	}
}

// ceremonySetup is dir's setup record.
func ceremonySetup(t *testing.T, dir string) SetupRecord {
	t.Helper()
	r, err := ReadSetup(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func editShapeFile(t *testing.T, dir string, edit func(*shapeFile)) {
	t.Helper()
	f, err := readShapeFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	edit(&f)
	b, err := json.Marshal(&f)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ShapeFile), b)
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies dir's files (not its folders) into a new directory.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(out, e.Name()), b)
	}
	return out
}
