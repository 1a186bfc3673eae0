// Package pcs is a multilinear polynomial commitment from Reed–Solomon codes
// and Merkle trees, in the style of Ligero (Ames, Hazay, Ishai and
// Venkitasubramaniam, CCS 2017) and Brakedown (Golovnev, Lee, Setty, Thaler
// and Wahby, CRYPTO 2023): no trusted setup, no pairing, only SHA-256 and the
// field.
//
// # Commit
//
// A table of N = 2^n entries is laid out as a matrix M of R = 2^rv rows and
// C = 2^(n−rv) columns, row-major, so the first rv variables of the MLE pick
// the row. Each row, read as the coefficients of a polynomial of degree < C,
// is Reed–Solomon encoded by an FFT onto the subgroup of size C/ρ (rate
// ρ = 2^−RateLog); each of the C/ρ columns of the encoded matrix is hashed
// into a leaf, and the commitment is the Merkle root with the shape.
// The prover keeps the table, the hiding seed and the tree's upper levels;
// it keeps the encoded matrix and the whole tree too while a process-wide
// budget allows ([SetRetainBudget], retain.go), else an opening recomputes
// the columns it needs by a pruned FFT (columns.go), which gives the same
// bytes.
//
// # Open at z = (z_row, z_col)
//
// By the tensor structure of eq, M̃(z) = eq(z_row)ᵀ · M · eq(z_col). After
// absorbing the commitment, z and the claimed value y, the verifier draws a
// random γ ∈ F^R; the prover sends u = γᵀM (proximity) and v = eq(z_row)ᵀM
// (evaluation), both of length C; the verifier draws t column indices and
// the prover opens those columns (each distinct one once) with one Merkle
// multiproof. The verifier checks y = ⟨v, eq(z_col)⟩ and, at every opened
// column j,
// Enc(u)_j = ⟨γ, col_j⟩ and Enc(v)_j = ⟨eq(z_row), col_j⟩.
//
// # Soundness (docs/TRANSPARENT.md gives the derivation)
//
// With relative distance δ = 1 − ρ of the code: if the committed rows are not
// all within e < δ/3 of codewords (Ligero's bound for any linear code; e < δ/2
// for Reed–Solomon by the proximity gaps of Ben-Sasson, Carmon, Ishai, Kopparty
// and Saraf, FOCS 2020), γᵀM is e-far from the code except with probability
// ≤ N'/|F| (N' = C/ρ), and then each opened column catches it with probability
// ≥ e; if they are close, a false v differs from the decoded combination at ≥
// δ − e of the positions. A false evaluation passes with probability at most
// (1 − e)^t + N'/|F|. [DefaultParams] take ρ = 1/4 and t = 241, so that
// (1 − δ/3)^t = (3/4)^241 < 2^-100 under the general linear-code bound.
//
// # Hiding ([Params].Hiding; Ligero §4, Brakedown's zero-knowledge variant)
//
// Without it the commitment is binding, not hiding: u, v and the opened
// columns reveal linear combinations of the table. With it (hiding.go):
// every row's message is padded from C to L = 2^⌈log(C + t + 1)⌉
// coefficients, the L − C ≥ t + 1 extra ones uniformly random, so any t + 1
// evaluations of the row on the code's domain are uniform (the map from the random coefficients to
// them is X^C times a t-point Vandermonde, of full rank: the domain is a
// subgroup, 0 is not in it); two rows μ_u, μ_v of L uniform coefficients
// are committed below the table; u = γᵀM' over all R + 2 rows (γ_R ≠ 0
// makes u uniform), v = eq(z_row)ᵀM + β·μ_v with β drawn after the value y
// and the mask's own value y_μ = ⟨μ_v[:C], eq(z_col)⟩ are bound; the
// verifier checks ⟨v[:C], eq(z_col)⟩ = y + β·y_μ. A hiding commitment may be
// opened once (its masks are one-time pads): package batch reduces every
// claim on it to one point first.
//
// # Vanishing mask ([Params].Vanishing; Libra §4.2, Xie et al. CRYPTO 2019)
//
// With Hiding and Vanishing one more row s of C uniform entries is committed
// between the table and μ_u (rows: R data, s, μ_u, μ_v), and the committed
// polynomial is f̂(x) = f̃(x) + Z(x)·s̃(x_col), Z(x) = Π_i x_i(1 − x_i)
// ([Vanishing]; Z ≡ 0 for n = 0). f̂ = f on the cube, so every sum over the
// cube is unchanged, while f̂(z) off the cube carries Z(z)·s̃(z_col). Every
// opening proves f̂: v = eq(z_row)ᵀM + σ·s + β·μ_v with σ = Z(z), and the
// verifier's column check uses the row weights (eq(z_row), σ, 0, β);
// [OpenMultiWeighted] takes a σ_c (and a row scale α_c) per table, for
// package batch. Soundness is the Ligero argument for a fixed public row
// weight vector, unchanged (σ is the verifier's own). Zero knowledge: the
// values revealed are linear forms of (f, s); their parts in s,
// σ_k·eq(z_k,col), are linearly independent for k ≤ C points in general
// position, so k ≤ C revealed values are uniform whatever f is (s is
// uniform and appears nowhere else: the pcs opening hides the rest).
package pcs

