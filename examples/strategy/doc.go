// Package strategy holds Vault.sol, a contract that moves its position only
// for a zkinfer proof that the registered trading model (secret weights,
// committed at deployment) decided so on the round's public market
// features, and its test on go-ethereum's simulated chain (README.md;
// generate.py makes the models and the data).
package strategy
