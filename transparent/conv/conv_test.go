package conv

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = pcs.Params{RateLog: 1, Queries: 12}

// reference is the convolution by its definition, NCHW, on plain arrays.
func reference(s Shape, x, w, b []int64) []int64 {
	oh, ow := s.Out()
	y := make([]int64, s.O*oh*ow)
	for o := 0; o < s.O; o++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				var acc int64
				if b != nil {
					acc = b[o]
				}
				for c := 0; c < s.C; c++ {
					for u := 0; u < s.KH; u++ {
						for v := 0; v < s.KW; v++ {
							h, q := i*s.Stride+u-s.Pad, j*s.Stride+v-s.Pad
							if h >= 0 && h < s.H && q >= 0 && q < s.W {
								acc += w[((o*s.C+c)*s.KH+u)*s.KW+v] * x[(c*s.H+h)*s.W+q]
							}
						}
					}
				}
				y[(o*oh+i)*ow+j] = acc
			}
		}
	}
	return y
}

// setup returns a layer, X's table and the dense x.
func setup(t testing.TB, s Shape, bias bool) (*Layer, mle.Table, []int64, []int64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(s.C), uint64(s.O)))
	ints := func(n int) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = rng.Int64N(512) - 256
		}
		return v
	}
	w := ints(s.O * s.C * s.KH * s.KW)
	var b []int64
	if bias {
		b = ints(s.O)
	}
	l, err := NewLayer(s, w, b)
	if err != nil {
		t.Fatal(err)
	}
	x := ints(s.C * s.H * s.W)
	xSize, _ := l.Tables()
	_, stride := tableSize(s.C, s.H*s.W)
	xt := make([]int64, xSize)
	for c := 0; c < s.C; c++ {
		copy(xt[c*stride:], x[c*s.H*s.W:(c+1)*s.H*s.W])
	}
	yt, err := l.Run(xt)
	if err != nil {
		t.Fatal(err)
	}
	// Y's table against the definition.
	ref := reference(s, x, w, b)
	oh, ow := s.Out()
	_, ys := tableSize(s.O, oh*ow)
	for o := 0; o < s.O; o++ {
		for p := 0; p < oh*ow; p++ {
			if yt[o*ys+p] != ref[o*oh*ow+p] {
				t.Fatalf("Run: y[%d][%d] = %d, definition %d", o, p, yt[o*ys+p], ref[o*oh*ow+p])
			}
		}
	}
	return l, mle.FromInt64(xt), xt, yt
}

// mode is a commitment setting the tests run in: binding, hiding, and
// hiding with vanishing masks (batched only).
type mode struct {
	name    string
	params  pcs.Params
	batched bool
}

var modes = []mode{
	{"binding", testParams, false},
	{"binding batched", testParams, true},
	{"hiding", pcs.Params{RateLog: 1, Queries: 12, Hiding: true}, false},
	{"hiding batched", pcs.Params{RateLog: 1, Queries: 12, Hiding: true}, true},
	{"vanishing", pcs.Params{RateLog: 1, Queries: 12, Hiding: true, Vanishing: true}, true},
}

// cur is the mode step and run use (inModes sets it).
var cur = modes[0]

// lastBatch is the batch proof of run's last batched run.
var lastBatch *batch.Proof

// inModes runs f once per mode.
func inModes(t *testing.T, f func(t *testing.T)) {
	for _, md := range modes {
		t.Run(md.name, func(t *testing.T) {
			saved := cur
			cur = md
			defer func() { cur = saved }()
			f(t)
		})
	}
}

func step(t *testing.T, l *Layer, x mle.Table, y mle.Table, edit func(*Proof)) error {
	t.Helper()
	return run(t, l, l, x, y, cheats{}, edit)
}

// run commits x under cur's params, proves with prover (cheating by ch)
// and verifies with verifier; batched, the batch too.
func run(t *testing.T, prover, verifier *Layer, x, y mle.Table, ch cheats, edit func(*Proof)) error {
	t.Helper()
	xData, err := pcs.Commit(cur.params, x)
	if err != nil {
		t.Fatal(err)
	}
	var bp *batch.Prover
	if cur.batched {
		bp = batch.NewProver()
	}
	ptr := transcript.New("t")
	xData.Commitment().Absorb(ptr, "x")
	proof, _, err := prover.proveStep(ptr, cur.params, xData, x, y, bp, ch)
	if err != nil {
		t.Fatal(err)
	}
	var bproof batch.Proof
	if bp != nil {
		if bproof, err = bp.Prove(ptr); err != nil {
			t.Fatal(err)
		}
		lastBatch = &bproof
	}
	if edit != nil {
		edit(&proof)
	}
	vtr := transcript.New("t")
	xData.Commitment().Absorb(vtr, "x")
	if bp == nil {
		return verifier.VerifyStep(vtr, cur.params, xData.Commitment(), proof)
	}
	bv := batch.NewVerifier()
	if err := verifier.VerifyStepBatched(vtr, cur.params, xData.Commitment(), proof, bv); err != nil {
		return err
	}
	return bv.Verify(vtr, cur.params, bproof)
}

var shapes = []Shape{
	{C: 1, H: 4, W: 4, O: 1, KH: 3, KW: 3, Stride: 1, Pad: 1},
	{C: 3, H: 5, W: 7, O: 4, KH: 3, KW: 3, Stride: 1, Pad: 0},
	{C: 3, H: 8, W: 8, O: 5, KH: 3, KW: 3, Stride: 2, Pad: 1},
	{C: 2, H: 6, W: 6, O: 3, KH: 1, KW: 1, Stride: 1, Pad: 0},
	{C: 2, H: 5, W: 5, O: 2, KH: 5, KW: 5, Stride: 1, Pad: 2},
}

