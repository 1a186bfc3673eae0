package queue

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/internal/filehash"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// topFiles are the files of a segmented directory every worker needs.
var topFiles = []string{proof.ModelFile, segment.ManifestFile}

// uploadKeys puts d's files into the bucket zkinfer-keys-DIRID (the model,
// the manifest and every segment's directory), skipping files stored
// before with the same digest, and returns the bucket's name.
func uploadKeys(ctx context.Context, js jetstream.JetStream, d *segment.Dir, dirID string, progress proof.Progress) (string, error) {
	bucket := keysBucketPrefix + dirID
	obs, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket:      bucket,
		Description: "zkinfer: the files of segmented directory " + dirID,
		Storage:     jetstream.FileStorage,
	})
	if err != nil {
		return "", fmt.Errorf("queue: object store %s: %w", bucket, err)
	}
	names := slices.Clone(topFiles)
	for k := range d.Len() {
		entries, err := os.ReadDir(d.SegmentDir(k))
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, d.Manifest.Segments[k].Dir+"/"+e.Name())
			}
		}
	}
	sent := 0
	for _, name := range names {
		local := filepath.Join(d.Path, filepath.FromSlash(name))
		digest, err := objectDigest(local)
		if err != nil {
			return "", err
		}
		if info, err := obs.GetInfo(ctx, name); err == nil && info.Digest == digest {
			continue
		}
		f, err := os.Open(local)
		if err != nil {
			return "", err
		}
		_, err = obs.Put(ctx, jetstream.ObjectMeta{Name: name}, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("queue: uploading %s: %w", name, err)
		}
		sent++
	}
	progress.Log("queue: %s holds %s's files (%d of %d uploaded now)", bucket, d.Path, sent, len(names))
	return bucket, nil
}

// objectDigest is the object store's digest of a file's contents.
func objectDigest(file string) (string, error) {
	sum, err := filehash.SHA256(file)
	return "SHA-256=" + base64.URLEncoding.EncodeToString(sum), err
}

// fetchKeys downloads what segment k needs from bucket into dir (the
// model, the manifest, the segment's files), each file written
// atomically; files already there are kept.
func fetchKeys(ctx context.Context, js jetstream.JetStream, bucket, dir string, k int, progress proof.Progress) error {
	obs, err := js.ObjectStore(ctx, bucket)
	if err != nil {
		return fmt.Errorf("queue: the directory's files: object store %s: %w", bucket, err)
	}
	seg := fmt.Sprintf("segments/%03d/", k)
	list, err := obs.List(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoObjectsFound) {
		return fmt.Errorf("queue: listing %s: %w", bucket, err)
	}
	var names []string
	for _, info := range list {
		if strings.HasPrefix(info.Name, seg) || slices.Contains(topFiles, info.Name) {
			names = append(names, info.Name)
		}
	}
	if !slices.Contains(names, segment.ManifestFile) || !slices.Contains(names, seg+proof.ProvingKey) {
		return fmt.Errorf("queue: %s lacks segment %d's files", bucket, k)
	}
	for _, name := range names {
		if path.Clean(name) != name || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
			return fmt.Errorf("queue: %s holds an object named %q", bucket, name)
		}
		local := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Stat(local); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
			return err
		}
		res, err := obs.Get(ctx, name)
		if err != nil {
			return fmt.Errorf("queue: reading %s from %s: %w", name, bucket, err)
		}
		var set atomicfile.Set
		err = set.Add(local, func(w io.Writer) error {
			_, err := io.Copy(w, res) // the object store checks the digest at the end
			return err
		})
		res.Close()
		if err == nil {
			err = set.Commit()
		}
		set.Discard()
		if err != nil {
			return fmt.Errorf("queue: downloading %s: %w", name, err)
		}
		progress.Log("worker: downloaded %s from %s", name, bucket)
	}
	return nil
}

// redact removes a password from a NATS URL for messages.
func redact(u string) string {
	var out []string
	for _, one := range strings.Split(u, ",") {
		if p, err := url.Parse(one); err == nil && p.User != nil {
			p.User = url.User(p.User.Username())
			one = p.String()
		}
		out = append(out, one)
	}
	return strings.Join(out, ",")
}
