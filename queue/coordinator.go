package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// DefaultAckWait is how long a job may go without word from its worker
// before the server delivers it to another: a worker that proves says so
// every third of it.
const DefaultAckWait = 30 * time.Second

// Options configure a run's coordinator.
type Options struct {
	// URL is the NATS server (nats://HOST:PORT; several separated by
	// commas for a cluster).
	URL string
	// SharedDir, when set, holds the run's witnesses and proofs in
	// SharedDir/RUN, a path every worker sees; otherwise they go through
	// JetStream's object store.
	SharedDir string
	// AckWait is the run's consumer's AckWait (0: DefaultAckWait).
	AckWait time.Duration
	// UploadKeys puts the directory's files into the object store bucket
	// zkinfer-keys-DIRID, for workers without a copy of the directory.
	UploadKeys bool
	Progress   proof.Progress
}

// Run is a segmented proof in progress on the queue.
type Run struct {
	ID string
	// Resumed counts the segments whose proofs an earlier coordinator of
	// the run had already collected.
	Resumed int
	// Results is each segment's worker, proving time and delivery count,
	// once Wait returns.
	Results []Result

	d    *segment.Dir
	opt  Options
	ctx  []byte
	nc   *nats.Conn
	js   jetstream.JetStream
	st   store
	jobs []Job
}

// Result says who proved a segment.
type Result struct {
	Worker   string
	Seconds  float64
	Delivery uint64 // 1, or more when the job was delivered again
}

// Start connects to the queue and starts proving inputs with d: it stores
// the segments' witnesses (or, resuming, finds those stored before) and
// publishes a job for every segment without a stored proof. Workers may
// be started before or after it.
func Start(ctx context.Context, d *segment.Dir, inputs [][]float64, popt proof.ProveOptions, opt Options) (r *Run, err error) {
	if opt.AckWait == 0 {
		opt.AckWait = DefaultAckWait
	}
	if opt.AckWait < time.Second {
		return nil, fmt.Errorf("queue: AckWait %v is shorter than a second", opt.AckWait)
	}
	if popt.Signature != nil {
		return nil, fmt.Errorf("prove: signed inputs are not proven in segments")
	}
	id, err := RunID(d, inputs, popt)
	if err != nil {
		return nil, err
	}
	dirID, err := DirID(d.Path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(d.Path)
	if err != nil {
		return nil, err
	}
	nc, err := connect(opt.URL, "zkinfer prove "+id)
	if err != nil {
		return nil, err
	}
	r = &Run{ID: id, d: d, opt: opt, ctx: popt.Context, nc: nc}
	defer func() {
		if err != nil {
			nc.Close()
		}
	}()
	if r.js, err = jetstream.New(nc); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if _, err := r.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        Stream,
		Description: "zkinfer: segment proving jobs, one subject per run",
		Subjects:    []string{subjectPrefix + "*"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
	}); err != nil {
		return nil, fmt.Errorf("queue: stream %s: %w", Stream, err)
	}
	if _, err := r.js.CreateOrUpdateConsumer(ctx, Stream, jetstream.ConsumerConfig{
		Durable:       consumerPrefix + id,
		Description:   "zkinfer: the workers of run " + id,
		FilterSubject: subjectPrefix + id,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       opt.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: -1,
	}); err != nil {
		return nil, fmt.Errorf("queue: consumer %s: %w", consumerPrefix+id, err)
	}
	if r.st, err = openStore(ctx, r.js, opt.SharedDir, id, true); err != nil {
		return nil, err
	}
	keys := ""
	if opt.UploadKeys {
		if keys, err = uploadKeys(ctx, r.js, d, dirID, opt.Progress); err != nil {
			return nil, err
		}
	}
	info, err := r.witnesses(ctx, inputs, popt, dirID)
	if err != nil {
		return nil, err
	}
	for k := range d.Len() {
		vk, err := vkSHA256(d, k)
		if err != nil {
			return nil, err
		}
		job := Job{Run: id, Nonce: info.Nonce, Segment: k, Segments: d.Len(), DirID: dirID, VKSHA256: vk,
			Dir: abs, Keys: keys, Shared: opt.SharedDir}
		r.jobs = append(r.jobs, job)
		done, err := r.st.has(ctx, proofFile(k))
		if err != nil {
			return nil, err
		}
		if done {
			r.Resumed++
			opt.Progress.Log("queue: segment %d of %d: proven before (run %s resumed)", k+1, d.Len(), id)
			continue
		}
		b, err := json.Marshal(job)
		if err != nil {
			return nil, err
		}
		if _, err := r.js.Publish(ctx, subjectPrefix+id, b, jetstream.WithMsgID(fmt.Sprintf("%s-%s-%d", id, info.Nonce, k))); err != nil {
			return nil, fmt.Errorf("queue: publishing segment %d: %w", k, err)
		}
	}
	opt.Progress.Log("queue: run %s: %d segment jobs on %s (%s), witnesses and proofs in %s", id, d.Len()-r.Resumed, Stream, redact(opt.URL), r.st)
	return r, nil
}

