package query_test

import (
	"fmt"
	"math/big"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/query"
)

// A DP count of the loans with two or more late payments: the exact
// count, the noise drawn from the seed and the coins (what the circuit
// proves), and the statement in words.
func ExampleRelease() {
	d := &audit.Data{Records: [][]float64{{12, 0.3, 0}, {40, 0.5, 3}, {8, 0.2, 2}, {25, 0.4, 1}}, Labels: []int64{0, 1, 1, 0}}
	rs, err := d.Quantize(12, 24, 0, big.NewInt(0x5a17))
	if err != nil {
		panic(err)
	}
	q, err := query.ParseCount("x[2] >= 2", &rs.Schema)
	if err != nil {
		panic(err)
	}
	spec, err := query.NewSpec(rs.Schema, q, dp.Laplace, dp.Decimal{Num: 1, Den: 1}, 0, nil)
	if err != nil {
		panic(err)
	}
	exact, noise, pub, err := query.Release(spec, &query.Witness{Records: rs, Seed: big.NewInt(20261130), Coins: []byte("coins the verifier drew")})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: exact %d, noise %d, released %d (sensitivity %d)\n", q.Describe(), exact[0], noise[0], pub.Released[0], q.Sensitivity())
	// Output:
	// the number of records with x[2] >= 2: exact 2, noise 1, released 3 (sensitivity 1)
}
