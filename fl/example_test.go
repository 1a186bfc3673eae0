package fl_test

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/fl"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// Two clients, four parameters: the clients commit, the aggregator
// clips client 1 (norm 500 units against a bound of 100) and proves, the
// verifier checks the proof against the published commitments.
func Example() {
	s := fl.Shape{Clients: 2, Params: 4, ParamBits: 16, ParamScale: 12, UpdateBits: 12}
	ccs, err := fl.Compile(s)
	if err != nil {
		panic(err)
	}
	keys, err := fl.Setup(s, ccs)
	if err != nil {
		panic(err)
	}
	weights, _ := fl.Weights([]int64{1, 3}) // sample counts
	r := &fl.Round{Number: 1, Old: []int64{100, -200, 300, 0}, Clip: 100, Weights: weights,
		Updates: [][]int64{{10, 0, -10, 5}, {300, 400, 0, 0}}, Salts: []*big.Int{big.NewInt(7), big.NewInt(8)}}
	// Each client publishes one multi-scalar multiplication.
	var published []fl.Point
	for k, u := range r.Updates {
		p, _ := fl.ClientCommitment(keys.Bases[k], s.UpdateBits, r.Number, r.Salts[k], u)
		published = append(published, p)
	}
	res, err := fl.Aggregate(s, r)
	if err != nil {
		panic(err)
	}
	prf, err := fl.Prove(s, ccs, keys.PK, r, res)
	if err != nil {
		panic(err)
	}
	st := &fl.Statement{Round: 1, Clip: 100, Weights: weights, Old: res.OldCom, New: res.NewCom, Clients: published}
	fmt.Println("factors:", res.Factors, "new model:", res.New)
	fmt.Println("verified:", fl.Verify(s, keys.VK, prf, st) == nil)
	// Output:
	// factors: [65536 13107] new model: [147 -140 298 1]
	// verified: true
}

// The keys from a ceremony instead of Setup: the circuit is written
// without keys, one participant contributes to each phase (clients can),
// finalize writes the keys and the clients' bases, and anyone checks the
// chain against the directory, which recompiles the circuit for its shape.
func ExampleOpenCeremony() {
	s := fl.Shape{Clients: 2, Params: 4, ParamBits: 16, ParamScale: 12, UpdateBits: 12}
	ccs, err := fl.Compile(s)
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "fl-ceremony")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := fl.WriteCircuit(dir, s, ccs); err != nil {
		panic(err)
	}
	c, err := fl.OpenCeremony(dir)
	if err != nil {
		panic(err)
	}
	state := func(name string) string { return filepath.Join(dir, name) }
	files := []string{state("p1-0"), state("p1-1"), state("p2-0"), state("p2-1")}
	must := func(_ *ceremony.Step, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(c.CeremonyInit(files[0]))
	must(ceremony.Contribute(files[0], files[1], nil)) // a participant of phase 1
	must(c.CeremonyPhase2(files[1], files[2], []byte("a beacon announced in advance..."), nil))
	must(ceremony.Contribute(files[2], files[3], nil)) // a client, in phase 2
	if err := c.CeremonyFinalizePrepared(files[3], "", ceremony.WithoutBeacon, nil); err != nil {
		panic(err)
	}
	rep, err := c.VerifyCeremony(files, ceremony.VerifyOptions{})
	fmt.Println("verified:", err == nil, "contributions:", rep.Phase1, rep.Phase2)
	setup, _ := fl.ReadSetup(dir)
	fmt.Println("setup:", setup.Kind)
	// Output:
	// verified: true contributions: 1 1
	// setup: ceremony
}
