package sumcheck

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// poolCaseNames are the sumCases pooled together (n ≥ 1: products, shared
// tables, masked factors, tails).
var poolCaseNames = []string{"one product", "n=1", "degrees 1 to 4", "masked c<n", "tail c<n", "tail, masked c=n"}

// poolRun is a pooled proof of the poolCaseNames instances, with one
// unpooled zero-knowledge sumcheck between slots 1 and 2 (pooled and
// unpooled sumchecks mix on one transcript).
type poolRun struct {
	com    pcs.Commitment
	slots  [][]int
	ns     []int
	shapes []Shape
	claims []fr.Element
	orig   [][]mle.Table
	ins    []Instance
	proofs []Proof
	rhos   [][]fr.Element
	extra  Proof
	xclaim fr.Element
	op     PoolOpening
}

// provePool proves the run under the cheats; early draws a challenge
// before the pool is committed; lie[s] is added to slot s's claim.
func provePool(t *testing.T, cheat poolCheats, early bool) (*poolRun, error) {
	t.Helper()
	r := &poolRun{}
	for _, name := range poolCaseNames {
		for _, c := range sumCases {
			if c.name != name {
				continue
			}
			in, claim, orig := c.instance()
			sh := in.Shape()
			degs, err := RoundDegrees(c.n, sh)
			if err != nil {
				t.Fatal(err)
			}
			r.slots = append(r.slots, degs)
			r.ns = append(r.ns, c.n)
			r.shapes = append(r.shapes, sh)
			r.claims = append(r.claims, claim)
			r.orig = append(r.orig, orig)
			r.ins = append(r.ins, in)
		}
	}
	tr := transcript.New("pool")
	if early {
		tr.Challenge("early")
	}
	pool, err := newMaskPool(tr, r.slots, maskParams)
	if err != nil {
		return nil, err
	}
	pool.cheat = cheat
	r.com = pool.Commitment()
	for s, in := range r.ins {
		claim := r.claims[s]
		if d, ok := cheat.lie[s]; ok {
			claim.Add(&claim, &d)
			r.claims[s] = claim
		}
		p, rho, err := ProveSumPooled(tr, claim, in, pool, s)
		if err != nil {
			return nil, err
		}
		r.proofs, r.rhos = append(r.proofs, p), append(r.rhos, rho)
		if s == 1 {
			in, claim, _ := sumCases[0].instance()
			r.xclaim = claim
			if r.extra, _, err = proveSum(tr, claim, in, true, maskParams); err != nil {
				return nil, err
			}
		}
	}
	if r.op, err = pool.Open(tr); err != nil {
		return nil, err
	}
	return r, nil
}

// verify checks the run with the slots taken in order (order[i] is the
// slot the i-th sumcheck claims; nil: 0, 1, …).
func (r *poolRun) verify(order []int) error {
	tr := transcript.New("pool")
	pv, err := newPoolVerifier(tr, r.com, r.slots, maskParams)
	if err != nil {
		return err
	}
	for i, p := range r.proofs {
		s := i
		if order != nil {
			s = order[i]
		}
		if _, _, _, err := VerifySumPooled(tr, r.claims[i], r.ns[i], r.shapes[i], pv, s, p); err != nil {
			return err
		}
		if i == 1 {
			c := sumCases[0]
			in, _, _ := c.instance()
			if _, _, _, err := verifySum(tr, r.xclaim, c.n, in.Shape(), maskParams, r.extra); err != nil {
				return err
			}
		}
	}
	return pv.Verify(tr, r.op)
}

