package mlp

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Proof proves y = model(x) for a private x.
type Proof struct {
	X      pcs.Commitment
	Input  InputRange
	Steps  []matmul.StepProof
	Requan []rescale.Proof
	Out    pcs.Opening // the last output at ρ, against the public y
}

// InputRange proves every entry of x is a signed InBits-bit integer
// (input.go): with v = x + 2^(InBits−1) = v0 + 2^12·v1, lookups
// v0 ∈ [0, 2^12), v1 ∈ [0, 2^(InBits−12)), and the eq-weighted zero-check at
// a random z, Σ_i eq(z, i)·(x − v0 − 2^12·v1 (+ λ·v1 with one limb))(i) =
// −2^(InBits−1), one sumcheck whose finals are eq(z, ρ), x̂(ρ), v̂0(ρ), v̂1(ρ)
// (the committed tables' values, masked factors under vanishing masks).
type InputRange struct {
	V0, V1   pcs.Commitment
	Lookups  []logup.Proof
	Zero     sumcheck.Proof
	Openings []pcs.Opening // x, v0, v1 at ρ (empty when batched)
}

// Size returns the proof's size in bytes, 32 per field element or hash.
func (p *Proof) Size() int {
	n := 48 + 2*48 + p.Input.Zero.Size() + p.Out.Size()
	for i := range p.Input.Lookups {
		n += p.Input.Lookups[i].Size()
	}
	for i := range p.Input.Openings {
		n += p.Input.Openings[i].Size()
	}
	for i := range p.Steps {
		n += p.Steps[i].Size() + p.Requan[i].Size()
	}
	return n
}

func (m *Model) limbs() (int, int) {
	if m.InBits <= rescale.Limb {
		return m.InBits, 0
	}
	return rescale.Limb, m.InBits - rescale.Limb
}

// Prove runs the model on the private x (M×K₀) and proves its output, which
// it returns.
func Prove(params pcs.Params, m *Model, M int, x []int64) (Proof, []int64, error) {
	p, _, y, err := m.prove(params, M, x, false, cheats{})
	return p, y, err
}

// cheats are the soundness tests' cheating prover: change a layer's
// accumulators (everything downstream follows), or claim another output than
// the one computed.
type cheats struct {
	editAcc func(layer int, a []int64)
	claimY  func(y []int64) []int64
}

