package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/internal/benchdata"
	"github.com/eacred/dcrstakepool/internal/benchdata/benchdb"
	"github.com/eacred/dcrstakepool/models"
	"github.com/golang-jwt/jwt/v5"
)

// The whole-pool benchmarks of the web front end (issue 13): 100,000
// users with voting addresses in the database (benchdata), two in-memory
// backends that hold the pool's 40,960 live tickets, all of them owned by
// the one user whose tickets page is measured (the worst case), 1,000
// ignored low-fee tickets and 20 added ones. Handlers are called through
// the real router in-process (server time, no socket). Targets and
// figures: docs/performance.md.

const (
	scaleIgnored = 1000
	scaleAdded   = 20
)

// scaleEnv is a front end on engine with the synthetic pool loaded.
type scaleEnv struct {
	*vspEnv
	data *benchdata.Pool
	big  benchdata.User // owner of every ticket
	// skew moves the VSP clock forward (to expire the stats cache).
	skew atomic.Int64
}

func newScaleEnv(b *testing.B, engine models.Engine, users int) *scaleEnv {
	d := benchdata.New(users, benchdata.Tickets)
	se := &scaleEnv{data: d, big: d.Users[d.Largest]}
	ut := stakepooldclient.UserTickets{Tickets: make([]stakepooldclient.UserTicket, len(d.Tickets))}
	var live []stakepooldclient.Ticket
	for i, t := range d.Tickets {
		ut.Tickets[i] = stakepooldclient.UserTicket{Hash: t.Hash, Status: stakepooldclient.StatusLive,
			TicketHeight: uint32(t.Height)}
		live = append(live, stakepooldclient.Ticket{Hash: t.Hash, MultisigAddress: se.big.MultisigAddress})
	}
	var ignored []stakepooldclient.Ticket
	for i := 0; i < scaleIgnored; i++ {
		ignored = append(ignored, stakepooldclient.Ticket{Hash: benchdata.TicketHash(1_000_000 + i),
			MultisigAddress: d.Users[i*97%users].MultisigAddress})
	}
	se.vspEnv = newVSPEnv(b, vspOptions{Engine: engine,
		Now: func() time.Time { return time.Now().Add(time.Duration(se.skew.Load())) }, Prepare: func(fs []*fakebackend.Backend) {
			for _, f := range fs {
				f.FeeAddrs = 1 << 20
				f.Live, f.Ignored = live, ignored
				f.Tickets[se.big.MultisigAddress] = ut
			}
		}})
	t0 := time.Now()
	if err := benchdb.Seed(vbg, se.Store, d); err != nil {
		b.Fatal(err)
	}
	var added []models.LowFeeTicket
	for i := 0; i < scaleAdded; i++ {
		added = append(added, models.LowFeeTicket{TicketHash: ignored[i].Hash, MultisigAddress: ignored[i].MultisigAddress,
			AddedBy: 1, AddedAt: time.Now().Unix(), ExpiresAt: time.Now().Add(time.Hour).Unix()})
	}
	if _, err := se.Store.AddLowFeeTickets(vbg, added); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d users loaded in %v", engine, users, time.Since(t0).Round(time.Millisecond))
	return se
}

// cookies logs in as email and returns the session cookies.
func (se *scaleEnv) cookies(email string) []*http.Cookie {
	c := se.Env.Client()
	c.Login(email, benchdb.Password)
	u, _ := url.Parse(se.Env.Server.URL)
	return c.HTTP.Jar.Cookies(u)
}

// page measures GET path through the router, checking the status and a
// word of the body; before each request, before (if not nil) runs.
func (se *scaleEnv) page(b *testing.B, name, path string, cookies []*http.Cookie, want string, before func()) {
	h := se.Env.Server.Config.Handler
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for i := 0; i < b.N; i++ {
			if before != nil {
				before()
			}
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.RemoteAddr = "127.0.0.1:1234"
			for _, ck := range cookies {
				req.AddCookie(ck)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
				b.Fatalf("GET %s: status %d, %d bytes, want %q:\n%.2000s", path, rec.Code, rec.Body.Len(), want, rec.Body.String())
			}
			size = rec.Body.Len()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		b.ReportMetric(float64(size)/1000, "kB/page")
	})
}

