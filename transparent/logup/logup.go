// Package logup proves that every entry of a committed vector lies in a
// public table, with the log-derivative lookup argument of Haböck
// ("Multivariate lookups based on logarithmic derivatives", ePrint 2022/1530)
// run over multilinear tables with the sumcheck protocol, as in the
// sumcheck-based zkML provers. Range checks (the remainder and quotient
// bounds of a rescale, a ReLU's sign) are lookups into [0, 2^L).
//
// # Protocol
//
// f (2^n entries) is committed by the caller, whose transcript has absorbed
// the commitment; the table T (padded to 2^ℓ entries by repeating T[0]) is
// public. With m_j the number of i with f_i = T_j (counted at T's first
// occurrence of each value):
//
//  1. the prover commits to m; the transcript absorbs T's digest and m's
//     commitment and draws α;
//  2. the prover commits to h_i = 1/(α − f_i) and g_j = m_j/(α − T_j); the
//     transcript absorbs them and draws r_f ∈ F^n, r_t ∈ F^ℓ and λ;
//  3. one sumcheck (check.go) over N = max(n, ℓ) variables of the three
//     identities combined by λ, claim λ:
//     Σ_x h(x) − Σ_y g(y) = 0,
//     Σ_x eq(r_f, x)·h(x)·(α − f(x)) = 1 and
//     Σ_y eq(r_t, y)·(g(y)·(α − T(y)) − m(y)) = 0 (the last two
//     "zero-checks" that h and g are the fractions on the whole cube), the
//     smaller cube embedded in the last variables of the larger;
//  4. its final values are claims: h̃ and f̃ at ρ's last n coordinates, g̃
//     and m̃ at its last ℓ, opened (Prove) or passed to package batch
//     (ProveBatched); eq and T̃ the verifier evaluates itself.
//
// Under pcs.Params.Vanishing the claims are on f̂ = f̃ + Z·s̃: the committed
// tables are masked factors of the sumcheck, each over its own variables
// (sumcheck.Instance.Spans: h and f span the last n of the N variables, g
// and m the last ℓ; the final of a repeated table is its own f̂ at ρ's last
// coordinates), so every table is committed at its natural size and each
// receives one claim. A table of no variables (one lookup, or a one-entry
// table) has no vanishing mask (Z ≡ 0): its one value is stated as it is.
//
// Nothing the prover states is a function of the private multiset beyond
// the sumcheck's rounds (masked under pcs.Params.Hiding) and the four final
// values (one linear form of each committed table; docs/TRANSPARENT.md,
// "Zero knowledge"). The sum S = Σh = Σg and m̃(r_t), stated by earlier
// versions, are not.
//
// # Soundness
//
// Lemma (Haböck 2022, Lemma 5): over a field of characteristic p larger than
// the number of lookups, Σ_i 1/(X − f_i) = Σ_j m_j/(X − T_j) as rational
// functions implies {f_i} ⊆ {T_j}: the left side has a pole of nonzero residue
// (a count < p) at every f_i, the right side poles only at the T_j. With f and
// m committed before α is drawn, a false identity holds at α with probability
// ≤ (2^n + 2^ℓ)/|F| (clear denominators: a nonzero polynomial of that degree).
// The zero-check Σ_x eq(r, x)·(h(x)(α − f(x)) − 1) = 0 is the multilinear
// extension of h·(α − f) − 1 restricted to the cube, at r: if h_i ≠ 1/(α − f_i)
// for some i it vanishes with probability ≤ n/|F| (g's: ≤ ℓ/|F|). If one of
// the three identities is false, their λ-combination (a polynomial of degree
// 2 in λ, drawn after h and g are bound) equals its claim with probability
// ≤ 2/|F|. The sumcheck of degree 3 over N variables errs with ≤ 3N/|F|
// (7N/|F| with vanishing masks: a masked factor has degree 3 in the last
// round, and the Libra mask the largest degree; +1/|F| for the mask's shift
// under hiding), and each claim adds the pcs error (docs/TRANSPARENT.md). In
// all ≤ (2^n + 2^ℓ + n + ℓ + 7N + 3)/|F| < 2^-220 for n, ℓ ≤ 30, plus the
// openings': below 2^-100 with pcs.DefaultParams.
package logup

