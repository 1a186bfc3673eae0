package groth16setup

import (
	"sync"
	"sync/atomic"
	"time"
)

// Weights of the units of work the progress estimate counts, in about a
// G1 affine addition's time: a G2 addition costs ~2.5 of them.
const (
	unitG1 = 2
	unitG2 = 5
)

// meter reports a setup's progress through a Progress callback: percent
// done and the time left, extrapolated from the time so far, at each
// tenth of the work that comes at least a second after the previous
// report (so a quick setup says nothing).
type meter struct {
	log   func(format string, args ...any)
	now   func() time.Time
	total int64
	done  atomic.Int64
	start time.Time

	mu    sync.Mutex
	tenth int64
	last  time.Time
}

func newMeter(log func(format string, args ...any), total int64) *meter {
	return newMeterClock(log, total, time.Now)
}

func newMeterClock(log func(format string, args ...any), total int64, now func() time.Time) *meter {
	t := now()
	return &meter{log: log, now: now, total: max(total, 1), start: t, last: t}
}

// counter returns a function that counts items of work of weight units
// each.
func (m *meter) counter(units int64) func(int) {
	return func(items int) { m.add(int64(items) * units) }
}

func (m *meter) add(units int64) {
	done := m.done.Add(units)
	if m.log == nil {
		return
	}
	tenth := 10 * done / m.total
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if tenth <= m.tenth || tenth >= 10 || now.Sub(m.last) < time.Second {
		return
	}
	m.tenth, m.last = tenth, now
	elapsed := now.Sub(m.start)
	left := time.Duration(float64(elapsed) * float64(m.total-done) / float64(done))
	m.log("setup: %d%% (%s, about %s left)", 10*tenth, round(elapsed), round(left))
}

// round keeps two significant figures or so: 1.2s, 14s, 3m5s.
func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
