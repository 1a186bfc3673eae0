package cnn

import (
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/transparent/pcs"
)

// go test -run '^$' -bench ResNet -benchtime 3x ./transparent/cnn/:
// resnet_c32 (the ONNX file when ZKINFER_RESNET_C32 names bench/genmodels.py's
// directory for it, else the same architecture built in residual_test.go),
// one private input, under pcs.DefaultParams; as BenchmarkC32.
func BenchmarkResNet(b *testing.B) {
	var g *graph.Graph
	if dir := getenv("ZKINFER_RESNET_C32"); dir != "" {
		var err error
		if g, err = onnx.Load(dir + "/network.onnx"); err != nil {
			b.Fatal(err)
		}
	} else {
		g = resGraph(32, 32, true, rand.New(rand.NewPCG(32, 32)))
	}
	p := pcs.DefaultParams()
	_, r, x, _ := resCompiled(b, g, rand.New(rand.NewPCG(1, 32)))
	b.Run("prove", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			if _, _, err := ProveResidual(p, r, x); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
	})
	proof, y, err := ProveResidual(p, r, x)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		c0 := cpuSeconds()
		for b.Loop() {
			if err := VerifyResidual(p, r, y, proof); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(proof.Size()), "proof-bytes")
	})
}
