// Command dpcount generates a synthetic loan book for the differentially
// private queries of README.md: DATA.json with each loan's 4 features
// (x[0] the amount in thousands, x[1] the interest rate in percent, x[2]
// the debt-to-income ratio, x[3] the number of late payments), a label
// (1: the loan defaulted) and a salt drawn from crypto/rand (or from the
// seed with -seeded-salt, for tests).
//
//	go run ./examples/dpcount -n 200 -out loans.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"

	"github.com/zkinfer/zkinfer/audit"
)

// Loans draws n loans: a log-normal amount, a rate that rises with the
// debt ratio and the late payments, and a default drawn from a logistic
// model of the three.
func Loans(n int, seed uint64) *audit.Data {
	rng := rand.New(rand.NewPCG(seed, 0x10a5))
	d := &audit.Data{}
	for range n {
		amount := min(math.Exp(math.Log(15)+0.6*rng.NormFloat64()), 250)
		dti := min(max(0.32+0.12*rng.NormFloat64(), 0), 0.9)
		late := float64(poisson(rng, 0.6))
		rate := 4 + 6*dti + 1.5*late + 2*rng.Float64()
		z := -3 + 4*(dti-0.32) + 0.9*late + 0.01*(amount-15)
		rec := []float64{amount, rate, dti, late}
		for j := range rec {
			rec[j] = math.Round(rec[j]*1000) / 1000
		}
		d.Records = append(d.Records, rec)
		label := int64(0)
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			label = 1
		}
		d.Labels = append(d.Labels, label)
	}
	return d
}

func seededSalt(seed uint64) *big.Int { return new(big.Int).SetUint64(seed*0x9e3779b97f4a7c15 + 1) }

func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func main() {
	n := flag.Int("n", 200, "number of loans")
	seed := flag.Uint64("seed", 20261130, "random seed of the loans")
	seeded := flag.Bool("seeded-salt", false, "derive the salt from the seed (tests only: a salt must be secret)")
	out := flag.String("out", "loans.json", "DATA.json to write")
	flag.Parse()
	d := Loans(*n, *seed)
	salt, err := audit.NewSalt()
	if *seeded {
		salt = seededSalt(*seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpcount:", err)
		os.Exit(3)
	}
	d.Salt = audit.SaltHex(salt)
	b, err := json.Marshal(d)
	if err == nil {
		err = os.WriteFile(*out, append(b, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpcount:", err)
		os.Exit(3)
	}
	fmt.Printf("wrote %d loans to %s\n", *n, *out)
}
