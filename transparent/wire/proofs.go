package wire

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// Each proof type is written field by field in declaration order, and read
// back the same way. The encoders name every field, so a field removed or
// renamed in its package is a compile error here; TestFieldsCovered checks
// the field lists by reflection, so a field added is a failing test until
// it is encoded (and Version bumped).

// EncodeMLP encodes an mlp.Proof (kind KindMLP).
func EncodeMLP(p *mlp.Proof) ([]byte, error) {
	return encode(KindMLP, func(w *writer) { w.mlp(p) })
}

// DecodeMLP decodes an mlp.Proof, refusing anything but exactly one
// well-formed proof of version Version.
func DecodeMLP(b []byte) (*mlp.Proof, error) {
	return decode(b, KindMLP, (*reader).mlp)
}

// EncodeMLPBatched encodes an mlp.BatchedProof (kind KindMLPBatched): the
// chain's proof, its openings empty, then the batch.
func EncodeMLPBatched(p *mlp.BatchedProof) ([]byte, error) {
	return encode(KindMLPBatched, func(w *writer) {
		w.mlp(&p.Proof)
		w.batch(&p.Batch)
	})
}

// DecodeMLPBatched decodes an mlp.BatchedProof, as DecodeMLP does an
// mlp.Proof.
func DecodeMLPBatched(b []byte) (*mlp.BatchedProof, error) {
	return decode(b, KindMLPBatched, func(r *reader, p *mlp.BatchedProof) {
		r.mlp(&p.Proof)
		r.batch(&p.Batch)
	})
}

func (w *writer) mlp(p *mlp.Proof) {
	w.commitment(&p.X)
	w.inputRange(&p.Input)
	w.steps(p.Steps)
	w.rescales(p.Requan)
	w.opening(&p.Out)
}

func (r *reader) mlp(p *mlp.Proof) {
	r.commitment(&p.X, "x")
	r.inputRange(&p.Input)
	p.Steps = r.steps("steps")
	p.Requan = r.rescales("rescales")
	r.opening(&p.Out, "output opening")
}

func (w *writer) batch(p *batch.Proof) {
	w.u32(len(p.Groups))
	for i := range p.Groups {
		g := &p.Groups[i]
		w.u32(len(g.Rounds))
		for _, rd := range g.Rounds {
			w.elems(rd)
		}
		w.elems(g.Finals)
		w.elems(g.Open.U)
		w.elems(g.Open.V)
		w.u32(len(g.Open.Columns))
		for _, cols := range g.Open.Columns {
			w.u32(len(cols))
			for _, c := range cols {
				w.elems(c)
			}
		}
		w.u32(len(g.Open.Proofs))
		for _, h := range g.Open.Proofs {
			w.hashes(h)
		}
		w.elems(g.Open.Masks)
		w.mask((*sumcheck.MaskPart)(g.Mask))
	}
}

func (r *reader) batch(p *batch.Proof) {
	n := r.count(minGroup, "batch groups")
	if n == 0 || r.err != nil {
		return
	}
	p.Groups = make([]batch.Group, n)
	for i := range p.Groups {
		g := &p.Groups[i]
		if k := r.count(4, "batch rounds"); k > 0 {
			g.Rounds = make([][]fr.Element, k)
			for j := range g.Rounds {
				g.Rounds[j] = r.elems("batch round")
			}
		}
		g.Finals = r.elems("batch finals")
		g.Open.U = r.elems("batch u")
		g.Open.V = r.elems("batch v")
		if k := r.count(4, "batch tables"); k > 0 {
			g.Open.Columns = make([][][]fr.Element, k)
			for j := range g.Open.Columns {
				if c := r.count(4, "batch columns"); c > 0 {
					g.Open.Columns[j] = make([][]fr.Element, c)
					for l := range g.Open.Columns[j] {
						g.Open.Columns[j][l] = r.elems("batch column")
					}
				}
			}
		}
		if k := r.count(4, "batch multiproofs"); k > 0 {
			g.Open.Proofs = make([][]merkle.Hash, k)
			for j := range g.Open.Proofs {
				g.Open.Proofs[j] = r.hashes("batch multiproof")
			}
		}
		g.Open.Masks = r.elems("batch masks")
		g.Mask = (*batch.Mask)(r.mask("batch"))
	}
}

// The smallest encodings of the repeated parts, for the count checks.
const (
	minCommitment = 34
	minOpening    = 5 * 4
	minSumcheck   = 2*4 + 1
	minLogup      = 3*minCommitment + 2*32 + 4*minSumcheck + 6*minOpening
	minStep       = minCommitment + 32 + minSumcheck + 2*minOpening
	minRescale    = 6*minCommitment + 4 + 4 + 2*minSumcheck + 32 + 4
	minGroup      = 4 + 4 + 4 + 4 + 4 + 4 + 4 + 1
)

