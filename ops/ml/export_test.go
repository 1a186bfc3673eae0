package ml

// Internals for the external tests (which import model, and so this
// package, through internal/optest).

type BucketPlan = bucketPlan

var (
	NewBucketPlan = newBucketPlan
	CircuitOneHot = circuitOneHot
)

func (p *bucketPlan) Bucket(q int64) int { return p.bucket(q) }
