package weightroot

import (
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var zkParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}

// tables are a W of 16 entries and a 4-entry bias (wide).
func tables(w0 int64) ([]mle.Table, []bool) {
	w := make(mle.Table, 16)
	for i := range w {
		w[i].SetInt64(int64(i)*37 - 300)
	}
	w[0].SetInt64(w0)
	b := make(mle.Table, 4)
	for i := range b {
		b[i].SetInt64(int64(i)*100_000 - 150_000)
	}
	return []mle.Table{w, b}, []bool{false, true}
}

// TestRoot: the root is a function of the tables and the salt (another
// weight, another salt: another root), printed as 0x and 64 hex digits; a
// weight or bias outside the packing's range is refused with one line.
func TestRoot(t *testing.T) {
	ts, wide := tables(5)
	r1, err := Root(ts, wide, [32]byte{1})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Root(ts, wide, [32]byte{1})
	salt2, _ := Root(ts, wide, [32]byte{2})
	ts2, _ := tables(6)
	w2, _ := Root(ts2, wide, [32]byte{1})
	if r1 != again || r1 == salt2 || r1 == w2 {
		t.Fatal("the root is not a function of the weights and the salt")
	}
	if h := Hex(r1); len(h) != 66 || !strings.HasPrefix(h, "0x") || strings.ToLower(h) != h {
		t.Fatalf("Hex gave %q", h)
	}
	for _, c := range []struct {
		name string
		t    int
		v    int64
	}{
		{"weight past 15 bits", 0, 1 << 14},
		{"negative weight past 15 bits", 0, -(1 << 14) - 1},
		{"bias past 30 bits", 1, 1 << 29},
	} {
		ts, wide := tables(0)
		ts[c.t][1].SetInt64(c.v)
		if _, err := Root(ts, wide, [32]byte{1}); err == nil || !strings.Contains(err.Error(), "range") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestProveVerify: a binding proven on its own transcript and batch
// verifies; with the tables' bias flags changed (another layout), or
// weight commitments of other tables, it does not.
func TestProveVerify(t *testing.T) {
	ts, wide := tables(5)
	prove := func() (*Prover, []pcs.Commitment, batch.Proof) {
		data := make([]*pcs.ProverData, len(ts))
		coms := make([]pcs.Commitment, len(ts))
		for i := range ts {
			var err error
			if data[i], err = pcs.Commit(zkParams, ts[i]); err != nil {
				t.Fatal(err)
			}
			coms[i] = data[i].Commitment()
		}
		p, err := NewProver(zkParams, data, wide, [32]byte{3})
		if err != nil {
			t.Fatal(err)
		}
		bp, tr := batch.NewProver(), transcript.New("t")
		p.Bind(tr)
		if err := p.Prove(tr, zkParams, bp); err != nil {
			t.Fatal(err)
		}
		if err := p.Prove(tr, zkParams, bp); err == nil {
			t.Fatal("a prover proved twice")
		}
		b, err := bp.Prove(tr)
		if err != nil {
			t.Fatal(err)
		}
		return p, coms, b
	}
	verify := func(coms []pcs.Commitment, wide []bool, proof Proof, b batch.Proof) error {
		v, err := NewVerifier(coms, wide, proof)
		if err != nil {
			return err
		}
		bv, tr := batch.NewVerifier(), transcript.New("t")
		v.Bind(tr)
		if err := v.Verify(tr, zkParams, bv); err != nil {
			return err
		}
		return bv.Verify(tr, zkParams, b)
	}
	p, coms, b := prove()
	want, _ := Root(ts, wide, [32]byte{3})
	if p.Root() != want || p.Proof().Root != want {
		t.Fatal("the prover's root is not Root's")
	}
	if err := verify(coms, wide, p.Proof(), b); err != nil {
		t.Fatalf("honest binding rejected: %v", err)
	}
	if err := verify(coms, []bool{false, false}, p.Proof(), b); err == nil {
		t.Error("accepted under another layout (the bias narrow)")
	}
	_, coms2, _ := prove()
	if err := verify(coms2, wide, p.Proof(), b); err == nil {
		t.Error("accepted for another proof's weight commitments")
	}
}
