package fl

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

func cloneRound(r *Round) *Round {
	c := *r
	c.Old = slices.Clone(r.Old)
	c.Weights = slices.Clone(r.Weights)
	c.Salts = slices.Clone(r.Salts)
	c.Updates = nil
	for _, u := range r.Updates {
		c.Updates = append(c.Updates, slices.Clone(u))
	}
	return &c
}

func cloneResult(res *Result) *Result {
	c := *res
	c.New, c.Factors, c.Rem = slices.Clone(res.New), slices.Clone(res.Factors), slices.Clone(res.Rem)
	return &c
}

// TestSoundness: each way an aggregator (or a replayed message) departs
// from the round the clients committed to is refused, either by the
// prover (the witness does not satisfy the circuit: no proof exists for
// it) or by Verify against the clients' published commitments.
func TestSoundness(t *testing.T) {
	ccs, keys := testSetup(t)
	honest := testRound(2)
	honestRes, err := Aggregate(testShape, honest)
	if err != nil {
		t.Fatal(err)
	}
	published := statement(t, keys, honest, honestRes)
	recommit := func(res *Result, r *Round) {
		var err error
		if res.NewCom, err = commit(testShape, res.New, r.NewSalt); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		// inputs changes the aggregator's inputs, then aggregates them
		// honestly (a consistent proof of other inputs); prover forges the
		// witness itself; verifier changes what the verifier is given (the
		// published statement, copied).
		inputs func(r *Round)
		// forge changes the round's weights or factors behind Aggregate's
		// checks; the rest of the witness is then computed from them, so
		// that only the forged check can refuse it.
		forge    func(t *testing.T, r *Round, res *Result)
		prover   func(r *Round, res *Result)
		verifier func(st *Statement)
	}{
		{name: "honest"},
		{name: "update changed after its commitment", inputs: func(r *Round) { r.Updates[0][3] += 5 }},
		{name: "salt changed after its commitment", inputs: func(r *Round) { r.Salts[2] = big.NewInt(99) }},
		{name: "client dropped (its slot given another update)", inputs: func(r *Round) {
			r.Updates[2] = slices.Clone(r.Updates[0])
		}},
		{name: "client counted twice (its update and salt in a second slot)", inputs: func(r *Round) {
			r.Updates[2], r.Salts[2] = slices.Clone(r.Updates[0]), r.Salts[0]
		}},
		{name: "commitment repeated in the verifier's list", verifier: func(st *Statement) { st.Clients[2] = st.Clients[0] }},
		{name: "commitments out of order", verifier: func(st *Statement) { st.Clients[0], st.Clients[1] = st.Clients[1], st.Clients[0] }},
		{name: "client missing from the verifier's list", verifier: func(st *Statement) { st.Clients = st.Clients[:2] }},
		{name: "clipping bound exceeded without clipping", forge: func(_ *testing.T, _ *Round, res *Result) { res.Factors[1] = 1 << FactorBits }},
		{name: "clipped harder than the bound asks", forge: func(_ *testing.T, _ *Round, res *Result) { res.Factors[1]-- }},
		{name: "a small update amplified up to the bound", forge: func(t *testing.T, r *Round, res *Result) {
			// f = ⌊2^16·C/‖u‖⌋ without the min(1, ·), for client 2,
			// whose norm is between C/2 and C: f ∈ (2^16, 2^17)
			norm := math.Sqrt(float64(res.Norms[2].Int64()))
			res.Factors[2] = int64(math.Ldexp(float64(r.Clip)/norm, FactorBits))
			if res.Factors[2] <= 1<<FactorBits || res.Factors[2] >= 1<<(FactorBits+1) {
				t.Fatalf("the test round's client 2 has norm %.1f, not between C/2 and C = %d", norm, r.Clip)
			}
		}},
		{name: "a negative clipping bound (its square the bound's)", forge: func(_ *testing.T, r *Round, _ *Result) { r.Clip = -r.Clip }},
		{name: "weights not summing to one", forge: func(_ *testing.T, r *Round, _ *Result) { r.Weights[0]++ }},
		{name: "a negative weight", forge: func(_ *testing.T, r *Round, _ *Result) { r.Weights[0] += r.Weights[2] + 5; r.Weights[2] = -5 }},
		{name: "clipping bound claimed looser than proven", verifier: func(st *Statement) { st.Clip *= 10 }},
		{name: "wrong average (one parameter off by one)", prover: func(r *Round, res *Result) { res.New[5]++; recommit(res, r) }},
		{name: "wrong average (remainder shifted)", prover: func(r *Round, res *Result) {
			res.New[5]++
			res.Rem[5] -= 1 << (WeightBits + FactorBits)
			recommit(res, r)
		}},
		{name: "wrong average (one less, remainder shifted up)", prover: func(r *Round, res *Result) {
			res.New[5]--
			res.Rem[5] += 1 << (WeightBits + FactorBits)
			recommit(res, r)
		}},
		{name: "new model commitment not the average's", verifier: func(st *Statement) { st.New = new(big.Int).Add(st.New, big.NewInt(1)) }},
		{name: "previous model not the one committed", inputs: func(r *Round) { r.Old[0]++ }},
		{name: "previous model commitment changed", verifier: func(st *Statement) { st.Old = big.NewInt(5) }},
		{name: "weights changed", verifier: func(st *Statement) { st.Weights[0]--; st.Weights[1]++ }},
		{name: "another round", verifier: func(st *Statement) { st.Round++ }},
		{name: "commitments of another round", inputs: func(r *Round) { r.Number++ }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, res := cloneRound(honest), cloneResult(honestRes)
			if tc.inputs != nil {
				tc.inputs(r)
				var err error
				if res, err = Aggregate(testShape, r); err != nil {
					t.Fatal(err)
				}
			}
			if tc.forge != nil {
				tc.forge(t, r, res)
				if err := combine(testShape, r, res, false); err != nil {
					t.Fatal(err)
				}
			}
			if tc.prover != nil {
				tc.prover(r, res)
			}
			// What the verifier holds: the published client commitments,
			// the previous model's commitment and the round; the aggregator's
			// proof file claims the bound, the weights and the new model's
			// commitment.
			st := *published
			st.Clients = slices.Clone(published.Clients)
			st.Clip, st.Weights, st.New = r.Clip, slices.Clone(r.Weights), res.NewCom
			if tc.verifier != nil {
				tc.verifier(&st)
			}
			prf, err := Prove(testShape, ccs, keys.PK, r, res)
			if err == nil {
				err = Verify(testShape, keys.VK, prf, &st)
			}
			switch {
			case tc.name == "honest" && err != nil:
				t.Fatalf("the honest round fails: %v", err)
			case tc.name != "honest" && err == nil:
				t.Fatal("accepted")
			case tc.name != "honest" && tc.prover == nil && tc.forge == nil && !errors.Is(err, ErrInvalid) && tc.name != "client missing from the verifier's list":
				t.Fatalf("refused for another reason than invalidity: %v", err)
			case tc.name != "honest":
				t.Logf("refused: %.160s", err)
			}
		})
	}
}

