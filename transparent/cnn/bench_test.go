package cnn

import (
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// go test -run '^$' -bench . -benchtime 3x ./transparent/cnn/: cnn_c32 (the
// ONNX file when ZKINFER_CNN_C32 names bench/genmodels.py's directory, else
// the same architecture built in graph_test.go), one private input, under
// pcs.DefaultParams. Prove includes every commitment; nothing is set up.
func BenchmarkC32(b *testing.B) { benchC32(b, pcs.DefaultParams()) }

// BenchmarkC32Hiding is BenchmarkC32 with hiding commitments
// (pcs.Params.Hiding: rows padded with random coefficients, two masking
// rows a commitment).
func BenchmarkC32Hiding(b *testing.B) {
	p := pcs.DefaultParams()
	p.Hiding = true
	benchC32(b, p)
}

func benchC32(b *testing.B, p pcs.Params) {
	mod, m, in := compiled(b, c32(b), rand.New(rand.NewPCG(1, 32)))
	q, err := mod.Quantize(in)
	if err != nil {
		b.Fatal(err)
	}
	x := q[0].Data
	b.Run("prove", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			if _, _, err := Prove(p, m, x); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
	})
	proof, y, err := Prove(p, m, x)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			if err := Verify(p, m, y, proof); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(proof.Size()), "proof-bytes")
	})
}

// BenchmarkCorpus: the corpus's convolutional models (skipped without the
// corpus) on their own inputs, as BenchmarkC32.
func BenchmarkCorpus(b *testing.B) {
	p := pcs.DefaultParams()
	for _, name := range []string{"3l_relu_conv_fc", "1l_conv", "1l_downsample"} {
		path, in := testkit.CorpusInput(b, name)
		g, err := onnx.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		mod, err := model.Compile(g, quant.Default)
		if err != nil {
			b.Fatal(err)
		}
		m, err := FromModel(mod)
		if err != nil {
			b.Fatal(err)
		}
		q, err := mod.Quantize(in)
		if err != nil {
			b.Fatal(err)
		}
		x := q[0].Data
		b.Run("prove/"+name, func(b *testing.B) {
			c0 := cpuSeconds()
			for b.Loop() {
				if _, _, err := Prove(p, m, x); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
		})
		proof, y, _ := Prove(p, m, x)
		b.Run("verify/"+name, func(b *testing.B) {
			c0 := cpuSeconds()
			for b.Loop() {
				if err := Verify(p, m, y, proof); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(proof.Size()), "proof-bytes")
		})
	}
}

// cpuSeconds is the process's user and system CPU time: on a shared machine
// the CPU a prove takes says more than its wall time (a parallel prover's
// CPU exceeds its wall time on an idle machine).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
