package logup

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/internal/cheat"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// The sumcheck's tables, each over N = max(n, ℓ) variables. A table of
// fewer variables s is embedded by repetition over the first N − s
// variables (the entry at index i is the table's at i mod 2^s), so that its
// multilinear extension at x is the table's at x's last s coordinates and
// its sum over the N-cube is 2^(N−s) times the table's; an eq factor
// eq((0^(N−s), r), x) = eq(0, x_first)·eq(r, x_last) restricts a zero-check
// to the embedded copy at x_first = 0:
// Σ_x eq((0, r), x)·Q_rep(x) = Σ_y eq(r, y)·Q(y).
const (
	tH        = iota // h (n variables)
	tF               // α − f (n)
	tEqF             // eq((0, r_f), ·)
	tG               // g (ℓ)
	tT               // α − T (ℓ), public
	tEqT             // eq((0, r_t), ·)
	tM               // m (ℓ)
	numTables        // the number of tables
)

// terms returns the combination, claim λ:
//
//	2^−(N−n)·Σ h_rep − 2^−(N−ℓ)·Σ g_rep                 (Σh − Σg = 0)
//	+ λ·Σ eq((0, r_f), x)·h_rep(x)·(α − f_rep(x))       (= 1)
//	+ λ²·Σ eq((0, r_t), x)·(g_rep·(α − T_rep) − m_rep)  (= 0)
//
// of degree 3.
func terms(lambda fr.Element, n, l int) []sumcheck.Term {
	N := max(n, l)
	var ch, cg, l2, ml2 fr.Element
	ch.SetUint64(uint64(1) << (N - n)).Inverse(&ch)
	cg.SetUint64(uint64(1) << (N - l)).Inverse(&cg).Neg(&cg)
	l2.Square(&lambda)
	ml2.Neg(&l2)
	return []sumcheck.Term{
		{Coef: ch, Factors: []int{tH}},
		{Coef: cg, Factors: []int{tG}},
		{Coef: lambda, Factors: []int{tEqF, tH, tF}},
		{Coef: l2, Factors: []int{tEqT, tG, tT}},
		{Coef: ml2, Factors: []int{tEqT, tM}},
	}
}

// proverTables builds the sumcheck's tables (copies: the sumcheck consumes
// them). ch's forgeEq and forgeEqG replace an eq factor by one at a point the
// prover solved for.
func proverTables(alpha fr.Element, rf, rt []fr.Element, f, h, tv, g, m mle.Table, ch cheats) []mle.Table {
	n, l := f.NumVars(), tv.NumVars()
	N := max(n, l)
	eqF, eqT := mle.EqTable(rf), mle.EqTable(rt)
	one := fr.One()
	if ch.forgeEq {
		eqF = mle.EqTable(cheat.EqPoint(product(h, shift(alpha, f), nil), one))
	}
	if ch.forgeEqG {
		eqT = mle.EqTable(cheat.EqPoint(product(g, shift(alpha, tv), m), fr.Element{}))
	}
	t := make([]mle.Table, numTables)
	t[tH], t[tF], t[tEqF] = repeat(h, N), repeat(shift(alpha, f), N), pad(eqF, N)
	t[tG], t[tT], t[tEqT], t[tM] = repeat(g, N), repeat(shift(alpha, tv), N), pad(eqT, N), repeat(m, N)
	return t
}

