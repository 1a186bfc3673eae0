// Package progress reports how far a long computation (a Groth16 setup, a
// ceremony step, a proof) has got, with the time it has left: percent done
// and an estimate of the time remaining, extrapolated linearly from the
// work done so far and the time it took (never from a speed fixed in
// advance). The work is counted in units of about equal cost, which the
// caller chooses: scalar multiplications, say, a G2 one weighing about
// three G1 ones.
package progress

import (
	"sync"
	"sync/atomic"
	"time"
)

// Meter counts a computation's work and reports it through a printf-style
// function at each tenth of the total that comes at least a second after
// the previous report (so a quick computation says nothing), as
//
//	setup: 40% (8s, about 12s left)
//
// Its methods are safe for concurrent use; a nil *Meter counts nothing.
type Meter struct {
	log   func(format string, args ...any)
	what  string
	now   func() time.Time
	total atomic.Int64
	done  atomic.Int64
	start time.Time

	mu    sync.Mutex
	tenth int64
	last  time.Time
}

// New returns a meter for total units of work, labelled what; log nil
// reports nothing.
func New(log func(format string, args ...any), what string, total int64) *Meter {
	return NewClock(log, what, total, time.Now)
}

// NewSince is New for work that started at start (the time so far counts
// from then).
func NewSince(log func(format string, args ...any), what string, total int64, start time.Time) *Meter {
	m := New(log, what, total)
	m.start, m.last = start, start
	return m
}

// NewClock is New with a clock, for tests.
func NewClock(log func(format string, args ...any), what string, total int64, now func() time.Time) *Meter {
	t := now()
	m := &Meter{log: log, what: what, now: now, start: t, last: t}
	m.total.Store(max(total, 1))
	return m
}

// Counter returns a function that counts items of work of the given
// weight each (nil for a nil meter).
func (m *Meter) Counter(units int64) func(int) {
	if m == nil {
		return nil
	}
	return func(items int) { m.Add(int64(items) * units) }
}

// Add counts units of work done.
func (m *Meter) Add(units int64) {
	if m == nil {
		return
	}
	done := m.done.Add(units)
	if m.log == nil {
		return
	}
	total := m.total.Load()
	tenth := 10 * done / total
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if tenth <= m.tenth || tenth >= 10 || now.Sub(m.last) < time.Second {
		return
	}
	m.tenth, m.last = tenth, now
	elapsed := now.Sub(m.start)
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	m.log("%s: %d%% (%s, about %s left)", m.what, 10*tenth, Round(elapsed), Round(left))
}

// Fraction is the part of the work done so far, in [0, 1].
func (m *Meter) Fraction() float64 {
	if m == nil {
		return 0
	}
	return min(float64(m.done.Load())/float64(m.total.Load()), 1)
}

// Round keeps two significant figures or so: 1.2s, 14s, 3m5s.
func Round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
