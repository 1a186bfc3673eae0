package sumcheck

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// streamRun is a run of the poolCaseNames instances through plain
// ProveSum calls on a transcript with a MaskStream attached, one binding
// sumcheck between slots 1 and 2 (it takes no slot).
type streamRun struct {
	ns     []int
	shapes []Shape
	claims []fr.Element
	orig   [][]mle.Table
	ins    []Instance
	proofs []Proof
	rhos   [][]fr.Element
	plain  Proof
	pclaim fr.Element
	sp     StreamProof
	pools  int
}

// proveStream proves the run with pools of ≥ 2^vars coefficients under the
// cheat (slot indices of the first pool).
func proveStream(t *testing.T, vars int, cheat poolCheats) *streamRun {
	t.Helper()
	r := &streamRun{}
	for _, name := range poolCaseNames {
		for _, c := range sumCases {
			if c.name == name {
				in, claim, orig := c.instance()
				r.ns, r.shapes, r.claims = append(r.ns, c.n), append(r.shapes, in.Shape()), append(r.claims, claim)
				r.orig, r.ins = append(r.orig, orig), append(r.ins, in)
			}
		}
	}
	tr := transcript.New("stream")
	st := &MaskStream{vars: vars, maskP: maskParams, cheat: cheat}
	AttachStream(tr, st)
	defer DetachStream(tr)
	for s, in := range r.ins {
		if d, ok := cheat.lie[s]; ok {
			r.claims[s].Add(&r.claims[s], &d)
		}
		p, rho, err := ProveSum(tr, r.claims[s], in, true)
		if err != nil {
			t.Fatal(err)
		}
		r.proofs, r.rhos = append(r.proofs, p), append(r.rhos, rho)
		if s == 1 {
			in, claim, _ := sumCases[0].instance()
			r.pclaim = claim
			if r.plain, _, err = ProveSum(tr, claim, in, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	DetachStream(tr)
	r.pools = len(st.pools)
	var err error
	if r.sp, err = st.Open(tr); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *streamRun) verify(vars int) error {
	tr := transcript.New("stream")
	sv := &StreamVerifier{vars: vars, maskP: maskParams, coms: r.sp.Coms}
	AttachStream(tr, sv)
	defer DetachStream(tr)
	for i, p := range r.proofs {
		if _, _, _, err := VerifySum(tr, r.claims[i], r.ns[i], r.shapes[i], p); err != nil {
			return err
		}
		if i == 1 {
			c := sumCases[0]
			in, _, _ := c.instance()
			if _, _, _, err := VerifySum(tr, r.pclaim, c.n, in.Shape(), r.plain); err != nil {
				return err
			}
		}
	}
	DetachStream(tr)
	return sv.Verify(tr, r.sp.Opens)
}

// TestStreamHonest: ProveSum on a transcript with a stream attached pools
// every zk sumcheck (64-byte masks, finals T̂(ρ)), leaves a binding one
// alone, opens a new pool when a slot does not fit (small pools: several;
// large: one), and VerifySum with a StreamVerifier accepts it.
func TestStreamHonest(t *testing.T) {
	for _, tc := range []struct{ vars, pools int }{{1, 5}, {5, 4}, {12, 1}} {
		r := proveStream(t, tc.vars, poolCheats{})
		if r.pools != tc.pools || len(r.sp.Coms) != tc.pools || len(r.sp.Opens) != tc.pools {
			t.Errorf("vars %d: %d pools (%d commitments, %d openings), want %d", tc.vars, r.pools, len(r.sp.Coms), len(r.sp.Opens), tc.pools)
		}
		if err := r.verify(tc.vars); err != nil {
			t.Fatalf("vars %d: honest stream rejected: %v", tc.vars, err)
		}
		for s, p := range r.proofs {
			if p.MaskSize() != 64 {
				t.Errorf("slot %d: mask of %d bytes, want 64", s, p.MaskSize())
			}
			for k, tb := range r.orig[s] {
				var m []fr.Element
				if r.ins[s].Masks != nil {
					m = r.ins[s].Masks[k]
				}
				if v := hatAt(tb, m, r.rhos[s]); !v.Equal(&p.Finals[k]) {
					t.Errorf("slot %d: final %d is not T̂(ρ)", s, k)
				}
			}
		}
		if r.plain.Mask != nil {
			t.Errorf("a binding ProveSum got a mask")
		}
	}
}

// TestStreamRejected: a false g(r) in any slot (caught by the pool's
// opening only), tampered pool openings, pool commitments missing, extra,
// swapped or of another size, the verifier's pools of another size, a
// pooled proof carrying its own commitment: each rejected.
func TestStreamRejected(t *testing.T) {
	one := fr.One()
	cases := map[string]struct {
		vars  int
		cheat poolCheats
		edit  func(r *streamRun)
		vvars int
	}{
		"pool opening's u":               {edit: func(r *streamRun) { r.sp.Opens[0].Open.U[0].Add(&r.sp.Opens[0].Open.U[0], &one) }},
		"pool opening's column":          {edit: func(r *streamRun) { r.sp.Opens[0].Open.Columns[0][0].Add(&r.sp.Opens[0].Open.Columns[0][0], &one) }},
		"pool reduction's round":         {edit: func(r *streamRun) { r.sp.Opens[0].Reduce.Rounds[1][0].Add(&r.sp.Opens[0].Reduce.Rounds[1][0], &one) }},
		"pool reduction's P̂(ρ)":         {edit: func(r *streamRun) { r.sp.Opens[0].Reduce.Finals[1].Add(&r.sp.Opens[0].Reduce.Finals[1], &one) }},
		"last pool's opening":            {vars: 5, edit: func(r *streamRun) { r.sp.Opens[2].Open.U[0].Add(&r.sp.Opens[2].Open.U[0], &one) }},
		"a slot's g(r)":                  {edit: func(r *streamRun) { r.proofs[3].Mask.Value.Add(&r.proofs[3].Mask.Value, &one) }},
		"pooled proof with a commitment": {edit: func(r *streamRun) { r.proofs[0].Mask.Com.NumVars = 1 }},
		"pool commitment missing":        {vars: 5, edit: func(r *streamRun) { r.sp.Coms = r.sp.Coms[:2] }},
		"pool commitment extra":          {edit: func(r *streamRun) { r.sp.Coms = append(r.sp.Coms, r.sp.Coms[0]) }},
		"pool opening missing":           {vars: 5, edit: func(r *streamRun) { r.sp.Opens = r.sp.Opens[:2] }},
		"pool commitments swapped":       {vars: 5, edit: func(r *streamRun) { r.sp.Coms[0], r.sp.Coms[1] = r.sp.Coms[1], r.sp.Coms[0] }},
		"pool commitment's root":         {edit: func(r *streamRun) { r.sp.Coms[0].Root[0] ^= 1 }},
		"verifier's pools smaller":       {vvars: 4},
	}
	for s := range poolCaseNames {
		cases["wrong g(r) in slot "+poolCaseNames[s]] = struct {
			vars  int
			cheat poolCheats
			edit  func(r *streamRun)
			vvars int
		}{cheat: poolCheats{lie: map[int]fr.Element{s: one}}}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			vars := c.vars
			if vars == 0 {
				vars = 12
			}
			r := proveStream(t, vars, c.cheat)
			if c.edit != nil {
				c.edit(r)
			}
			vv := c.vvars
			if vv == 0 {
				vv = vars
			}
			if err := r.verify(vv); err == nil {
				t.Fatal("accepted")
			} else if strings.Contains(err.Error(), "\n") {
				t.Errorf("error of several lines: %v", err)
			}
		})
	}
}

// TestStreamChecksNeeded: a false g(r) passes its own sumcheck (only the
// pool's fold and opening catch it), so removing the stream's Verify lets
// it through: the pooled path defers the mask's check to the pool.
func TestStreamChecksNeeded(t *testing.T) {
	r := proveStream(t, 12, poolCheats{lie: map[int]fr.Element{2: fr.One()}})
	tr := transcript.New("stream")
	sv := &StreamVerifier{vars: 12, maskP: maskParams, coms: r.sp.Coms}
	AttachStream(tr, sv)
	defer DetachStream(tr)
	for i, p := range r.proofs {
		if _, _, _, err := VerifySum(tr, r.claims[i], r.ns[i], r.shapes[i], p); err != nil {
			t.Fatalf("slot %d: the lie was caught before the pool's opening: %v", i, err)
		}
		if i == 1 {
			c := sumCases[0]
			in, _, _ := c.instance()
			if _, _, _, err := VerifySum(tr, r.pclaim, c.n, in.Shape(), r.plain); err != nil {
				t.Fatal(err)
			}
		}
	}
	DetachStream(tr)
	if err := sv.Verify(tr, r.sp.Opens); err == nil {
		t.Fatal("the pool's opening accepted a false g(r)")
	}
}
