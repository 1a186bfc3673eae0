// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ReputationModel} from "./ReputationModel.sol";

/// @title Reputation: a "trusted seller" badge for a proven score, the activity kept private.
/// @notice A marketplace publishes its scoring model (examples/reputation/model.onnx, weights
/// fixed in the circuit: anyone can check the model's hash, MODEL_SHA256). A seller proves that
/// the model scores their private activity (orders, disputes, account age, on-time share, volume,
/// reviews) at least 0.8 and gets the badge; the proof reveals neither the activity nor the score,
/// only the claim "output[0] >= 0.8".
///
/// ReputationModel is the wrapper contract `zkinfer export-verifier` writes:
///
///     zkinfer compile examples/reputation/model.onnx --out rep --claim "output[0] >= 0.8" --range-check bits
///     zkinfer setup rep
///     zkinfer export-verifier rep --out Verifier.sol --name ReputationModel
///
/// What an attestation checks: the claim's tag and bound are constants of ReputationModel, pinned
/// in the circuit, so a proof of a lower threshold fails (ProofRejected); the verifier is the one
/// ReputationModel deploys, so a proof under other keys (another model, another claim) fails; the
/// proof is bound to this chain, this contract, the seller and the seller's nonce (WrongContext),
/// so a proof copied from the mempool fails for any other sender and an accepted one cannot be
/// presented again. A badge lasts VALIDITY seconds: the seller proves again with fresh activity.
contract Reputation is ReputationModel {
    /// How long a badge lasts.
    uint256 public constant VALIDITY = 30 days;
    /// When each seller's badge was granted (0: never).
    mapping(address => uint256) public attestedAt;

    event Attested(address indexed seller, uint256 nonce);

    /// Prove with the bytes contextBytes(msg.sender) returns (zkinfer prove --context) and pass the
    /// proof and its context, its last public input.
    function attest(bytes calldata proof, uint256 context) external {
        uint256 nonce = nonces[msg.sender];
        _verifyFor(msg.sender, proof, context);
        attestedAt[msg.sender] = block.timestamp;
        emit Attested(msg.sender, nonce);
    }

    /// Whether seller holds a badge now.
    function isTrusted(address seller) external view returns (bool) {
        uint256 t = attestedAt[seller];
        return t != 0 && block.timestamp < t + VALIDITY;
    }
}