// BenchmarkScaleFrontEnd measures, at 100,000 users on MariaDB and
// SQLite: the tickets page of a user holding all 40,960 live tickets, the
// stats page (cached, and reloading its figures) and its API, the admin
// pages (/admintickets, /admin/status), /status, address creation through
// the API, and the front end's start-up against two backends that lost
// their state (every user's script and preferences read from the database
// and pushed to both).
func BenchmarkScaleFrontEnd(b *testing.B) {
	for _, engine := range []models.Engine{models.MySQL, models.SQLite} {
		b.Run(string(engine), func(b *testing.B) {
			benchdata.Machine()
			se := newScaleEnv(b, engine, benchdata.Users)
			big := se.cookies(se.big.Email)
			admin := se.cookies(se.data.Users[0].Email) // user 1 is the admin
			// The tickets page: its first page (the newest 100 live
			// tickets) and its last, each loading and sorting all 40,960
			// tickets (the fakes report no best block hash, so nothing is
			// cached), then the first page served from the ticket cache.
			newest, last := se.newestLive(), (len(se.data.Tickets)+99)/100
			se.page(b, "tickets", "/tickets", big, newest, nil)
			se.page(b, "tickets_last_page", fmt.Sprintf("/tickets?live=%d", last), big,
				fmt.Sprintf("Page <input type=\"number\" name=\"live\" value=\"%d\"", last), nil)
			se.cacheTickets(b)
			se.page(b, "tickets_cached", "/tickets", big, newest, nil)
			se.setTip(b, 0, "")
			// The stats are cached (until a new block or maxAge): the
			// cached page, and the page that reloads them (the clock
			// moved an hour on).
			users := strconv.Itoa(benchdata.Users)
			se.page(b, "stats", "/stats", nil, users, nil)
			se.page(b, "stats_reload", "/stats", nil, users, func() { se.skew.Add(int64(time.Hour)) })
			se.page(b, "api_v2_stats", "/api/v2/stats", nil, `"UserCountActive":`+users, nil)
			se.page(b, "admintickets", "/admintickets", admin, se.data.Users[0].MultisigAddress, nil)
			se.page(b, "admin_status", "/admin/status", admin, "backend1", nil)
			se.page(b, "status", "/status", nil, "OK", nil)
			b.Run("address", se.addressCreation)
			b.Run("startup", se.startup)
		})
	}
}

