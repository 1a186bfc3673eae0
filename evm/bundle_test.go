//go:build evm

package evm_test

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/evm/evmtest"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/proof/segment/segmenttest"
	"github.com/zkinfer/zkinfer/quant"
)

// segmented compiles the credit model into k segments under vis and sets
// them up, with bit range checks: every segment has its boundary
// commitment, and lookups would add a second, more than gnark's Solidity
// verifier takes.
func segmented(t *testing.T, vis circuit.Visibility, k int) *segment.Dir {
	t.Helper()
	opt := proof.CompileOptions{Quant: quant.Default, Visibility: vis, RangeCheck: circuit.RangeBits}
	d, err := segment.Compile(creditModel, filepath.Join(t.TempDir(), "seg"), segment.CompileOptions{CompileOptions: opt, Segments: k})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != k {
		t.Fatalf("%d segments, want %d", d.Len(), k)
	}
	if err := d.Setup(proof.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	return d
}

// segmentProofs proves every segment of the input file's run with opt;
// edit, when set, changes a segment's witness before it is proven.
func segmentProofs(t *testing.T, d *segment.Dir, input string, opt proof.ProveOptions, edit func(k int, w *circuit.Witness)) []*proof.Proof {
	t.Helper()
	in, err := model.ReadInput(input)
	if err != nil {
		t.Fatal(err)
	}
	ws, m, err := d.Witnesses(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	ps := make([]*proof.Proof, len(ws))
	for k, w := range ws {
		if edit != nil {
			edit(k, w)
		}
		if ps[k], err = d.ProveSegment(k, m, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	return ps
}

// deployedBundle is a segmented directory's bundle contract on a chain.
type deployedBundle struct {
	t     *testing.T
	ctx   context.Context
	chain *evm.Chain
	d     *segment.Dir
	cb    *evm.CompiledBundle
	addr  common.Address
}

func deployBundle(t *testing.T, chain *evm.Chain, d *segment.Dir, linked bool, registered string) *deployedBundle {
	t.Helper()
	b, err := evm.NewBundle(d, "", linked)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := evm.CompileBundle(context.Background(), evmtest.Solc(t), b)
	if err != nil {
		t.Fatal(err)
	}
	addr, _, err := cb.Deploy(context.Background(), chain, registered)
	if err != nil {
		t.Fatal(err)
	}
	return &deployedBundle{t: t, ctx: context.Background(), chain: chain, d: d, cb: cb, addr: addr}
}

// send calls fn with the proofs (checked for their shape only) and returns
// the revert reason, "" when accepted.
func (db *deployedBundle) send(fn string, ps []*proof.Proof) string {
	db.t.Helper()
	calls, err := evm.BundleCalls(ps)
	if err != nil {
		db.t.Fatal(err)
	}
	data, err := db.cb.Bundle.Calldata(fn, calls)
	if err != nil {
		db.t.Fatal(err)
	}
	r, err := db.cb.Send(db.ctx, db.chain, db.addr, data)
	if err != nil {
		db.t.Fatal(err)
	}
	if r.Accepted {
		db.t.Logf("%s accepted: gas %d, calldata %d bytes", fn, r.GasUsed, r.Calldata)
		return ""
	}
	return r.Reason
}

// TestBundleOnChain: a 3-segment bundle of the credit model is accepted by
// the bundle contract (its verifiers deployed by its constructor, or
// linked by address); swapped segments, a changed boundary fingerprint, a
// proof of another input in one slot, a segment bound to another context,
// proofs made at another challenge than their commitments give, and a
// boundary value changed in segment 1 with everything after it recomputed
// (commitments and challenge included) are each rejected on chain, naming
// the segment, and by segment.Dir.Verify. Without the contract's
// challenge (boundaryChallenge written into boundary_r) the "another
// challenge" case is accepted.
func TestBundleOnChain(t *testing.T) {
	chain := newChain(t)
	d := segmented(t, circuit.DefaultVisibility, 3)
	ctxA := []byte("bundle context A")
	good := segmentProofs(t, d, creditInput, proof.ProveOptions{Context: ctxA}, nil)
	other := segmentProofs(t, d, "../examples/credit/input_risky.json", proof.ProveOptions{Context: ctxA}, nil)
	otherCtx := segmentProofs(t, d, creditInput, proof.ProveOptions{Context: ctxA}, func(k int, w *circuit.Witness) {
		if k == 1 {
			w.Context = []byte("bundle context B")
		}
	})
	swap := func(ps []*proof.Proof, i, j int) []*proof.Proof {
		ps = slices.Clone(ps)
		ps[i], ps[j] = ps[j], ps[i]
		return ps
	}
	changed := func() []*proof.Proof {
		ps := slices.Clone(good)
		p := *ps[0]
		p.PublicInputs = slices.Clone(p.PublicInputs)
		s, err := proof.OpenSub(d.SegmentDir(0), nil)
		if err != nil {
			t.Fatal(err)
		}
		off := s.Settings.Layout().Offset(circuit.SegBoundaryOut)
		v, _ := new(big.Int).SetString(strings.TrimPrefix(p.PublicInputs[off], "0x"), 16)
		p.PublicInputs[off] = "0x" + common.Bytes2Hex(common.LeftPadBytes(v.Add(v, big.NewInt(1)).Bytes(), 32))
		ps[0] = &p
		return ps
	}()
	otherR := segmentProofs(t, d, creditInput, proof.ProveOptions{Context: ctxA}, func(k int, w *circuit.Witness) {
		w.BoundaryChallenge = new(big.Int).Add(w.BoundaryChallenge, big.NewInt(1))
	})
	moved := movedBoundary(t, d, proof.ProveOptions{Context: ctxA})
	cases := []struct {
		name   string
		proofs []*proof.Proof
		reason string // "" for accepted
	}{
		{"valid", good, ""},
		// the challenge of swapped or mixed proofs is not the one segment 0 was proven at
		{"segments 1 and 2 swapped", swap(good, 1, 2), "SegmentRejected(0)"},
		{"boundary commitment of segment 0 changed", changed, "SegmentRejected(0)"},
		{"segment 1 of another input", append(append(slices.Clone(good[:1]), other[1]), good[2]), "SegmentRejected(0)"},
		{"segment 1 bound to another context", otherCtx, "SegmentRejected(1)"},
		{"every segment proven at another challenge", otherR, "SegmentRejected(0)"},
		{"segment 1's boundary input moved, the rest recomputed", moved, "SegmentRejected(1)"},
	}
	for _, linked := range []bool{false, true} {
		db := deployBundle(t, chain, d, linked, "")
		for _, c := range cases {
			name := c.name
			if linked {
				name += ", linked verifiers"
			}
			t.Run(name, func(t *testing.T) {
				b, err := d.Assemble(c.proofs)
				if err != nil {
					t.Fatal(err)
				}
				b.Context = c.proofs[0].Context
				offErr := d.Verify(b, proof.VerifyOptions{})
				if got := db.send(evm.BundleCheck, c.proofs); got != c.reason {
					t.Errorf("on chain: %q, want %q", got, c.reason)
				}
				if (offErr == nil) != (c.reason == "") {
					t.Errorf("zkinfer verify: %v, the chain: %q", offErr, c.reason)
				}
			})
		}
	}
}

// movedBoundary proves the credit input with segment 1's first boundary
// input value moved by one and every later value, commitment and the
// challenge recomputed honestly from it: each proof is valid, and only
// segment 0's fingerprint differs from segment 1's.
func movedBoundary(t *testing.T, d *segment.Dir, opt proof.ProveOptions) []*proof.Proof {
	t.Helper()
	in, err := model.ReadInput(creditInput)
	if err != nil {
		t.Fatal(err)
	}
	ws, m, err := d.Witnesses(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.MoveBoundary(t, d, ws, m)
	ps := make([]*proof.Proof, len(ws))
	for k, w := range ws {
		if ps[k], err = d.ProveSegment(k, m, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	return ps
}

// TestBundleVerifyContext: verifyBundle binds a bundle to the sender and
// its nonce: a bundle proven for the contract's contextBytes(sender) is
// accepted once, then refused (WrongContext), and refused from another
// sender.
func TestBundleVerifyContext(t *testing.T) {
	chain := newChain(t)
	d := segmented(t, circuit.DefaultVisibility, 2)
	db := deployBundle(t, chain, d, false, "")
	out, err := db.cb.Read(db.ctx, chain, db.addr, append(evm.Selector("contextBytes(address)"), common.LeftPadBytes(chain.From.Bytes(), 32)...))
	if err != nil {
		t.Fatal(err)
	}
	// abi-encoded bytes: offset, length, data
	ctxBytes := out[64 : 64+new(big.Int).SetBytes(out[32:64]).Int64()]
	ps := segmentProofs(t, d, creditInput, proof.ProveOptions{Context: ctxBytes}, nil)
	calls, err := evm.BundleCalls(ps)
	if err != nil {
		t.Fatal(err)
	}
	data, err := db.cb.Bundle.Calldata(evm.BundleVerify, calls)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		r, err := db.cb.Send(db.ctx, chain, db.addr, data)
		if err != nil {
			t.Fatal(err)
		}
		if r.Accepted != want || !want && !strings.HasPrefix(r.Reason, "WrongContext") {
			t.Errorf("presentation %d: accepted %v (%s), want %v", i+1, r.Accepted, r.Reason, want)
		}
		if r.Accepted {
			t.Logf("verifyBundle: gas %d", r.GasUsed)
		}
	}
}

// TestBundleModelCommitment: with hashed weights (Poseidon2 public
// inputs) and a claim, the bundle contract hashes the segments' weight
// commitments into the registered model commitment: the bundle is
// accepted with the commitment `zkinfer commit` prints and refused
// (WrongModelCommitment) by a contract registering another. Pedersen
// weights give a segment two Groth16 commitments (the weights' and the
// boundary's), which gnark's Solidity verifier cannot check: the bundle
// contract is refused, naming poseidon2.
func TestBundleModelCommitment(t *testing.T) {
	chain := newChain(t)
	ped := segmented(t, circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private,
		ParamBits: 20, ParamCommitment: circuit.Pedersen, Claim: "output[0] >= 0.7"}, 3)
	if _, err := evm.NewBundle(ped, "", false); err == nil || !strings.Contains(err.Error(), "poseidon2") {
		t.Errorf("a bundle contract for pedersen-committed segments: %v, want the refusal naming poseidon2", err)
	}
	for _, binding := range []circuit.Binding{circuit.Poseidon2} {
		t.Run(string(binding), func(t *testing.T) {
			vis := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Private,
				ParamBits: 20, ParamCommitment: binding, Claim: "output[0] >= 0.7"}
			d := segmented(t, vis, 3)
			salt := big.NewInt(0x5eed)
			cm, err := d.WeightsCommitment(creditModel, salt)
			if err != nil {
				t.Fatal(err)
			}
			ps := segmentProofs(t, d, creditInput, proof.ProveOptions{Weights: creditModel, ParamSalt: salt}, nil)
			wrong := "0x" + strings.Repeat("ab", 32)
			for _, c := range []struct{ registered, reason string }{{cm, ""}, {wrong, "WrongModelCommitment"}} {
				if got := deployBundle(t, chain, d, false, c.registered).send(evm.BundleCheck, ps); got != c.reason {
					t.Errorf("registered %s: %q, want %q", c.registered, got, c.reason)
				}
			}
		})
	}
}

// TestVerifyBundleOnChain: the verify-evm path reports each segment's gas
// and the bundle's, and refuses a bundle zkinfer verify refuses before the
// chain.
func TestVerifyBundleOnChain(t *testing.T) {
	evmtest.Solc(t)
	d := segmented(t, circuit.DefaultVisibility, 3)
	ps := segmentProofs(t, d, creditInput, proof.ProveOptions{}, nil)
	b, err := d.Assemble(ps)
	if err != nil {
		t.Fatal(err)
	}
	res, err := evm.VerifyBundleOnChain(context.Background(), d, b, evm.OnChainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accepted || len(res.Segments) != 3 {
		t.Fatalf("accepted %v, %d segment results", res.Accepted, len(res.Segments))
	}
	for k, r := range res.Segments {
		t.Logf("segment %d's verifier: gas %d, calldata %d bytes", k, r.GasUsed, r.Calldata)
	}
	t.Logf("%s.checkBundle: gas %d, calldata %d bytes", res.Name, res.Bundle.GasUsed, res.Bundle.Calldata)
	b.Segments = []*proof.Proof{ps[0], ps[2], ps[1]}
	_, err = evm.VerifyBundleOnChain(context.Background(), d, b, evm.OnChainOptions{})
	var ie *evm.InvalidError
	if !errors.As(err, &ie) {
		t.Errorf("a swapped bundle: %v, want an InvalidError", err)
	}
}
