// Package lender holds Lender.sol, an example contract that grants a loan
// only for a valid zkinfer proof that the credit model scored the applicant
// above a threshold, and its test on go-ethereum's simulated chain.
package lender