// TestUpdateRange: a client that commits to an update value one past
// its range (its own commitment, the factor and the average recomputed
// for it) is refused by the update's range check alone.
func TestUpdateRange(t *testing.T) {
	ccs, keys := testSetup(t)
	for _, v := range []int64{1 << (testShape.UpdateBits - 1), -(1 << (testShape.UpdateBits - 1)) - 1} {
		r := testRound(1)
		res, err := Aggregate(testShape, r)
		if err != nil {
			t.Fatal(err)
		}
		r.Updates[0][0] = v
		norm := new(big.Int)
		for _, u := range r.Updates[0] {
			norm.Add(norm, big.NewInt(u*u))
		}
		res.Factors[0] = clipFactor(norm, r.Clip)
		if err := combine(testShape, r, res, false); err != nil {
			t.Fatal(err)
		}
		prf, err := Prove(testShape, ccs, keys.PK, r, res)
		if err == nil {
			// ClientCommitment refuses the value: the point its wires
			// commit to, computed without that check.
			st := statement(t, keys, testRound(1), res)
			st.Clients[0] = offsetPoint(t, keys.Bases[0], r.Number, r.Salts[0], r.Updates[0])
			err = Verify(testShape, keys.VK, prf, st)
		}
		if err == nil {
			t.Fatalf("an update value %d (range [−2^%d, 2^%d)) accepted", v, testShape.UpdateBits-1, testShape.UpdateBits-1)
		}
	}
}

// offsetPoint is ClientCommitment without its range check: the point of
// the wires (round, salt, u + 2^(UpdateBits−1)).
func offsetPoint(t *testing.T, basis []curve.G1Affine, round uint64, salt *big.Int, u []int64) curve.G1Affine {
	t.Helper()
	es := make([]fr.Element, len(basis))
	es[0].SetUint64(round)
	es[1].SetBigInt(salt)
	for j, v := range u {
		es[j+2].SetInt64(v + updateOffset(testShape.UpdateBits))
	}
	var p curve.G1Affine
	if _, err := p.MultiExp(basis, es, ecc.MultiExpConfig{}); err != nil {
		t.Fatal(err)
	}
	return p
}
