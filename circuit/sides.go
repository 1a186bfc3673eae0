package circuit

import (
	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Which side of an R1CS constraint a wire is on decides which of Groth16's
// multi-scalar multiplications carry it: a wire anywhere in an L is a
// point of [A]₁'s MSM, a wire anywhere in an R a point of [B]₁'s and of
// [B]₂'s, in G2, three times as dear. The MSMs cost most per point whose
// value is a full-size field element (gnark-crypto's MSM skips zero
// digits: a 0/1 value costs ~1 addition, a 16-bit one ~2, a full one
// ~25), and the full-size values of our circuits are the inverses and
// quotients of the log-derivative lookups, 1/(ch − q) and m/(ch − t): one
// per query, most of a lookup circuit's wires.
//
// gnark's builder puts the side with fewer terms in R (builder.newR1C, to
// leave more wires out of B), which for an inverse's check (ch − q)·inv = 1
// and a division's den·res = num puts the lone full-size wire in R and so
// in both B MSMs. putQuotientsLeft swaps those constraints' sides: the
// full-size wire goes to L, where it already is (the lookup's sum is
// asserted in an L), and ch − q to R: ch is one wire, q the small value
// looked up. For cnn_c32 (lookup range checks) that takes 182,482
// full-size values out of B (5 are left): prove 10.3 → 6.7 CPU-s, the
// proving key 118 → 99.6 MB (multihead_attention 12.6 → 8.2 CPU-s).
//
// L·R = O is the same constraint as R·L = O: the solver finds the unknown
// wire on either side, and the setup and the prover read L and R from the
// rewritten system, so gnark's prover and verifier accept the keys as
// before (proof tests, TestPutQuotientsLeft).
//
// A query can carry a field-size coefficient: a rescale's quotient is
// looked up as ch − (acc − rem)·2⁻¹² without a wire of its own, so once
// swapped, R holds ±2⁻¹² (mod r), and every wire of R has its Lagrange
// sum multiplied by it in G2 (the ceremony's opening of phase 2 computes
// [Bₖ(τ)]₂ per wire: cnn_c32's 178k such terms were 19 of its 35 CPU-s).
// shortenR scales R and O by s = 1/c for a long coefficient c of R when
// that leaves every coefficient of R short: (−2¹²·ch + acc − rem)·inv =
// −2¹², the same constraint (s ≠ 0: L·(s·R) = s·O ⟺ L·R = O), its long
// coefficients gone (O's, if any, are in G1 only). L, where the unknown
// is, keeps its coefficient, so the solver divides no more than before:
// that is why only the swapped constraints are scaled, whose unknown (if
// any) is L's lone wire; scaling one whose unknown is in O would make the
// solver divide by s for every proof.

// compileR1CS compiles c to BN254's R1CS and puts the quotients left:
// every Groth16 circuit zkinfer builds (compile's, CompileR1CS's) goes
// through it.
func compileR1CS(c frontend.Circuit) (constraint.ConstraintSystem, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, err
	}
	putQuotientsLeft(ccs.(*cs_bn254.R1CS))
	return ccs, nil
}

// putQuotientsLeft swaps L and R in every R1C whose R is one wire that is
// either its inverse's (O is the constant 1) or solved by it (not an
// input, a hint's output or in an earlier constraint), while L has more
// terms; it returns how many it swapped.
func putQuotientsLeft(r *cs_bn254.R1CS) int {
	sys := &r.System
	nbWires := sys.GetNbPublicVariables() + sys.GetNbSecretVariables() + sys.GetNbInternalVariables()
	seen := make([]bool, nbWires)
	for i := range sys.GetNbPublicVariables() + sys.GetNbSecretVariables() {
		seen[i] = true
	}
	swapped := 0
	var buf []uint32
	inverses := make(map[uint32]fr.Element) // a circuit has few distinct long coefficients
	for _, pi := range sys.Instructions {
		bp := sys.Blueprints[pi.BlueprintID]
		inst := pi.Unpack(sys)
		if _, ok := bp.(*constraint.BlueprintGenericR1C); !ok {
			for k := range bp.NbOutputs(inst) {
				seen[int(pi.WireOffset)+k] = true
			}
			continue
		}
		cd := inst.Calldata // [size, |L|, |R|, |O|, (coeff, wire) of L, R, O]
		lenL, lenR, lenO := int(cd[1]), int(cd[2]), int(cd[3])
		const head = 4
		r0 := head + 2*lenL
		o0 := r0 + 2*lenR
		isOne := lenO == 1 && cd[o0] == constraint.CoeffIdOne && cd[o0+1] == 0
		if lenR == 1 && lenL > 1 && (isOne || !seen[cd[r0+1]]) {
			buf = append(buf[:0], cd[:head]...)
			buf[1], buf[2] = uint32(lenR), uint32(lenL)
			buf = append(buf, cd[r0:o0]...)
			buf = append(buf, cd[head:r0]...)
			copy(cd, buf) // cd aliases sys.CallData; O stays where it was
			shortenR(r, cd, inverses)
			swapped++
		}
		for k := head + 1; k < len(cd); k += 2 {
			seen[cd[k]] = true
		}
	}
	return swapped
}

// isShort reports whether c or −c is below 2⁶⁴ (the ceremony's short
// coefficients: one word, summed by Pippenger's buckets).
func isShort(c *fr.Element) bool {
	var n fr.Element
	n.Neg(c)
	return c.IsUint64() || n.IsUint64()
}

// shortenR scales the R and O of the constraint whose calldata is cd
// ([size, |L|, |R|, |O|, (coeff, wire) of L, R, O]) by the inverse of one
// of R's long coefficients when every coefficient of R is short after it;
// inverses caches each coefficient's inverse (cnn_c32: 129k constraints,
// two distinct coefficients).
func shortenR(r *cs_bn254.R1CS, cd []uint32, inverses map[uint32]fr.Element) {
	const head = 4
	lenL, lenR, lenO := int(cd[1]), int(cd[2]), int(cd[3])
	rTerms := cd[head+2*lenL : head+2*(lenL+lenR)]
	oTerms := cd[head+2*(lenL+lenR) : head+2*(lenL+lenR+lenO)]
	cs := r.Coefficients
	for k := 0; k < len(rTerms); k += 2 {
		c := &cs[rTerms[k]]
		if isShort(c) {
			continue
		}
		s, ok := inverses[rTerms[k]]
		if !ok {
			s.Inverse(c)
			inverses[rTerms[k]] = s
		}
		ok = true
		for j := 0; j < len(rTerms) && ok; j += 2 {
			var v fr.Element
			ok = isShort(v.Mul(&s, &cs[rTerms[j]]))
		}
		if !ok {
			continue
		}
		scale := func(terms []uint32) {
			for j := 0; j < len(terms); j += 2 {
				var v fr.Element
				v.Mul(&s, &r.Coefficients[terms[j]])
				var u constraint.U64
				copy(u[:], v[:])
				terms[j] = r.AddCoeff(u)
			}
		}
		scale(rTerms)
		scale(oTerms)
		return
	}
}
