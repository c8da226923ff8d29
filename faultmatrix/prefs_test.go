package faultmatrix

import (
	"testing"
	"time"
)

// TestPrefsAllowed: a vote is judged by the bits in force when its block
// was mined; only an acknowledged change replaces the earlier bits, and
// only from prefSlack after its answer.
func TestPrefsAllowed(t *testing.T) {
	u := &User{ID: 7, VoteBits: 0x0003}
	p := NewPrefs([]*User{u})
	t0 := time.Now()
	i := p.Begin(u.ID, 0x0005)
	p.writes[u.ID][i].start = t0
	p.End(u.ID, i, true)
	p.writes[u.ID][i].end = t0.Add(100 * time.Millisecond)
	j := p.Begin(u.ID, 0x0001) // refused
	p.writes[u.ID][j].start = t0.Add(10 * time.Second)
	p.End(u.ID, j, false)
	p.writes[u.ID][j].end = t0.Add(11 * time.Second)

	tests := []struct {
		name string
		bits uint16
		at   time.Duration
		want bool
	}{
		{"old bits before the change", 0x0003, -time.Second, true},
		{"new bits before the change was sent", 0x0005, -time.Second, false},
		{"old bits while the answer travels", 0x0003, 500 * time.Millisecond, true},
		{"new bits right after the request", 0x0005, 50 * time.Millisecond, true},
		{"old bits once the change is in force", 0x0003, 2 * time.Second, false},
		{"new bits once in force", 0x0005, 2 * time.Second, true},
		{"unacknowledged bits before their request", 0x0001, 5 * time.Second, false},
		{"unacknowledged bits after their request", 0x0001, 12 * time.Second, true},
		{"acknowledged bits stay right after a refused change", 0x0005, 12 * time.Second, true},
		{"bits nobody asked for", 0x0009, 12 * time.Second, false},
	}
	for _, tc := range tests {
		if got := p.Allowed(u.ID, tc.bits, t0.Add(tc.at)); got != tc.want {
			t.Errorf("%s: Allowed(%#04x, %v) = %v, want %v", tc.name, tc.bits, tc.at, got, tc.want)
		}
	}
}