import (
	"crypto/sha256"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Table is a public lookup table, padded to a power of two by repeating its
// first entry, with the digest the transcript binds.
type Table struct {
	Vals   mle.Table
	first  map[fr.Element]int // value → index of its first occurrence
	digest [32]byte
}

// NewTable builds a table from its entries (at least one).
func NewTable(vals []fr.Element) (*Table, error) {
	if len(vals) == 0 {
		return nil, fmt.Errorf("logup: empty table")
	}
	size, _ := mle.Pow2(len(vals))
	t := &Table{Vals: make(mle.Table, size), first: make(map[fr.Element]int, len(vals))}
	copy(t.Vals, vals)
	for i := len(vals); i < size; i++ {
		t.Vals[i] = vals[0]
	}
	h := sha256.New()
	for i := range t.Vals {
		if _, ok := t.first[t.Vals[i]]; !ok {
			t.first[t.Vals[i]] = i
		}
		b := t.Vals[i].Bytes()
		h.Write(b[:])
	}
	h.Sum(t.digest[:0])
	return t, nil
}

// Range returns the table [0, 2^bits), the range check's table.
func Range(bits int) (*Table, error) {
	if bits < 0 || bits > 24 {
		return nil, fmt.Errorf("logup: range table of %d bits outside 0..24", bits)
	}
	vals := make([]fr.Element, 1<<bits)
	for i := range vals {
		vals[i].SetUint64(uint64(i))
	}
	return NewTable(vals)
}

// Proof is a lookup proof.
type Proof struct {
	M, H, G  pcs.Commitment
	Sumcheck sumcheck.Proof // the three identities, combined (check.go)
	Openings [4]pcs.Opening // h̃, f̃ at ρ_n; g̃, m̃ at ρ_ℓ (empty when batched)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 3*48 + p.Sumcheck.Size()
	for i := range p.Openings {
		n += p.Openings[i].Size()
	}
	return n
}

// Prove proves that every entry of f lies in table. fData is f's commitment,
// already absorbed into tr by the caller.
func Prove(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, table *Table) (Proof, error) {
	return prove(tr, params, fData, f, table, nil, cheats{})
}

// ProveBatched is Prove with the openings deferred into b (package batch):
// the proof's openings are empty.
func ProveBatched(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, table *Table, bp *batch.Prover) (Proof, error) {
	return prove(tr, params, fData, f, table, bp, cheats{})
}

func prove(tr *transcript.Transcript, params pcs.Params, fData *pcs.ProverData, f mle.Table, table *Table, bp *batch.Prover, ch cheats) (Proof, error) {
	n, l := f.NumVars(), table.Vals.NumVars()
	if n < 0 {
		return Proof{}, fmt.Errorf("logup: f of length %d is not a power of two", len(f))
	}
	if fData.Commitment().NumVars != n {
		return Proof{}, fmt.Errorf("logup: f has %d variables, its commitment %d", n, fData.Commitment().NumVars)
	}
	f, table = ch.statement(f, table)
	// 1. Multiplicities.
	m := make(mle.Table, len(table.Vals))
	outsideAt := -1
	one := fr.One()
	for i := range f {
		j, ok := table.first[f[i]]
		if !ok {
			if !ch.outside {
				return Proof{}, fmt.Errorf("logup: f[%d] = %s is not in the table", i, f[i].String())
			}
			if outsideAt < 0 {
				outsideAt = i
			}
			continue
		}
		m[j].Add(&m[j], &one)
	}
	mData, err := pcs.Commit(params, ch.committed(ch.mDelta, m))
	if err != nil {
		return Proof{}, err
	}
	var proof Proof
	proof.M = mData.Commitment()
	alpha := absorbTable(tr, table, proof.M)

	// 2. The fractions.
	h := fractions(alpha, f, nil)
	g := fractions(alpha, table.Vals, m)
	ch.balance(h, g, outsideAt)
	hData, err := pcs.Commit(params, ch.committed(ch.hDelta, h))
	if err != nil {
		return Proof{}, err
	}
	gData, err := pcs.Commit(params, ch.committed(ch.gDelta, g))
	if err != nil {
		return Proof{}, err
	}
	proof.H, proof.G = hData.Commitment(), gData.Commitment()
	rf, rt, lambda := absorbFractions(tr, &proof, n, l)

	// 3. The sumcheck.
	tables := proverTables(alpha, rf, rt, f, h, table.Vals, g, m, ch)
	var rho []fr.Element
	in := sumcheck.Instance{Tables: tables, Terms: terms(lambda, n, l)}
	in.Masks, in.Spans = masks(params, hData, fData, gData, mData)
	if ch.noSpans {
		in.Spans = nil
	}
	if proof.Sumcheck, rho, err = sumcheck.ProveSum(tr, lambda, in, params.Hiding); err != nil {
		return Proof{}, err
	}

	// 4. The claims, in the verifier's order.
	for i, c := range claims(alpha, rho, n, l, proof.Sumcheck.Finals) {
		d := [...]*pcs.ProverData{hData, fData, gData, mData}[i]
		if omit[c.key] { // tests: the claim deleted from the protocol
			continue
		}
		if bp == nil {
			if _, proof.Openings[i], _, err = d.Open(tr, c.point); err != nil {
				return Proof{}, err
			}
		} else if err = bp.Claim(d, c.point, c.value); err != nil {
			return Proof{}, err
		}
	}
	return proof, nil
}

// Verify checks a proof that every entry of the vector committed in f lies in
// table; tr must have absorbed f's commitment as the prover's had.
func Verify(tr *transcript.Transcript, params pcs.Params, f pcs.Commitment, table *Table, proof Proof) error {
	return VerifyBatched(tr, params, f, table, proof, nil)
}

// VerifyBatched is Verify with the openings' claims deferred into v
// (package batch); nil checks them at once.
func VerifyBatched(tr *transcript.Transcript, params pcs.Params, f pcs.Commitment, table *Table, proof Proof, bv *batch.Verifier) error {
	n, l := f.NumVars, table.Vals.NumVars()
	if proof.H.NumVars != n || proof.G.NumVars != l || proof.M.NumVars != l {
		return fmt.Errorf("logup: commitments over %d, %d, %d variables, want %d, %d, %d", proof.H.NumVars, proof.G.NumVars, proof.M.NumVars, n, l, l)
	}
	alpha := absorbTable(tr, table, proof.M)
	rf, rt, lambda := absorbFractions(tr, &proof, n, l)
	N := max(n, l)
	if masked := params.Hiding && N > 0; masked != (proof.Sumcheck.Mask != nil) {
		return fmt.Errorf("logup: sumcheck masked %v under hiding %v over %d variables (want masked exactly under hiding, with rounds)", proof.Sumcheck.Mask != nil, params.Hiding, N)
	}
	sh := sumcheck.Shape{Tables: numTables, Terms: terms(lambda, n, l)}
	sh.Masked, sh.Spans = masked(params, proof.H, f, proof.G, proof.M)
	rho, fin, _, err := sumcheck.VerifySum(tr, lambda, N, sh, proof.Sumcheck)
	if err != nil {
		return fmt.Errorf("logup: the sumcheck of Σh = Σg and the fractions: %v", err)
	}
	if err := checkPublic(alpha, rf, rt, rho, table, fin); err != nil {
		return err
	}
	for i, c := range claims(alpha, rho, n, l, fin) {
		com := [...]pcs.Commitment{proof.H, f, proof.G, proof.M}[i]
		if omit[c.key] {
			continue
		}
		if err := bv.Check(tr, params, com, c.point, c.value, proof.Openings[i]); err != nil {
			return fmt.Errorf("logup: opening %s: %v", c.name, err)
		}
	}
	return nil
}

func absorbTable(tr *transcript.Transcript, table *Table, m pcs.Commitment) fr.Element {
	tr.AppendBytes("logup/table", table.digest[:])
	m.Absorb(tr, "logup/m")
	return tr.Challenge("logup/alpha")
}

// absorbFractions binds h's and g's commitments and draws r_f, r_t and λ.
func absorbFractions(tr *transcript.Transcript, p *Proof, n, l int) ([]fr.Element, []fr.Element, fr.Element) {
	p.H.Absorb(tr, "logup/h")
	p.G.Absorb(tr, "logup/g")
	return tr.Challenges("logup/r_f", n), tr.Challenges("logup/r_t", l), tr.Challenge("logup/lambda")
}

// fractions returns num_i/(α − v_i) (num_i = 1 when num is nil), with one
// batch inversion.
func fractions(alpha fr.Element, v, num mle.Table) mle.Table {
	d := shift(alpha, v)
	out := mle.Table(fr.BatchInvert(d))
	if num != nil {
		for i := range out {
			out[i].Mul(&out[i], &num[i])
		}
	}
	return out
}

// shift returns α − v_i.
func shift(alpha fr.Element, v mle.Table) mle.Table {
	out := make(mle.Table, len(v))
	for i := range v {
		out[i].Sub(&alpha, &v[i])
	}
	return out
}

func clone(t mle.Table) mle.Table { return append(mle.Table(nil), t...) }
