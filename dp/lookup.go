package dp

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"
	"github.com/zkinfer/zkinfer/internal/logderiv"
)

// rowTable is the sampler's magnitude table as a one-column table of
// constants, each row r packed as t_r = r·2^W + Mag[r] (W = UniformBits +
// 1), checked by a log-derivative lookup [Hab22]. One column, not gnark's
// two-column logderivlookup: that one draws the second column's
// coefficient with a MiMC hash, about 330 constraints a circuit; this
// argument costs one constraint per row and per query, and rides on the
// circuit's one commitment (std/multicommit) as ops.LogUpRange does.
//
// Soundness: for a challenge ch drawn from the commitment of every wire
// the queries are linear in and of every multiplicity,
//
//	Σ_i 1/(ch − q_i) = Σ_r m_r/(ch − t_r)
//
// holds as rational functions only if every q_i is a row (a q_i outside
// the table is a pole of the left side alone; the multiplicities are
// counts below p and cannot cancel it), and a prover who fixed the wires
// before ch meets it for a query outside the table with probability at
// most (#queries + #rows)/p (Schwartz–Zippel on the cleared
// denominators). What a packed row then says about the query's parts is
// Draw's argument.
type rowTable struct {
	rows      []*big.Int
	queries   []frontend.Variable
	committed []frontend.Variable // the wires the queries are linear in
}

func newRowTable(api frontend.API, rows []*big.Int) *rowTable {
	t := &rowTable{rows: rows}
	api.Compiler().Defer(t.build)
	return t
}

// assert records that q is a row.
func (t *rowTable) assert(q frontend.Variable) { t.queries = append(t.queries, q) }

// commit adds wires to the commitment the challenge is drawn from: every
// wire a query is a linear combination of, once.
func (t *rowTable) commit(wires ...frontend.Variable) { t.committed = append(t.committed, wires...) }

// build proves the lookups once every draw is in (frontend's Defer).
func (t *rowTable) build(api frontend.API) error {
	if len(t.queries) == 0 {
		return nil
	}
	in := make([]frontend.Variable, 0, 1+len(t.rows)+len(t.queries))
	in = append(in, len(t.rows))
	for _, r := range t.rows {
		in = append(in, r)
	}
	in = append(in, t.queries...)
	counts, err := api.Compiler().NewHint(CountHint, len(t.rows), in...)
	if err != nil {
		return err
	}
	commit := append(append([]frontend.Variable{}, t.committed...), counts...)
	rows := make([]frontend.Variable, len(t.rows))
	for r, v := range t.rows {
		rows[r] = v
	}
	multicommit.WithCommitment(api, func(api frontend.API, ch frontend.Variable) error {
		logderiv.AssertEqual(api, ch, rows, counts, t.queries)
		return nil
	}, commit...)
	return nil
}

// CountHint counts the queries equal to each row. Inputs: the number of
// rows n, the n rows, the queries; outputs: n counts. A query that is no
// row is counted nowhere (the argument then fails).
func CountHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) < 1 || !in[0].IsInt64() || int(in[0].Int64()) != len(out) || len(in) < 1+len(out) {
		return fmt.Errorf("dp count hint: want the row count, the rows and the queries")
	}
	n := len(out)
	at := make(map[string]int, n)
	for r := range n {
		at[in[1+r].String()] = r
		out[r].SetInt64(0)
	}
	for _, q := range in[1+n:] {
		if r, ok := at[q.String()]; ok {
			out[r].Add(out[r], big.NewInt(1))
		}
	}
	return nil
}
