package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

// BenchmarkPoolUsers100k measures the full read the front end makes to
// (re)compute the state digest every backend must match: every user with a
// voting address, at the target scale of 100,000 users.
func BenchmarkPoolUsers100k(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			s := dbtest.Open(b, engine)
			ctx := context.Background()
			const n, batch = 100_000, 500
			script := strings.Repeat("ab", 71)
			for i := 0; i < n; i += batch {
				var sb strings.Builder
				sb.WriteString("INSERT INTO users (email, password_hash, created_at, multisig_address, multisig_script, " +
					"pool_pubkey_addr, user_pubkey_addr, user_fee_addr, height_registered, vote_bits, vote_bits_version) VALUES ")
				for j := i; j < i+batch; j++ {
					if j > i {
						sb.WriteByte(',')
					}
					fmt.Fprintf(&sb, "('u%d@example.com', 'x', 1, 'Sc%033d', '%s', 'Sk%d', 'Sk%d', 'Ss%d', 100, 5, 10)", j, j, script, j, j, j)
				}
				if err := s.ExecForTest(ctx, sb.String()); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("PoolUsers", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					us, err := s.PoolUsers(ctx)
					if err != nil || len(us) != n {
						b.Fatalf("%d users, %v", len(us), err)
					}
				}
			})
			b.Run("PoolPrefs", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					ps, err := s.PoolPrefs(ctx)
					if err != nil || len(ps) != n {
						b.Fatalf("%d users, %v", len(ps), err)
					}
				}
			})
		})
	}
}

var _ = models.SQLite
