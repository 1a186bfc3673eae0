package fl

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/dp"
)

// dpShape noises parameters [8, 16) of 24 with the discrete Gaussian
// calibrated for ε = 1, δ = 10^-5 at sensitivity 22 (testDPRound's bound
// and weights need 21: 2·0.6·15 + √8).
func dpShape(t *testing.T) Shape {
	t.Helper()
	d, err := GaussianFor(dp.Decimal{Num: 1, Den: 1}, 1e-5, 22, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	s := testShape
	s.DP = d
	return s
}

var (
	dpOnce sync.Once
	dpCCS  *cs.R1CS
	dpKeys *Keys
	dpErr  error
)

func dpSetup(t *testing.T) (Shape, *cs.R1CS, *Keys) {
	t.Helper()
	s := dpShape(t)
	dpOnce.Do(func() {
		dpCCS, dpErr = Compile(s)
		if dpErr == nil {
			dpKeys, dpErr = Setup(s, dpCCS)
		}
	})
	if dpErr != nil {
		t.Fatal(dpErr)
	}
	return s, dpCCS, dpKeys
}

// testDPRound trains only the noised parameters, at bound 15: client 1
// is clipped, client 0 not.
func testDPRound(seed uint64) *Round {
	rng := rand.New(rand.NewPCG(seed, 3))
	r := testRound(seed)
	r.Clip = 15
	for k, u := range r.Updates {
		amp := int64(4)
		if k == 1 {
			amp = 30
		}
		for j := range u {
			u[j] = 0
			if j >= 8 && j < 16 {
				u[j] = rng.Int64N(2*amp) - amp
			}
		}
	}
	r.DPSeed = big.NewInt(0).SetBytes([]byte("a secret seed of the aggregator"))
	r.DPCoins = dp.CoinsValue([]byte("the verifier's public coins, 32B"))
	return r
}

func dpStatement(t *testing.T, keys *Keys, r *Round, res *Result) *Statement {
	st := statement(t, keys, r, res)
	st.SeedCom, st.Coins = dp.SeedCommitment(r.DPSeed), r.DPCoins
	return st
}

// TestDPRound: the honest DP round proves and verifies; its noise is
// dp.Noise's under the key of the seed, the coins, the round and the old
// model, on the noised parameters only; and each departure fails.
func TestDPRound(t *testing.T) {
	s, ccs, keys := dpSetup(t)
	if need := s.DP.Sensitivity(15, testRound(1).Weights); need != 21 {
		t.Fatalf("the test round needs sensitivity %d, the test expects 21", need)
	}
	honest := testDPRound(1)
	honestRes, err := Aggregate(s, honest)
	if err != nil {
		t.Fatal(err)
	}
	if honestRes.Factors[1] == 1<<FactorBits || honestRes.Factors[0] != 1<<FactorBits {
		t.Fatalf("factors %v: client 1 should be clipped, client 0 not", honestRes.Factors)
	}
	tab, _ := s.DP.Mechanism.Table()
	key := dp.Key(honest.DPSeed, honest.DPCoins, big.NewInt(int64(honest.Number)), honestRes.OldCom)
	nonzero := 0
	for j, z := range honestRes.Noise {
		want := int64(0)
		if j >= 8 && j < 16 {
			want, _ = dp.Noise(tab, key, j)
		}
		if z != want {
			t.Fatalf("noise %d is %d, dp.Noise gives %d", j, z, want)
		}
		if z != 0 {
			nonzero++
		}
		if j < 8 || j >= 16 {
			if honestRes.New[j] != honest.Old[j] {
				t.Fatalf("parameter %d outside the noised range changed", j)
			}
		}
	}
	if nonzero < 4 {
		t.Fatalf("only %d of 8 noises are nonzero at σ = %s", nonzero, s.DP.Mechanism.Sigma)
	}
	published := dpStatement(t, keys, honest, honestRes)
	recommit := func(r *Round, res *Result) {
		var err error
		if res.NewCom, err = commit(s, res.New, r.NewSalt); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name     string
		prover   func(r *Round, res *Result) // the aggregator's forgery
		verifier func(st *Statement)
	}{
		{name: "honest"},
		{name: "noise changed (one draw plus one)", prover: func(r *Round, res *Result) {
			res.Noise[9]++
			res.New[9]++
			recommit(r, res)
		}},
		{name: "noise left out", prover: func(r *Round, res *Result) {
			for j := range res.New {
				res.New[j] -= res.Noise[j]
				res.Noise[j] = 0
			}
			recommit(r, res)
		}},
		{name: "another seed than the committed one", prover: func(r *Round, res *Result) {
			r.DPSeed = big.NewInt(7)
			res.Noise = nil
			if err := combine(s, r, res, false); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "other coins than the verifier's", prover: func(r *Round, res *Result) {
			r.DPCoins = dp.CoinsValue([]byte("coins the aggregator prefers...."))
			res.Noise = nil
			if err := combine(s, r, res, false); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "seed commitment changed", verifier: func(st *Statement) { st.SeedCom = dp.SeedCommitment(big.NewInt(7)) }},
		{name: "coins changed", verifier: func(st *Statement) { st.Coins = new(big.Int).Add(st.Coins, big.NewInt(1)) }},
		{name: "a bound the noise is not calibrated for", verifier: func(st *Statement) { st.Clip = 40 }},
		{name: "an update outside the noised parameters", prover: func(r *Round, res *Result) {
			r.Updates[0][2] = 1 // client 0 is not clipped: its factor stays right
			if err := combine(s, r, res, false); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, res := cloneRound(honest), cloneResult(honestRes)
			res.Noise = slices.Clone(honestRes.Noise)
			st := *published
			st.Clients = slices.Clone(published.Clients)
			if tc.prover != nil {
				tc.prover(r, res)
				// the client commitments are of what the prover uses: only
				// the checked constraint can refuse
				st2 := statement(t, keys, r, res)
				st.Clients, st.New = st2.Clients, res.NewCom
			}
			if tc.verifier != nil {
				tc.verifier(&st)
			}
			prf, err := Prove(s, ccs, keys.PK, r, res)
			if err == nil {
				err = Verify(s, keys.VK, prf, &st)
			}
			switch {
			case tc.name == "honest" && err != nil:
				t.Fatalf("the honest round fails: %v", err)
			case tc.name != "honest" && err == nil:
				t.Fatal("accepted")
			case tc.verifier != nil && !errors.Is(err, ErrInvalid):
				t.Fatalf("refused for another reason than invalidity: %v", err)
			case tc.name != "honest":
				t.Logf("refused: %.160s", err)
			}
		})
	}
}

// TestDPSensitivity: the derived sensitivity and the aggregator's refusal
// of a round whose bound or weights need more than the circuit's noise.
func TestDPSensitivity(t *testing.T) {
	d := &DPShape{Mechanism: dp.Mechanism{Kind: dp.Gaussian}, Count: 16}
	// A = 2·2^15·100/2^16 = 100, + √16
	if got := d.Sensitivity(100, []int64{1 << 15, 1 << 15}); got != 104 {
		t.Fatalf("gaussian sensitivity %d, want 104", got)
	}
	d.Mechanism.Kind = dp.Laplace // √16·100 + 16
	if got := d.Sensitivity(100, []int64{1 << 15, 1 << 15}); got != 416 {
		t.Fatalf("laplace sensitivity %d, want 416", got)
	}
	s := dpShape(t)
	r := testDPRound(2)
	r.Clip = 25
	if _, err := Aggregate(s, r); err == nil {
		t.Fatal("a bound needing sensitivity 25 aggregated under noise calibrated for 22")
	}
}

// TestDPCost measures the constraints a noised parameter adds (a draw of
// dp's sampler): two shapes that differ in the noised count only, so the
// table, the seed's commitment and the key cancel. The bound is
// 2,000 a noised value.
func TestDPCost(t *testing.T) {
	s := dpShape(t)
	count := func(n int) int {
		d := *s.DP
		d.Off, d.Count = 0, n
		sh := s
		sh.DP = &d
		ccs, err := Compile(sh)
		if err != nil {
			t.Fatal(err)
		}
		return ccs.GetNbConstraints()
	}
	plain, err := Compile(testShape)
	if err != nil {
		t.Fatal(err)
	}
	a, b := count(8), count(24)
	per := float64(b-a) / 16
	t.Logf("no DP: %d; 8 noised: %d; 24 noised: %d constraints: %.1f a noised parameter, %d fixed (table of %d rows, seed, key)",
		plain.GetNbConstraints(), a, b, per, a-plain.GetNbConstraints()-int(8*per), 2*s.DP.offset()+2)
	if per > 2000 {
		t.Fatalf("%.1f constraints a noised parameter, above the issue's 2,000", per)
	}
}
