package store

import (
	"fmt"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// BenchmarkAppend measures storing one user's change (one journal record,
// one fsync) after a snapshot of 1,000 and of 100,000 users: the cost
// must not grow with the number of users.
func BenchmarkAppend(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			st := pool.State{Users: make([]pool.UserPrefs, n)}
			for i := range st.Users {
				st.Users[i] = pool.UserPrefs{UserID: int64(i + 1), MultisigAddress: fmt.Sprintf("Sc%034d", i), VoteBits: 1, VoteBitsVersion: 8}
			}
			f, err := New(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			if err := f.Save(st); err != nil {
				b.Fatal(err)
			}
			// What a compaction would write (its content does not matter here).
			full := func() pool.State { return st }
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				u := st.Users[i%n]
				u.VoteBits = uint16(1 + 2*(i%3))
				if err := f.Append([]pool.Change{{Kind: pool.ChangeUser, User: u}}, full); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			f.waitCompaction()
		})
	}
}
