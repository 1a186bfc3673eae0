package segment_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/quant"
)

// The credit model proven in 2 segments: compile, setup (one segment's
// keys at a time), prove and verify the bundle.
func Example() {
	tmp, err := os.MkdirTemp("", "segments")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	d, err := segment.Compile("../../examples/credit/model.onnx", filepath.Join(tmp, "credit"), segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
		Segments:       2,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		log.Fatal(err)
	}
	in, err := model.ReadInput("../../examples/credit/input.json")
	if err != nil {
		log.Fatal(err)
	}
	b, err := d.Prove(in, proof.ProveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := d.Verify(b, proof.VerifyOptions{}); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d segments verified, outputs %v\n", len(b.Segments), b.Outputs)
	// Output: 2 segments verified, outputs [[0.904541015625]]
}
