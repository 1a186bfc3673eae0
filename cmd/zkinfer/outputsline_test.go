package main

import (
	"strings"
	"testing"
)

func TestOutputsLine(t *testing.T) {
	long := make([]float64, 100)
	for i := range long {
		long[i] = float64(i)
	}
	for _, tc := range []struct {
		name string
		outs [][]float64
		want string
	}{
		{"few values whole", [][]float64{{0.5, -1}}, "[[0.5 -1]]"},
		{"at the limit whole", [][]float64{long[:64]}, "[[0 1 2"},
		{"beyond: size, first and last", [][]float64{long, {7}}, "[[100 values: [0 1 2] … [97 98 99]] [7]] (all of them in the proof file's outputs)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := outputsLine(tc.outs)
			if !strings.HasPrefix(got, tc.want) {
				t.Fatalf("outputsLine = %.120q, want it to start with %q", got, tc.want)
			}
			if strings.Contains(got, "50") && len(tc.outs[0]) > maxOutputsShown {
				t.Fatalf("outputsLine printed a middle value: %q", got)
			}
		})
	}
}