// addressCreation submits one address per new user through the API with
// the 2 in-memory backends (backend time ~0).
func (se *scaleEnv) addressCreation(b *testing.B) {
	type acct struct{ token, addr string }
	accts := make([]acct, b.N)
	sim := chaincfg.SimNetParams()
	for i := range accts {
		u := &models.User{Email: fmt.Sprintf("new%d-%d@example.com", b.N, i), PasswordHash: "x", EmailVerified: true,
			CreatedAt: time.Now().Unix(), VoteBits: 1}
		if err := se.Store.CreateUser(vbg, u); err != nil {
			b.Fatal(err)
		}
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": time.Now().Unix(),
			"iss": se.Env.Server.URL, "loggedInAs": u.ID}).SignedString([]byte(testAPISecret))
		if err != nil {
			b.Fatal(err)
		}
		if err := se.Store.SetAPIToken(vbg, u.ID, tok); err != nil {
			b.Fatal(err)
		}
		accts[i] = acct{tok, pubKeyAddr(b, byte(i%250+1), sim)}
	}
	h := se.Env.Server.Config.Handler
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/address",
			strings.NewReader(url.Values{"UserPubKeyAddr": {accts[i].addr}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+accts[i].token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), `"code":0`) {
			b.Fatalf("address %d: %s", i, rec.Body.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/address")
}

// prefs reads the users' preferences as dcrstakepool's main does.
func (se *scaleEnv) prefs(ctx context.Context) ([]stakepooldclient.VotingPrefs, error) {
	return se.Store.PoolPrefs(ctx)
}

// startup measures the front end's start-up sync: a new backend client
// over the two fakes, emptied first (stakepoolds that lost their state),
// started on the database: every user's script and preferences read from
// the database and pushed, then each backend's digest compared. The last
// user has a real address (made by the address benchmark or here), so
// the key check a repair makes passes.
func (se *scaleEnv) startup(b *testing.B) {
	se.withAddress(b, fmt.Sprintf("probe%d@example.com", b.N), 7)
	users, err := se.Store.PoolPrefs(vbg)
	if err != nil {
		b.Fatal(err)
	}
	var bs []stakepooldclient.Backend
	for _, f := range se.Fakes {
		bs = append(bs, f)
	}
	cpu := time.Duration(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, f := range se.Fakes {
			f.Do(func(fb *fakebackend.Backend) {
				fb.Prefs = map[string]stakepooldclient.VotingPrefs{}
				fb.Imported = map[string]string{}
			})
		}
		// As dcrstakepool's main builds it: the digest reloads read the
		// four preference columns only.
		c, err := stakepooldclient.New(bs, stakepooldclient.Options{ColdWalletExtPub: se.ColdXpub, Network: "simnet",
			PoolFees: 7.5, SyncTimeout: time.Minute, Prefs: se.prefs})
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := benchdata.CPUTime()
		b.StartTimer()
		if err := c.Start(vbg, se.Web.Source(), stakepooldclient.Version{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += benchdata.CPUTime() - cpu0
		for _, st := range c.Statuses() {
			if st.State != stakepooldclient.StateHealthy {
				b.Fatalf("%s is %s after start-up: %s", st.Name, st.State, st.LastError)
			}
		}
		for _, f := range se.Fakes {
			f.Do(func(fb *fakebackend.Backend) {
				if len(fb.Prefs) != len(users) || len(fb.Imported) < len(users)-1 {
					b.Fatalf("a backend holds %d preferences and %d scripts of %d users", len(fb.Prefs), len(fb.Imported), len(users))
				}
			})
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/start")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "cpu-ms/start")
}

// newestLive is the hash the tickets page lists first among the live
// tickets (the highest purchase height, then the lowest hash).
func (se *scaleEnv) newestLive() string {
	best := se.data.Tickets[0]
	for _, t := range se.data.Tickets[1:] {
		if t.Height > best.Height || (t.Height == best.Height && t.Hash < best.Hash) {
			best = t
		}
	}
	return best.Hash
}

// setTip makes the fakes report a best block (hash "" : none) and has the
// front end poll them.
func (se *scaleEnv) setTip(b *testing.B, height int64, hash string) {
	for _, f := range se.Fakes {
		f.Do(func(fb *fakebackend.Backend) { fb.HealthValue.BestHeight, fb.HealthValue.BestHash = height, hash })
	}
	if err := se.Backends.RepairAll(vbg); err != nil {
		b.Fatal(err)
	}
}

// cacheTickets gives the fakes a best block hash and moves the clock past
// the ticket cache's settle time, so the tickets page is cached.
func (se *scaleEnv) cacheTickets(b *testing.B) {
	se.setTip(b, 1000, strings.Repeat("ab", 32))
	h := se.Env.Server.Config.Handler
	get := func() {
		req := httptest.NewRequest(http.MethodGet, "/tickets", nil)
		req.RemoteAddr = "127.0.0.1:1234"
		for _, ck := range se.cookies(se.big.Email) {
			req.AddCookie(ck)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	get() // the cache sees the block
	se.skew.Add(int64(2 * time.Second))
	get() // loaded and kept
}
