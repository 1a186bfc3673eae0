package fl

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// TestCostPerParameter measures the circuit's constraints per parameter
// and per client value from two shapes (the lookup tables' fixed cost
// cancels).
func TestCostPerParameter(t *testing.T) {
	count := func(k, n int) int {
		ccs, err := Compile(Shape{Clients: k, Params: n, ParamBits: 16, ParamScale: 12, UpdateBits: 16})
		if err != nil {
			t.Fatal(err)
		}
		return ccs.GetNbConstraints()
	}
	a, b, c := count(2, 500), count(2, 1000), count(4, 500)
	perValue := float64(c-a) / (2 * 500)
	perParam := float64(b-a)/500 - 2*perValue
	t.Logf("K=2 N=500: %d, K=2 N=1000: %d, K=4 N=500: %d constraints: %.2f a client value, %.2f a parameter besides", a, b, c, perValue, perParam)
	// Small shapes pick narrower lookup tables (a 2^16-row table costs
	// 65,537 constraints once), so a 16-bit check takes two limbs here;
	// at 10 × 100,000 it is one (docs/FEDERATED.md). Before the paired
	// squares and the packed sums (normPairs, packedSums): 4.5 and 32.
	if perValue > 2.9 || perParam > 36 {
		t.Fatalf("cost rose: %.2f a client value (want ≤ 2.9), %.2f a parameter (want ≤ 36)", perValue, perParam)
	}
}

// TestMeasure is the measurement, by hand only:
// FL_MEASURE=10x100000 go test ./fl -run TestMeasure -v (under
// /usr/bin/time -v for the peak RSS); FL_PUBLIC=1 for public models,
// FL_COMPILE_ONLY=1 to stop after counting the constraints.
func TestMeasure(t *testing.T) {
	spec := os.Getenv("FL_MEASURE")
	if spec == "" {
		t.Skip("FL_MEASURE=KxN measures compile, setup, commit, aggregate and prove at that shape")
	}
	var k, n int
	if _, err := fmt.Sscanf(spec, "%dx%d", &k, &n); err != nil {
		t.Fatalf("FL_MEASURE=%q: want KxN", spec)
	}
	s := Shape{Clients: k, Params: n, ParamBits: 16, ParamScale: 12, UpdateBits: 16, PublicModels: os.Getenv("FL_PUBLIC") != ""}
	// cpu is the process's user + system CPU time: on a shared machine the
	// wall time depends on the load, the CPU time much less.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	c0 := cpu()
	phase := func() time.Duration { c := cpu(); d := c - c0; c0 = c; return d.Round(time.Millisecond) }
	t0 := time.Now()
	ccs, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("compile %v (CPU %v): %d constraints (%.2f a parameter)", time.Since(t0), phase(), ccs.GetNbConstraints(), float64(ccs.GetNbConstraints())/float64(n))
	if os.Getenv("FL_COMPILE_ONLY") != "" {
		return
	}
	t0 = time.Now()
	keys, err := Setup(s, ccs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("setup %v (CPU %v)", time.Since(t0), phase())
	dir := t.TempDir()
	t0 = time.Now()
	if err := WriteDir(dir, s, ccs, keys); err != nil {
		t.Fatal(err)
	}
	t.Logf("write the directory %v (CPU %v)", time.Since(t0), phase())
	rng := rand.New(rand.NewPCG(1, 2))
	r := &Round{Number: 1, Old: make([]int64, n), Clip: 40000}
	for j := range r.Old {
		r.Old[j] = rng.Int64N(16000) - 8000
	}
	counts := make([]int64, k)
	for c := range k {
		u := make([]int64, n)
		for j := range u {
			u[j] = rng.Int64N(400) - 200
		}
		r.Updates = append(r.Updates, u)
		r.Salts = append(r.Salts, big.NewInt(rng.Int64()))
		counts[c] = 100 + int64(c)
	}
	r.Weights, _ = Weights(counts)
	t0 = time.Now()
	var pts []curve.G1Affine
	for c := range k {
		p, err := ClientCommitment(keys.Bases[c], s.UpdateBits, r.Number, r.Salts[c], r.Updates[c])
		if err != nil {
			t.Fatal(err)
		}
		pts = append(pts, p)
	}
	t.Logf("client commitments: %v each (CPU %v each)", time.Since(t0)/time.Duration(k), phase()/time.Duration(k))
	t0 = time.Now()
	res, err := Aggregate(s, r)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("aggregate (native, both Poseidon2 commitments) %v (CPU %v); factors %v", time.Since(t0), phase(), res.Factors)
	t0 = time.Now()
	// fl aggregate's prover, or with FL_GNARK=1 gnark's (Prove).
	prover := "ProveFile"
	prove := func() (*groth16bn254.Proof, error) {
		return ProveFile(s, ccs, filepath.Join(dir, PKFile), r, res, nil)
	}
	if os.Getenv("FL_GNARK") != "" {
		prover = "gnark's Prove"
		prove = func() (*groth16bn254.Proof, error) { return Prove(s, ccs, keys.PK, r, res) }
	}
	prf, err := prove()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("prove (%s) %v (CPU %v)", prover, time.Since(t0), phase())
	t0 = time.Now()
	st := &Statement{Round: r.Number, Clip: r.Clip, Weights: r.Weights, Old: res.OldCom, New: res.NewCom, Clients: pts,
		OldW: r.Old, NewW: res.New, ModelBases: keys.ModelBases}
	if err := Verify(s, keys.VK, prf, st); err != nil {
		t.Fatal(err)
	}
	t.Logf("verify %v", time.Since(t0))
}
