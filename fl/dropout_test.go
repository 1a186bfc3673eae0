package fl

import (
	"errors"
	"testing"
)

// TestDropout: a slot marked dropped out stands for the proof's own
// commitment only when the proof weighs it 0. Client 2 of testRound drops
// out (weight 0, a zero update the aggregator commits to): the round
// verifies with the slot marked; the same marking on a round that weighs
// client 2 (its real, published commitment left aside) is refused.
func TestDropout(t *testing.T) {
	ccs, keys := testSetup(t)
	prove := func(counts []int64, drop bool) (*Statement, error) {
		r := testRound(3)
		r.Weights, _ = Weights(counts)
		if drop {
			r.Updates[2] = make([]int64, testShape.Params)
		}
		res, err := Aggregate(testShape, r)
		if err != nil {
			t.Fatal(err)
		}
		prf, err := Prove(testShape, ccs, keys.PK, r, res)
		if err != nil {
			t.Fatal(err)
		}
		st := statement(t, keys, r, res)
		st.Dropped = []bool{false, false, true}
		st.Clients[2] = Point{} // not published: the verifier has none
		return st, Verify(testShape, keys.VK, prf, st)
	}
	if _, err := prove([]int64{120, 300, 0}, true); err != nil {
		t.Fatalf("client 2 dropped out, weight 0: %v", err)
	}
	if _, err := prove([]int64{120, 300, 80}, false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("client 2 weighed but passed off as dropped out: %v", err)
	}
}
