// Package logderiv asserts the log-derivative lookup identity in a gnark
// circuit (Haböck, "Multivariate lookups based on logarithmic derivatives",
// ePrint 2022/1530):
//
//	Σ_r m_r/(ch − t_r) = Σ_i 1/(ch − q_i)
//
// for a challenge ch drawn after the queries q_i and the multiplicities m_r
// are committed. As rational functions in ch the two sides agree only if
// every q_i is some row t_r (a query outside the table is a pole of the
// right side alone; multiplicities are counts below the field's
// characteristic and cannot cancel it), so a prover who fixed its wires
// before ch passes with a query outside the table with probability at most
// (#queries + #rows)/p (Schwartz–Zippel on the cleared denominators).
// Drawing ch from a commitment to every wire the queries are linear in and
// to the multiplicities is the caller's part (std/multicommit).
//
// Cost: one constraint per row (m_r/(ch − t_r), unchecked division) and
// one per query (a batch inversion), plus the equality.
package logderiv

import (
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/internal/linexpr"
)

// AssertEqual asserts Σ_r counts[r]/(ch − rows[r]) = Σ_i 1/(ch − queries[i]).
// rows and counts have one entry per table row.
func AssertEqual(api frontend.API, ch frontend.Variable, rows, counts, queries []frontend.Variable) {
	left := make([]frontend.Variable, len(rows))
	for r, m := range counts {
		left[r] = api.DivUnchecked(m, api.Sub(ch, rows[r]))
	}
	right := make([]frontend.Variable, len(queries))
	for i, q := range queries {
		right[i] = api.Sub(ch, q)
	}
	if b, ok := api.(frontend.BatchInverter); ok {
		right = b.BatchInvert(right)
	} else {
		for i := range right {
			right[i] = api.Inverse(right[i])
		}
	}
	api.AssertIsEqual(linexpr.Sum(api, left), linexpr.Sum(api, right))
}
