package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// WorkerOptions configure a worker.
type WorkerOptions struct {
	// URL is the NATS server.
	URL string
	// Dir is this machine's copy of the segmented directory ("": the job's
	// path on the coordinator's machine when this machine sees it, or the
	// files the coordinator uploaded, fetched into Cache).
	Dir string
	// Cache holds directories fetched from the object store ("":
	// zkinfer/keys in the user's cache directory).
	Cache string
	// Name is the worker's name in the coordinator's progress ("": host
	// and process ID).
	Name string
	// MaxJobs stops the worker after proving that many segments (0: never).
	MaxJobs int
	// Run restricts the worker to one run ("": every run on the queue); it
	// stops once that run's consumer, seen before, is gone (the run is
	// over).
	Run      string
	Progress proof.Progress
}

// Work proves segment jobs from the queue, one at a time, until ctx ends,
// MaxJobs segments are proven, or the connection is lost for good; it
// returns the number of segments it proved. A job is acknowledged only
// after its proof is stored; while proving, the worker tells the server
// the job is in progress every third of the run's AckWait.
func Work(ctx context.Context, opt WorkerOptions) (int, error) {
	if opt.Name == "" {
		host, _ := os.Hostname()
		opt.Name = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	if opt.Cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		opt.Cache = filepath.Join(dir, "zkinfer", "keys")
	}
	nc, err := connect(opt.URL, "zkinfer worker "+opt.Name)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	w := &worker{opt: opt, js: js, dirs: map[string]*segment.Dir{}}
	opt.Progress.Log("worker %s: waiting for jobs on %s", opt.Name, redact(opt.URL))
	for {
		if err := ctx.Err(); err != nil {
			return w.done, nil
		}
		if nc.IsClosed() {
			return w.done, fmt.Errorf("queue: lost the connection to %s", redact(opt.URL))
		}
		got, err := w.round(ctx)
		if errors.Is(err, errRunOver) {
			opt.Progress.Log("worker %s: run %s is over", opt.Name, opt.Run)
			return w.done, nil
		}
		if err != nil {
			return w.done, err
		}
		if opt.MaxJobs > 0 && w.done >= opt.MaxJobs {
			return w.done, nil
		}
		if !got {
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
}

// errRunOver stops a worker of one run.
var errRunOver = errors.New("the run is over")

type worker struct {
	seen bool // the run's consumer, with WorkerOptions.Run
	opt  WorkerOptions
	js   jetstream.JetStream
	dirs map[string]*segment.Dir
	done int
}

// round looks at every run's consumer and proves at most one job of each;
// it reports whether it found any.
func (w *worker) round(ctx context.Context) (bool, error) {
	s, err := w.js.Stream(ctx, Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return false, nil // no coordinator has been here yet
	}
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, nats.ErrConnectionClosed) {
			return false, nil
		}
		return false, fmt.Errorf("queue: stream %s: %w", Stream, err)
	}
	var names []string
	lister := s.ConsumerNames(ctx)
	for name := range lister.Name() {
		if strings.HasPrefix(name, consumerPrefix) && (w.opt.Run == "" || name == consumerPrefix+w.opt.Run) {
			names = append(names, name)
		}
	}
	if lister.Err() != nil {
		return false, nil // asked again next round
	}
	slices.Sort(names)
	if w.opt.Run != "" {
		switch {
		case len(names) > 0:
			w.seen = true
		case w.seen:
			return false, errRunOver
		}
	}
	got := false
	for _, name := range names {
		cons, err := s.Consumer(ctx, name)
		if err != nil {
			continue // finished since listed
		}
		batch, err := cons.FetchNoWait(1)
		if err != nil {
			continue
		}
		for msg := range batch.Messages() {
			got = true
			if err := w.handle(ctx, msg, cons.CachedInfo().Config.AckWait); err != nil {
				return got, err
			}
			if w.opt.MaxJobs > 0 && w.done >= w.opt.MaxJobs {
				return got, nil
			}
		}
	}
	return got, nil
}

