package fl_test

import (
	"fmt"
	"math/big"

	"github.com/zkinfer/zkinfer/fl"
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
