// Package lender holds Lender.sol, an example contract that grants a loan
// only for a valid zkinfer proof that the lender's credit model, with its
// committed weights, scores the applicant at least 0.7, bound to the
// applicant and their nonce, and its test on go-ethereum's simulated chain.
package lender