func (w *writer) opening(o *pcs.Opening) {
	w.elems(o.U)
	w.elems(o.V)
	w.u32(len(o.Columns))
	for _, c := range o.Columns {
		w.elems(c)
	}
	w.hashes(o.Proof)
	w.elems(o.Mask)
}

func (r *reader) opening(o *pcs.Opening, what string) {
	o.U = r.elems(what + " u")
	o.V = r.elems(what + " v")
	if n := r.count(4, what+" columns"); n > 0 {
		o.Columns = make([][]fr.Element, n)
		for i := range o.Columns {
			o.Columns[i] = r.elems(what + " column")
		}
	}
	o.Proof = r.hashes(what + " multiproof")
	o.Mask = r.elems(what + " mask")
}

func (w *writer) openings(v []pcs.Opening) { list(w, v, w.opening) }

func (r *reader) openings(what string) []pcs.Opening {
	return readList(r, minOpening, what, func(o *pcs.Opening) { r.opening(o, what) })
}

func (w *writer) sumcheck(s *sumcheck.Proof) {
	w.u32(len(s.Rounds))
	for _, g := range s.Rounds {
		w.elems(g)
	}
	w.elems(s.Finals)
	w.mask(s.Mask)
}

func (r *reader) sumcheck(s *sumcheck.Proof, what string) {
	if n := r.count(4, what+" rounds"); n > 0 {
		s.Rounds = make([][]fr.Element, n)
		for i := range s.Rounds {
			s.Rounds[i] = r.elems(what + " round")
		}
	}
	s.Finals = r.elems(what + " finals")
	s.Mask = r.mask(what)
}

func (w *writer) logup(p *logup.Proof) {
	w.commitment(&p.M)
	w.commitment(&p.H)
	w.commitment(&p.G)
	w.elem(&p.Sum)
	w.elem(&p.MAtR)
	w.sumcheck(&p.SumH)
	w.sumcheck(&p.SumG)
	w.sumcheck(&p.ZeroH)
	w.sumcheck(&p.ZeroG)
	for i := range p.Openings {
		w.opening(&p.Openings[i])
	}
}

func (r *reader) logup(p *logup.Proof) {
	r.commitment(&p.M, "logup m")
	r.commitment(&p.H, "logup h")
	r.commitment(&p.G, "logup g")
	r.elem(&p.Sum, "logup sum")
	r.elem(&p.MAtR, "logup m(r)")
	r.sumcheck(&p.SumH, "logup Σh")
	r.sumcheck(&p.SumG, "logup Σg")
	r.sumcheck(&p.ZeroH, "logup h zero-check")
	r.sumcheck(&p.ZeroG, "logup g zero-check")
	for i := range p.Openings {
		r.opening(&p.Openings[i], "logup opening")
	}
}

func (w *writer) rescale(p *rescale.Proof) {
	for _, c := range []*pcs.Commitment{&p.Q, &p.R, &p.V0, &p.V1, &p.Sigma, &p.Y} {
		w.commitment(c)
	}
	w.logups(p.Lookups)
	w.elems(p.AtZ)
	w.sumcheck(&p.Bool)
	w.sumcheck(&p.Prod)
	w.elem(&p.YAtR)
	w.openings(p.Openings)
}

func (r *reader) rescale(p *rescale.Proof) {
	for _, c := range []*pcs.Commitment{&p.Q, &p.R, &p.V0, &p.V1, &p.Sigma, &p.Y} {
		r.commitment(c, "rescale")
	}
	p.Lookups = r.logups("rescale lookups")
	p.AtZ = r.elems("rescale at z")
	r.sumcheck(&p.Bool, "rescale bit check")
	r.sumcheck(&p.Prod, "rescale product")
	r.elem(&p.YAtR, "rescale y(r)")
	p.Openings = r.openings("rescale openings")
}

func (w *writer) step(p *matmul.StepProof) {
	w.commitment(&p.Y)
	w.elem(&p.YAtR)
	w.elem(&p.BAtR)
	w.sumcheck(&p.Sumcheck)
	w.opening(&p.X)
	w.opening(&p.YOpen)
}

func (r *reader) step(p *matmul.StepProof) {
	r.commitment(&p.Y, "step y")
	r.elem(&p.YAtR, "step y(r)")
	r.elem(&p.BAtR, "step b(r)")
	r.sumcheck(&p.Sumcheck, "step sumcheck")
	r.opening(&p.X, "step x opening")
	r.opening(&p.YOpen, "step y opening")
}
