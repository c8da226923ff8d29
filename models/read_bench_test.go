package models_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

// BenchmarkUserReads measures the per-request user reads (the API's
// bearer-token check reads the user by id, a login by email) on each
// engine: time and allocations per read, the database's round trip
// included.
func BenchmarkUserReads(b *testing.B) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			s := dbtest.Open(b, engine)
			const n = 100
			for i := 1; i <= n; i++ {
				if err := s.CreateUser(ctx, &models.User{Email: fmt.Sprintf("u%d@example.com", i), PasswordHash: "h",
					MultiSigAddress: "Sc1", MultiSigScript: "51", VoteBits: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("UserByID", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := s.UserByID(ctx, int64(i%n+1)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("UserByEmail", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := s.UserByEmail(ctx, fmt.Sprintf("u%d@example.com", i%n+1)); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