func TestHonest(t *testing.T) {
	for i, s := range shapes {
		t.Run(fmt.Sprintf("%d_%dx%dx%d_k%d_s%d_p%d", i, s.C, s.H, s.W, s.KH, s.Stride, s.Pad), func(t *testing.T) {
			inModes(t, func(t *testing.T) {
				l, x, _, y := setup(t, s, i%2 == 0)
				if err := step(t, l, x, mle.FromInt64(y), nil); err != nil {
					t.Fatalf("honest proof rejected: %v", err)
				}
			})
		})
	}
}

func TestWrongRejected(t *testing.T) {
	one := fr.One()
	s := shapes[2]
	for _, c := range []struct {
		name  string
		editY func([]int64)
		editP func(*Proof)
		other *Shape // the prover runs another layer's index map
	}{
		{name: "wrong Y entry", editY: func(y []int64) { y[3]++ }},
		{name: "nonzero Y padding", editY: func(y []int64) { y[len(y)-1] = 1 }},
		{name: "stated Ỹ(r)", editP: func(p *Proof) { p.YAtR.Add(&p.YAtR, &one) }},
		{name: "gather final on X", editP: func(p *Proof) { p.Gather.Finals[1].Add(&p.Gather.Finals[1], &one) }},
		{name: "gather final on the index map, product kept", editP: func(p *Proof) {
			var two, inv fr.Element
			two.SetUint64(2)
			inv.Inverse(&two)
			p.Gather.Finals[0].Mul(&p.Gather.Finals[0], &two)
			p.Gather.Finals[1].Mul(&p.Gather.Finals[1], &inv)
		}},
		{name: "prover's index map without padding offset (caught by the map's factor)", other: &Shape{C: 3, H: 8, W: 8, O: 5, KH: 3, KW: 3, Stride: 2, Pad: 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			inModes(t, func(t *testing.T) {
				l, x, xt, y := setup(t, s, c.other == nil) // no bias for the other map: its claim must not depend on the output count
				if c.editY != nil {
					c.editY(y)
				}
				yt := mle.FromInt64(y)
				if c.other != nil {
					// The prover's layer reads X with another map but claims the
					// statement's Y; the transcript binds the statement's digest.
					o, err := NewLayer(*c.other, l.Weights, l.Bias)
					if err != nil {
						t.Fatal(err)
					}
					o.digest = l.digest
					if len(o.idx) != len(l.idx) {
						t.Fatalf("maps of %d and %d entries", len(o.idx), len(l.idx))
					}
					oy, _ := o.Run(xt)
					if err := run(t, o, l, x, mle.FromInt64(oy), cheats{}, nil); err == nil {
						t.Fatal("proof over another index map accepted")
					} else {
						t.Log(err)
					}
					return
				}
				if err := step(t, l, x, yt, c.editP); err == nil {
					t.Fatal("wrong statement accepted")
				} else {
					t.Log(err)
				}
			})
		})
	}
}

func TestNewLayerRejects(t *testing.T) {
	for _, c := range []struct {
		s    Shape
		w, b int
	}{
		{Shape{C: 1, H: 2, W: 2, O: 1, KH: 3, KW: 3, Stride: 1}, 9, 1},
		{Shape{C: 1, H: 4, W: 4, O: 1, KH: 3, KW: 3, Stride: 0}, 9, 1},
		{Shape{C: 1, H: 4, W: 4, O: 2, KH: 3, KW: 3, Stride: 1}, 9, 2},
		{Shape{C: 1, H: 4, W: 4, O: 1, KH: 3, KW: 3, Stride: 1}, 9, 2},
	} {
		if _, err := NewLayer(c.s, make([]int64, c.w), make([]int64, c.b)); err == nil {
			t.Errorf("%+v with %d weights, %d biases accepted", c.s, c.w, c.b)
		}
	}
}

// TestCheatsRejected: Y is true for another X (other weights) than the
// committed X (the public ones), and the reductions run on that one; or the
// claims come from the true Y while another is committed. Each is caught by
// exactly one check: X's opening, the weights' check, Y's opening.
func TestCheatsRejected(t *testing.T) {
	s := shapes[1]
	for _, c := range []struct {
		name string
		make func(l *Layer, xt []int64) (y []int64, ch cheats)
	}{
		{"reductions on another X", func(l *Layer, xt []int64) ([]int64, cheats) {
			x2 := append([]int64(nil), xt...)
			x2[5]++
			y, _ := l.Run(x2)
			return y, cheats{usedX: mle.FromInt64(x2)}
		}},
		{"reductions on other weights", func(l *Layer, xt []int64) ([]int64, cheats) {
			o := *l
			o.Weights = append([]int64(nil), l.Weights...)
			o.Weights[4]++
			y, _ := o.Run(xt)
			return y, cheats{usedW: o.Weights}
		}},
		{"another Y committed", func(l *Layer, xt []int64) ([]int64, cheats) {
			y, _ := l.Run(xt)
			y2 := append([]int64(nil), y...)
			y2[2]++
			return y, cheats{committedY: mle.FromInt64(y2)}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			inModes(t, func(t *testing.T) {
				l, x, xt, _ := setup(t, s, true)
				y, ch := c.make(l, xt)
				if err := run(t, l, l, x, mle.FromInt64(y), ch, nil); err == nil {
					t.Fatal("cheating step accepted")
				} else {
					t.Log(err)
				}
			})
		})
	}
}
