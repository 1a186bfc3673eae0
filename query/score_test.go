package query

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

// creditSpec is a DP count of examples/audit's 50 applicants whose score
// under examples/credit's model passes 0.7.
func creditSpec(t *testing.T, expr string) (*Spec, *audit.Records) {
	t.Helper()
	g, err := onnx.Load("../examples/credit/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		t.Fatal(err)
	}
	d, err := audit.ReadData("../examples/audit/data50.json")
	if err != nil {
		t.Fatal(err)
	}
	salt, _ := new(big.Int).SetString(d.Salt[2:], 16)
	rs, err := d.Quantize(12, 24, 0, salt)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseScoreCount(expr, &rs.Schema, m, "609d09be722ae796")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewSpec(rs.Schema, q, dp.Laplace, dp.Decimal{Num: 1, Den: 1}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	sp.Model = m
	return sp, rs
}

// TestScoreCount: the count of records whose model score passes a
// threshold is the float model's count (up to the fixed point), the
// circuit accepts its honest release and rejects one off by one or with
// another threshold's count.
func TestScoreCount(t *testing.T) {
	sp, rs := creditSpec(t, "score >= 0.7")
	exact, err := sp.Evaluate(rs)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := scores(sp.Model, rs)
	var want int64
	for _, v := range sc {
		if float64(v)/4096 >= 0.7 {
			want++
		}
	}
	if exact[0] != want || want == 0 || want == 50 {
		t.Fatalf("score count %d, want %d (of 50)", exact[0], want)
	}
	w := &Witness{Records: rs, Seed: big.NewInt(99), Coins: coins}
	a, pub, err := Assign(sp, w)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewCircuit(sp)
	if err := test.IsSolved(c, a, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("honest score count: %v", err)
	}
	t.Logf("%d of 50 applicants score ≥ 0.7; released %d", exact[0], pub.Released[0])
	for _, d := range []int64{1, -1} {
		b, _, _ := Assign(sp, w)
		b.Public[PubReleased] = (&Public{Released: []int64{pub.Released[0] + d}, Dataset: pub.Dataset, Seed: pub.Seed, Coins: coins}).Values()[PubReleased]
		if err := test.IsSolved(c, b, ecc.BN254.ScalarField()); err == nil {
			t.Errorf("released %+d accepted", d)
		}
	}
	// Another threshold's statistic with this circuit's noise: rejected
	// unless the two thresholds count the same records.
	sp2, _ := creditSpec(t, "score >= 0.5")
	other, _ := sp2.Evaluate(rs)
	if other[0] != exact[0] {
		_, noise, _, _ := Release(sp, w)
		b, _, _ := Assign(sp, w)
		b.Public[PubReleased] = (&Public{Released: []int64{other[0] + noise[0]}, Dataset: pub.Dataset, Seed: pub.Seed, Coins: coins}).Values()[PubReleased]
		if err := test.IsSolved(c, b, ecc.BN254.ScalarField()); err == nil {
			t.Error("the count at another threshold was accepted")
		}
	}
}

// TestScoreParse: what a score count refuses.
func TestScoreParse(t *testing.T) {
	sp, rs := creditSpec(t, "score > 0.7")
	for _, expr := range []string{"score == 0.7", "score >= x", "scores >= 0.7", "score"} {
		if _, err := ParseScoreCount(expr, &rs.Schema, sp.Model, "sha"); err == nil {
			t.Errorf("%q accepted", expr)
		}
	}
	s := rs.Schema
	s.Bits = 30
	if _, err := ParseScoreCount("score >= 0.7", &s, sp.Model, "sha"); err == nil {
		t.Error("features wider than the model's activations accepted")
	}
	s = rs.Schema
	s.Scale = 10
	if _, err := ParseScoreCount("score >= 0.7", &s, sp.Model, "sha"); err == nil {
		t.Error("a dataset at another scale accepted")
	}
}

// TestScoreMean: the clipped mean of the credit model's scores over 50
// applicants, and over one (a DP release of one model output, its
// sensitivity HI − LO from the clipping): the integer reference against
// the scores, and the circuit on the honest release and on one off by one.
func TestScoreMean(t *testing.T) {
	sp, rs := creditSpec(t, "score >= 0.5")
	for _, n := range []int{50, 1} {
		one := *rs
		one.Features, one.Labels = rs.Features[:n], rs.Labels[:n]
		one.Schema.Records = n
		one.Groups = nil
		for _, g := range rs.Groups {
			one.Groups = append(one.Groups, g[:n])
		}
		q, err := ParseScoreMean("0,1", &one.Schema, sp.Model, "609d09be722ae796")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := NewSpec(one.Schema, q, dp.Laplace, dp.Decimal{Num: 1, Den: 1}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		ms.Model = sp.Model
		got, err := ms.Evaluate(&one)
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := scores(sp.Model, &one)
		var sum int64
		for _, v := range sc {
			sum += min(max(v, 0), 4096)
		}
		if got[0] != sum>>q.Shift {
			t.Fatalf("%d records: clipped sum %d, want %d", n, got[0], sum>>q.Shift)
		}
		w := &Witness{Records: &one, Seed: big.NewInt(5), Coins: coins}
		a, pub, err := Assign(ms, w)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := NewCircuit(ms)
		if err := test.IsSolved(c, a, ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("%d records: honest release: %v", n, err)
		}
		t.Logf("%d records: mean score %.4f, released %.4f (lattice 2^%d at scale 2^%d, sensitivity %d units)", n,
			float64(sum)/float64(n)/4096, q.Real(pub.Released[0]), q.Shift, q.ScoreScale, q.Sensitivity())
		b, _, _ := Assign(ms, w)
		b.Public[PubReleased] = (&Public{Released: []int64{pub.Released[0] + 1}, Dataset: pub.Dataset, Seed: pub.Seed, Coins: coins}).Values()[PubReleased]
		if err := test.IsSolved(c, b, ecc.BN254.ScalarField()); err == nil {
			t.Errorf("%d records: released + 1 accepted", n)
		}
	}
}
