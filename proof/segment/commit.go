package segment

import (
	"fmt"
	"math/big"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/ops"
)

// WeightsCommitment is the model commitment that every bundle proven with
// the weights of the model at weightsPath and this salt carries: each
// segment's commitment to the weights it reads (Poseidon2 computed here,
// or Pedersen from the segment's proving key, so after setup), combined
// by ModelCommitment.
func (d *Dir) WeightsCommitment(weightsPath string, salt *big.Int) (string, error) {
	vis := d.Manifest.Visibility
	if vis.Params != circuit.Hashed {
		return "", fmt.Errorf("%s: the weights are %s, not hashed: there is no model commitment", d.Path, vis.Params)
	}
	m, err := d.Top.LoadWeights(weightsPath)
	if err != nil {
		return "", err
	}
	vals, err := m.ParamValues()
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	per := make([]string, d.Len())
	for k := range d.Manifest.Segments {
		c, idx, err := d.Segment(k, m)
		if err != nil {
			return "", err
		}
		if len(idx) == 0 {
			continue
		}
		sub := c.Model
		params := make([]ops.Tensor[int64], len(idx))
		for i, j := range idx {
			params[i] = vals[j]
		}
		if vis.PedersenParams() {
			if per[k], err = c.PedersenCommit(params, salt); err != nil {
				return "", fmt.Errorf("segment %d: %w", k, err)
			}
			continue
		}
		e, err := circuit.Commit(circuit.TagParams, sub.Params, params, salt)
		if err != nil {
			return "", fmt.Errorf("segment %d: %w", k, err)
		}
		per[k] = circuit.Hex(e)
	}
	return ModelCommitment(per)
}