// handle proves one job: the proof is stored, then the job acknowledged.
func (w *worker) handle(ctx context.Context, msg jetstream.Msg, ackWait time.Duration) error {
	log := w.opt.Progress
	delivery := uint64(1)
	if meta, err := msg.Metadata(); err == nil {
		delivery = meta.NumDelivered
	}
	var job Job
	if err := json.Unmarshal(msg.Data(), &job); err != nil {
		log.Log("worker %s: dropping a malformed job: %v", w.opt.Name, err)
		return msg.Term()
	}
	k, n := job.Segment, job.Segments
	st, err := openStore(ctx, w.js, job.Shared, job.Run, false)
	if errors.Is(err, errNotFound) {
		log.Log("worker %s: run %s segment %d: the run is over; dropping the job", w.opt.Name, job.Run, k+1)
		return msg.Term()
	}
	if err != nil {
		return w.later(msg, fmt.Errorf("run %s segment %d: %w", job.Run, k+1, err))
	}
	var info runInfo
	if b, err := st.get(ctx, runFile); err != nil || json.Unmarshal(b, &info) != nil || info.Nonce != job.Nonce {
		log.Log("worker %s: run %s segment %d: a job of an earlier run; dropping it", w.opt.Name, job.Run, k+1)
		return msg.Term()
	}
	if ok, err := st.has(ctx, proofFile(k)); err == nil && ok {
		log.Log("worker %s: run %s segment %d of %d: proven before; acknowledging", w.opt.Name, job.Run, k+1, n)
		return msg.Ack()
	}
	d, err := w.dir(ctx, job)
	if err != nil {
		return w.later(msg, err)
	}
	raw, err := st.get(ctx, witnessFile(k))
	if err != nil {
		return w.later(msg, fmt.Errorf("run %s segment %d: witness: %w", job.Run, k+1, err))
	}
	wit, err := decodeWitness(raw)
	if err != nil {
		return w.fail(ctx, st, msg, job, fmt.Errorf("the stored witness is corrupt: %v", err))
	}
	log.Log("worker %s: run %s segment %d of %d: proving (delivery %d)", w.opt.Name, job.Run, k+1, n, delivery)
	stop := heartbeat(msg, ackWait)
	start := time.Now()
	p, err := d.ProveSegment(k, d.Model(), wit, nil)
	stop()
	if err != nil {
		return w.fail(ctx, st, msg, job, err)
	}
	secs := time.Since(start).Seconds()
	b, err := json.Marshal(result{Worker: w.opt.Name, Seconds: secs, Delivery: delivery, Proof: p})
	if err != nil {
		return err
	}
	if err := st.put(ctx, proofFile(k), b); err != nil {
		return w.later(msg, err)
	}
	if err := msg.DoubleAck(ctx); err != nil {
		// The proof is stored: a redelivered job is acknowledged unproven.
		log.Log("worker %s: run %s segment %d: acknowledging: %v", w.opt.Name, job.Run, k+1, err)
	}
	w.done++
	log.Log("worker %s: run %s segment %d of %d: proof stored and job acknowledged (%.1fs)", w.opt.Name, job.Run, k+1, n, secs)
	return nil
}

// heartbeat tells the server the job is in progress every third of
// ackWait until stop is called.
func heartbeat(msg jetstream.Msg, ackWait time.Duration) (stop func()) {
	every := max(ackWait/3, 100*time.Millisecond)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				msg.InProgress()
			}
		}
	}()
	return func() { close(done) }
}

// later hands a job this worker cannot take now back to the queue (after
// a pause, for another worker or a later try) and reports why.
func (w *worker) later(msg jetstream.Msg, err error) error {
	w.opt.Progress.Log("worker %s: %v; handing the job back", w.opt.Name, err)
	return msg.NakWithDelay(5 * time.Second)
}

// fail stores the error of a job that cannot be proven, which ends the
// run, and removes the job.
func (w *worker) fail(ctx context.Context, st store, msg jetstream.Msg, job Job, err error) error {
	w.opt.Progress.Log("worker %s: run %s segment %d: %v", w.opt.Name, job.Run, job.Segment+1, err)
	b, _ := json.Marshal(failure{Worker: w.opt.Name, Error: err.Error()})
	if err := st.put(ctx, errorFile(job.Segment), b); err != nil {
		return w.later(msg, err)
	}
	return msg.Term()
}

// dir opens the segmented directory of job: the worker's own, the
// coordinator's path, or the files uploaded to the object store, fetched
// into the cache. The segment's verifying key must be the job's.
func (w *worker) dir(ctx context.Context, job Job) (*segment.Dir, error) {
	path := w.opt.Dir
	switch {
	case path != "":
	case job.Keys != "":
		path = filepath.Join(w.opt.Cache, job.DirID)
		if err := fetchKeys(ctx, w.js, job.Keys, path, job.Segment, w.opt.Progress); err != nil {
			return nil, err
		}
	default:
		path = job.Dir
		if !segment.IsSegmented(path) {
			return nil, fmt.Errorf("run %s: the directory %s is not on this machine and the coordinator uploaded no keys: give the worker --dir, or prove with --upload-keys", job.Run, job.Dir)
		}
	}
	d, ok := w.dirs[path]
	if !ok {
		id, err := DirID(path)
		if err != nil {
			return nil, err
		}
		if id != job.DirID {
			return nil, fmt.Errorf("run %s: %s is not the directory the run proves with (its manifest differs)", job.Run, path)
		}
		if d, err = segment.Open(path); err != nil {
			return nil, err
		}
		w.dirs[path] = d
	}
	vk, err := vkSHA256(d, job.Segment)
	if err != nil {
		return nil, err
	}
	if vk != job.VKSHA256 {
		if path != w.opt.Dir && path != job.Dir {
			// A stale download: fetch it again next time.
			delete(w.dirs, path)
			os.RemoveAll(path)
		}
		return nil, fmt.Errorf("run %s: segment %d's keys in %s are not the run's (another setup)", job.Run, job.Segment, path)
	}
	return d, nil
}