// prove proves y = model(x); with batched, every opening is deferred into
// the returned batch proof (package batch) and the proof's are empty.
func (m *Model) prove(params pcs.Params, M int, x []int64, batched bool, ch cheats) (Proof, batch.Proof, []int64, error) {
	var bp *batch.Prover
	if batched {
		bp = batch.NewProver()
	}
	accs, y, err := m.eval(M, x, ch.editAcc)
	if err != nil {
		return Proof{}, batch.Proof{}, nil, err
	}
	if ch.claimY != nil {
		y = ch.claimY(y)
	}
	tr := m.start(M, y)
	if m.root != nil {
		if bp == nil {
			return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: committed weights are proven batched (ProveCommitted)")
		}
		m.root.Bind(tr)
	}
	if bp != nil && params.Hiding { // every zk sumcheck's Libra mask from one stream of pools (batch.PoolMasks)
		bp.PoolMasks(tr)
		defer sumcheck.DetachStream(tr)
	}
	var proof Proof
	K0 := m.Layers[0].K
	xInts := padded(x, M, K0)
	xt := mle.FromInt64(xInts)
	xData, err := pcs.Commit(params, xt)
	if err != nil {
		return Proof{}, batch.Proof{}, nil, err
	}
	proof.X = xData.Commitment()
	proof.X.Absorb(tr, "mlp/x")
	if proof.Input, err = m.proveInput(tr, params, xData, xInts, bp, nil, nil); err != nil {
		return Proof{}, batch.Proof{}, nil, err
	}
	cur, curData := xt, xData
	for i := range m.Layers {
		l := &m.Layers[i]
		aInts := padded(accs[i], M, l.N)
		step, aData, err := matmul.ProveStepBatched(tr, params, m.gemm[i], M, curData, cur, mle.FromInt64(aInts), bp)
		if err != nil {
			return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		rq, outData, err := rescale.ProveBatched(tr, l.params(params), aData, aInts, bp)
		if err != nil {
			return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		w, _ := rescale.Compute(l.params(params), aInts)
		proof.Steps = append(proof.Steps, step)
		proof.Requan = append(proof.Requan, rq)
		cur, curData = mle.FromInt64(w.Y), outData
	}
	pts := OutputPoints(tr, "mlp/rho", params, curData.Commitment().NumVars)
	if len(pts) > 1 && !batched {
		return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: vanishing masks need batched openings (ProveBatched)")
	}
	for _, pt := range pts {
		if proof.Out, err = bp.Open(tr, curData, pt); err != nil {
			return Proof{}, batch.Proof{}, nil, err
		}
	}
	if m.root != nil {
		if err := m.root.Prove(tr, params, bp); err != nil {
			return Proof{}, batch.Proof{}, nil, fmt.Errorf("mlp: the weights' root: %v", err)
		}
	}
	var bproof batch.Proof
	if batched {
		if bproof, err = bp.Prove(tr); err != nil {
			return Proof{}, batch.Proof{}, nil, err
		}
	}
	return proof, bproof, y, nil
}

// Verify checks that y (M×N_last) is the model's output on some private x of
// InBits signed bits.
func Verify(params pcs.Params, m *Model, M int, y []int64, proof Proof) error {
	return m.verify(params, M, y, proof, nil)
}

// verify checks a proof; with bp not nil, every opening's claim is checked
// by that batch proof instead of the proof's own openings.
func (m *Model) verify(params pcs.Params, M int, y []int64, proof Proof, bp *batch.Proof) error {
	var bv *batch.Verifier
	if bp != nil {
		bv = batch.NewVerifier()
	}
	last := m.Layers[len(m.Layers)-1]
	if M < 1 || len(y) != M*last.N {
		return fmt.Errorf("mlp: output of %d values, want %d×%d", len(y), M, last.N)
	}
	if len(proof.Steps) != len(m.Layers) || len(proof.Requan) != len(m.Layers) {
		return fmt.Errorf("mlp: proof of %d and %d layer steps, want %d", len(proof.Steps), len(proof.Requan), len(m.Layers))
	}
	xSize, _ := matmul.Tables(m.gemm[0], M)
	if 1<<proof.X.NumVars != xSize {
		return fmt.Errorf("mlp: x committed over %d variables, want %d entries", proof.X.NumVars, xSize)
	}
	tr := m.start(M, y)
	if m.rootV != nil {
		if bv == nil {
			return fmt.Errorf("mlp: committed weights are verified batched (VerifyCommitted)")
		}
		m.rootV.Bind(tr)
	}
	if bv != nil && params.Hiding {
		bv.PoolMasks(tr, bp.Pools.Coms)
		defer sumcheck.DetachStream(tr)
	}
	proof.X.Absorb(tr, "mlp/x")
	if err := m.verifyInput(tr, params, proof.X, &proof.Input, bv); err != nil {
		return err
	}
	cur := proof.X
	for i := range m.Layers {
		l := &m.Layers[i]
		if err := matmul.VerifyStepBatched(tr, params, m.gemm[i], M, cur, proof.Steps[i], bv); err != nil {
			return fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		if err := rescale.VerifyBatched(tr, l.params(params), proof.Steps[i].Y, proof.Requan[i], bv); err != nil {
			return fmt.Errorf("mlp: layer %d: %v", i, err)
		}
		cur = proof.Requan[i].Y
	}
	yt := mle.FromInt64(padded(y, M, last.N))
	if len(yt) != 1<<cur.NumVars {
		return fmt.Errorf("mlp: output committed over %d variables, want %d entries", cur.NumVars, len(yt))
	}
	pts := OutputPoints(tr, "mlp/rho", params, cur.NumVars)
	if len(pts) > 1 && bv == nil {
		return fmt.Errorf("mlp: a proof under vanishing masks must be batched")
	}
	for _, pt := range pts {
		want, _ := yt.Eval(pt)
		if err := bv.Check(tr, params, cur, pt, want, proof.Out); err != nil {
			return fmt.Errorf("mlp: the committed output is not y: %v", err)
		}
	}
	if m.rootV != nil {
		if err := m.rootV.Verify(tr, params, bv); err != nil {
			return fmt.Errorf("mlp: the weights' root: %v", err)
		}
	}
	if bv != nil {
		if err := bv.Verify(tr, params, *bp); err != nil {
			return fmt.Errorf("mlp: openings: %v", err)
		}
	}
	return nil
}
