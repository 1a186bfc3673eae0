package proof

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"

	"github.com/zkinfer/zkinfer/proof/verifier"
)

// The proving key read in pieces, for the streaming prover
// (groth16prove.go). gnark's encoding (ProvingKey.writeTo) is the FFT
// domain, α β δ in G1, the points A, B, Z and K, β δ in G2, the points B
// in G2, then the wire count, which wires have no point in A and in B,
// and the commitment keys. The prover needs the tail (the flags, and
// where the commitment keys lie: they stay on disk until used,
// pkcommit.go) first, to solve the circuit and to pick the wire values
// of each MSM, and each vector of points only for its own MSM: it reads
// the tail by skipping over the points, then streams the body from the
// start, so that only one vector of points is in memory at a time.
//
// The file is scanned first (verifier.ScanProvingKey), so every length
// read here fits in the file: nothing allocates more than the file holds.
// Points are decoded as loadProvingKey decodes them (gnark's
// UnsafeReadFrom: no subgroup checks), which is safe for the prover: a
// point outside its subgroup makes a proof that fails verification, and
// the key is the prover's own (setup or a ceremony whose transcript was
// checked wrote it); the commitment keys are checked when the tail is
// read and read again with their checks where used, as gnark's decoder
// reads them.

// keyFile is an open proving key whose tail has been read.
type keyFile struct {
	f      *os.File
	g1, g2 int64 // the size of one encoded point: raw or compressed

	nA, nB, nZ, nK, nB2  uint64 // the lengths of the vectors of points
	wires                uint64
	nbInfinityA          uint64
	nbInfinityB          uint64
	infinityA, infinityB []bool
	commitmentKeys       []commitmentKey // left on disk (pkcommit.go)
}

// domainBytes is the encoded FFT domain: its cardinality, five field
// elements and the precompute flag (fft.Domain.WriteTo).
const domainBytes = 8 + 5*32 + 1

// openKeyFile opens the proving key at path, checks its layout and reads
// its tail. The caller closes kf.f. The body is read later from the same
// descriptor, so what was scanned is what is decoded, unless the file is
// rewritten in place meanwhile (as for loadProvingKey).
func openKeyFile(path string) (*keyFile, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("proving key %s is missing", path)
		}
		return nil, err
	}
	kf := &keyFile{f: f}
	err = func() error {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := verifier.ScanProvingKey(f, st.Size()); err != nil {
			return err
		}
		if err := kf.readTail(f, st.Size()); err != nil {
			return oneLineErr(err)
		}
		return nil
	}()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("proving key %s is corrupt: %v", path, err)
	}
	return kf, nil
}

// readTail walks the body of the key, reading only the vectors' lengths,
// then decodes the tail.
func (kf *keyFile) readTail(f *os.File, size int64) error {
	var flag [1]byte
	if _, err := f.ReadAt(flag[:], domainBytes); err != nil {
		return err
	}
	// One encoder wrote every point: α's first byte says whether they are
	// raw (uncompressed) or compressed.
	kf.g1, kf.g2 = curve.SizeOfG1AffineCompressed, curve.SizeOfG2AffineCompressed
	if flag[0]>>6 == 0 {
		kf.g1, kf.g2 = curve.SizeOfG1AffineUncompressed, curve.SizeOfG2AffineUncompressed
	}
	off := int64(domainBytes) + 3*kf.g1
	// vector reads the length of the vector of points of ps bytes each at
	// off and moves off past it.
	vector := func(ps int64) (uint64, error) {
		var b [4]byte
		if _, err := f.ReadAt(b[:], off); err != nil {
			return 0, err
		}
		n := uint64(binary.BigEndian.Uint32(b[:]))
		if int64(n) > (size-off-4)/ps {
			return 0, errors.New("truncated")
		}
		off += 4 + int64(n)*ps
		return n, nil
	}
	var err error
	for _, v := range []struct {
		n    *uint64
		size int64
	}{{&kf.nA, kf.g1}, {&kf.nB, kf.g1}, {&kf.nZ, kf.g1}, {&kf.nK, kf.g1}} {
		if *v.n, err = vector(v.size); err != nil {
			return err
		}
	}
	off += 2 * kf.g2
	if kf.nB2, err = vector(kf.g2); err != nil {
		return err
	}
	if off > size {
		return errors.New("truncated")
	}
	br := bufio.NewReaderSize(io.NewSectionReader(f, off, size-off), 1<<16)
	dec := curve.NewDecoder(br, curve.NoSubgroupChecks())
	for _, v := range []any{&kf.wires, &kf.nbInfinityA, &kf.nbInfinityB} {
		if err := dec.Decode(v); err != nil {
			return err
		}
	}
	if kf.wires > uint64(size) {
		return errors.New("truncated")
	}
	kf.infinityA, kf.infinityB = make([]bool, kf.wires), make([]bool, kf.wires)
	if err := dec.Decode(&kf.infinityA); err != nil {
		return err
	}
	if err := dec.Decode(&kf.infinityB); err != nil {
		return err
	}
	var nc uint32
	if err := dec.Decode(&nc); err != nil {
		return err
	}
	pos := off + dec.BytesRead()
	for i := range nc {
		ck, err := readCommitmentKey(br, &pos, kf.g1, size)
		if err != nil {
			return fmt.Errorf("commitment key %d: %w", i, err)
		}
		kf.commitmentKeys = append(kf.commitmentKeys, ck)
	}
	return kf.check()
}

