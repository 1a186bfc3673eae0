// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {StrategyModel} from "./StrategyModel.sol";

/// @title Vault: trades only on a proven decision of the registered strategy.
/// @notice An oracle posts each round's public market features; the operator's trading model
/// (examples/strategy/model.onnx, weights secret, committed at deployment) decides sell, hold
/// or buy on them, and the vault moves its position only for a zkinfer proof that the registered
/// model computed the decision's logits on exactly the posted features. Depositors learn the
/// decision and can audit that every trade followed the committed strategy; competitors never
/// see its weights.
///
/// StrategyModel is the wrapper contract `zkinfer export-verifier` writes for the compiled
/// directory:
///
///     zkinfer compile examples/strategy/model.onnx --out strategy --input-visibility public \
///             --param-visibility hashed --param-bits 20 --range-check bits
///     zkinfer setup strategy
///     zkinfer commit strategy --model examples/strategy/model.onnx --param-salt SALT   # D
///     zkinfer export-verifier strategy --out Verifier.sol --name StrategyModel
///
/// What a trade checks, in order:
/// - the features: the proof's public input must be this round's posted features (StaleMarket);
/// - one trade a round (AlreadyTraded);
/// - the context: the proof is bound to this chain, this vault, the operator and the operator's
///   nonce (WrongContext): a proof copied from the mempool fails for anyone else, and an accepted
///   proof cannot be presented again, in this round or a later one with the same features;
/// - the model: the weights' commitment in the proof must be the registered D
///   (WrongModelCommitment): another strategy's proof fails although the verifying key fits it;
/// - the proof, for these features and these logits (ProofRejected): an edited decision fails.
///
/// Not production-ready: there are no assets here, only a position counter.
contract Vault is StrategyModel {
    address public immutable oracle;
    address public immutable operator;
    /// The current round, its features' hash and the last round traded.
    uint256 public round;
    bytes32 public marketHash;
    uint256 public tradedRound;
    /// The position, in lots: +1 for each buy, -1 for each sell.
    int256 public position;

    event MarketPosted(uint256 indexed round, int256[6] features);
    event Traded(uint256 indexed round, uint8 action, int256 position);

    error NotOracle();
    error NotOperator();
    error StaleMarket();
    error AlreadyTraded(uint256 round);

    /// @param modelCommitment the strategy's weights' commitment D, as `zkinfer commit` prints it.
    /// @param oracle_ who posts the market features.
    constructor(bytes memory modelCommitment, address oracle_) StrategyModel(modelCommitment) {
        oracle = oracle_;
        operator = msg.sender;
    }

    /// The oracle posts a round's features (fixed point at scale 2^12, q = round(x·4096)).
    function postMarket(int256[6] calldata features) external {
        if (msg.sender != oracle) revert NotOracle();
        round += 1;
        marketHash = keccak256(abi.encode(features));
        emit MarketPosted(round, features);
    }

    /// Trade this round on a proof of the strategy's logits (sell, hold, buy) for the posted
    /// features, bound to contextBytes(operator).
    function trade(bytes calldata proof, int256[6] calldata input, int256[3] calldata output, uint256 context)
        external
    {
        if (msg.sender != operator) revert NotOperator();
        if (round == 0 || keccak256(abi.encode(input)) != marketHash) revert StaleMarket();
        if (tradedRound == round) revert AlreadyTraded(round);
        _verifyFor(msg.sender, proof, input, output, context);
        tradedRound = round;
        uint8 action = 0;
        for (uint8 i = 1; i < 3; ++i) {
            if (output[i] > output[action]) action = i; // the first largest logit
        }
        if (action == 2) position += 1;
        else if (action == 0) position -= 1;
        emit Traded(round, action, position);
    }
}
