// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Lender: a loan for a proven credit score.
/// @notice Grants a loan to an applicant who presents a zkinfer proof that
/// the credit model (examples/credit/model.onnx), run on the applicant's
/// private data, scored at least `threshold`. The model is pinned by the
/// verifier: `zkinfer export-verifier` writes a contract whose verifying key
/// belongs to one compiled model, so a proof of any other model, of other
/// keys or of other outputs fails there.
/// @dev The score is a public input of the proof: the circuit's public
/// values are its public inputs, then its outputs, each a BN254 scalar
/// field element holding a fixed-point integer q = round(x * 2^scale)
/// (negative values wrap to R - |q|). `threshold` is in the same units.
///
/// Not production-ready: a proof says "some private data scores this
/// high", not whose, so it could be replayed by another sender (binding the
/// applicant's address as a public input needs circuit support zkinfer does
/// not have yet); and there is no money here, only a record of loans.
contract Lender {
    /// BN254's scalar field order.
    uint256 internal constant R =
        21888242871839275222246405745257296183300815467392416913580429389097519919617;

    address public immutable verifier;
    uint256 public immutable numInputs; // N of verifyProof(bytes, uint256[N])
    uint256 public immutable scoreIndex; // where the score sits among them
    int256 public immutable threshold; // fixed point, the score's scale
    bytes4 public immutable verifySelector;

    mapping(address => uint256) public loans;

    event LoanGranted(address indexed borrower, int256 score);

    error NoVerifier();
    error BadScoreIndex();
    error WrongInputCount(uint256 got, uint256 want);
    error ProofRejected();
    error ScoreTooLow(int256 score, int256 threshold);

    constructor(address verifier_, uint256 numInputs_, uint256 scoreIndex_, int256 threshold_) {
        // A call to an address without code succeeds: refuse one.
        if (verifier_.code.length == 0) revert NoVerifier();
        if (scoreIndex_ >= numInputs_) revert BadScoreIndex();
        verifier = verifier_;
        numInputs = numInputs_;
        scoreIndex = scoreIndex_;
        threshold = threshold_;
        verifySelector = bytes4(keccak256(abi.encodePacked("verifyProof(bytes,uint256[", decimal(numInputs_), "])")));
    }

    /// Apply for a loan with a proof and its public inputs, the calldata
    /// pieces `zkinfer calldata` encodes (the proof file's public_inputs).
    function applyForLoan(bytes calldata proof, uint256[] calldata input) external {
        if (input.length != numInputs) revert WrongInputCount(input.length, numInputs);
        // verifyProof(bytes proof, uint256[N] input): the offset of proof,
        // the N inputs in place, then proof's length and bytes.
        uint256[] memory inputs = input;
        bytes memory data = abi.encodePacked(
            verifySelector, uint256(32 * (numInputs + 1)), inputs, uint256(proof.length), proof,
            new bytes((32 - proof.length % 32) % 32)
        );
        (bool ok,) = verifier.staticcall(data); // reverts when the proof is invalid
        if (!ok) revert ProofRejected();

        int256 score = signed(input[scoreIndex]);
        if (score < threshold) revert ScoreTooLow(score, threshold);
        loans[msg.sender] += 1;
        emit LoanGranted(msg.sender, score);
    }

    /// A field element as the signed integer it encodes.
    function signed(uint256 v) internal pure returns (int256) {
        if (v <= (R - 1) / 2) return int256(v);
        return -int256(R - v);
    }

    function decimal(uint256 v) internal pure returns (bytes memory s) {
        if (v == 0) return "0";
        for (; v > 0; v /= 10) {
            s = abi.encodePacked(bytes1(uint8(48 + v % 10)), s);
        }
    }
}
