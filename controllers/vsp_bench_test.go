package controllers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/models"
	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkTicketsPage renders /tickets for a user with 10,000 tickets,
// calling the real router in-process (server time only, no socket).
func BenchmarkTicketsPage(b *testing.B) {
	ve := newVSPEnv(b, vspOptions{})
	u, c := ve.withAddress(b, "many@example.com", 1)
	ut := stakepooldclient.UserTickets{}
	statuses := []stakepooldclient.TicketStatus{stakepooldclient.StatusLive, stakepooldclient.StatusVoted,
		stakepooldclient.StatusVoted, stakepooldclient.StatusVoted, stakepooldclient.StatusMissed,
		stakepooldclient.StatusExpired, stakepooldclient.StatusImmature}
	for i := 0; i < 10000; i++ {
		ut.Tickets = append(ut.Tickets, stakepooldclient.UserTicket{Hash: fmt.Sprintf("%064x", i*7919),
			Status: statuses[i%len(statuses)], TicketHeight: uint32(i), SpentByHeight: uint32(20000 - i)})
	}
	for i := 0; i < 50; i++ {
		ut.Invalid = append(ut.Invalid, fmt.Sprintf("%064x", i+1<<40))
	}
	for _, f := range ve.Fakes {
		f.Do(func(fb *fakebackend.Backend) { fb.Tickets[u.MultiSigAddress] = ut })
	}
	h := ve.Env.Server.Config.Handler
	srvURL, _ := url.Parse(ve.Env.Server.URL)
	cookies := c.HTTP.Jar.Cookies(srvURL)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, "/tickets", nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.Len() < 100000 {
			b.Fatalf("status %d, %d bytes", rec.Code, rec.Body.Len())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
}

// BenchmarkStats measures /stats and /api/v2/stats over HTTP with parallel
// clients, on MariaDB and SQLite.
func BenchmarkStats(b *testing.B) {
	for _, engine := range []models.Engine{models.MySQL, models.SQLite} {
		for _, path := range []string{"/stats", "/api/v2/stats"} {
			b.Run(string(engine)+strings.ReplaceAll(path, "/", "_"), func(b *testing.B) {
				ve := newVSPEnv(b, vspOptions{Engine: engine})
				ve.CreateUser("someone@example.com", "password123", true)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					c := ve.Env.Client()
					for pb.Next() {
						resp, err := c.HTTP.Get(ve.Env.Server.URL + path)
						if err != nil {
							b.Error(err)
							return
						}
						n, _ := io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 || n < 200 {
							b.Errorf("status %d, %d bytes", resp.StatusCode, n)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}

// BenchmarkAddressCreation submits one address per user through the API
// with 3 in-memory backends (backend time ~0), on SQLite and MariaDB.
func BenchmarkAddressCreation(b *testing.B) {
	for _, engine := range []models.Engine{models.SQLite, models.MySQL} {
		b.Run(string(engine), func(b *testing.B) {
			ve := newVSPEnv(b, vspOptions{Engine: engine, Backends: 3})
			type acct struct{ token, addr string }
			accts := make([]acct, b.N)
			sim := chaincfg.SimNetParams()
			for i := range accts {
				u := &models.User{Email: fmt.Sprintf("u%d@example.com", i), PasswordHash: "x", EmailVerified: true,
					CreatedAt: time.Now().Unix(), VoteBits: 1}
				if err := ve.Store.CreateUser(vbg, u); err != nil {
					b.Fatal(err)
				}
				tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": time.Now().Unix(),
					"iss": ve.Env.Server.URL, "loggedInAs": u.ID}).SignedString([]byte(testAPISecret))
				if err != nil {
					b.Fatal(err)
				}
				if err := ve.Store.SetAPIToken(vbg, u.ID, tok); err != nil {
					b.Fatal(err)
				}
				accts[i] = acct{tok, pubKeyAddr(b, byte(i%250+1), sim)}
			}
			c := ve.Env.Client()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest(http.MethodPost, ve.Env.Server.URL+"/api/v1/address",
					strings.NewReader(url.Values{"UserPubKeyAddr": {accts[i].addr}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Authorization", "Bearer "+accts[i].token)
				p := c.Do(req)
				if !strings.Contains(p.Body, `"code":0`) {
					b.Fatalf("address %d: %s", i, p.Body)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/address")
		})
	}
}
