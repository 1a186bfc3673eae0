// Package sponge is the hash of zkinfer's commitments to tensors and
// datasets: the Poseidon2 permutation [GKS23] of width 16 over BN254's
// scalar field, used as a sponge [BDPV08] of rate 15 and capacity 1 for a
// message whose length both sides know, natively ([Hash]) and as gnark
// constraints ([HashVariables]) with the same digest.
//
// # Method
//
// The permutation is gnark-crypto's and gnark's Poseidon2 for t = 16: the
// round constants and internal matrix HorizenLabs' parameter script gives
// for BN254 at 128-bit security with its security margin (8 full rounds,
// 57 partial rounds, x^5 S-box). The state is 16 field elements s_0 … s_15:
//
//   - s_0, the capacity, starts at the message's length L; s_1 … s_15
//     start at 0.
//   - The message is cut into blocks of 15 elements, the last padded with
//     zeros; each block is added to s_1 … s_15 and the state permuted.
//     A message of length 0 is one permutation of the initial state.
//   - The digest is s_1 of the final state.
//
// Padding with zeros is unambiguous because L is in the initial state:
// two messages of different lengths start from different states, and for
// one length the padded blocks determine the message. The capacity is
// one element of 254 bits, so the generic sponge bound gives 2^127
// against collisions and preimages, the security of a one-element digest
// and of the permutation's parameters.
//
// # Cost
//
// In R1CS the absorption is linear, so free; a permutation costs 555
// constraints (x^5 is three products: 8 × 16 full-round S-boxes and 57
// partial-round ones), 37 a message element. gnark's std/hash/poseidon2
// (Merkle–Damgård over the width-2 compression) costs 186 an element, five
// times as much, for the same 2^127.
//
// The circuit's permutation is written here (permutation.go) with gnark's
// constraints but its partial rounds' linear layer in field coefficients
// rather than builder expressions: 100 permutations compile in 0.8–1.0 s
// against gnark's gadget's 1.6–2.1 s (BenchmarkCompile, 2 cores), and the
// federated circuit of 10 × 100,000 values in 23 s instead of 34.
//
// [GKS23]: L. Grassi, D. Khovratovich, M. Schofnegger, "Poseidon2: A Faster
// Version of the Poseidon Hash Function", AFRICACRYPT 2023, ePrint 2023/323.
//
// [BDPV08]: G. Bertoni, J. Daemen, M. Peeters, G. Van Assche, "On the
// Indifferentiability of the Sponge Construction", EUROCRYPT 2008.
package sponge
