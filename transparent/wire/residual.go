package wire

import "github.com/zkinfer/zkinfer/transparent/cnn"

// KindResidual is a cnn.ResProof: a residual network's proof (resnet_c32's
// shape: a DAG of convolution blocks, Add+Relu and a global average pool,
// then a dense head; transparent/cnn's residual.go).
const KindResidual = 6

// The body of kind 6, in cnn.ResProof's field order:
//
//	x commitment ‖ input range (as kind 3's) ‖
//	nodes u32 ‖ per node: presence u8 (bit 0 Conv, 1 Rq, 2 Pool, 3 Add,
//	  4 Avg; no other bit) ‖ the present parts in that order ‖
//	steps u32 ‖ steps ‖ rescales ‖ batch
//
// An add's proof is its commitments Y, S, V0, V1, its lookups (u32 count)
// and its zero-check's sumcheck (the finals are the tables' values). Which parts a node must
// carry is the verifier's (cnn.VerifyResidual) to check: any combination
// decodes, and re-encodes to the same bytes.

// Node parts' presence bits.
const (
	resConv = 1 << iota
	resRq
	resPool
	resAdd
	resAvg
	resAll = resConv | resRq | resPool | resAdd | resAvg
)

// EncodeResidual encodes a cnn.ResProof (kind KindResidual).
func EncodeResidual(p *cnn.ResProof) ([]byte, error) {
	return encode(KindResidual, func(w *writer) { w.residual(p) })
}

// DecodeResidual decodes a cnn.ResProof, as DecodeCNN does a cnn.Proof.
func DecodeResidual(b []byte) (*cnn.ResProof, error) {
	return decode(b, KindResidual, func(r *reader, p *cnn.ResProof) { r.residual(p) })
}

// residual writes kind 6's body (kind 7's after its commitments).
func (w *writer) residual(p *cnn.ResProof) {
	w.commitment(&p.X)
	w.inputRange(&p.Input)
	list(w, p.Nodes, w.resNode)
	w.steps(p.Steps)
	w.rescales(p.Requan)
	w.batch(&p.Batch)
}

func (r *reader) residual(p *cnn.ResProof) {
	r.commitment(&p.X, "x")
	r.inputRange(&p.Input)
	p.Nodes = readList(r, 1, "nodes", r.resNode)
	p.Steps = r.steps("steps")
	p.Requan = r.rescales("rescales")
	r.batch(&p.Batch)
}

func (w *writer) resNode(n *cnn.NodeProof) {
	bits := 0
	for _, b := range []struct {
		set bool
		bit int
	}{{n.Conv != nil, resConv}, {n.Rq != nil, resRq}, {n.Pool != nil, resPool}, {n.Add != nil, resAdd}, {n.Avg != nil, resAvg}} {
		if b.set {
			bits |= b.bit
		}
	}
	w.u8(bits)
	present(n.Conv, w.conv)
	present(n.Rq, w.rescale)
	present(n.Pool, w.pool)
	present(n.Add, w.addRelu)
	present(n.Avg, w.step)
}

// present writes p with put unless it is nil (its presence bit says which).
func present[T any](p *T, put func(*T)) {
	if p != nil {
		put(p)
	}
}

// readPresent reads a T with get when its presence bit is set, else nil.
func readPresent[T any](set bool, get func(*T)) *T {
	if !set {
		return nil
	}
	p := new(T)
	get(p)
	return p
}

func (r *reader) resNode(n *cnn.NodeProof) {
	bits := r.u8()
	if r.err != nil {
		return
	}
	if bits&^resAll != 0 {
		r.fail("node presence byte %#x", bits)
		return
	}
	n.Conv = readPresent(bits&resConv != 0, r.conv)
	n.Rq = readPresent(bits&resRq != 0, r.rescale)
	n.Pool = readPresent(bits&resPool != 0, r.pool)
	n.Add = readPresent(bits&resAdd != 0, r.addRelu)
	n.Avg = readPresent(bits&resAvg != 0, r.step)
}

func (w *writer) addRelu(p *cnn.AddReluProof) {
	w.commitment(&p.Y)
	w.commitment(&p.S)
	w.commitment(&p.V0)
	w.commitment(&p.V1)
	w.logups(p.Lookups)
	w.sumcheck(&p.Sum)
}

func (r *reader) addRelu(p *cnn.AddReluProof) {
	r.commitment(&p.Y, "add y")
	r.commitment(&p.S, "add s")
	r.commitment(&p.V0, "add v0")
	r.commitment(&p.V1, "add v1")
	p.Lookups = r.logups("add lookups")
	r.sumcheck(&p.Sum, "add zero-check")
}
