package fl

import (
	"errors"
	"math/big"
	"slices"
	"testing"

	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/dp"
)

// TestDPPublicModels: DP-FedAvg with public models. The noise key binds
// the previous model through the value gnark gives the circuit for W_old's
// commitment (ModelKey), as it binds H_old without public models: the
// honest round proves and verifies against both models, with dp.Noise's
// noise under that key; noise keyed by H_old instead, by another previous
// model, or changed by one is refused; and the same seed and coins on
// another previous model give other noise.
func TestDPPublicModels(t *testing.T) {
	s := dpShape(t)
	s.PublicModels = true
	ccs, keys := setUp(t, s)
	honest := testDPRound(1)
	if _, err := Aggregate(s, honest); err == nil {
		t.Fatal("a DP round with public models aggregated without the previous model's basis")
	}
	honest.OldBasis = keys.ModelBases[0]
	res, err := Aggregate(s, honest)
	if err != nil {
		t.Fatal(err)
	}
	model, err := ModelKey(keys.ModelBases[0], honest.Old)
	if err != nil {
		t.Fatal(err)
	}
	key := dp.Key(honest.DPSeed, honest.DPCoins, new(big.Int).SetUint64(honest.Number), model)
	tab, _ := s.DP.Mechanism.Table()
	for j := 8; j < 16; j++ {
		if want, _ := dp.Noise(tab, key, j); res.Noise[j] != want {
			t.Fatalf("noise %d is %d, dp.Noise under the model's key gives %d", j, res.Noise[j], want)
		}
	}
	statementOf := func(r *Round, res *Result) *Statement {
		st := dpStatement(t, keys, r, res)
		st.OldW, st.NewW, st.ModelBases = slices.Clone(r.Old), slices.Clone(res.New), keys.ModelBases
		return st
	}
	prove := func(r *Round, res *Result) error {
		prf, err := Prove(s, ccs, keys.PK, r, res)
		if err != nil {
			return err
		}
		return Verify(s, keys.VK, prf, statementOf(r, res))
	}
	if err := prove(honest, res); err != nil {
		t.Fatalf("the honest round fails: %v", err)
	}

	// Forgeries: the aggregator releases a model with other noise, and the
	// verifier holds that model (the released one).
	renoise := func(r *Round, model *big.Int) *Result {
		t.Helper()
		f := cloneResult(res)
		var err error
		if f.Noise, err = noiseNative(s, r, model); err != nil {
			t.Fatal(err)
		}
		if err := combine(s, r, f, false); err != nil {
			t.Fatal(err)
		}
		return f
	}
	other := slices.Clone(honest.Old)
	other[3]++
	otherModel, err := ModelKey(keys.ModelBases[0], other)
	if err != nil {
		t.Fatal(err)
	}
	plusOne := cloneResult(res)
	plusOne.Noise = slices.Clone(res.Noise)
	plusOne.Noise[9]++
	plusOne.New[9]++
	for name, forged := range map[string]*Result{
		"noise keyed by H_old":               renoise(honest, res.OldCom),
		"noise keyed by another prior model": renoise(honest, otherModel),
		"noise changed by one":               plusOne,
	} {
		t.Run(name, func(t *testing.T) {
			if slices.Equal(forged.New, res.New) {
				t.Fatal("the forgery releases the honest model")
			}
			err := prove(honest, forged)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Logf("refused by the prover: %.120s", err)
			}
		})
	}

	// Another previous model, the same seed and coins: other noise.
	r2 := cloneRound(honest)
	r2.Old = other
	res2, err := Aggregate(s, r2)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(res2.Noise, res.Noise) {
		t.Fatal("the same noise on another previous model")
	}
	if err := prove(r2, res2); err != nil {
		t.Fatalf("the round on another previous model fails: %v", err)
	}
}

// setUp compiles and sets up shape s.
func setUp(t *testing.T, s Shape) (*cs.R1CS, *Keys) {
	t.Helper()
	ccs, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := Setup(s, ccs)
	if err != nil {
		t.Fatal(err)
	}
	return ccs, keys
}