// TestPoolHonest: pooled sumchecks of every kind verify, their finals are
// the tables at ρ, each proof's mask costs 64 bytes, and one pool opening
// replaces the per-sumcheck ones.
func TestPoolHonest(t *testing.T) {
	r, err := provePool(t, poolCheats{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.verify(nil); err != nil {
		t.Fatalf("honest pooled proofs rejected: %v", err)
	}
	for s, p := range r.proofs {
		if p.MaskSize() != 64 {
			t.Errorf("slot %d: mask of %d bytes, want 64 (G and g(r))", s, p.MaskSize())
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
	if r.op.Size() == 0 || r.com.NumVars < 1 {
		t.Fatalf("pool opening of %d bytes, commitment of %d variables", r.op.Size(), r.com.NumVars)
	}
}

// TestPoolRejected: a wrong g_s(r_s) in any slot (the sumcheck's claim
// false by 1, its rounds shifted so that only g(r) is off), tampered
// pool openings, a slot read at a wrong offset, a pool committed after a
// challenge, slots reused, skipped or of other degrees, and a pooled proof
// carrying its own commitment are all rejected.
func TestPoolRejected(t *testing.T) {
	one := fr.One()
	var cases = map[string]struct {
		cheat poolCheats
		early bool
		edit  func(r *poolRun)
		order []int
	}{
		"wrong offset slot 0":              {cheat: poolCheats{offset: func(s, off int) int { return off + map[bool]int{true: 1}[s == 0] }}},
		"wrong offset slot 3 (next slot)":  {cheat: poolCheats{offset: func(s, off int) int { return off + map[bool]int{true: 7}[s == 3] }}},
		"pool committed after a challenge": {early: true},
		"pool opening's u":                 {edit: func(r *poolRun) { r.op.Open.U[0].Add(&r.op.Open.U[0], &one) }},
		"pool opening's column":            {edit: func(r *poolRun) { r.op.Open.Columns[0][0].Add(&r.op.Open.Columns[0][0], &one) }},
		"pool reduction's round":           {edit: func(r *poolRun) { r.op.Reduce.Rounds[1][0].Add(&r.op.Reduce.Rounds[1][0], &one) }},
		"pool reduction's P̂(ρ)":           {edit: func(r *poolRun) { r.op.Reduce.Finals[1].Add(&r.op.Reduce.Finals[1], &one) }},
		"pool reduction's mask value":      {edit: func(r *poolRun) { r.op.Reduce.Mask.Value.Add(&r.op.Reduce.Mask.Value, &one) }},
		"slot's g(r) changed":              {edit: func(r *poolRun) { r.proofs[2].Mask.Value.Add(&r.proofs[2].Mask.Value, &one) }},
		"slot's G changed":                 {edit: func(r *poolRun) { r.proofs[2].Mask.Sum.Add(&r.proofs[2].Mask.Sum, &one) }},
		"pooled proof with a commitment":   {edit: func(r *poolRun) { r.proofs[0].Mask.Com.NumVars = 1 }},
		"pooled proof with an opening":     {edit: func(r *poolRun) { r.proofs[0].Mask.Open.Mask = []fr.Element{one} }},
		"pooled proof without its mask":    {edit: func(r *poolRun) { r.proofs[0].Mask = nil }},
		"slot used twice":                  {order: []int{0, 0, 2, 3, 4, 5}},
		"slots swapped":                    {order: []int{1, 0, 2, 3, 4, 5}},
		"slot never used":                  {edit: func(r *poolRun) { r.proofs, r.claims = r.proofs[:5], r.claims[:5] }},
		"verifier's slots of other degrees": {edit: func(r *poolRun) {
			r.slots = append([][]int(nil), r.slots...)
			r.slots[0] = append([]int{r.slots[0][0] + 1}, r.slots[0][1:]...)
		}},
	}
	for s := range poolCaseNames {
		cases["wrong g(r) in slot "+poolCaseNames[s]] = struct {
			cheat poolCheats
			early bool
			edit  func(r *poolRun)
			order []int
		}{cheat: poolCheats{lie: map[int]fr.Element{s: one}}}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := provePool(t, c.cheat, c.early)
			if err != nil {
				t.Fatalf("the cheating prover failed: %v", err)
			}
			if c.edit != nil {
				c.edit(r)
			}
			err = r.verify(c.order)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
		})
	}
}

// TestPoolProverRefuses: the prover gives no slot twice, none of other
// degrees, none after the pool is opened, and opens only when every slot
// is used (a Libra mask reused would not be a one-time pad).
func TestPoolProverRefuses(t *testing.T) {
	in, claim, _ := sumCases[0].instance()
	degs, _ := RoundDegrees(sumCases[0].n, in.Shape())
	fresh := func() *MaskPool {
		p, err := newMaskPool(transcript.New("p"), [][]int{degs, degs}, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	prove := func(p *MaskPool, s int) error {
		in, claim, _ := sumCases[0].instance()
		_, _, err := ProveSumPooled(transcript.New("p"), claim, in, p, s)
		return err
	}
	p := fresh()
	if _, err := p.Open(transcript.New("p")); err == nil || !strings.Contains(err.Error(), "never used") {
		t.Errorf("opened with no slot used: %v", err)
	}
	if err := prove(p, 0); err != nil {
		t.Fatal(err)
	}
	if err := prove(p, 0); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("slot 0 given twice: %v", err)
	}
	if err := prove(p, 2); err == nil {
		t.Error("slot 2 of 2 given")
	}
	other, _ := RoundDegrees(sumCases[0].n, Shape{Tables: 2, Terms: []Term{{Coef: fr.One(), Factors: []int{0, 1, 1}}}})
	if p2, err := newMaskPool(transcript.New("p"), [][]int{other}, maskParams); err != nil {
		t.Fatal(err)
	} else if _, _, err := ProveSumPooled(transcript.New("p"), claim, in, p2, 0); err == nil {
		t.Error("a slot of other degrees given")
	}
	if err := prove(p, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Open(transcript.New("p")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Open(transcript.New("p")); err == nil {
		t.Error("opened twice")
	}
}

// TestPoolChecksNeeded: each of the pool verifier's checks stops a cheat
// that passes without it: "fold" (the whole folded check) a wrong g(r);
// "A" (A's final against Ã(ρ)) a wrong g(r) with A forged so that ⟨A, P⟩
// matches; "open" (P̂(ρ)'s opening) a wrong g(r) with the reduction run on
// the false fold and P̂(ρ) stated to match.
func TestPoolChecksNeeded(t *testing.T) {
	one := fr.One()
	lie := map[int]fr.Element{2: one}
	for check, cheat := range map[string]poolCheats{
		"fold": {lie: lie},
		"A":    {lie: lie, forgeA: true},
		"open": {lie: lie, forgeValue: true},
	} {
		t.Run(check, func(t *testing.T) {
			r, err := provePool(t, cheat, false)
			if err != nil {
				t.Fatalf("the cheating prover failed: %v", err)
			}
			if err := r.verify(nil); err == nil {
				t.Fatal("the cheat passes every check")
			}
			poolOmit = map[string]bool{check: true}
			defer func() { poolOmit = nil }()
			if err := r.verify(nil); err != nil {
				t.Fatalf("without %q the cheat is still rejected (%v): the test does not show the check is needed", check, err)
			}
		})
	}
}

// TestPoolZeroKnowledge: f = A·B with B the indicator of {0, 8} (n = 4,
// public) and A private (hiddenPair: two inputs, one claim), proven in a
// pool's slot beside another sumcheck. Over 200 proofs per input the low
// bits of a value from round 0, round 1 and the last round, of the pool
// reduction's first round and of the revealed P̂(ρ) are uniform
// (chi-square below 21.11); with the pool's coefficients zeroed round 0
// reads A[0] and the statistics fail.
func TestPoolZeroKnowledge(t *testing.T) {
	const n, runs = 4, 200
	b, a1, a2 := hiddenPair(n)
	one := fr.One()
	sh := Shape{Tables: 2, Terms: []Term{{one, []int{0, 1}}}}
	degs, _ := RoundDegrees(n, sh)
	for _, zero := range []bool{false, true} {
		for ai, a := range []mle.Table{a1, a2} {
			counts := make([][]int, 5)
			for i := range counts {
				counts[i] = make([]int, 4)
			}
			read := false
			for range runs {
				tr := transcript.New("zk")
				zeroMask = zero
				pool, err := newMaskPool(tr, [][]int{degs, degs}, maskParams)
				zeroMask = false
				if err != nil {
					t.Fatal(err)
				}
				in := Instance{Tables: clone([]mle.Table{a, b}), Terms: sh.Terms}
				claim := sumOf(in)
				p, _, err := ProveSumPooled(tr, claim, in, pool, 0)
				if err != nil {
					t.Fatal(err)
				}
				other := Instance{Tables: randTables(2, n), Terms: sh.Terms}
				oclaim := sumOf(other)
				q, _, err := ProveSumPooled(tr, oclaim, other, pool, 1)
				if err != nil {
					t.Fatal(err)
				}
				op, err := pool.Open(tr)
				if err != nil {
					t.Fatal(err)
				}
				vt := transcript.New("zk")
				pv, err := newPoolVerifier(vt, pool.Commitment(), [][]int{degs, degs}, maskParams)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, _, err := VerifySumPooled(vt, claim, n, sh, pv, 0, p); err != nil {
					t.Fatal(err)
				}
				if _, _, _, err := VerifySumPooled(vt, oclaim, n, sh, pv, 1, q); err != nil {
					t.Fatal(err)
				}
				if err := pv.Verify(vt, op); err != nil {
					t.Fatal(err)
				}
				counts[0][lowBits(p.Rounds[0][0])]++
				counts[1][lowBits(p.Rounds[1][2])]++
				counts[2][lowBits(p.Rounds[n-1][1])]++
				counts[3][lowBits(op.Reduce.Rounds[0][0])]++
				counts[4][lowBits(op.Reduce.Finals[1])]++
				if p.Rounds[0][0].Equal(&a[0]) {
					read = true
				}
			}
			checkMaskedRounds(t, ai, zero, read, counts, runs)
		}
	}
}
