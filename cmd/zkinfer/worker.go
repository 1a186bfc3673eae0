package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/queue"
)

// Segmented proving on a job queue (package queue): prove's --workers and
// --queue flags, and the worker command.

func init() {
	commands = append(commands, command{
		"worker", "--queue nats://HOST:4222 [--dir DIR]",
		"prove segments of segmented proofs from a job queue (prove DIR --workers, --queue), until interrupted",
		cmdWorker,
	})
}

type queueFlagSet struct {
	workers                                 *int
	url, listen, shared, storeDir, ackWaitS *string
	uploadKeys                              *bool
}

// queueFlags adds prove's flags for proving a segmented directory's
// segments on a job queue.
func queueFlags(fs *flag.FlagSet) queueFlagSet {
	return queueFlagSet{
		workers:    fs.Int("workers", 0, "segmented DIR: prove the segments on a job queue with this many local worker processes (0 with --queue or --listen: `zkinfer worker` processes started elsewhere only)"),
		url:        fs.String("queue", "", "segmented DIR: an external NATS JetStream server (nats://HOST:4222) instead of the embedded one"),
		listen:     fs.String("listen", "", "the embedded queue server listens on HOST:PORT, for `zkinfer worker --queue nats://HOST:PORT` on other machines (default 127.0.0.1, a free port)"),
		shared:     fs.String("shared-dir", "", "witnesses and proofs go through this directory, which every worker sees at the same path, instead of the queue's object store"),
		storeDir:   fs.String("queue-dir", "", "the embedded server's storage, kept until the bundle is written so that a restarted prove resumes (default PROOF.queue)"),
		ackWaitS:   fs.String("ack-wait", queue.DefaultAckWait.String(), "a job whose worker is silent this long goes to another worker"),
		uploadKeys: fs.Bool("upload-keys", false, "put DIR's keys in the queue's object store, for workers that have no copy of DIR"),
	}
}

// set reports whether the queue is asked for.
func (f queueFlagSet) set() bool { return *f.workers != 0 || *f.url != "" || *f.listen != "" }

// check rejects queue flags that do not fit together.
func (f queueFlagSet) check(segmented bool) (time.Duration, error) {
	others := *f.shared != "" || *f.storeDir != "" || *f.uploadKeys
	switch {
	case !f.set() && others:
		return 0, usageError{"--shared-dir, --queue-dir and --upload-keys need --workers, --queue or --listen"}
	case !f.set():
		return 0, nil
	case !segmented:
		return 0, usageError{"--workers and --queue prove the segments of a segmented directory (compile with --segments or --segment-constraints)"}
	case *f.workers < 0:
		return 0, usageError{"--workers must be positive"}
	case *f.url != "" && (*f.listen != "" || *f.storeDir != ""):
		return 0, usageError{"--listen and --queue-dir configure the embedded server: not with --queue"}
	}
	d, err := time.ParseDuration(*f.ackWaitS)
	if err != nil || d < time.Second {
		return 0, usageError{fmt.Sprintf("--ack-wait %q: give a duration of at least 1s (e.g. 30s)", *f.ackWaitS)}
	}
	return d, nil
}

