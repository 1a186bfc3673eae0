package pcs

import "github.com/zkinfer/zkinfer/transparent/mle"

// Table returns a copy of the committed table (row-major, 2^NumVars
// entries), for provers that reduce claims on it (package batch).
func (pd *ProverData) Table() mle.Table {
	t := make(mle.Table, 0, len(pd.rows)*len(pd.rows[0]))
	for _, r := range pd.rows {
		t = append(t, r...)
	}
	return t
}

// Params returns the parameters the table was committed under.
func (pd *ProverData) Params() Params { return pd.params }
