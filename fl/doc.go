// Package fl proves federated aggregation rounds: that a new global model
// is the weighted average of committed client updates, each clipped to a
// public L2 bound, added to the previous global model (FedAvg
// [McMahan et al. 2017] with the per-client clipping of DP-FedAvg
// [Abadi et al. 2016; McMahan et al. 2018]; with a DPShape, its noise on a
// chosen layer, drawn by package dp's in-circuit sampler: noise.go), with the
// previous and the new model bound by the Poseidon2 commitments that
// `zkinfer commit` gives their ONNX files, so that an inference proof
// with hashed weights (`--param-commitment poseidon2`) chains back to the
// round that produced its model. docs/FEDERATED.md has the protocol, the
// soundness argument, what each party learns and the measured costs.
//
// # Commitments
//
// One circuit per shape (K clients × N parameters) is set up once
// (proof/groth16setup). Client k's round number, a random salt and its N
// quantized update values, each offset by 2^(UpdateBits−1) to a
// nonnegative integer (Client.Update: a small scalar costs the prover's
// multi-scalar multiplications far less than a negative one, r − |u|),
// are the wires of the circuit's Groth16 commitment k (gnark's BSB22 extension [Groth 2016; LegoSNARK, Campanelli,
// Fiore, Querol 2019]), whose point D_k = Σ_i v_i·B_i over the commitment
// key's basis B is what the proof carries. A client computes the same
// point outside the circuit, one multi-scalar multiplication of N + 2
// terms (ClientCommitment; the bases are published with the circuit,
// ClientsKeyFile), and publishes it before the round is aggregated;
// Verify requires the proof's commitment k to be client k's published
// point. The salt makes D_k perfectly hiding; binding (no second opening)
// holds under discrete log in G1 for a basis whose discrete logs nobody
// knows: for keys from an honest setup (the setup's toxic waste erased),
// as for the Pedersen weight commitment (docs/SOUNDNESS.md). Setup is a
// development setup, one process's randomness; WriteCircuit and Ceremony
// take the keys from a multi-party ceremony instead (package
// proof/ceremony, [Bowe, Gabizon, Miers 2017]), in which clients can take
// part: binding then needs one honest participant of phase 1, soundness
// one of each phase (ceremony.go).
//
// # Arithmetic
//
// Weights are quantized at 2^-ParamScale to ParamBits signed bits (as
// `zkinfer commit --param-bits` does), updates u_kj to UpdateBits signed
// bits. The circuit proves, for public round R, bound C_q (units of
// 2^-ParamScale), client weights p_k (Σ p_k = 2^16: Weights turns sample
// counts into them) and model commitments H_old, H_new:
//
//	‖u_k‖² = Σ_j u_kj²                  exact: < N·2^(2·UpdateBits) ≪ r
//	f_k = ⌊2^16·min(1, C_q/‖u_k‖)⌋        f_k² ‖u_k‖² ≤ C_q² 2^32 < (f_k+1)² ‖u_k‖² unless f_k = 2^16
//	W_new_j = W_old_j + ⌊(Σ_k p_k f_k u_kj + 2^31) / 2^32⌋
//	H_old = Commit(W_old), H_new = Commit(W_new)
//
// so every clipped update has norm at most C (f_k rounds down), the
// average is exact up to the final rounding (to nearest, half up: at most
// half a unit of 2^-ParamScale a parameter) and to the weights' own
// rounding to 2^-16, and the result stays in ParamBits bits (else the
// round is refused). Range checks, the comparisons' included, are
// log-derivative lookups (ops.LogUpRange, [Haböck 2022]). The norm sums
// two squares a constraint, (u_a + ι·u_b)(u_a − ι·u_b) = u_a² + u_b² with
// ι² = −1 (normPairs), and the N average equations are checked G at a
// time with one product a client, the parameters packed S bits apart
// (packedSums, whose comment has the argument that each slot's equation
// holds by itself): 1.7 constraints a client value in all.
//
// [McMahan et al. 2017]: https://arxiv.org/abs/1602.05629
// [Bowe, Gabizon, Miers 2017]: https://eprint.iacr.org/2017/1050
// [Haböck 2022]: https://eprint.iacr.org/2022/1530
//
// [Abadi et al. 2016]: https://arxiv.org/abs/1607.00133
// [McMahan et al. 2018]: https://arxiv.org/abs/1710.06963
// [Groth 2016]: https://eprint.iacr.org/2016/260
// [LegoSNARK, Campanelli, Fiore, Querol 2019]: https://eprint.iacr.org/2019/142
package fl
