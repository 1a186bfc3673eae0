package ops

import "github.com/zkinfer/zkinfer/graph"

// NormPrecision returns the extra bits planNorm picks for LayerNorm groups
// of n values described by in: m (negative when the deviations are
// rescaled) and k, for the error bound stated in normalize.go.
func NormPrecision(c *Context, in *Info, n int, eps float64) (m, k int, err error) {
	ones := make([]float64, n)
	p, _, err := planNorm(c, &Info{DType: graph.Float, Shape: []int{n}, Scale: in.Scale, Max: in.Max}, 1, n, eps, ones, ones, make([]int, n))
	if err != nil {
		return 0, 0, err
	}
	return p.M - p.Down, p.K, nil
}
