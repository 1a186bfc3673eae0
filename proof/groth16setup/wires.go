package groth16setup

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
)

// Which wire's K point goes where: to the verifier, to a commitment's
// basis, or to the prover.

// commitmentLayout says which wires the verifier sees (public inputs and
// commitment values) and which each commitment commits to privately.
type commitmentLayout struct {
	nbPublic int     // public variables, the constant 1 first
	wires    []int   // commitment i's value is wire wires[i]
	private  [][]int // commitment i commits to these private wires
}

// kVectors splits the wires into the three kinds of K points and returns
// their scalars: for public inputs and commitment values
// (βu_i(τ) + αv_i(τ) + w_i(τ))/γ (the verifier's K), for wires a
// commitment commits to the same over γ (commitment i's Pedersen basis),
// and for every other wire the same over δ (the prover's K). The prover's
// scalars are written over c, which is returned shortened to them; a and
// b are left as they are. The split follows gnark's setup wire by wire.
func kVectors(a, b, c []fr.Element, tw *toxicWaste, l commitmentLayout) (vk []fr.Element, ck [][]fr.Element, pk []fr.Element, err error) {
	nbVk := l.nbPublic + len(l.wires)
	committed := 0
	for _, p := range l.private {
		committed += len(p)
	}
	nbPk := len(a) - nbVk - committed
	if nbPk < 0 {
		return nil, nil, nil, errors.New("the circuit has more public and committed wires than wires")
	}
	vk = make([]fr.Element, 0, nbVk)
	ck = make([][]fr.Element, len(l.private))
	for i := range ck {
		ck[i] = make([]fr.Element, 0, len(l.private[i]))
	}
	next := make([]int, len(l.private)) // position in each commitment's list
	nbCommitments, nbPk0 := 0, 0
	var k, t fr.Element
	defer func() { k.SetZero(); t.SetZero() }()
	for i := range a {
		// The commitment that commits to wire i, if any: the lists are
		// sorted, and the one with the least next wire is the one that
		// can hold it (as gnark's merge iterator finds it).
		ci := -1
		for j, p := range l.private {
			if next[j] < len(p) && (ci < 0 || p[next[j]] < l.private[ci][next[ci]]) {
				ci = j
			}
		}
		if ci >= 0 && l.private[ci][next[ci]] == i {
			next[ci]++
		} else {
			ci = -1
		}
		public := i < l.nbPublic
		isCommitment := !public && nbCommitments < len(l.wires) && l.wires[nbCommitments] == i
		if isCommitment {
			nbCommitments++
		}
		k.Mul(&a[i], &tw.beta)
		t.Mul(&b[i], &tw.alpha)
		k.Add(&k, &t).Add(&k, &c[i])
		switch {
		case public || isCommitment:
			if len(vk) == nbVk {
				return nil, nil, nil, errors.New("the circuit's public wires do not match its counts")
			}
			vk = append(vk, *k.Mul(&k, &tw.gammaInv))
		case ci >= 0:
			ck[ci] = append(ck[ci], *k.Mul(&k, &tw.gammaInv))
		default:
			if nbPk0 == nbPk {
				return nil, nil, nil, errors.New("the circuit's private wires do not match its counts")
			}
			c[nbPk0].Mul(&k, &tw.deltaInv) // nbPk0 ≤ i: c[i] is read already
			nbPk0++
		}
	}
	for i := range ck {
		if len(ck[i]) != len(l.private[i]) {
			return nil, nil, nil, fmt.Errorf("commitment %d commits to wires that are public or out of order", i)
		}
	}
	if len(vk) != nbVk || nbPk0 != nbPk {
		return nil, nil, nil, errors.New("the circuit's wires do not match its counts")
	}
	clear(c[nbPk:])
	return vk, ck, c[:nbPk], nil
}

// newLayout reads and checks the commitments' bookkeeping, which gnark's
// setup indexes with unchecked.
func newLayout(nbPublic, nbWires int, cms constraint.Groth16Commitments) (commitmentLayout, error) {
	l := commitmentLayout{nbPublic: nbPublic, wires: cms.CommitmentIndexes(), private: cms.GetPrivateCommitted()}
	for i, c := range cms {
		if c.NbPublicCommitted < 0 || c.NbPublicCommitted > len(c.PublicAndCommitmentCommitted) {
			return l, fmt.Errorf("commitment %d hashes %d public inputs of a list of %d", i, c.NbPublicCommitted, len(c.PublicAndCommitmentCommitted))
		}
		// The commitment values it hashes must be earlier commitments',
		// in their order (gnark translates them by walking l.wires).
		k := 0
		for _, w := range c.GetCommitmentCommitted() {
			for k < len(l.wires) && l.wires[k] != w {
				k++
			}
			if k == len(l.wires) {
				return l, fmt.Errorf("commitment %d hashes wire %d, which holds no commitment (or out of order)", i, w)
			}
		}
		if w := c.CommitmentIndex; w < nbPublic || w >= nbWires {
			return l, fmt.Errorf("commitment %d's value is wire %d, not a private wire", i, w)
		}
	}
	return l, nil
}
