package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// Segmented directories (package proof/segment): compile's flags, and the
// segmented paths of setup, prove, verify and commit, which openDir and
// openProof hand over with a segmentedDir error.

type segmentFlagSet struct {
	constraints, segments *int
	maxMemory             *string
}

// segmentFlags adds compile's --segment-constraints, --segments and
// --max-memory.
func segmentFlags(fs *flag.FlagSet) segmentFlagSet {
	return segmentFlagSet{
		constraints: fs.Int("segment-constraints", 0, "cut the model into segments of at most this many constraints, each with its own circuit and keys (setup and prove hold one at a time; see docs/SCALING.md)"),
		segments:    fs.Int("segments", 0, "cut the model into at most this many segments of balanced size (work for that many workers)"),
		maxMemory:   fs.String("max-memory", "", "cut the model into segments that compile, set up and prove within this much memory (e.g. 8GiB): --segment-constraints of SIZE / "+strconv.Itoa(segment.BytesPerConstraint)+" bytes"),
	}
}

// limit is the segment constraint limit the flags ask for (0: none), and
// whether the model is to be segmented at all.
func (f segmentFlagSet) limit() (int, bool, error) {
	n := *f.constraints
	if *f.maxMemory != "" {
		b, err := parseSize(*f.maxMemory)
		if err != nil {
			return 0, false, usageError{"--max-memory: " + err.Error()}
		}
		m := int(b / segment.BytesPerConstraint)
		if m < 1000 {
			return 0, false, usageError{fmt.Sprintf("--max-memory %s holds fewer than 1000 constraints: give at least %d bytes", *f.maxMemory, 1000*segment.BytesPerConstraint)}
		}
		if n == 0 || m < n {
			n = m
		}
	}
	if n < 0 || *f.segments < 0 {
		return 0, false, usageError{"--segment-constraints and --segments must be positive"}
	}
	return n, n > 0 || *f.segments > 0, nil
}

// parseSize reads a byte count: a number with an optional unit (B, KB, MB,
// GB, KiB, MiB, GiB; K, M, G are binary).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}}
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, x := range units {
		if strings.HasSuffix(u, x.suffix) {
			u, mult = strings.TrimSpace(strings.TrimSuffix(u, x.suffix)), x.mult
			break
		}
	}
	v, err := strconv.ParseFloat(u, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 8GiB, 512MB)", s)
	}
	return int64(v * float64(mult)), nil
}

// compileSegmented is compile with segment flags.
func compileSegmented(modelPath, out string, opt proof.CompileOptions, f segmentFlagSet) error {
	n, _, err := f.limit()
	if err != nil {
		return err
	}
	if opt.MaxConstraints > 0 {
		return usageError{"--max-constraints bounds an unsegmented circuit: with segments, give --segment-constraints"}
	}
	// With a memory budget, compile's own pieces are bounded as its
	// segments are: compile is the step with the highest peak per
	// constraint (segment.BytesPerConstraint).
	measure := 0
	if *f.maxMemory != "" {
		measure = n
	}
	d, err := segment.Compile(modelPath, out, segment.CompileOptions{CompileOptions: opt, SegmentConstraints: n, Segments: *f.segments, MeasureConstraints: measure})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compiled %s into %s: %d segments, %d constraints in all (at most %d each), %s\n",
		modelPath, out, d.Len(), d.Manifest.Constraints, maxSegment(d), d.Manifest.Backend)
	return nil
}

func maxSegment(d *segment.Dir) int {
	m := 0
	for _, s := range d.Manifest.Segments {
		m = max(m, s.Constraints)
	}
	return m
}

// segmentedDir is openDir's answer for a segmented directory: the command
// takes its segmented path.
type segmentedDir struct{ dir string }

func (e segmentedDir) Error() string {
	return e.dir + " is a segmented directory: this command does not handle segments"
}

// asSegmented reports whether err is openDir's segmentedDir.
func asSegmented(err error) (string, bool) {
	var sd segmentedDir
	if errors.As(err, &sd) {
		return sd.dir, true
	}
	return "", false
}

