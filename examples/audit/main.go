// Command audit generates a synthetic dataset of credit applicants for
// auditing examples/credit's model: DATA.json with each applicant's 8
// features (in examples/credit/train.py's order and units), a label (1:
// the applicant repays, drawn from train.py's ground-truth repayment
// probability) and a group column "over_40" (age > 40), and a salt drawn
// from crypto/rand (or from the seed with -seeded-salt, for tests).
//
//	go run ./examples/audit -n 1000 -out data.json
//
// See README.md for the audit it feeds and its threat model.
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

// Data draws n applicants as train.py's applicants() does (same
// distributions), with labels drawn from its logistic ground truth.
func Data(n int, seed uint64) *audit.Data {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	d := &audit.Data{Groups: map[string][]int{"over_40": make([]int, n)}}
	for i := range n {
		income := math.Exp(math.Log(55) + 0.45*rng.NormFloat64())
		dti := min(max(0.32+0.12*rng.NormFloat64(), 0), 0.9)
		age := float64(21 + rng.IntN(49))
		history := max(age-18-4*rng.ExpFloat64(), 0)
		late := float64(poisson(rng, 0.6))
		util := min(max(beta23(rng), 0), 1)
		loan := math.Exp(math.Log(15) + 0.6*rng.NormFloat64())
		employ := min(5*rng.ExpFloat64(), age-18)
		z := 1.2 + 0.025*(income-55) - 4*(dti-0.32) + 0.06*history - 0.9*late - 1.5*(util-0.4) - 0.03*(loan-15) + 0.05*employ
		p := 1 / (1 + math.Exp(-z))
		rec := []float64{income, dti, history, late, util, age, loan, employ}
		for j := range rec {
			rec[j] = math.Round(rec[j]*1000) / 1000
		}
		d.Records = append(d.Records, rec)
		label := int64(0)
		if rng.Float64() < p {
			label = 1
		}
		d.Labels = append(d.Labels, label)
		if age > 40 {
			d.Groups["over_40"][i] = 1
		}
	}
	return d
}

// seededSalt is a salt anyone can recompute from the seed: for tests only.
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

// beta23 draws Beta(2, 3) as the second smallest of 4 uniforms.
func beta23(rng *rand.Rand) float64 {
	u := []float64{rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64()}
	for i := range u {
		for j := i + 1; j < len(u); j++ {
			if u[j] < u[i] {
				u[i], u[j] = u[j], u[i]
			}
		}
	}
	return u[1]
}

func main() {
	n := flag.Int("n", 1000, "number of applicants")
	seed := flag.Uint64("seed", 20261124, "random seed of the applicants")
	seeded := flag.Bool("seeded-salt", false, "derive the salt from the seed (tests only: a salt must be secret)")
	out := flag.String("out", "data.json", "DATA.json to write")
	flag.Parse()
	d := Data(*n, *seed)
	salt, err := audit.NewSalt()
	if *seeded {
		salt = seededSalt(*seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(3)
	}
	d.Salt = audit.SaltHex(salt)
	b, err := json.Marshal(d)
	if err == nil {
		err = os.WriteFile(*out, append(b, '\n'), 0o600)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(3)
	}
	fmt.Printf("wrote %s: %d applicants, %d labelled as repaying, %d over 40\n", *out, *n, count(d.Labels), countInts(d.Groups["over_40"]))
}

func count(v []int64) (n int) {
	for _, x := range v {
		n += int(x)
	}
	return n
}

func countInts(v []int) (n int) {
	for _, x := range v {
		n += x
	}
	return n
}
