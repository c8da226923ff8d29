package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/eacred/dcrstakepool/internal/benchdata"
	"github.com/eacred/dcrstakepool/internal/benchdata/benchdb"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

// seeded returns a store of engine holding n synthetic users (benchdata),
// every one with a voting address, 100 active low-fee tickets and one
// session per 100 users.
func seeded(tb testing.TB, engine models.Engine, n int) *models.Store {
	tb.Helper()
	ctx := context.Background()
	s := dbtest.Open(tb, engine)
	d := benchdata.New(n, n*4096/10000)
	if err := benchdb.Seed(ctx, s, d); err != nil {
		tb.Fatal(err)
	}
	var lf []models.LowFeeTicket
	for i := 0; i < 100; i++ {
		lf = append(lf, models.LowFeeTicket{TicketHash: d.Tickets[i].Hash, MultisigAddress: d.Users[d.Tickets[i].Owner].MultisigAddress,
			AddedBy: 1, AddedAt: 1, ExpiresAt: 1 << 40})
	}
	if _, err := s.AddLowFeeTickets(ctx, lf); err != nil {
		tb.Fatal(err)
	}
	now := time.Now().Unix()
	for i := 0; i < n; i += 100 {
		if err := s.CreateSession(ctx, &models.Session{ID: fmt.Sprintf("%064d", i), UserID: int64(i + 1),
			CreatedAt: now, ExpiresAt: now + 3600}); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// BenchmarkScale measures the front end's database at 100,000 users (all
// with voting addresses, 1,000 sessions) on SQLite and MariaDB: its size
// per user, the query plans of the statements that matter (logged with
// -v), and the time of each statement.
func BenchmarkScale(b *testing.B) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			benchdata.Machine()
			t0 := time.Now()
			s := seeded(b, engine, benchdata.Users)
			b.Logf("%s: seeded %d users in %v", engine, benchdata.Users, time.Since(t0).Round(time.Millisecond))
			var dir string
			if engine == models.MySQL {
				dir = dbtest.MariaDB(b).Dir()
				// Sizes of a settled table, not of pages still in the
				// redo log.
				if _, err := s.QueryForTest(ctx, "ANALYZE TABLE users, sessions, low_fee_tickets"); err != nil {
					b.Fatal(err)
				}
			}
			size := dbBytes(b, s, dir)
			for _, q := range models.QueriesForTest {
				b.Logf("%s %s: %s", engine, q.Name, strings.Join(explain(b, s, q.SQL, q.Args...), "; "))
			}
			b.Run("Size", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
				}
				b.ReportMetric(float64(size)/1e6, "MB")
				b.ReportMetric(float64(size)/float64(benchdata.Users), "bytes/user")
			})
			sid := fmt.Sprintf("%064d", 5000)
			now := time.Now().Unix()
			run := func(name string, fn func(i int) error) {
				b.Run(name, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						if err := fn(i); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
				})
			}
			run("UserByEmail", func(i int) error {
				_, err := s.UserByEmail(ctx, fmt.Sprintf("user%d@example.com", i*7919%benchdata.Users+1))
				return err
			})
			run("SessionUser", func(int) error { _, _, err := s.SessionUser(ctx, sid, now); return err })
			run("CountUsers", func(int) error {
				total, active, err := s.CountUsers(ctx)
				if err == nil && (total != int64(benchdata.Users) || active != int64(benchdata.Users)) {
					err = fmt.Errorf("counted %d users, %d active", total, active)
				}
				return err
			})
			run("LastPoolUser", func(int) error { _, err := s.LastPoolUser(ctx); return err })
			run("ActiveLowFeeTickets", func(int) error { _, err := s.ActiveLowFeeTickets(ctx, now); return err })
			run("SetVoteBits", func(i int) error {
				return s.SetVotingPrefs(ctx, poolapi.User{UserID: int64(i*7919%benchdata.Users + 1), VoteBits: 5, VoteBitsVersion: 10})
			})
			run("PoolUsers", func(int) error {
				us, err := s.PoolUsers(ctx)
				if err == nil && len(us) != benchdata.Users {
					err = fmt.Errorf("%d users", len(us))
				}
				return err
			})
			run("PoolScripts", func(int) error {
				ps, err := s.PoolScripts(ctx)
				if err == nil && len(ps) != benchdata.Users {
					err = fmt.Errorf("%d users", len(ps))
				}
				return err
			})
			run("PoolPrefs", func(int) error {
				ps, err := s.PoolPrefs(ctx)
				if err == nil && len(ps) != benchdata.Users {
					err = fmt.Errorf("%d users", len(ps))
				}
				return err
			})
		})
	}
}
