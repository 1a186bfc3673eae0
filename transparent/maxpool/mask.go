package maxpool

// # Zero knowledge (pcs.Params{Hiding, Vanishing})
//
// The committed tables L0, L1, Y and X are masked factors of the link and
// the gather (their commitments' vanishing rows; Y, committed over its own
// wv variables and repeated over the slots, with sumcheck.Instance.Spans),
// so their finals are f̂ values. D (the product's factors D(i, ·)) and G
// (the gathered window) are virtual: not committed, their finals would be
// f̃ values. They get a fresh mask: the prover commits R, a table of zeros
// whose vanishing row ρ_R (2^(sv+c) entries, c = min(wv, 3), one row) is
// the masks' source:
//
//   - the product's factor D(i, ·) is masked by R(i, ·) (its last c
//     variables), so its final is D̂_i(ρ) = D̃(i, ρ) + Z(ρ)·R̃(i, ρ_c) and
//     d = Σ_i eq(r_i, i)·D̂_i(ρ) = D̃(p) + Z(ρ)·R̃(r_i, ρ_c): the link's
//     claim, which gets the tail Z(ρ)·R̃(r_i, ρ_c);
//   - G is masked by R (all sv + c variables) in the link, final
//     Ĝ(σ) = G̃(σ) + Z(σ)·R̃(σ_{last sv+c}): the gather's claim, which
//     gets the tail Z(σ)·R̃(σ_{last sv+c});
//   - each tail's final (R̃ at the sumcheck's point) is a mask claim on R
//     (batch.ClaimMask), so maxpool under vanishing masks is batched only.
//
// R's mask enters 2^sv + 4 revealed linear forms (the D̂_i finals, Ĝ(σ),
// two tail finals, the batch's V_c), independent for points in general
// position while 2^sv + 4 ≤ 2^(sv+c): always for c = 3, for c = 2 with
// sv ≥ 1; a pool with wv < 2 output variables (a 1×2 output) is proven
// but not hidden. The rounds are masked (Libra).
//
// Soundness of the masks: R is committed before r, so a tail's final is
// one more claim on a committed table (its pcs error); the product, the
// link and the gather keep their errors with the sumcheck's degrees under
// masks: the product 3·2^sv + 1 in the last round (and every round under
// hiding), the link 7 (eq·L̂0: 1 + 3, the tail 2), the gather 4:
// (3·2^sv + 1)·wv/|F|, 7(sv + wv)/|F| and 4·xVars/|F| (< 2^-240).

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// freshMask is the prover's R: its data and vanishing row.
type freshMask struct {
	data *pcs.ProverData
	row  []fr.Element
	cols int // R's variables, sv + c
	c    int // the slots' masks' variables
}

// maskCols returns R's column variables sv + min(wv, 3), or −1 when there
// is no fresh mask (no vanishing masks, or no output variable).
func maskCols(p pcs.Params, sv, wv int) int {
	if !p.Hiding || !p.Vanishing || wv == 0 {
		return -1
	}
	return sv + min(wv, 3)
}

// newFreshMask commits R (zeros, one row) under vanishing masks; nil
// otherwise.
func newFreshMask(p pcs.Params, sv, wv int) (*freshMask, error) {
	cols := maskCols(p, sv, wv)
	if cols < 0 {
		return nil, nil
	}
	d, err := pcs.CommitShape(p, make(mle.Table, 1<<cols), 0)
	if err != nil {
		return nil, err
	}
	return &freshMask{data: d, row: d.MaskRow(), cols: cols, c: cols - sv}, nil
}

// freshMaskVars checks the verifier's R against the parameters and returns
// its column variables (−1: none).
func freshMaskVars(p pcs.Params, sv, wv int, r pcs.Commitment) (int, error) {
	cols := maskCols(p, sv, wv)
	if cols < 0 {
		if r != (pcs.Commitment{}) {
			return -1, fmt.Errorf("maxpool: a mask commitment without vanishing masks")
		}
		return -1, nil
	}
	if r.NumVars != cols || r.RowVars != 0 {
		return -1, fmt.Errorf("maxpool: mask commitment over %d variables (%d row variables), want %d (one row)", r.NumVars, r.RowVars, cols)
	}
	return cols, nil
}

// slotMasks returns the product's masks: none for eq(r, ·), R(i, ·) for
// slot i.
func (m *freshMask) slotMasks(slots int) [][]fr.Element {
	out := make([][]fr.Element, 1+slots)
	w := 1 << m.c
	for i := 0; i < slots; i++ {
		out[1+i] = m.row[i*w : (i+1)*w]
	}
	return out
}

// point returns a tail's point on R: (lead, the last cols − len(lead)
// coordinates of x).
func (m *freshMask) point(lead, x []fr.Element) []fr.Element {
	return maskPoint(m.cols, lead, x)
}

// maskPoint is point for R of cols column variables.
func maskPoint(cols int, lead, x []fr.Element) []fr.Element {
	k := cols - len(lead)
	return append(append([]fr.Element(nil), lead...), x[len(x)-k:]...)
}

// tailAt returns the point of a tail's final (package sumcheck, tail.go):
// the sumcheck's last c coordinates, or Point's first c − n then all n.
func tailAt(point, rho []fr.Element) []fr.Element {
	c, n := len(point), len(rho)
	if c <= n {
		return append([]fr.Element(nil), rho[n-c:]...)
	}
	return append(append([]fr.Element(nil), point[:c-n]...), rho...)
}

// maskedVars is the verifier's view of a commitment as a sumcheck factor:
// its vanishing mask's variables (the column variables) under
// pcs.Params{Hiding, Vanishing} over ≥ 1 variable, −1 otherwise.
func maskedVars(p pcs.Params, c pcs.Commitment) int {
	if !p.Hiding || !p.Vanishing || c.NumVars == 0 {
		return -1
	}
	return c.NumVars - c.RowVars
}

// selector returns S_σ over X's 2^xVars entries: eq(σ, u) summed into
// idx(u) (package conv's gather reduction: G̃(σ) = Σ_q S_σ(q)·X(q)).
func selector(idx []int32, sigma []fr.Element, xVars int) (mle.Table, error) {
	eq := mle.EqTable(sigma)
	if len(idx) != len(eq) {
		return nil, fmt.Errorf("maxpool: index map of %d entries for a point of %d coordinates", len(idx), len(sigma))
	}
	s := make(mle.Table, 1<<xVars)
	for u, q := range idx {
		if q < 0 {
			continue
		}
		if int(q) >= len(s) {
			return nil, fmt.Errorf("maxpool: index map sends %d to %d, outside X's %d entries", u, q, len(s))
		}
		s[q].Add(&s[q], &eq[u])
	}
	return s, nil
}
