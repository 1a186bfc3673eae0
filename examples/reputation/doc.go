// Package reputation holds Reputation.sol, a contract that grants a
// "trusted seller" badge for a zkinfer proof that a public scoring model
// rates the seller's private activity at least 0.8, and its test on
// go-ethereum's simulated chain (README.md; generate.py makes the model and
// the data).
package reputation
