// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CreditModel} from "./CreditModel.sol";

/// @title Lender: a loan for a proven credit score.
/// @notice Grants a loan to an applicant who presents a zkinfer proof that the lender's credit
/// model (examples/credit/model.onnx), run on the applicant's private data, scores at least 0.7.
/// The applicant keeps their data and the lender its weights; the proof reveals neither, nor the
/// score itself: only the claim "output[0] >= 0.7".
///
/// CreditModel is the wrapper contract `zkinfer export-verifier` writes for the compiled directory:
///
///     zkinfer compile examples/credit/model.onnx --out credit --param-visibility hashed \
///             --param-bits 20 --claim "output[0] >= 0.7" --range-check bits
///     zkinfer setup credit
///     zkinfer commit credit --model examples/credit/model.onnx --param-salt SALT   # D, 64 bytes
///     zkinfer export-verifier credit --out Verifier.sol --name CreditModel          # + CreditModel.sol
///
/// Deployed with the lender's model commitment D, it checks for every application what the
/// circuit cannot pin at compile time (see CreditModel.sol):
/// - the verifying key: CreditModel deploys its own Verifier, so a proof under other keys fails;
/// - the claim: its tag and its bound (q >= 2868, 0.7 at scale 2^12) are constants of CreditModel
///   and pinned in the circuit, so a proof of a lower score fails;
/// - the model: the weights' commitment each proof carries must be D (WrongModelCommitment), so a
///   proof made with any other weights fails, although the verifying key fits them all;
/// - the applicant: each proof is bound to this chain, this contract, the applicant's address and
///   the applicant's nonce (contextBytes). A proof copied from the mempool fails for any other
///   sender, and an accepted proof cannot be presented again (WrongContext): the replay and
///   front-running that an unbound proof allowed are prevented.
///
/// Not production-ready: there is no money here, only a record of loans.
contract Lender is CreditModel {
    /// Loans granted, by borrower.
    mapping(address => uint256) public loans;

    event LoanGranted(address indexed borrower, uint256 nonce);

    /// @param modelCommitment the lender's weights' commitment D, as `zkinfer commit` prints it.
    constructor(bytes memory modelCommitment) CreditModel(modelCommitment) {}

    /// Apply for a loan. Prove with the bytes contextBytes(msg.sender) returns:
    ///     zkinfer prove credit --input IN.json --model MODEL.onnx --param-salt SALT \
    ///             --context CONTEXT --proof p.json
    /// and pass the proof (the Solidity encoding `zkinfer calldata credit --proof p.json --call
    /// verify` carries) and its context, the proof's last public input. Reverts unless the proof
    /// is valid, for the registered model, and bound to msg.sender's current nonce.
    function applyForLoan(bytes calldata proof, uint256 context) external {
        uint256 nonce = nonces[msg.sender];
        _verifyFor(msg.sender, proof, context);
        loans[msg.sender] += 1;
        emit LoanGranted(msg.sender, nonce);
    }
}