// proveQueued proves the segmented directory dir's segments on a job
// queue: the embedded server (or --queue), one job per segment, N local
// worker processes; the bundle is written once every proof is in.
func proveQueued(dir, input, out string, opt proof.ProveOptions, ignoreExtra bool, f queueFlagSet, quiet bool) error {
	ackWait, err := f.check(true)
	if err != nil {
		return err
	}
	d, err := segment.Open(dir)
	if err != nil {
		return err
	}
	in, err := model.ReadInput(input)
	if err != nil {
		return err
	}
	if err := checkRows(d.Model(), in, input, ignoreExtra); err != nil {
		return err
	}
	url, storeDir, shutdown := *f.url, "", func() {}
	if url == "" {
		storeDir = *f.storeDir
		if storeDir == "" {
			storeDir = out + ".queue"
		}
		if url, shutdown, err = startQueueServer(storeDir, *f.listen); err != nil {
			return err
		}
		defer shutdown()
		opt.Progress.Log("queue: embedded NATS server at %s (storage %s)", url, storeDir)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r, err := queue.Start(ctx, d, in, opt, queue.Options{URL: url, SharedDir: *f.shared, AckWait: ackWait, UploadKeys: *f.uploadKeys, Progress: opt.Progress})
	if err != nil {
		return err
	}
	defer r.Close()
	stop, err := startWorkers(cancel, *f.workers, url, d.Path, r.ID, quiet)
	if err != nil {
		return err
	}
	defer stop()
	b, err := r.Wait(ctx)
	if err != nil {
		return err
	}
	if err := segment.WriteBundle(out, b); err != nil {
		return err
	}
	if err := r.Finish(ctx); err != nil {
		fmt.Fprintf(stderr, "zkinfer prove: warning: %v\n", err)
	}
	stop()
	r.Close()
	shutdown()
	if storeDir != "" && *f.storeDir == "" {
		os.RemoveAll(storeDir)
	}
	fmt.Fprintf(stdout, "wrote %s (%d segment proofs; run %s)\n", out, len(b.Segments), r.ID)
	return nil
}

// startWorkers starts n worker processes (this executable) for run; when
// all have exited before the run is over, cancel ends it. stop waits for
// them to see the run over, and ends them after a while.
func startWorkers(cancel context.CancelCauseFunc, n int, url, dir, run string, quiet bool) (stop func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var (
		mu   sync.Mutex
		left = n
		last error
		cmds []*exec.Cmd
		wg   sync.WaitGroup
	)
	for i := range n {
		args := []string{"worker", "--queue", url, "--dir", dir, "--run", run, "--name", "local-" + strconv.Itoa(i+1)}
		if quiet {
			args = append(args, "--quiet")
		}
		cmd := exec.Command(exe, args...)
		cmd.Stdout, cmd.Stderr = io.Discard, stderr
		if err := cmd.Start(); err != nil {
			for _, c := range cmds {
				c.Process.Kill()
			}
			return nil, fmt.Errorf("starting worker %d: %w", i+1, err)
		}
		cmds = append(cmds, cmd)
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := cmd.Wait()
			mu.Lock()
			defer mu.Unlock()
			left--
			if err != nil {
				last = err
			}
			if left == 0 && last != nil {
				cancel(fmt.Errorf("all %d local workers exited (the last: %v)", n, last))
			}
		}()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				for _, c := range cmds {
					c.Process.Kill()
				}
				<-done
			}
		})
	}, nil
}

func cmdWorker(fs *flag.FlagSet, args []string) error {
	url := fs.String("queue", "", "the NATS server of the queue (nats://HOST:4222; several, comma-separated, for a cluster)")
	dir := fs.String("dir", "", "this machine's copy of the segmented directory (default: the coordinator's path when this machine sees it, or the keys it uploaded)")
	cache := fs.String("cache", "", "where keys downloaded from the queue go (default zkinfer/keys in the user cache directory)")
	name := fs.String("name", "", "this worker's name in the coordinator's progress (default HOST/PID)")
	jobs := fs.Int("jobs", 0, "exit after proving this many segments (default: until interrupted)")
	run := fs.String("run", "", "prove only this run's segments, and exit when it is over")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	if _, err := parse(fs, args, 0, "queue"); err != nil {
		return err
	}
	if *jobs < 0 {
		return usageError{"--jobs must be positive"}
	}
	if *dir != "" && !segment.IsSegmented(*dir) {
		if _, err := os.Stat(*dir); err != nil {
			return err
		}
		return errors.New(*dir + " is not a segmented directory: compile with --segments or --segment-constraints")
	}
	if *dir != "" {
		abs, err := filepath.Abs(*dir)
		if err != nil {
			return err
		}
		*dir = abs
	}
	n, err := queue.Work(context.Background(), queue.WorkerOptions{
		URL: *url, Dir: *dir, Cache: *cache, Name: *name, MaxJobs: *jobs, Run: *run, Progress: progress(*quiet),
	})
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "worker: proved %d segment(s)\n", n)
	}
	return nil
}