// setupSegmented sets every segment up, one at a time.
func setupSegmented(dir string, opt proof.SetupOptions, force bool) error {
	d, err := segment.Open(dir)
	if err != nil {
		return err
	}
	if !force {
		for k := range d.Manifest.Segments {
			c, err := proof.OpenSub(d.SegmentDir(k), nil)
			if err != nil {
				return err
			}
			if err := keepKeys(c, false); err != nil {
				return err
			}
		}
	}
	if err := d.Setup(opt); err != nil {
		return err
	}
	ws, err := d.TrustWarnings()
	if err != nil {
		return err
	}
	for _, w := range ws {
		fmt.Fprintf(stderr, "zkinfer setup: warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "wrote %s and %s of %d segments into %s\n", proof.ProvingKey, proof.VerifyingKey, d.Len(), dir)
	return nil
}

// proveSegmented proves the input file in segments in this process, one
// segment's keys in memory at a time.
func proveSegmented(dir, input, out string, opt proof.ProveOptions, ignoreExtra bool) error {
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
	opt.Release = true // d is not used again: its model's memory goes to the provers
	b, err := d.Prove(in, opt)
	if err != nil {
		return err
	}
	if err := segment.WriteBundle(out, b); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d segment proofs)\n", out, len(b.Segments))
	return nil
}

// verifySegmented verifies a bundle against a segmented directory.
func verifySegmented(dir, file string, vopt proof.VerifyOptions) error {
	d, b, err := openBundle(dir, file)
	if err != nil {
		return err
	}
	if err := d.Verify(b, vopt); err != nil {
		return invalid(fmt.Errorf("%s: INVALID: %w", file, err))
	}
	ws, err := d.TrustWarnings()
	if err != nil {
		return err
	}
	for _, w := range ws {
		fmt.Fprintf(stderr, "zkinfer verify: warning: %s\n", w)
	}
	keys, err := d.KeysSHA256()
	if err != nil {
		return err
	}
	what := "its outputs stay private"
	switch {
	case b.Outputs != nil:
		what = "outputs " + outputsLine(b.Outputs)
	case b.Claim != "":
		what = fmt.Sprintf("the claim %q holds", b.Claim)
	}
	fmt.Fprintf(stdout, "verified: %d segment proofs chain into one run of the model with sha256 %.16s… (input %s): %s (verifying keys sha256 %s)\n",
		len(b.Segments), d.Manifest.ModelSHA256, d.Manifest.Visibility.Input, what, keys)
	return nil
}

// commitSegmented prints a segmented directory's model commitment (or an
// input's commitment) and, on stderr, the segments' verifying keys' hash.
func commitSegmented(dir, weights, input string, salt *big.Int) error {
	d, err := segment.Open(dir)
	if err != nil {
		return err
	}
	var h string
	switch {
	case input != "":
		in, err := model.ReadInput(input)
		if err != nil {
			return err
		}
		c, _, err := d.Segment(0, nil)
		if err != nil {
			return err
		}
		if h, err = c.InputCommitment(in, salt); err != nil {
			return err
		}
	case weights == "":
		return usageError{"with a compiled directory, give --model MODEL.onnx (its weights' commitment) or --input IN.json"}
	default:
		if h, err = d.WeightsCommitment(weights, salt); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, h)
	if weights != "" {
		keys, err := d.KeysSHA256()
		if err != nil {
			fmt.Fprintf(stderr, "commit: %s has no verifying keys yet: after setup, publish the commitment with the keys' SHA-256 (run commit again)\n", dir)
			return nil
		}
		fmt.Fprintf(stderr, "commit: publish it with the segments' verifying keys' sha256 %s; a verifier checks both: zkinfer verify %s --model-commitment %s --vk-sha256 %s\n", keys, dir, h, keys)
	}
	return nil
}

// exportSegmented writes, beside --out, each segment's verifier
// (SegmentKVerifier.sol) and the bundle contract that checks a whole
// bundle in one call (NAME.sol, ZkinferBundle unless --name), with their
// ABIs.
func exportSegmented(dir, out, name string) error {
	d, err := segment.Open(dir)
	if err != nil {
		return err
	}
	if name == evm.DefaultWrapperName {
		name = evm.DefaultBundleName
	}
	b, err := evm.NewBundle(d, name, false)
	if err != nil {
		return err
	}
	folder := filepath.Dir(out)
	type file struct {
		path string
		data []byte
	}
	var files []file
	for _, s := range b.Segments {
		p := filepath.Join(folder, s.File)
		files = append(files, file{p, s.Verifier.Source}, file{abiPath(p), s.Verifier.ABI})
	}
	bundleOut := filepath.Join(folder, b.File)
	files = append(files, file{bundleOut, b.Source}, file{abiPath(bundleOut), b.ABI})
	for _, f := range files {
		if err := atomicfile.WriteFile(f.path, f.data); err != nil {
			return err
		}
	}
	var ctor []string
	if b.Linked {
		ctor = append(ctor, fmt.Sprintf("address[%d] verifiers (deploy each segment's verifier first: together they exceed EIP-3860)", len(b.Segments)))
	}
	if strings.Contains(string(b.ABI), `"modelCommitment_"`) {
		ctor = append(ctor, "bytes32 modelCommitment, the one `zkinfer commit` prints")
	}
	how := "it deploys its verifiers"
	if b.Linked {
		how = "it takes its verifiers' addresses"
	}
	fmt.Fprintf(stdout, "wrote %d segment verifiers (%s … %s) and %s in %s: contract %s, constructor(%s), %s, %s; %s\n",
		len(b.Segments), b.Segments[0].File, b.Segments[len(b.Segments)-1].File, b.File, folder, b.Name,
		strings.Join(ctor, ", "), b.Signature(evm.BundleVerify), b.Signature(evm.BundleCheck), how)
	if b.Note != "" {
		fmt.Fprintf(stderr, "zkinfer export-verifier: warning: %s\n", b.Note)
	}
	return nil
}

// calldataSegmented prints the bundle contract's calldata for a bundle
// that zkinfer verify accepts.
func calldataSegmented(dir, file, to string, vopt proof.VerifyOptions) error {
	fn := map[string]string{callCheck: evm.BundleCheck, callVerify: evm.BundleVerify}[to]
	if fn == "" {
		return usageError{"a segmented proof has one verifier per segment: --call check (the bundle contract's checkBundle) or verify (verifyBundle)"}
	}
	d, b, err := openBundle(dir, file)
	if err != nil {
		return err
	}
	if err := d.Verify(b, vopt); err != nil {
		return invalid(fmt.Errorf("%s: INVALID: %w", file, err))
	}
	bc, err := evm.NewBundle(d, "", false)
	if err != nil {
		return err
	}
	calls, err := evm.BundleCalls(b.Segments)
	if err != nil {
		return err
	}
	data, err := bc.Calldata(fn, calls)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "0x%s\n", hex.EncodeToString(data))
	return err
}

// openBundle opens a segmented directory and reads a bundle of proofs for
// it: a file that cannot be read is an error, one that does not parse is
// INVALID.
func openBundle(dir, file string) (*segment.Dir, *segment.Bundle, error) {
	d, err := segment.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	b, err := segment.ReadBundle(file)
	if couldNotRead(err) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, invalid(fmt.Errorf("INVALID: %w", err))
	}
	return d, b, nil
}

// outputsLine is outputs as verify prints them on its one line: whole up
// to maxOutputsShown values, and beyond that each tensor's size with its
// first and last values (PROOF.json's "outputs" holds them all).
func outputsLine(outs [][]float64) string {
	n := 0
	for _, o := range outs {
		n += len(o)
	}
	if n <= maxOutputsShown {
		return fmt.Sprint(outs)
	}
	parts := make([]string, len(outs))
	for i, o := range outs {
		if len(o) <= 6 {
			parts[i] = fmt.Sprint(o)
			continue
		}
		parts[i] = fmt.Sprintf("[%d values: %v … %v]", len(o), o[:3], o[len(o)-3:])
	}
	return "[" + strings.Join(parts, " ") + "] (all of them in the proof file's outputs)"
}

const maxOutputsShown = 64