// check checks the lengths the prover relies on, as checkProvingKey does
// for a whole key.
func (kf *keyFile) check() error {
	count := func(bs []bool) uint64 {
		n := uint64(0)
		for _, b := range bs {
			if b {
				n++
			}
		}
		return n
	}
	switch {
	case count(kf.infinityA) != kf.nbInfinityA || count(kf.infinityB) != kf.nbInfinityB:
		return errors.New("its counts of points at infinity are wrong")
	case kf.nA != kf.wires-kf.nbInfinityA:
		return fmt.Errorf("has %d points A for %d wires", kf.nA, kf.wires-kf.nbInfinityA)
	case kf.nB != kf.wires-kf.nbInfinityB || kf.nB2 != kf.nB:
		return fmt.Errorf("has %d and %d points B for %d wires", kf.nB, kf.nB2, kf.wires-kf.nbInfinityB)
	}
	return nil
}

// keyBody reads the body of the key in order: the domain, then one item
// at a time.
type keyBody struct {
	br  *bufio.Reader
	dec *curve.Decoder
}

// body starts reading the key from its beginning.
func (kf *keyFile) body() (*keyBody, error) {
	if _, err := kf.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &keyBody{br: bufio.NewReaderSize(kf.f, 1<<20)}, nil
}

// domain decodes the FFT domain (precomputing its twiddles, as gnark's
// decoder does); the decoder of the items that follow starts after it.
func (b *keyBody) domain(d *fft.Domain) error {
	if _, err := d.ReadFrom(b.br); err != nil {
		return fmt.Errorf("proving key: domain: %w", err)
	}
	b.dec = curve.NewDecoder(b.br, curve.NoSubgroupChecks())
	return nil
}

// next decodes the next item into v (a point or a vector of points).
func (b *keyBody) next(what string, v any) error {
	if err := b.dec.Decode(v); err != nil {
		return fmt.Errorf("proving key: %s: %v", what, oneLineErr(err))
	}
	return nil
}

// keyItem is an item of the key's body and where it is decoded to.
type keyItem struct {
	what string
	v    any
}

// prefetch decodes items of the body in a goroutine, ahead of the
// prover: reading a vector of points overlaps the work on the one before
// (on 16 cores, reading cnn_c32's points took a third of a second of its
// 2.8 s proof in line). The prover says how far ahead (allow): one vector,
// so that at most two are in memory at once, in the part of the proof
// that holds the least.
type prefetch struct {
	allowed chan struct{} // one per item the goroutine may decode
	done    chan error    // one per item decoded, in order
	quit    chan struct{}
}

// prefetch starts decoding items in order, each once allowed.
func (b *keyBody) prefetch(items ...keyItem) *prefetch {
	p := &prefetch{allowed: make(chan struct{}, len(items)), done: make(chan error, len(items)), quit: make(chan struct{})}
	go func() {
		for _, it := range items {
			select {
			case <-p.allowed:
			case <-p.quit:
				return
			}
			err := b.nextSafe(it.what, it.v)
			p.done <- err
			if err != nil {
				return
			}
		}
	}()
	return p
}

// nextSafe is next with a panic of the decoder returned as an error: the
// prover recovers its own panics, not those of this goroutine.
func (b *keyBody) nextSafe(what string, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("proving key: %s: %v", what, oneLineErr(fmt.Errorf("%v", r)))
		}
	}()
	return b.next(what, v)
}

// allow lets the goroutine decode n more items.
func (p *prefetch) allow(n int) {
	for range n {
		p.allowed <- struct{}{}
	}
}

// wait returns once the next n items are decoded, or one failed.
func (p *prefetch) wait(n int) error {
	for range n {
		if err := <-p.done; err != nil {
			return err
		}
	}
	return nil
}

// stop ends the goroutine, where the prover returns before the last item
// (it finishes an item it is decoding).
func (p *prefetch) stop() { close(p.quit) }
