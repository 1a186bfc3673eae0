package queue

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

// Names in JetStream.
const (
	// Stream is the work-queue stream of every run's jobs.
	Stream = "ZKINFER_JOBS"
	// subjectPrefix + RUN is a run's job subject.
	subjectPrefix = "zkinfer.jobs."
	// consumerPrefix + RUN is a run's durable consumer, which its workers
	// share.
	consumerPrefix = "zkinfer-run-"
	// runBucketPrefix + RUN is a run's object store bucket.
	runBucketPrefix = "zkinfer-run-"
	// keysBucketPrefix + DIRID is a directory's files in the object store.
	keysBucketPrefix = "zkinfer-keys-"
)

// Object names of a run's files (object store or SHARED/RUN/).
const runFile = "run.json"

func witnessFile(k int) string { return fmt.Sprintf("witness-%03d.json", k) }
func proofFile(k int) string   { return fmt.Sprintf("proof-%03d.json", k) }
func errorFile(k int) string   { return fmt.Sprintf("error-%03d.json", k) }

// errNotFound is a store's answer for a missing file.
var errNotFound = errors.New("not found")

// store holds a run's files: the JetStream object store or a shared
// directory. A file is visible only once complete.
type store interface {
	put(ctx context.Context, name string, data []byte) error
	get(ctx context.Context, name string) ([]byte, error)
	has(ctx context.Context, name string) (bool, error)
	remove(ctx context.Context, name string) error
	// removeAll deletes the run's files.
	removeAll(ctx context.Context) error
	// String says where the files are.
	String() string
}

// objStore is a run's bucket.
type objStore struct {
	js     jetstream.JetStream
	bucket string
	obs    jetstream.ObjectStore
}

// openObjStore opens run's bucket, creating it when create is set; a
// missing bucket is errNotFound.
func openObjStore(ctx context.Context, js jetstream.JetStream, run string, create bool) (*objStore, error) {
	s := &objStore{js: js, bucket: runBucketPrefix + run}
	var err error
	if create {
		s.obs, err = js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:      s.bucket,
			Description: "zkinfer: witnesses and proofs of run " + run,
			Storage:     jetstream.FileStorage,
		})
	} else {
		s.obs, err = js.ObjectStore(ctx, s.bucket)
	}
	if errors.Is(err, jetstream.ErrBucketNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("queue: object store %s: %w", s.bucket, err)
	}
	return s, nil
}

func (s *objStore) put(ctx context.Context, name string, data []byte) error {
	if _, err := s.obs.PutBytes(ctx, name, data); err != nil {
		return fmt.Errorf("queue: storing %s in %s: %w", name, s.bucket, err)
	}
	return nil
}

func (s *objStore) get(ctx context.Context, name string) ([]byte, error) {
	b, err := s.obs.GetBytes(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("queue: reading %s from %s: %w", name, s.bucket, err)
	}
	return b, nil
}

func (s *objStore) has(ctx context.Context, name string) (bool, error) {
	_, err := s.obs.GetInfo(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("queue: %s in %s: %w", name, s.bucket, err)
	}
	return true, nil
}

func (s *objStore) remove(ctx context.Context, name string) error {
	if err := s.obs.Delete(ctx, name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("queue: deleting %s from %s: %w", name, s.bucket, err)
	}
	return nil
}

func (s *objStore) removeAll(ctx context.Context) error {
	if err := s.js.DeleteObjectStore(ctx, s.bucket); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("queue: deleting %s: %w", s.bucket, err)
	}
	return nil
}

func (s *objStore) String() string { return "object store bucket " + s.bucket }

// dirStore is a run's directory SHARED/RUN in a shared file system.
type dirStore struct{ dir string }

// openDirStore opens SHARED/RUN, creating it when create is set; a
// missing directory is errNotFound.
func openDirStore(shared, run string, create bool) (*dirStore, error) {
	s := &dirStore{dir: filepath.Join(shared, run)}
	if create {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
	} else if _, err := os.Stat(s.dir); errors.Is(err, fs.ErrNotExist) {
		return nil, errNotFound
	}
	return s, nil
}

func (s *dirStore) path(name string) string {
	return filepath.Join(s.dir, strings.ReplaceAll(name, "/", "-"))
}

func (s *dirStore) put(_ context.Context, name string, data []byte) error {
	return atomicfile.WriteFile(s.path(name), data)
}

func (s *dirStore) get(_ context.Context, name string) ([]byte, error) {
	b, err := os.ReadFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotFound
	}
	return b, err
}

func (s *dirStore) has(_ context.Context, name string) (bool, error) {
	_, err := os.Stat(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (s *dirStore) remove(_ context.Context, name string) error {
	if err := os.Remove(s.path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (s *dirStore) removeAll(context.Context) error { return os.RemoveAll(s.dir) }

func (s *dirStore) String() string { return s.dir }

// openStore opens the store of a job's run.
func openStore(ctx context.Context, js jetstream.JetStream, shared, run string, create bool) (store, error) {
	if shared != "" {
		return openDirStore(shared, run, create)
	}
	return openObjStore(ctx, js, run, create)
}