// witnesses stores every segment's witness and then run.json, or reads
// run.json of a run started before.
func (r *Run) witnesses(ctx context.Context, inputs [][]float64, popt proof.ProveOptions, dirID string) (*runInfo, error) {
	var info runInfo
	b, err := r.st.get(ctx, runFile)
	if err == nil {
		if err := json.Unmarshal(b, &info); err != nil {
			return nil, fmt.Errorf("queue: %s of run %s is corrupt: %v", runFile, r.ID, err)
		}
		if info.Run != r.ID || info.DirID != dirID || info.Segments != r.d.Len() {
			return nil, fmt.Errorf("queue: %s of run %s is another run's", runFile, r.ID)
		}
		for k := range r.d.Len() {
			if ok, err := r.st.has(ctx, witnessFile(k)); err != nil || !ok {
				return nil, fmt.Errorf("queue: run %s: segment %d's witness is missing from %s", r.ID, k, r.st)
			}
		}
		r.opt.Progress.Log("queue: run %s: resuming with the witnesses stored in %s", r.ID, r.st)
		return &info, nil
	}
	if !errors.Is(err, errNotFound) {
		return nil, err
	}
	ws, _, err := r.d.Witnesses(inputs, popt)
	if err != nil {
		return nil, err
	}
	for k, w := range ws {
		b, err := json.Marshal(w)
		if err != nil {
			return nil, err
		}
		if err := r.st.put(ctx, witnessFile(k), b); err != nil {
			return nil, err
		}
		// A proof or error under this name is an earlier run's.
		if err := r.st.remove(ctx, proofFile(k)); err != nil {
			return nil, err
		}
		if err := r.st.remove(ctx, errorFile(k)); err != nil {
			return nil, err
		}
	}
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	info = runInfo{Run: r.ID, Nonce: hex.EncodeToString(nonce), DirID: dirID, Segments: r.d.Len()}
	if b, err = json.Marshal(info); err != nil {
		return nil, err
	}
	return &info, r.st.put(ctx, runFile, b)
}

// Wait collects the segments' proofs as workers store them, verifying
// each, and returns the bundle once all are in and the chain verifies. It
// returns when ctx ends (with its cause), or when a worker stored an
// error for a segment.
func (r *Run) Wait(ctx context.Context) (*segment.Bundle, error) {
	n := r.d.Len()
	proofs := make([]*proof.Proof, n)
	r.Results = make([]Result, n)
	left := n
	start, last := time.Now(), time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for left > 0 {
		for k := range n {
			if proofs[k] != nil {
				continue
			}
			res, err := r.collect(ctx, k)
			if err != nil {
				return nil, err
			}
			if res == nil {
				continue
			}
			proofs[k], r.Results[k] = res.Proof, Result{res.Worker, res.Seconds, res.Delivery}
			left--
			last = time.Now()
			again := ""
			if res.Delivery > 1 {
				again = fmt.Sprintf(", delivery %d", res.Delivery)
			}
			r.opt.Progress.Log("queue: segment %d of %d: proven by %s (%.1fs%s); %d of %d done (%.1fs)", k+1, n, res.Worker, res.Seconds, again, n-left, n, time.Since(start).Seconds())
		}
		if left == 0 {
			break
		}
		if time.Since(last) > time.Minute {
			r.opt.Progress.Log("queue: waiting for workers: %d of %d segments proven", n-left, n)
			last = time.Now()
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-tick.C:
		}
		if r.nc.IsClosed() {
			return nil, fmt.Errorf("queue: lost the connection to %s", redact(r.opt.URL))
		}
	}
	b, err := r.d.Assemble(proofs)
	if err != nil {
		return nil, err
	}
	if err := r.d.Verify(b, proof.VerifyOptions{Context: r.ctx}); err != nil {
		return nil, fmt.Errorf("queue: the segments' proofs do not verify as a bundle: %w", err)
	}
	return b, nil
}

