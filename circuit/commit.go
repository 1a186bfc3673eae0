package circuit

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/circuit/sponge"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// Poseidon2 commitments of tensors: see "Commitments to tensors" in the
// package documentation.

// Commitment tags.
const (
	TagInput  = 1
	TagParams = 2
	TagOutput = 3
	// TagBoundary: a tensor one segment of a model hands the next
	// (segment.go).
	TagBoundary = 4
)

const packLimit = 253

// PackBits is the width a value of the tensor takes in a packed element.
func PackBits(info *ops.Info) int { return quant.BitsFor(info.Max) + 1 }

// packed describes where each value lands: element index and bit offset.
type packing struct {
	elem, off []int
	n         int // number of elements
}

func pack(infos []*ops.Info) packing {
	var p packing
	used := packLimit
	for _, info := range infos {
		b := PackBits(info)
		for range info.Size() {
			if used+b > packLimit {
				p.n++
				used = 0
			}
			p.elem = append(p.elem, p.n-1)
			p.off = append(p.off, used)
			used += b
		}
	}
	return p
}

// Commit computes the commitment of tensors ts (described by infos) natively.
func Commit(tag int, infos []*ops.Info, ts []ops.Tensor[int64], salt *big.Int) (fr.Element, error) {
	p := pack(infos)
	elems := make([]*big.Int, p.n)
	for i := range elems {
		elems[i] = new(big.Int)
	}
	k := 0
	for i, info := range infos {
		if len(ts[i].Data) != info.Size() {
			return fr.Element{}, fmt.Errorf("commit: tensor %d has %d values, want %d", i, len(ts[i].Data), info.Size())
		}
		b := PackBits(info)
		half := new(big.Int).Lsh(big.NewInt(1), uint(b-1))
		for _, v := range ts[i].Data {
			if float64(max(v, -v)) > info.Max {
				return fr.Element{}, fmt.Errorf("commit: value %d of tensor %d is outside its bound %v", v, i, info.Max)
			}
			e := new(big.Int).Add(big.NewInt(v), half)
			e.Lsh(e, uint(p.off[k]))
			elems[p.elem[k]].Add(elems[p.elem[k]], e)
			k++
		}
	}
	out := sponge.HashInts(append(append([]*big.Int{big.NewInt(int64(tag)), big.NewInt(int64(k))}, elems...), saltOrZero(salt))...)
	return out, nil
}

// CommitVariables is Commit as constraints over the tensors' variables,
// for another circuit that binds the same tensors to the same commitment
// (package audit: a model's Poseidon2-hashed weights).
func CommitVariables(api frontend.API, tag int, infos []*ops.Info, ts [][]frontend.Variable, salt frontend.Variable) (frontend.Variable, error) {
	return commitCircuit(api, tag, infos, ts, salt)
}

// commitCircuit is Commit as constraints over the tensors' variables.
func commitCircuit(api frontend.API, tag int, infos []*ops.Info, ts [][]frontend.Variable, salt frontend.Variable) (frontend.Variable, error) {
	n := 0
	for _, t := range ts {
		n += len(t)
	}
	msg := append([]frontend.Variable{tag, n}, packCircuit(api, infos, ts)...)
	return sponge.HashVariables(api, append(msg, salt))
}

func pow2(k int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(k)) }

func saltOrZero(s *big.Int) *big.Int {
	if s == nil {
		return new(big.Int)
	}
	return s
}

// ParseSalt reads a salt: hex (optional 0x), below the field modulus.
func ParseSalt(s string) (*big.Int, error) {
	if s == "" {
		return new(big.Int), nil
	}
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) > 32 {
		return nil, fmt.Errorf("salt %q is not hex of at most 32 bytes", s)
	}
	v := new(big.Int).SetBytes(b)
	if v.Cmp(ecc.BN254.ScalarField()) >= 0 {
		return nil, fmt.Errorf("salt %q is not below the BN254 scalar field modulus", s)
	}
	return v, nil
}

// Hex writes a field element as 0x + 64 hex digits.
func Hex(e fr.Element) string {
	b := e.Bytes()
	return "0x" + hex.EncodeToString(b[:])
}
