package segment_test

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/proof/segment/segmenttest"
	"github.com/zkinfer/zkinfer/quant"
)

const credit = "../../examples/credit/model.onnx"

// compileCredit compiles the credit model into segments of at most n
// constraints under vis and sets it up.
func compileCredit(t *testing.T, vis circuit.Visibility, k int) *segment.Dir {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "seg")
	d, err := segment.Compile(credit, dir, segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: vis},
		Segments:       k,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCreditSegments(t *testing.T) {
	d := compileCredit(t, circuit.DefaultVisibility, 3)
	if d.Len() < 2 {
		t.Fatalf("%d segments, want at least 2", d.Len())
	}
	for k, s := range d.Manifest.Segments {
		t.Logf("segment %d: steps [%d, %d), %d constraints, %d boundary values", k, s.From, s.To, s.Constraints, s.BoundaryValues)
	}
	in, err := model.ReadInput("../../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Prove(in, proof.ProveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.Check(t, d, in, b)
}

// proveCredit proves an input file of examples/credit with d.
func proveCredit(t *testing.T, d *segment.Dir, file string, opt proof.ProveOptions) *segment.Bundle {
	t.Helper()
	in, err := model.ReadInput("../../examples/credit/" + file)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Prove(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBundleTamper: a bundle verifies only as proven: segments swapped,
// dropped or taken from another input's bundle or another run's, a
// boundary commitment changed, another context, or edited outputs all
// fail.
func TestBundleTamper(t *testing.T) {
	d := compileCredit(t, circuit.DefaultVisibility, 3)
	if d.Len() != 3 {
		t.Fatalf("%d segments, want 3", d.Len())
	}
	ctx := []byte("borrower 42")
	good := proveCredit(t, d, "input.json", proof.ProveOptions{Context: ctx})
	again := proveCredit(t, d, "input.json", proof.ProveOptions{Context: ctx})
	risky := proveCredit(t, d, "input_risky.json", proof.ProveOptions{Context: ctx})
	other := proveCredit(t, d, "input.json", proof.ProveOptions{Context: []byte("borrower 43")})
	if err := d.Verify(good, proof.VerifyOptions{Context: ctx}); err != nil {
		t.Fatalf("the honest bundle: %v", err)
	}
	clone := func(b *segment.Bundle) *segment.Bundle {
		c := *b
		c.Segments = slices.Clone(b.Segments)
		return &c
	}
	cases := []struct {
		name string
		edit func() *segment.Bundle
		opt  proof.VerifyOptions
	}{ // the cases "from another input" and "another run" are valid proofs that only the chain check rejects
		{"segments 1 and 2 swapped", func() *segment.Bundle {
			b := clone(good)
			b.Segments[1], b.Segments[2] = b.Segments[2], b.Segments[1]
			return b
		}, proof.VerifyOptions{}},
		{"segment 1 dropped", func() *segment.Bundle {
			b := clone(good)
			b.Segments = slices.Delete(b.Segments, 1, 2)
			return b
		}, proof.VerifyOptions{}},
		{"segment 2 from another input", func() *segment.Bundle {
			b := clone(good)
			b.Segments[2] = risky.Segments[2]
			b.Outputs = risky.Outputs
			return b
		}, proof.VerifyOptions{}},
		{"segments 0 and 1 from another input", func() *segment.Bundle {
			b := clone(risky)
			b.Segments[2] = good.Segments[2]
			b.Outputs = good.Outputs
			return b
		}, proof.VerifyOptions{}},
		{"segment 1 from another run (boundary salt) of the same input", func() *segment.Bundle {
			b := clone(good)
			b.Segments[1] = again.Segments[1]
			return b
		}, proof.VerifyOptions{}},
		{"boundary_in of segment 1 changed", func() *segment.Bundle {
			b := clone(good)
			p := *b.Segments[1]
			p.PublicInputs = slices.Clone(p.PublicInputs)
			p.PublicInputs[0] = risky.Segments[1].PublicInputs[0]
			b.Segments[1] = &p
			return b
		}, proof.VerifyOptions{}},
		{"segment 1 bound to another context", func() *segment.Bundle {
			b := clone(good)
			b.Segments[1] = other.Segments[1]
			return b
		}, proof.VerifyOptions{}},
		{"another context expected", func() *segment.Bundle { return clone(good) }, proof.VerifyOptions{Context: []byte("borrower 43")}},
		{"outputs edited", func() *segment.Bundle {
			b := clone(good)
			b.Outputs = [][]float64{{0.5}}
			return b
		}, proof.VerifyOptions{}},
	}
	for _, tc := range cases {
		err := d.Verify(tc.edit(), tc.opt)
		switch {
		case err == nil:
			t.Errorf("%s: verified", tc.name)
		case strings.Contains(tc.name, "another input") || strings.Contains(tc.name, "another run"):
			if !errors.Is(err, segment.ErrChain) {
				t.Errorf("%s: %v, want the chain check's error", tc.name, err)
			}
		default:
			t.Logf("%s: %v", tc.name, err)
		}
	}
	// each of those honest bundles verifies on its own
	for _, b := range []*segment.Bundle{again, risky} {
		if err := d.Verify(b, proof.VerifyOptions{Context: ctx}); err != nil {
			t.Error(err)
		}
	}
}

// TestCorpusSegments: a corpus model (convolution, ReLU, dense layers)
// proven in 4 segments gives the unsegmented outputs and verifies, and
// its witnesses, each segment run from a model compiled with that
// segment's plans only (Witnesses), are those of the whole model's
// segments: the same values, boundary commitments and challenge, and
// proofs with the same public inputs.
func TestCorpusSegments(t *testing.T) {
	dir := os.Getenv("ZKINFER_CORPUS_DIR")
	if dir == "" {
		dir = "../../../shared/corpus"
	}
	m := filepath.Join(dir, "ezkl", "3l_relu_conv_fc")
	if _, err := os.Stat(filepath.Join(m, "network.onnx")); err != nil {
		t.Skipf("the EZKL corpus is not at %s (ZKINFER_CORPUS_DIR): %v", dir, err)
	}
	d, err := segment.Compile(filepath.Join(m, "network.onnx"), filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
		Segments:       4,
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 4 {
		t.Fatalf("%d segments, want 4", d.Len())
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	in, err := model.ReadInput(filepath.Join(m, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	ws, shape, err := d.Witnesses(in, proof.ProveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := d.FullModel()
	if err != nil {
		t.Fatal(err)
	}
	q, err := whole.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ws[0].Inputs, q) {
		t.Fatal("segment 0's inputs are not the quantized input")
	}
	for k, r := range d.Manifest.Segments {
		sub, _, err := whole.Sub(r.From, r.To)
		if err != nil {
			t.Fatal(err)
		}
		want, err := model.Run(sub, &ops.IntArith{}, ws[k].Inputs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ws[k].Outputs, want) {
			t.Errorf("segment %d: its outputs differ from the whole model's segment's", k)
		}
		if k > 0 && !reflect.DeepEqual(ws[k].Inputs, ws[k-1].Outputs) {
			t.Errorf("segment %d: its inputs are not segment %d's outputs", k, k-1)
		}
	}
	got, err := d.Commitments(ws, shape)
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.Commitments(ws, whole)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || circuit.BoundaryChallenge(got).Cmp(ws[0].BoundaryChallenge) != 0 {
		t.Fatal("the boundary commitments or challenge differ from the whole model's")
	}
	ps := make([]*proof.Proof, d.Len())
	for k := range ps {
		if ps[k], err = d.ProveSegment(k, shape, ws[k], nil); err != nil {
			t.Fatal(err)
		}
		old, err := d.ProveSegment(k, whole, ws[k], nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ps[k].PublicInputs, old.PublicInputs) {
			t.Errorf("segment %d: its public inputs differ from the whole model's", k)
		}
	}
	b, err := d.Assemble(ps)
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.Check(t, d, in, b)
	if b, err = d.Prove(in, proof.ProveOptions{}); err != nil {
		t.Fatal(err)
	}
	segmenttest.Check(t, d, in, b)
}

// TestHashedWeightsSegments: the README's lender case (hashed weights, a
// claim on a private output) in 3 segments, with the weights bound by
// Poseidon2 and by Pedersen: the bundle's model commitment is the one
// WeightsCommitment computes from the model and the salt, a wrong one
// fails, and a bundle proven with other weights does not carry it.
func TestHashedWeightsSegments(t *testing.T) {
	for _, binding := range []circuit.Binding{circuit.Poseidon2, circuit.Pedersen} {
		vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private,
			ParamBits: 20, ParamCommitment: binding, Claim: "output[0] >= 0.7"}
		d := compileCredit(t, vis, 3)
		salt := big.NewInt(0x1234)
		cm, err := d.WeightsCommitment(credit, salt)
		if err != nil {
			t.Fatal(err)
		}
		b := proveCredit(t, d, "input.json", proof.ProveOptions{Weights: credit, ParamSalt: salt})
		if got := b.Commitments["params"]; got != cm {
			t.Errorf("%s: the bundle's model commitment %s, WeightsCommitment %s", binding, got, cm)
		}
		if err := d.Verify(b, proof.VerifyOptions{ModelCommitment: cm, Claim: "output[0] >= 0.7"}); err != nil {
			t.Errorf("%s: %v", binding, err)
		}
		wrong, err := segment.ModelCommitment([]string{"0x" + strings.Repeat("00", 32)})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Verify(b, proof.VerifyOptions{ModelCommitment: wrong}); err == nil {
			t.Errorf("%s: a bundle verified against another model commitment", binding)
		}
		other := proveCredit(t, d, "input.json", proof.ProveOptions{Weights: credit, ParamSalt: big.NewInt(0x1235)})
		if err := d.Verify(other, proof.VerifyOptions{ModelCommitment: cm}); err == nil {
			t.Errorf("%s: a bundle with another salt verified against the model commitment", binding)
		}
	}
}

// TestCompileUnderAStep: a bound under a step that cannot be cut, and
// that no split by output channels brings each part under, is refused,
// naming the steps (compile used to loop: every plan then had a span over
// the bound, and it preferred one such span to two); a bound under a
// convolution block that a split does bring under compiles (before
// output-channel splits: "cannot be cut"), each segment within it.
func TestCompileUnderAStep(t *testing.T) {
	path, _ := convStem(t)
	for _, limit := range []int{2500, 2000} {
		d, err := segment.Compile(path, filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{
			CompileOptions:     proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
			SegmentConstraints: limit,
		})
		if err != nil {
			t.Errorf("the conv stem at %d constraints a segment: %v", limit, err)
			continue
		}
		for k, s := range d.Manifest.Segments {
			if s.Constraints > limit {
				t.Errorf("the conv stem at %d: segment %d has %d constraints", limit, k, s.Constraints)
			}
		}
	}
	for _, tc := range []struct {
		model string
		limit int
	}{
		{credit, 50},
		{filepath.Join(corpusDir(t), "3l_relu_conv_fc", "network.onnx"), 200},
	} {
		_, err := segment.Compile(tc.model, filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{
			CompileOptions:     proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
			SegmentConstraints: tc.limit,
		})
		if err == nil || !strings.Contains(err.Error(), "cannot be cut and need more than") {
			t.Errorf("%s at %d constraints a segment: %v", tc.model, tc.limit, err)
		}
	}
}

// corpusDir is the EZKL corpus' directory, skipping the test without it.
func corpusDir(t *testing.T) string {
	dir := os.Getenv("ZKINFER_CORPUS_DIR")
	if dir == "" {
		dir = "../../../shared/corpus"
	}
	dir = filepath.Join(dir, "ezkl")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the EZKL corpus is not at %s (ZKINFER_CORPUS_DIR): %v", dir, err)
	}
	return dir
}
