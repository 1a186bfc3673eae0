package queue_test

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/proof/segment/segmenttest"
	"github.com/zkinfer/zkinfer/quant"
	"github.com/zkinfer/zkinfer/queue"
	"github.com/zkinfer/zkinfer/queue/embedded"
)

// hang bounds every wait of these tests: a guard against a hang, not a
// timing assertion.
const hang = 5 * time.Minute

// startServer starts an embedded server on loopback for the test.
func startServer(t *testing.T) *embedded.Server {
	t.Helper()
	s, err := embedded.Start(embedded.Options{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

// credit compiles the credit model into 4 segments and sets them up.
func credit(t *testing.T) (*segment.Dir, [][]float64) {
	t.Helper()
	d, err := segment.Compile("../examples/credit/model.onnx", filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{
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
	in, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	return d, in
}

// workers runs n workers in goroutines until the test's context ends and
// returns how to stop them and read how many segments each proved.
func workers(t *testing.T, n int, opt queue.WorkerOptions) (stop func() []int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := opt
			o.Name = string(rune('A' + i))
			var err error
			if done[i], err = queue.Work(ctx, o); err != nil {
				t.Errorf("worker %s: %v", o.Name, err)
			}
		}()
	}
	return func() []int {
		cancel()
		wg.Wait()
		return done
	}
}

// TestWorkers: 4 segments proven by 2 workers, with witnesses and proofs
// in the object store or a shared directory, and keys read from the
// directory or downloaded from the object store.
func TestWorkers(t *testing.T) {
	d, in := credit(t)
	for _, tc := range []struct {
		name          string
		shared, keys  bool
		workerHasDir  bool
		wantDownloads bool
	}{
		{name: "object store, directory on the worker", workerHasDir: true},
		{name: "object store, keys uploaded", keys: true, wantDownloads: true},
		{name: "shared directory, coordinator's path", shared: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), hang)
			defer cancel()
			opt := queue.Options{URL: s.URL(), AckWait: 10 * time.Second, UploadKeys: tc.keys}
			if tc.shared {
				opt.SharedDir = t.TempDir()
			}
			r, err := queue.Start(ctx, d, in, proof.ProveOptions{}, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			wopt := queue.WorkerOptions{URL: s.URL(), Cache: t.TempDir()}
			if tc.workerHasDir {
				wopt.Dir = d.Path
			}
			stop := workers(t, 2, wopt)
			b, err := r.Wait(ctx)
			done := stop()
			if err != nil {
				t.Fatal(err)
			}
			segmenttest.Check(t, d, in, b)
			if done[0]+done[1] != 4 {
				t.Errorf("workers proved %v segments, want 4 in all", done)
			}
			if err := r.Finish(ctx); err != nil {
				t.Fatal(err)
			}
			if tc.shared {
				if _, err := os.Stat(filepath.Join(opt.SharedDir, r.ID)); !os.IsNotExist(err) {
					t.Errorf("the run's shared directory is still there after Finish: %v", err)
				}
			} else if _, err := jsOf(t, s).ObjectStore(ctx, "zkinfer-run-"+r.ID); err == nil {
				t.Errorf("the run's bucket is still there after Finish")
			}
			if tc.wantDownloads {
				if _, err := os.Stat(filepath.Join(wopt.Cache)); err != nil {
					t.Errorf("no keys downloaded: %v", err)
				}
			}
		})
	}
}

// jsOf connects to s.
func jsOf(t *testing.T, s *embedded.Server) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// TestRedelivery: a job fetched by a worker that never acknowledges it
// (it died) is delivered again after AckWait and proven.
func TestRedelivery(t *testing.T) {
	d, in := credit(t)
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	r, err := queue.Start(ctx, d, in, proof.ProveOptions{}, queue.Options{URL: s.URL(), AckWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// The dead worker: it takes a job and is never heard from again.
	cons, err := jsOf(t, s).Consumer(ctx, queue.Stream, "zkinfer-run-"+r.ID)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(hang))
	if err != nil {
		t.Fatal(err)
	}
	for range batch.Messages() {
	}
	stop := workers(t, 1, queue.WorkerOptions{URL: s.URL(), Dir: d.Path})
	b, err := r.Wait(ctx)
	stop()
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.Check(t, d, in, b)
	again := 0
	for _, res := range r.Results {
		if res.Delivery > 1 {
			again++
		}
	}
	if again != 1 {
		t.Errorf("%d segments were delivered more than once, want 1: %+v", again, r.Results)
	}
}

// TestResume: a coordinator that stops after two segments are proven and
// is started again proves only the other two, with the stored witnesses.
func TestResume(t *testing.T) {
	d, in := credit(t)
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	opt := queue.Options{URL: s.URL(), AckWait: 5 * time.Second}
	first, err := queue.Start(ctx, d, in, proof.ProveOptions{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	n, err := queue.Work(ctx, queue.WorkerOptions{URL: s.URL(), Dir: d.Path, MaxJobs: 2, Name: "first"})
	if err != nil || n != 2 {
		t.Fatalf("first worker: %d segments, %v", n, err)
	}
	first.Close() // the coordinator is gone

	again, err := queue.Start(ctx, d, in, proof.ProveOptions{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.ID != first.ID || again.Resumed != 2 {
		t.Fatalf("run %s resumed %d segments, want run %s and 2", again.ID, again.Resumed, first.ID)
	}
	stop := workers(t, 1, queue.WorkerOptions{URL: s.URL(), Dir: d.Path})
	b, err := again.Wait(ctx)
	done := stop()
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.Check(t, d, in, b)
	if done[0] != 2 {
		t.Errorf("the second worker proved %d segments, want 2", done[0])
	}
	byFirst := 0
	for _, res := range again.Results {
		if res.Worker == "first" {
			byFirst++
		}
	}
	if byFirst != 2 {
		t.Errorf("%d segments of the bundle by the first worker, want 2: %+v", byFirst, again.Results)
	}
	if err := again.Finish(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestHashedWeights: with hashed weights the workers need no weights
// file (the segment's weights travel in its witness), and the bundle
// commits to the model as one prover's does.
func TestHashedWeights(t *testing.T) {
	const file = "../examples/credit/model.onnx"
	vis := circuit.DefaultVisibility
	vis.Params, vis.ParamBits = circuit.Hashed, 20
	d, err := segment.Compile(file, filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{
		CompileOptions: proof.CompileOptions{Quant: quant.Default, Visibility: vis},
		Segments:       3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	in, err := model.ReadInput("../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	popt := proof.ProveOptions{Weights: file, ParamSalt: big.NewInt(0x1234)}
	one, err := d.Prove(in, popt)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	r, err := queue.Start(ctx, d, in, popt, queue.Options{URL: s.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	stop := workers(t, 2, queue.WorkerOptions{URL: s.URL(), Dir: d.Path})
	b, err := r.Wait(ctx)
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Verify(b, proof.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.Outputs, one.Outputs) {
		t.Errorf("outputs %v on the queue, %v in one process", b.Outputs, one.Outputs)
	}
	if b.Commitments["params"] == "" || b.Commitments["params"] != one.Commitments["params"] {
		t.Errorf("model commitment %q on the queue, %q in one process", b.Commitments["params"], one.Commitments["params"])
	}
}