import (
	crand "crypto/rand"
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// Params are the code rate and the number of column openings.
type Params struct {
	RateLog int // the code has rate 2^-RateLog: 1 for 1/2, 2 for 1/4
	Queries int // t, the number of opened columns
	// Shared is how many tables of one shape a batched prover expects to
	// open together (OpenMulti, package batch): they share u and v (2C
	// elements) while each pays its t columns (t·R), so commitments take
	// fewer rows. 0 or 1: tables opened alone. It changes the matrix's
	// shape only, never soundness.
	Shared int
	// Hiding pads every row with L − C ≥ Queries + 1 random coefficients and
	// commits two random masking rows with the table (package doc), so that
	// an opening reveals nothing of the table beyond the value it proves.
	// The code keeps its rate 2^-RateLog on the padded rows (soundness as
	// without it, plus 1/|F| for β); the encoded matrix is L/C times wider.
	Hiding bool
	// Vanishing (with Hiding only) commits one more row, the vanishing mask
	// s of C uniform entries, and makes the committed polynomial
	// f̂ = f̃ + Z(x)·s̃(x_col) (vanishing.go): f̂ = f on the cube, and every
	// opening proves f̂, so the values a proof reveals are uniform
	// (docs/TRANSPARENT.md, "Zero knowledge"). Protocols whose openings
	// and claims are f̂'s turn it on; it is off until all of them are.
	Vanishing bool
}

// DefaultParams give ≥ 100 bits under Ligero's bound for any linear code:
// rate 1/4 (δ = 3/4) and t = 241, (1 − δ/3)^t = (3/4)^241 ≈ 2^-100.03.
func DefaultParams() Params { return Params{RateLog: 2, Queries: 241} }

func (p Params) check() error {
	if p.RateLog < 1 || p.RateLog > 4 {
		return fmt.Errorf("pcs: rate 2^-%d outside 1/2..1/16", p.RateLog)
	}
	if p.Queries < 1 {
		return fmt.Errorf("pcs: %d queries", p.Queries)
	}
	if p.Vanishing && !p.Hiding {
		return fmt.Errorf("pcs: a vanishing mask without hiding; set Params.Hiding too, or clear Vanishing")
	}
	return nil
}

// Commitment is what the verifier holds: the Merkle root of the encoded
// columns and the shape of the matrix.
type Commitment struct {
	Root    merkle.Hash
	NumVars int // n: the table has 2^n entries
	RowVars int // rv: the matrix has 2^rv rows and 2^(n−rv) columns
}

// Absorb binds the commitment into the transcript.
func (c Commitment) Absorb(tr *transcript.Transcript, label string) {
	tr.AppendBytes(label+"/root", c.Root[:])
	tr.AppendUint64(label+"/vars", uint64(c.NumVars))
	tr.AppendUint64(label+"/rowvars", uint64(c.RowVars))
}

// ProverData is the prover's side of a commitment.
type ProverData struct {
	params Params
	com    Commitment
	rows   [][]fr.Element  // R rows of C entries: the table
	seed   [32]byte        // with hiding: the key of the random coefficients, regenerated at opening (messages)
	mask   []fr.Element    // with Vanishing: s, the vanishing mask (C entries)
	upper  [][]merkle.Hash // the Merkle tree over the W = L/ρ encoded columns from level drop up; the columns are not kept (columns.go)
	drop   int             // the tree's levels below upper, rebuilt at opening
	// Kept under the retention budget (retain.go), else nil: the encoded
	// matrix (row-major, rows in bit-reversed order), the tree's levels
	// below upper, and their share of the budget.
	enc    []fr.Element
	lower  [][]merkle.Hash
	share  *retention
	opened bool // a hiding commitment's masks serve one opening
	// tamper, set only by tests, rewrites encoded column j (of Rm entries)
	// wherever it is computed, at commit and at opening: a committed
	// matrix that is not a codeword, for the soundness tests.
	tamper func(j int, col []fr.Element)
}

// Commitment returns the public commitment.
func (pd *ProverData) Commitment() Commitment { return pd.com }

// RowVars returns the number of row variables that minimizes the opening's
// size 2C + t·R (u, v and t columns, in field elements) for a table of 2^n
// entries: R ≈ √(2N/t); with p.Shared = k tables opened together, the
// share 2C + k·t·R: R ≈ √(2N/(k·t)).
func RowVars(n int, p Params) int {
	best, bestSize := 0, -1
	k := max(p.Shared, 1)
	for rv := 0; rv <= n; rv++ {
		size := 2*p.msgLen(1<<(n-rv)) + k*p.Queries*p.matRows(1<<rv)
		if bestSize < 0 || size < bestSize {
			best, bestSize = rv, size
		}
	}
	return best
}

var domains sync.Map // uint64 → *fft.Domain

func domain(m int) *fft.Domain {
	if d, ok := domains.Load(uint64(m)); ok {
		return d.(*fft.Domain)
	}
	d := fft.NewDomain(uint64(m))
	domains.Store(uint64(m), d)
	return d
}

// Encode returns the Reed–Solomon codeword of msg at rate 2^-rateLog: the
// evaluations, in natural order over the subgroup of size len(msg)·2^rateLog,
// of the polynomial with coefficients msg. O(N' log N').
func Encode(msg []fr.Element, rateLog int) []fr.Element {
	m := len(msg) << rateLog
	out := make([]fr.Element, m)
	copy(out, msg)
	if m == 1 {
		return out
	}
	domain(m).FFT(out, fft.DIF)
	fft.BitReverse(out)
	return out
}

func leafOf(col []fr.Element) merkle.Hash {
	buf := make([]byte, 0, len(col)*fr.Bytes)
	for i := range col {
		b := col[i].Bytes()
		buf = append(buf, b[:]...)
	}
	return merkle.LeafHash(buf)
}

// Commit commits to table t with [RowVars] rows.
func Commit(p Params, t mle.Table) (*ProverData, error) {
	n := t.NumVars()
	if n < 0 {
		return nil, fmt.Errorf("pcs: table of length %d is not a power of two", len(t))
	}
	return CommitShape(p, t, RowVars(n, p))
}

// CommitShape commits to table t as a matrix of 2^rowVars rows.
func CommitShape(p Params, t mle.Table, rowVars int) (*ProverData, error) {
	return commitShape(p, t, rowVars, nil)
}

// commitShape is CommitShape with the hiding coefficients drawn from seed
// (seeded.go), or from crypto/rand when seed is nil.
func commitShape(p Params, t mle.Table, rowVars int, seed *[32]byte) (*ProverData, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	n := t.NumVars()
	if n < 0 {
		return nil, fmt.Errorf("pcs: table of length %d is not a power of two", len(t))
	}
	if rowVars < 0 || rowVars > n {
		return nil, fmt.Errorf("pcs: %d row variables for a table of %d variables", rowVars, n)
	}
	R, C := 1<<rowVars, 1<<(n-rowVars)
	pd := &ProverData{params: p, rows: make([][]fr.Element, R)}
	for i := 0; i < R; i++ {
		pd.rows[i] = t[i*C : (i+1)*C]
	}
	if p.Hiding {
		if seed != nil {
			pd.seed = *seed
		} else if _, err := crand.Read(pd.seed[:]); err != nil {
			return nil, fmt.Errorf("pcs: crypto/rand failed: %v", err)
		}
	}
	msg := pd.messages()
	if p.Hiding && p.Vanishing {
		pd.mask = append([]fr.Element(nil), msg[R][:C]...)
	}
	// The padded messages and the encoded matrix live only while encoding
	// and hashing (columns.go), and again, one table's at a time, while
	// opening, unless the matrix fits the retention budget (retain.go).
	if err := pd.commitColumns(msg); err != nil {
		return nil, err
	}
	pd.com = Commitment{Root: pd.root(), NumVars: n, RowVars: rowVars}
	return pd, nil
}
