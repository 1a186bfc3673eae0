package evm

import (
	"fmt"
	"math/big"
)

// ContextBytes are the bytes a wrapper binds a proof to:
// abi.encodePacked(uint256 chainID, address contract, address subject,
// uint256 nonce), 104 bytes. The proof's context public input is
// circuit.ContextValue of them; pass them to `zkinfer prove --context`.
func ContextBytes(chainID *big.Int, contract, subject [20]byte, nonce *big.Int) ([]byte, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 256)
	for _, v := range []struct {
		name string
		v    *big.Int
	}{{"chain id", chainID}, {"nonce", nonce}} {
		if v.v == nil || v.v.Sign() < 0 || v.v.Cmp(limit) >= 0 {
			return nil, fmt.Errorf("the %s %v is not a uint256", v.name, v.v)
		}
	}
	out := make([]byte, 0, 104)
	out = append(out, word(chainID)...)
	out = append(out, contract[:]...)
	out = append(out, subject[:]...)
	return append(out, word(nonce)...), nil
}
