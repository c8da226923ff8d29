package stakepooldclient

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkExpected100k measures the front end's side of the digest at
// 100,000 users: a full load (start-up, repairs, every RefreshEvery), one
// user's change (every vote change), and what every poll reads.
func BenchmarkExpected100k(b *testing.B) {
	prefs := make([]VotingPrefs, 100_000)
	for i := range prefs {
		prefs[i] = VotingPrefs{UserID: int64(i + 1), MultisigAddress: fmt.Sprintf("Sc%033d", i), VoteBits: 1, VoteBitsVersion: 8}
	}
	var e expected
	b.Run("load", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			e.load(prefs, nil, e.generation(), time.Now())
		}
	})
	b.Run("one user changes", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p := prefs[i%len(prefs)]
			p.VoteBits = uint16(1 + 2*(i%2))
			e.begin(func() { e.setUser(p) })()
		}
	})
	b.Run("poll snapshot", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = e.snapshot()
		}
	})
}
