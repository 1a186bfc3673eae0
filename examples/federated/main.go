// Command federated simulates three hospitals federating a small model
// (docs/FEDERATED.md): a global MLP (6 features → 16 ReLU units → one
// risk logit) is sent to three hospitals, each trains it for a few epochs
// of SGD on its own synthetic patients (its own case mix), and each
// writes its updated model. `zkinfer fl` then commits, aggregates, proves
// and verifies the round, and an inference with hashed weights is proven
// against the aggregated model's commitment (README.md).
//
//	go run ./examples/federated -out examples/federated
//
// writes global.onnx, hospital0.onnx … hospital2.onnx and patient.json;
// the run is deterministic (seeded), so the shipped files are its output.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/internal/onnxbuild"
	"github.com/zkinfer/zkinfer/onnx"
)

const (
	features = 6
	hidden   = 16
)

// MLP is the federated model: logit = W2·relu(W1·x + b1) + b2.
type MLP struct {
	W1 [features][hidden]float64
	B1 [hidden]float64
	W2 [hidden]float64
	B2 float64
}

// Init draws the global model's first weights.
func Init(seed uint64) *MLP {
	rng := rand.New(rand.NewPCG(seed, 0))
	m := &MLP{}
	for i := range m.W1 {
		for j := range m.W1[i] {
			m.W1[i][j] = rng.NormFloat64() * 0.4
		}
	}
	for j := range m.W2 {
		m.W2[j] = rng.NormFloat64() * 0.25
	}
	return m
}

// Patients draws a hospital's records: features from its case mix (a
// shift of the mean), labels from one shared risk rule.
func Patients(hospital, n int, seed uint64) ([][features]float64, []float64) {
	rng := rand.New(rand.NewPCG(seed, uint64(hospital)+1))
	truth := [features]float64{1.2, -0.8, 0.6, 0, 0.9, -0.4}
	xs, ys := make([][features]float64, n), make([]float64, n)
	for i := range xs {
		z := -0.2
		for f := range features {
			xs[i][f] = rng.NormFloat64() + 0.5*float64(hospital-1)*float64(f%2*2-1)
			z += truth[f] * xs[i][f]
		}
		if z+0.3*rng.NormFloat64() > 0 {
			ys[i] = 1
		}
	}
	return xs, ys
}

func (m *MLP) forward(x *[features]float64) (h [hidden]float64, logit float64) {
	logit = m.B2
	for j := range hidden {
		a := m.B1[j]
		for f := range features {
			a += x[f] * m.W1[f][j]
		}
		h[j] = max(a, 0)
		logit += h[j] * m.W2[j]
	}
	return h, logit
}

// Train runs epochs of SGD on the logistic loss from a copy of m.
func (m *MLP) Train(xs [][features]float64, ys []float64, epochs int, lr float64) *MLP {
	c := *m
	for range epochs {
		for i := range xs {
			h, logit := c.forward(&xs[i])
			g := 1/(1+math.Exp(-logit)) - ys[i] // dL/dlogit
			for j := range hidden {
				gh := g * c.W2[j]
				c.W2[j] -= lr * g * h[j]
				if h[j] > 0 {
					for f := range features {
						c.W1[f][j] -= lr * gh * xs[i][f]
					}
					c.B1[j] -= lr * gh
				}
			}
			c.B2 -= lr * g
		}
	}
	return &c
}

// Accuracy is m's accuracy on xs, ys.
func (m *MLP) Accuracy(xs [][features]float64, ys []float64) float64 {
	ok := 0
	for i := range xs {
		if _, l := m.forward(&xs[i]); (l > 0) == (ys[i] == 1) {
			ok++
		}
	}
	return float64(ok) / float64(len(xs))
}

// ONNX writes m as an ONNX model: Gemm, Relu, Gemm over x of shape [1, 6].
func (m *MLP) ONNX() []byte {
	w1 := make([]float32, 0, features*hidden)
	for f := range features {
		for j := range hidden {
			w1 = append(w1, float32(m.W1[f][j]))
		}
	}
	b1, w2 := make([]float32, hidden), make([]float32, hidden)
	for j := range hidden {
		b1[j], w2[j] = float32(m.B1[j]), float32(m.W2[j])
	}
	f32 := onnx.TensorProto_FLOAT
	return onnxbuild.Bytes(onnxbuild.Model(
		[]*onnx.NodeProto{
			onnxbuild.Node("fc1", "Gemm", []string{"x", "W1", "b1"}, []string{"h"}),
			onnxbuild.Node("relu", "Relu", []string{"h"}, []string{"a"}),
			onnxbuild.Node("fc2", "Gemm", []string{"a", "W2", "b2"}, []string{"risk"}),
		},
		[]*onnx.TensorProto{
			onnxbuild.Floats("W1", []int64{features, hidden}, w1...),
			onnxbuild.Floats("b1", []int64{hidden}, b1...),
			onnxbuild.Floats("W2", []int64{hidden, 1}, w2...),
			onnxbuild.Floats("b2", []int64{1}, float32(m.B2)),
		},
		[]*onnx.ValueInfoProto{onnxbuild.Value("x", f32, 1, features)},
		[]*onnx.ValueInfoProto{onnxbuild.Value("risk", f32, 1, 1)},
	))
}

// Round is one simulated round: the global model, the three hospitals'
// trained models (hospital 2 trains longest, at the highest rate: its
// update is the one the clip bounds) and their sample counts.
type Round struct {
	Global    *MLP
	Hospitals []*MLP
	Counts    []int64
}

// Simulate draws the global model and trains it at each hospital.
func Simulate(seed uint64) *Round {
	r := &Round{Global: Init(seed), Counts: []int64{300, 500, 200}}
	epochs, lrs := []int{2, 2, 6}, []float64{0.02, 0.02, 0.08}
	for h := range 3 {
		xs, ys := Patients(h, int(r.Counts[h]), seed)
		r.Hospitals = append(r.Hospitals, r.Global.Train(xs, ys, epochs[h], lrs[h]))
	}
	return r
}

// Write writes global.onnx, hospital0..2.onnx and patient.json into dir.
func (r *Round) Write(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "global.onnx"), r.Global.ONNX(), 0o644); err != nil {
		return err
	}
	for h, m := range r.Hospitals {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("hospital%d.onnx", h)), m.ONNX(), 0o644); err != nil {
			return err
		}
	}
	in, _ := json.Marshal(map[string]any{"input_data": [][]float64{{0.8, -0.3, 1.1, 0.2, 0.5, -1.0}}})
	return os.WriteFile(filepath.Join(dir, "patient.json"), append(in, '\n'), 0o644)
}

func main() {
	out := flag.String("out", ".", "directory to write the models and the patient into")
	seed := flag.Uint64("seed", 20261130, "the simulation's seed")
	flag.Parse()
	r := Simulate(*seed)
	if err := r.Write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "federated:", err)
		os.Exit(1)
	}
	for h := range r.Hospitals {
		xs, ys := Patients(h, 1000, *seed+1)
		fmt.Printf("hospital %d: accuracy on its own patients %.3f before, %.3f after local training\n", h, r.Global.Accuracy(xs, ys), r.Hospitals[h].Accuracy(xs, ys))
	}
}
