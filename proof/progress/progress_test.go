package progress

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestMeter: a report at each tenth of the work that comes a second or
// more after the previous one, with the time left extrapolated; none
// when the work is quick, and none at 100%.
func TestMeter(t *testing.T) {
	for _, tc := range []struct {
		name string
		step time.Duration // the clock's advance per call
		want []string
	}{
		{"slow", 2 * time.Second, []string{
			"setup: 10% (2s, about 18s left)",
			"setup: 20% (4s, about 16s left)",
			"setup: 30% (6s, about 14s left)",
			"setup: 40% (8s, about 12s left)",
			"setup: 50% (10s, about 10s left)",
			"setup: 60% (12s, about 8s left)",
			"setup: 70% (14s, about 6s left)",
			"setup: 80% (16s, about 4s left)",
		}},
		{"quick", time.Millisecond, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var clock time.Time
			now := func() time.Time { clock = clock.Add(tc.step); return clock }
			var got []string
			m := NewClock(func(f string, a ...any) { got = append(got, fmt.Sprintf(f, a...)) }, "setup", 100, now)
			count := m.Counter(5)
			for range 8 {
				count(2) // 10% each
			}
			if f := m.Fraction(); f != 0.8 {
				t.Errorf("fraction %v after 80 of 100, want 0.8", f)
			}
			count(20) // to 100%
			if !slices.Equal(got, tc.want) {
				t.Fatalf("reports %q, want %q", got, tc.want)
			}
		})
	}
}

// TestNilMeter: a nil meter counts nothing and never panics.
func TestNilMeter(t *testing.T) {
	var m *Meter
	m.Add(3)
	if c := m.Counter(2); c != nil {
		t.Fatal("a nil meter's counter is not nil")
	}
	if f := m.Fraction(); f != 0 {
		t.Fatalf("fraction %v", f)
	}
}
