package logup

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestZeroKnowledge: under hiding commitments with vanishing masks, every
// field element the verifier receives from a batched lookup — the
// sumcheck's rounds, its finals on h, α − f, g and m, its Libra mask's sum
// and value, and the batch's V_c for logUp's four tables — has uniform low
// bits over 48 proofs for each of two private vectors with the same public
// facts (length, table, every entry inside; their multiplicities differ),
// for n > ℓ (6 lookups' variables into Range(4): g and m span the last 4)
// and n < ℓ (3 into Range(5): h and f span the last 3). The test also
// replays the verifier to learn α and the points, computes each private
// table's multilinear extension there and checks that the revealed value
// minus it (Z·s̃, the vanishing mask's share) is uniform too and never
// zero. With the vanishing masks forced to zero
// (pcs.SetZeroVanishingForTests) those differences are all zero: the
// statistics fail and h̃, f̃, g̃, m̃ are read off every proof, so the test can fail.
// Chi-square with 3 degrees of freedom below 30.66 (10^-6 per statistic;
// about 270 statistics in all).
func TestZeroKnowledge(t *testing.T) {
	const crit = 30.66
	p := pcs.Params{RateLog: 1, Queries: 8, Hiding: true, Vanishing: true}
	rng := rand.New(rand.NewPCG(22, 22))
	for _, c := range []struct{ n, bits int }{{6, 4}, {3, 5}} {
		table, _ := Range(c.bits)
		a := make([]int64, 1<<c.n)
		for i := range a {
			a[i] = rng.Int64N(1 << c.bits)
		}
		b := append([]int64(nil), a...)
		b[0] = (a[0] + 1) % (1 << c.bits)
		for _, zero := range []bool{false, true} {
			runs := 48
			if zero {
				runs = 16 // every difference zero: chi-square 48
			}
			for vi, vals := range [][]int64{a, b} {
				name := fmt.Sprintf("2^%d in range %d, vector %d, masks zero %v", c.n, c.bits, vi, zero)
				st := zktest.Counts{}
				read := 0 // runs in which every private value is read off
				pcs.SetZeroVanishingForTests(zero)
				for range runs {
					if revealed(t, p, mle.FromInt64(vals), table, st) {
						read++
					}
				}
				pcs.SetZeroVanishingForTests(false)
				worst, worstName := check(t, st, !zero, crit, runs, name)
				switch {
				case !zero && read > 0:
					t.Errorf("%s: the private tables' values read off %d proofs", name, read)
				case zero && worst <= crit:
					t.Errorf("%s: statistics still uniform (worst %.1f): the test cannot fail", name, worst)
				case zero && read != runs:
					t.Errorf("%s: private values read off %d of %d proofs: the reconstruction cannot fail", name, read, runs)
				default:
					t.Logf("%s: %d statistics, worst %.1f (%s)", name, len(st), worst, worstName)
				}
			}
		}
	}
}

// revealed proves f's lookup in table (fresh commitments), verifies it,
// counts the low bits of what the verifier receives into st, and reports
// whether every value minus the private table's MLE at its point is zero.
func revealed(t *testing.T, p pcs.Params, f mle.Table, table *Table, st zktest.Counts) bool {
	t.Helper()
	fData, err := pcs.Commit(p, f)
	if err != nil {
		t.Fatal(err)
	}
	com := fData.Commitment()
	ptr, bp, bv := transcript.New("zk"), batch.NewProver(), batch.NewVerifier()
	com.Absorb(ptr, "f")
	proof, err := ProveBatched(ptr, p, fData, f, table, bp)
	if err != nil {
		t.Fatal(err)
	}
	bproof, err := bp.Prove(ptr)
	if err != nil {
		t.Fatal(err)
	}
	vtr := transcript.New("zk")
	com.Absorb(vtr, "f")
	if err := VerifyBatched(vtr, p, com, table, proof, bv); err != nil {
		t.Fatal(err)
	}
	if err := bv.Verify(vtr, p, bproof); err != nil {
		t.Fatal(err)
	}

	// The verifier's α and ρ, replayed.
	n, l := f.NumVars(), table.Vals.NumVars()
	tr := transcript.New("zk")
	com.Absorb(tr, "f")
	alpha := absorbTable(tr, table, proof.M)
	_, _, lambda := absorbFractions(tr, &proof, n, l)
	sh := sumcheck.Shape{Tables: numTables, Terms: terms(lambda, n, l)}
	sh.Masked, sh.Spans = masked(p, proof.H, com, proof.G, proof.M)
	rho, fin, _, err := sumcheck.VerifySum(tr, lambda, max(n, l), sh, proof.Sumcheck)
	if err != nil {
		t.Fatal(err)
	}
	// The private tables (the α − f factor's final is compared with α − f̃).
	m := make(mle.Table, len(table.Vals))
	one := fr.One()
	for i := range f {
		j := table.first[f[i]]
		m[j].Add(&m[j], &one)
	}
	priv := map[int]mle.Table{tH: fractions(alpha, f, nil), tF: shift(alpha, f), tG: fractions(alpha, table.Vals, m), tM: m}

	for j, r := range proof.Sumcheck.Rounds {
		for k, v := range r {
			st.Add(fmt.Sprintf("round %d[%d]", j, k), v)
		}
	}
	st.Add("mask sum", proof.Sumcheck.Mask.Sum)
	st.Add("mask value", proof.Sumcheck.Mask.Value)
	read := true
	diff := func(name string, v fr.Element, tab mle.Table, point []fr.Element) {
		st.Add(name, v)
		w, _ := tab.Eval(point)
		w.Sub(&v, &w)
		st.Add(name+" − private", w)
		read = read && w.IsZero()
	}
	N := len(rho)
	for _, k := range []int{tH, tF, tG, tM} {
		vars := n
		if k == tG || k == tM {
			vars = l
		}
		diff(fmt.Sprintf("final %d", k), fin[k], priv[k], rho[N-vars:])
	}
	// The batch's groups: logUp's claims are on h, f, g, m in that order,
	// grouped by shape in order of first claim (package batch).
	coms := []pcs.Commitment{proof.H, com, proof.G, proof.M}
	tabs := []mle.Table{priv[tH], f, priv[tG], m}
	type shape struct{ vars, rows int }
	var groups [][]int
	at := map[shape]int{}
	for i, c := range coms {
		s := shape{c.NumVars, c.RowVars}
		if _, ok := at[s]; !ok {
			at[s] = len(groups)
			groups = append(groups, nil)
		}
		groups[at[s]] = append(groups[at[s]], i)
	}
	if len(groups) != len(bproof.Groups) {
		t.Fatalf("%d batch groups, want %d", len(bproof.Groups), len(groups))
	}
	for gi, g := range groups {
		if len(g) < 2 {
			continue // a single claim: opened at its point, nothing stated
		}
		for ci, i := range g {
			diff(fmt.Sprintf("batch V_%d", i), bproof.Groups[gi].Finals[ci], tabs[i], bv.Points()[gi])
		}
	}
	return read
}

// check reports (when want is set) every statistic of c (one count a
// run) above crit and returns the worst.
func check(t *testing.T, c zktest.Counts, want bool, crit float64, runs int, what string) (float64, string) {
	t.Helper()
	worst, worstName := 0.0, ""
	for name, k := range c {
		x := c.Stat(name, runs)
		if want && x > crit {
			t.Errorf("%s: %s not uniform (chi-square %.1f > %.1f, counts %v)", what, name, x, crit, *k)
		}
		if x > worst {
			worst, worstName = x, name
		}
	}
	return worst, worstName
}
