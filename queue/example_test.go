package queue_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/queue"
	"github.com/zkinfer/zkinfer/queue/embedded"
)

// The credit model's 2 segments proven by a worker pulling them from a
// NATS JetStream server embedded in the process: the coordinator stores
// the witnesses and publishes the jobs (Start), the worker proves them
// (Work), the coordinator collects and checks the proofs (Wait) and, once
// the bundle is kept, deletes the run's files (Finish).
func Example() {
	tmp, err := os.MkdirTemp("", "queue")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	s, err := embedded.Start(embedded.Options{StoreDir: filepath.Join(tmp, "nats")})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Shutdown()
	d, err := segment.Compile("../examples/credit/model.onnx", filepath.Join(tmp, "credit"), segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility},
		Segments:       2,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		log.Fatal(err)
	}
	in, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	r, err := queue.Start(ctx, d, in, proof.ProveOptions{}, queue.Options{URL: s.URL()})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	proved := make(chan int)
	go func() {
		// Run: r.ID makes the worker stop once the run is over.
		n, err := queue.Work(ctx, queue.WorkerOptions{URL: s.URL(), Dir: d.Path, Run: r.ID, Name: "w1"})
		if err != nil {
			log.Fatal(err)
		}
		proved <- n
	}()
	b, err := r.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := segment.WriteBundle(filepath.Join(tmp, "proof.json"), b); err != nil {
		log.Fatal(err)
	}
	if err := r.Finish(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("worker w1 proved %d segments; outputs %v\n", <-proved, b.Outputs)
	// Output: worker w1 proved 2 segments; outputs [[0.904541015625]]
}
