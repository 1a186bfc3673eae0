package main

import (
	"fmt"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"

	"github.com/zkinfer/zkinfer/proof/verifier"
)

// A page checks many proofs against one model, and decoding a key costs
// as much as a check: a Groth16 key's points are checked to be in their
// subgroups and a pairing is precomputed. Keys are kept decoded, by their
// bytes' SHA-256 and what they were decoded for, a few at a time; gnark's
// verifiers only read them.
const maxCachedKeys = 8

var decoded = map[string]any{}

// cachedKey is verifier.KeyBytes that decodes a key once.
type cachedKey struct {
	raw verifier.KeyBytes
	sum string
}

func newCachedKey(b []byte) cachedKey {
	k := cachedKey{raw: verifier.KeyBytes(b)}
	k.sum, _ = k.raw.SHA256()
	return k
}

func (k cachedKey) SHA256() (string, error) { return k.sum, nil }

func (k cachedKey) Groth16(nPublic int) (*groth16bn254.VerifyingKey, error) {
	return cached(fmt.Sprintf("%s groth16 %d", k.sum, nPublic), func() (*groth16bn254.VerifyingKey, error) { return k.raw.Groth16(nPublic) })
}

func (k cachedKey) Plonk() (*plonkbn254.VerifyingKey, error) {
	return cached(k.sum+" plonk", k.raw.Plonk)
}

// cached returns the key decoded under id, decoding it on first use.
func cached[K any](id string, decode func() (*K, error)) (*K, error) {
	if vk, ok := decoded[id].(*K); ok {
		return vk, nil
	}
	vk, err := decode()
	if err != nil {
		return nil, err
	}
	if len(decoded) >= maxCachedKeys {
		clear(decoded)
	}
	decoded[id] = vk
	return vk, nil
}
