package circuit

import "github.com/zkinfer/zkinfer/ops"

// Segment boundaries: see "Binding segments" in the package documentation.

// inputBits is the signed width an input value is range-checked to: the
// activation bits for the model's inputs, and for a segment's boundary
// inputs the packing width of the boundary fingerprint (PackBits), which
// makes the packing injective on every value the check accepts
// (boundary.go) and bounds what the segment's ops read.
func (c *Circuit) inputBits(info *ops.Info) int {
	if c.vis.Input == Boundary {
		return PackBits(info)
	}
	return c.model.Settings.ActBits
}