// masks returns the sumcheck's mask rows and spans (nil without vanishing
// masks): the commitments' vanishing rows (−s_f for the factor α − f), each
// spanning its table's own variables — n for h and f, ℓ for g and m, the
// last ones of the N = max(n, ℓ) the sumcheck runs over, the tables being
// repeated over the first (sumcheck.Instance.Spans) — so that each final is
// the committed table's f̂ at ρ's last coordinates. A table of no variables
// is a plain factor (Z ≡ 0: no mask).
func masks(p pcs.Params, h, f, g, m *pcs.ProverData) ([][]fr.Element, []int) {
	if !p.Hiding || !p.Vanishing {
		return nil, nil
	}
	out, spans := make([][]fr.Element, numTables), make([]int, numTables)
	any := false
	for k, d := range map[int]*pcs.ProverData{tH: h, tF: f, tG: g, tM: m} {
		if v := d.Commitment().NumVars; v > 0 && d.MaskRow() != nil {
			out[k], spans[k] = d.MaskRow(), v
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	for i := range out[tF] {
		out[tF][i].Neg(&out[tF][i])
	}
	return out, spans
}

// masked returns the verifier's view of masks: for h, f, g and m under
// vanishing masks, the mask's variables (the commitment's column variables;
// −1 for a table of no variables) and the span (its variables); nil, nil
// when no table is masked.
func masked(p pcs.Params, h, f, g, m pcs.Commitment) ([]int, []int) {
	if !p.Hiding || !p.Vanishing {
		return nil, nil
	}
	out, spans := make([]int, numTables), make([]int, numTables)
	for k := range out {
		out[k] = -1
	}
	any := false
	for k, c := range map[int]pcs.Commitment{tH: h, tF: f, tG: g, tM: m} {
		if c.NumVars > 0 {
			out[k], spans[k] = c.NumVars-c.RowVars, c.NumVars
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	return out, spans
}

// claim is a committed table's value at a point, from the sumcheck's finals.
type claim struct {
	key   string // the table: h, f, g or m
	name  string
	point []fr.Element
	value fr.Element
}

// claims returns, in order, h̃ and f̃ at ρ's last n coordinates, g̃ and m̃ at
// its last ℓ (f̃ = α − the final of α − f).
func claims(alpha fr.Element, rho []fr.Element, n, l int, fin []fr.Element) []claim {
	N := max(n, l)
	var fv fr.Element
	fv.Sub(&alpha, &fin[tF])
	return []claim{
		{"h", "h at ρ", rho[N-n:], fin[tH]},
		{"f", "f at ρ", rho[N-n:], fv},
		{"g", "g at ρ", rho[N-l:], fin[tG]},
		{"m", "m at ρ", rho[N-l:], fin[tM]},
	}
}

// checkPublic checks the finals of the public factors: eq((0, r_f), ρ),
// eq((0, r_t), ρ) and α − T̃(ρ's last ℓ).
func checkPublic(alpha fr.Element, rf, rt, rho []fr.Element, table *Table, fin []fr.Element) error {
	N := len(rho)
	if e := eqPadded(rf, rho); !omit["eqF"] && !e.Equal(&fin[tEqF]) {
		return fmt.Errorf("logup: h = 1/(α − f): eq factor differs from eq(r_f, ρ)")
	}
	if e := eqPadded(rt, rho); !omit["eqT"] && !e.Equal(&fin[tEqT]) {
		return fmt.Errorf("logup: g = m/(α − T): eq factor differs from eq(r_t, ρ)")
	}
	tv, _ := table.Vals.Eval(rho[N-len(rt):])
	if tv.Sub(&alpha, &tv); !omit["T"] && !tv.Equal(&fin[tT]) {
		return fmt.Errorf("logup: g = m/(α − T): table factor differs from α − T̃(ρ)")
	}
	return nil
}

// omit, set only by tests, skips the named checks (checkPublic's eqF, eqT
// and T; the claims on h, f, g and m): each soundness cheat must pass
// without its check (TestChecksNeeded).
var omit map[string]bool

// eqPadded returns eq((0^(N−s), r), ρ) = Π_{i<N−s} (1 − ρ_i)·eq(r, ρ_last s).
func eqPadded(r, rho []fr.Element) fr.Element {
	k := len(rho) - len(r)
	e := mle.Eq(r, rho[k:])
	one := fr.One()
	var t fr.Element
	for i := range k {
		e.Mul(&e, t.Sub(&one, &rho[i]))
	}
	return e
}

// repeat returns t repeated to 2^N entries (t itself when it has them).
func repeat(t mle.Table, N int) mle.Table {
	out := make(mle.Table, 1<<N)
	for i := 0; i < len(out); i += len(t) {
		copy(out[i:], t)
	}
	return out
}

// pad returns t followed by zeros to 2^N entries.
func pad(t mle.Table, N int) mle.Table {
	out := make(mle.Table, 1<<N)
	copy(out, t)
	return out
}

// product returns a_i·b_i − c_i (b nil: a_i − c_i; c nil: a_i·b_i).
func product(a, b, c mle.Table) mle.Table {
	out := make(mle.Table, len(a))
	for i := range a {
		out[i] = a[i]
		if b != nil {
			out[i].Mul(&a[i], &b[i])
		}
		if c != nil {
			out[i].Sub(&out[i], &c[i])
		}
	}
	return out
}
