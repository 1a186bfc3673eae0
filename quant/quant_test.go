package quant

import (
	"math"
	"testing"
)

func TestQuantize(t *testing.T) {
	cases := []struct {
		x     float64
		scale int
		want  int64
	}{
		{1, 12, 4096}, {-1, 12, -4096}, {0.5 / 4096, 12, 1}, {-0.5 / 4096, 12, -1},
		{1.25, 2, 5}, {0.3, 0, 0}, {2.5, 0, 3}, {-2.5, 0, -3},
		// Beyond int64: saturated (never Go's implementation-defined
		// conversion), so bounds computed from it exceed MaxBound.
		{1e25, 12, math.MaxInt64}, {-1e25, 12, -math.MaxInt64}, {1, 63, math.MaxInt64}, {-1, 63, -math.MaxInt64},
		{math.Inf(1), 0, math.MaxInt64}, {math.Inf(-1), 0, -math.MaxInt64}, {math.NaN(), 0, 0},
		{0x1p62, 0, 1 << 62}, {-0x1p62, 0, -(1 << 62)},
	}
	for _, c := range cases {
		if got := Quantize(c.x, c.scale); got != c.want {
			t.Errorf("Quantize(%v, %d) = %d, want %d", c.x, c.scale, got, c.want)
		}
		if c.x == math.Trunc(c.x*math.Ldexp(1, c.scale))/math.Ldexp(1, c.scale) && c.want != math.MaxInt64 && c.want != -math.MaxInt64 {
			if back := Dequantize(c.want, c.scale); back != c.x {
				t.Errorf("Dequantize(%d, %d) = %v, want %v", c.want, c.scale, back, c.x)
			}
		}
	}
}

func TestBitsFor(t *testing.T) {
	for m, want := range map[float64]int{0: 0, 0.5: 0, 1: 1, 2: 2, 3: 2, 4: 3, 1 << 20: 21, (1 << 20) - 1: 20, math.MaxFloat64: 1024, math.Inf(1): 1025} {
		if got := BitsFor(m); got != want {
			t.Errorf("BitsFor(%v) = %d, want %d", m, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Default.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Settings{{Scale: -1, ParamScale: 8, ActBits: 24}, {Scale: 8, ParamScale: 31, ActBits: 24}, {Scale: 8, ParamScale: 8, ActBits: 4}, {Scale: 8, ParamScale: 8, ActBits: 60}} {
		if s.Validate() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
