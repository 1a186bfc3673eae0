package ops

// convView describes a constant-weight Conv for ViewConv.
func (p *convConstPlan) convView() (ConvView, bool) {
	if p.Transposed || p.Group != 1 {
		return ConvView{}, false
	}
	v := ConvView{W: ints(p.W), RQ: p.RQ}
	if p.Bias != nil {
		v.Bias = ints(p.Bias)
	}
	return v, true
}
