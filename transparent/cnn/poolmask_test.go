package cnn

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// TestPooledMasks: a zero-knowledge chain proof draws every sumcheck's
// Libra mask from one pool (batch.PoolMasks): one commitment and one
// opening in the batch proof, 64-byte masks in the steps; a tampered pool
// opening (u, a column, the reduction's round or P̂(ρ)), a step's g(r) or
// G, the pool's commitment dropped or replaced, a pool opening dropped,
// and pools in a binding proof are each rejected.
func TestPooledMasks(t *testing.T) {
	m, x := small(t)
	proof, y, err := Prove(vanishingParams, m, x)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(vanishingParams, m, y, proof); err != nil {
		t.Fatalf("honest pooled proof rejected: %v", err)
	}
	if n := len(proof.Batch.Pools.Coms); n != 1 || len(proof.Batch.Pools.Opens) != 1 {
		t.Fatalf("%d pools, %d openings, want 1 and 1", n, len(proof.Batch.Pools.Opens))
	}
	for i := range proof.Convs {
		for _, s := range []*sumcheck.Proof{&proof.Convs[i].Matmul, &proof.Convs[i].Gather, &proof.ConvRq[i].Check} {
			if s.Mask != nil && s.MaskSize() != 64 {
				t.Errorf("block %d: a sumcheck's mask of %d bytes, want 64 (pooled)", i, s.MaskSize())
			}
		}
		if proof.Convs[i].Matmul.Mask == nil {
			t.Errorf("block %d: conv's sumcheck unmasked under zero knowledge", i)
		}
	}
	one := fr.One()
	cases := map[string]func(p *Proof){
		"pool opening's u":        func(p *Proof) { u := &p.Batch.Pools.Opens[0].Open.U[0]; u.Add(u, &one) },
		"pool opening's column":   func(p *Proof) { c := &p.Batch.Pools.Opens[0].Open.Columns[0][0]; c.Add(c, &one) },
		"pool reduction's round":  func(p *Proof) { r := &p.Batch.Pools.Opens[0].Reduce.Rounds[0][0]; r.Add(r, &one) },
		"pool reduction's P̂(ρ)":  func(p *Proof) { f := &p.Batch.Pools.Opens[0].Reduce.Finals[1]; f.Add(f, &one) },
		"conv's g(r)":             func(p *Proof) { v := &p.Convs[0].Matmul.Mask.Value; v.Add(v, &one) },
		"conv's G":                func(p *Proof) { v := &p.Convs[0].Matmul.Mask.Sum; v.Add(v, &one) },
		"pool commitment dropped": func(p *Proof) { p.Batch.Pools.Coms = nil },
		"pool commitment's root":  func(p *Proof) { p.Batch.Pools.Coms[0].Root[0] ^= 1 },
		"pool opening dropped":    func(p *Proof) { p.Batch.Pools.Opens = nil },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			p, _, err := Prove(vanishingParams, m, x)
			if err != nil {
				t.Fatal(err)
			}
			edit(&p)
			if err := Verify(vanishingParams, m, y, p); err == nil {
				t.Fatal("accepted")
			} else if strings.Contains(err.Error(), "\n") {
				t.Errorf("error of several lines: %v", err)
			}
		})
	}
	t.Run("pools in a binding proof", func(t *testing.T) {
		p, _, err := Prove(testParams, m, x)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Batch.Pools.Coms) != 0 {
			t.Fatalf("a binding proof with %d mask pools", len(p.Batch.Pools.Coms))
		}
		p.Batch.Pools = proof.Batch.Pools
		if err := Verify(testParams, m, y, p); err == nil {
			t.Fatal("accepted")
		}
	})
}