// collect reads segment k's stored proof and checks it with the
// segment's verifying key: nil while there is none. A proof that does not
// verify is deleted and ends the run, as does a stored error.
func (r *Run) collect(ctx context.Context, k int) (*result, error) {
	if b, err := r.st.get(ctx, errorFile(k)); err == nil {
		var f failure
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("queue: segment %d failed (its error file is corrupt: %v)", k, err)
		}
		return nil, fmt.Errorf("segment %d (worker %s): %s", k, f.Worker, f.Error)
	} else if !errors.Is(err, errNotFound) {
		return nil, err
	}
	b, err := r.st.get(ctx, proofFile(k))
	if errors.Is(err, errNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res result
	if err := json.Unmarshal(b, &res); err != nil || res.Proof == nil {
		return nil, fmt.Errorf("queue: segment %d's stored proof is corrupt", k)
	}
	raw, err := json.Marshal(res.Proof)
	if err != nil {
		return nil, err
	}
	p, err := verifier.ParseProof(proofFile(k), raw)
	if err != nil {
		return nil, fmt.Errorf("queue: segment %d (worker %s): %w", k, res.Worker, err)
	}
	c, err := proof.OpenSub(r.d.SegmentDir(k), nil)
	if err != nil {
		return nil, err
	}
	o := proof.VerifyOptions{Context: r.ctx}
	if err := c.VerifyWith(p, o); err != nil {
		r.st.remove(ctx, proofFile(k))
		return nil, fmt.Errorf("queue: segment %d: the proof worker %s stored does not verify: %w", k, res.Worker, err)
	}
	res.Proof = p
	return &res, nil
}

// Finish deletes the run's witnesses and proofs and its consumer, and
// purges jobs left on its subject: call it once the bundle is written.
func (r *Run) Finish(ctx context.Context) error {
	err := r.st.removeAll(ctx)
	if e := r.js.DeleteConsumer(ctx, Stream, consumerPrefix+r.ID); e != nil && !errors.Is(e, jetstream.ErrConsumerNotFound) && err == nil {
		err = fmt.Errorf("queue: deleting consumer %s: %w", consumerPrefix+r.ID, e)
	}
	if s, e := r.js.Stream(ctx, Stream); e == nil {
		if e := s.Purge(ctx, jetstream.WithPurgeSubject(subjectPrefix+r.ID)); e != nil && err == nil {
			err = fmt.Errorf("queue: purging %s: %w", subjectPrefix+r.ID, e)
		}
	}
	return err
}

// Close closes the connection.
func (r *Run) Close() { r.nc.Close() }

// connect connects to url, retrying a server that is not up yet for a
// while, and reconnecting for two minutes if it goes away.
func connect(url, name string) (*nats.Conn, error) {
	nc, err := nats.Connect(url, nats.Name(name), nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(120), nats.ReconnectWait(time.Second))
	if err != nil {
		return nil, fmt.Errorf("queue: connecting to %s: %w", redact(url), err)
	}
	for i := 0; !nc.IsConnected(); i++ {
		if i == 100 || nc.IsClosed() {
			nc.Close()
			return nil, fmt.Errorf("queue: no NATS server answers at %s", redact(url))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nc, nil
}

// witness decodes a stored witness.
func decodeWitness(b []byte) (*circuit.Witness, error) {
	var w circuit.Witness
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	return &w, nil
}
