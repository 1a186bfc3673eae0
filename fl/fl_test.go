package fl

import (
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"
)

var testShape = Shape{Clients: 3, Params: 24, ParamBits: 16, ParamScale: 12, UpdateBits: 12}

var (
	setupOnce sync.Once
	testCCS   *cs.R1CS
	testKeys  *Keys
	setupErr  error
)

// testSetup compiles and sets up testShape once for the package's tests.
func testSetup(t *testing.T) (*cs.R1CS, *Keys) {
	t.Helper()
	setupOnce.Do(func() {
		testCCS, setupErr = Compile(testShape)
		if setupErr == nil {
			testKeys, setupErr = Setup(testShape, testCCS)
		}
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return testCCS, testKeys
}

// testRound is a round of testShape: client 1's update is long enough to
// be clipped at clip 300, client 2's is between half the bound and the
// bound, client 0's shorter.
func testRound(seed uint64) *Round {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := testShape
	r := &Round{Number: 7, Old: make([]int64, s.Params), OldSalt: big.NewInt(11), NewSalt: big.NewInt(13), Clip: 300}
	for j := range r.Old {
		r.Old[j] = rng.Int64N(8000) - 4000
	}
	for k := range s.Clients {
		u := make([]int64, s.Params)
		amp := int64(40)
		switch k {
		case 1:
			amp = 1500
		case 2:
			amp = 80
		}
		for j := range u {
			u[j] = rng.Int64N(2*amp) - amp
		}
		r.Updates = append(r.Updates, u)
		r.Salts = append(r.Salts, big.NewInt(rng.Int64()))
	}
	r.Weights, _ = Weights([]int64{120, 300, 80})
	return r
}

func statement(t *testing.T, keys *Keys, r *Round, res *Result) *Statement {
	t.Helper()
	st := &Statement{Round: r.Number, Clip: r.Clip, Weights: r.Weights, Old: res.OldCom, New: res.NewCom}
	for k, u := range r.Updates {
		p, err := ClientCommitment(keys.Bases[k], testShape.UpdateBits, r.Number, r.Salts[k], u)
		if err != nil {
			t.Fatal(err)
		}
		st.Clients = append(st.Clients, p)
	}
	return st
}

func TestAggregateProveVerify(t *testing.T) {
	ccs, keys := testSetup(t)
	r := testRound(1)
	res, err := Aggregate(testShape, r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Factors[1] == 1<<FactorBits || res.Factors[0] != 1<<FactorBits {
		t.Fatalf("factors %v: client 1 should be clipped, client 0 not", res.Factors)
	}
	prf, err := Prove(testShape, ccs, keys.PK, r, res)
	if err != nil {
		t.Fatal(err)
	}
	st := statement(t, keys, r, res)
	if err := Verify(testShape, keys.VK, prf, st); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d constraints", ccs.GetNbConstraints())
	_ = curve.G1Affine{}
}
