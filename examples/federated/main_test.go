package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestShippedModels: the shipped global.onnx, hospital0–2.onnx and
// patient.json are what the simulation writes with its default seed
// (TestFederatedExample in cmd/zkinfer runs README.md's walkthrough on
// them), and local training helped every hospital on its own patients.
func TestShippedModels(t *testing.T) {
	r := Simulate(20261130)
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"global.onnx", "hospital0.onnx", "hospital1.onnx", "hospital2.onnx", "patient.json"} {
		got, _ := os.ReadFile(filepath.Join(dir, name))
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not the simulation's output: go run ./examples/federated -out examples/federated", name)
		}
	}
	for h := range r.Hospitals {
		xs, ys := Patients(h, 1000, 20261131)
		if before, after := r.Global.Accuracy(xs, ys), r.Hospitals[h].Accuracy(xs, ys); after < before+0.1 {
			t.Errorf("hospital %d: accuracy %.3f before local training, %.3f after", h, before, after)
		}
	}
}
