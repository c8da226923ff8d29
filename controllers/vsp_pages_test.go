package controllers_test

import (
	"context"
	"github.com/decred/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

var vbg = context.Background()

func TestPublicPages(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	c := ve.Env.Client()
	p := c.Get("/")
	if p.Status != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", p.Status, p.Body)
	}
	mustContain(t, "home", p.Body, "7.50%", "simnet", "1.23456789&nbsp;EACR", "10.00%", "Open")
	p = c.Get("/stats")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /stats = %d", p.Status)
	}
	mustContain(t, "stats", p.Body, "<svg", "Voted and missed", "Voted: 40", "Rewards earned", "5.00&nbsp;EACR",
		"Ticket pool size")
	if strings.Contains(p.Body, "<script") {
		t.Error("stats page uses script")
	}
	p = c.Get("/status")
	if p.Status != http.StatusOK || strings.TrimSpace(p.Body) != "OK" {
		t.Fatalf("/status = %d %q", p.Status, p.Body)
	}
	// Unknown pages still 404 through the core.
	if p := c.Get("/nope"); p.Status != http.StatusNotFound {
		t.Errorf("GET /nope = %d", p.Status)
	}
	// Pages needing login redirect.
	for _, path := range []string{"/address", "/tickets", "/voting"} {
		if p := c.Get(path); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
			t.Errorf("anonymous GET %s = %d %s", path, p.Status, p.Location)
		}
	}
}

func TestStatsWhenBackendsDown(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.SetDown(true)
		}
	}})
	c := ve.Env.Client()
	p := c.Get("/stats")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /stats = %d", p.Status)
	}
	mustContain(t, "stats", p.Body, "do not answer")
	if p := c.Get("/"); p.Status != http.StatusOK {
		t.Fatalf("GET / = %d", p.Status)
	}
	p = c.Get("/status")
	if p.Status != http.StatusInternalServerError || !strings.Contains(p.Body, "backend 1 of 2") {
		t.Fatalf("/status = %d %q", p.Status, p.Body)
	}
	if strings.Count(strings.TrimSpace(p.Body), "\n") != 0 {
		t.Errorf("/status reason is not one line: %q", p.Body)
	}
}

func TestAddressFlow(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, _ *models.Store) {
		ve := newVSPEnv(t, vspOptions{Engine: engineOf(t), Backends: 3})
		u, c := ve.user(t, "alice@example.com")
		p := c.Get("/address")
		if p.Status != http.StatusOK {
			t.Fatalf("GET /address = %d", p.Status)
		}
		mustContain(t, "address form", p.Body, "eacrctl --simnet --wallet getnewaddress", "Sk", "UserPubKeyAddr", "API token")
		nu, _ := ve.Store.UserByID(vbg, u.ID)
		if nu.APIToken == "" {
			t.Fatal("no API token created on first visit")
		}
		sim := chaincfg.SimNetParams()
		good := pubKeyAddr(t, 7, sim)
		bad := []struct{ in, want string }{
			{"", "Enter the pubkey address"},
			{"not an address!", "not an address"},
			{pubKeyAddr(t, 7, chaincfg.TestNet3Params()), "another network"},
			{good[:len(good)-1] + flip(good[len(good)-1]), "checksum"},
			{strings.Repeat("x", 300), "too long"},
			{p2pkh(t, sim), "validateaddress"},
			{"'; DROP TABLE users; --", "not an address"},
		}
		for _, b := range bad {
			p := submit(c, b.in)
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, b.want) {
				t.Errorf("submit %q = %d, want 400 with %q\n", b.in, p.Status, b.want)
			}
		}
		for _, f := range ve.Fakes {
			if n := f.CallCount("PrepareUserScript"); n != 0 {
				t.Fatalf("invalid input reached the backends (%d calls)", n)
			}
		}
		p = submit(c, "  "+good+" ")
		if p.Status != http.StatusSeeOther || p.Location != "/tickets" {
			t.Fatalf("submit good = %d %s\n%s", p.Status, p.Location, p.Body)
		}
		nu, _ = ve.Store.UserByID(vbg, u.ID)
		if !nu.HasMultiSig() || nu.UserPubKeyAddr != good || nu.VoteBitsVersion != 8 || nu.HeightRegistered != 1000 {
			t.Fatalf("stored user %+v", nu)
		}
		fee, _ := mustDeriver(t, ve.ColdXpub).Address(uint32(u.ID))
		if nu.UserFeeAddr != fee {
			t.Errorf("fee address %s, want cold xpub/0/%d = %s", nu.UserFeeAddr, u.ID, fee)
		}
		pool, _ := mustDeriver(t, testXpub(t, 1)).Address(uint32(u.ID))
		if nu.PoolPubKeyAddr != fakebackend.PoolPubKey("seed", pool) {
			t.Errorf("pool pubkey %s not the one validated for %s", nu.PoolPubKeyAddr, pool)
		}
		for _, f := range ve.Fakes {
			f.Do(func(b *fakebackend.Backend) {
				if b.Imported[nu.MultiSigAddress] != nu.MultiSigScript {
					t.Errorf("%s: script not imported", b.Name())
				}
				if b.Prefs[nu.MultiSigAddress].UserID != u.ID {
					t.Errorf("%s: prefs not pushed", b.Name())
				}
			})
		}
		p = c.Get("/address")
		mustContain(t, "address page after", p.Body, nu.MultiSigAddress, nu.MultiSigScript, fee,
			"eacrctl --simnet --wallet purchaseticket &#34;default&#34; 100 1 "+nu.MultiSigAddress+" 1 "+fee+" 7.5",
			"ticketbuyer.votingaddress="+nu.MultiSigAddress, "importscript "+nu.MultiSigScript)
		if p := submit(c, pubKeyAddr(t, 8, sim)); p.Status != http.StatusConflict {
			t.Errorf("second address = %d, want 409", p.Status)
		}
		// Without CSRF the form is refused.
		if p := c.Post("/address", nil); p.Status != http.StatusForbidden {
			t.Errorf("POST without CSRF = %d", p.Status)
		}
	})
}

// engineOf returns the engine of a ForEachEngine subtest by its name.
func engineOf(t *testing.T) models.Engine {
	if strings.HasSuffix(t.Name(), "/mysql") {
		return models.MySQL
	}
	return models.SQLite
}

func flip(b byte) string {
	if b == 'a' {
		return "b"
	}
	return "a"
}

func p2pkh(t testing.TB, p *chaincfg.Params) string {
	a, err := mustDeriver(t, testXpub(t, 3)).Address(0)
	if err != nil {
		t.Fatal(err)
	}
	_ = p
	return a
}

func mustDeriver(t testing.TB, xpub string) controllers.AddressDeriver {
	t.Helper()
	d, err := hdkeychain.ParsePublicBranch(xpub, hdkeychain.ExternalBranch, chaincfg.SimNetParams())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAddressHaltsOnInconsistentBackends(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Backends: 3})
	good, _ := ve.withAddress(t, "first@example.com", 1)
	ve.Fakes[2].SetSeed("another seed")
	_, c := ve.user(t, "second@example.com")
	p := submit(c, pubKeyAddr(t, 2, chaincfg.SimNetParams()))
	if p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Body, "cannot create voting addresses") {
		t.Fatalf("submit with inconsistent backends = %d\n%s", p.Status, p.Body)
	}
	for _, f := range ve.Fakes {
		if f.CallCount("ImportUserScript") != 1 { // only the first user's
			t.Errorf("%s: script imported despite the inconsistency", f.Name())
		}
	}
	st := ve.Env.Client().Get("/status")
	if st.Status != http.StatusInternalServerError || !strings.Contains(st.Body, "halted") {
		t.Fatalf("/status = %d %q", st.Status, st.Body)
	}
	// Halted: even a consistent request is refused now.
	ve.Fakes[2].SetSeed("seed")
	if p := submit(c, pubKeyAddr(t, 2, chaincfg.SimNetParams())); p.Status != http.StatusServiceUnavailable {
		t.Fatalf("submit while halted = %d", p.Status)
	}
	// The admin sees why and re-checks.
	admin := ve.Env.Client()
	admin.IP = "10.9.9.9"
	admin.Login("first@example.com", "password123") // user 1 is the admin
	p = admin.Get("/admin/status")
	if p.Status != http.StatusOK {
		t.Fatalf("admin status = %d", p.Status)
	}
	mustContain(t, "admin status", p.Body, "Address creation is halted", "disagree", "backend3:19560")
	ve.Fakes[2].SetSeed("still wrong")
	p = admin.Submit("/admin/status", "/admin/recheck", nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("recheck = %d", p.Status)
	}
	if r, _ := ve.Backends.Halted(); r == "" {
		t.Fatal("failed re-check lifted the halt")
	}
	mustContain(t, "flash", admin.Get("/admin/status").Body, "Re-check failed")
	ve.Fakes[2].SetSeed("seed")
	admin.Submit("/admin/status", "/admin/recheck", nil)
	mustContain(t, "flash", admin.Get("/admin/status").Body, "Re-check passed")
	if st := ve.Env.Client().Get("/status"); st.Status != http.StatusOK {
		t.Fatalf("/status after re-check = %d %q", st.Status, st.Body)
	}
	if p := submit(c, pubKeyAddr(t, 2, chaincfg.SimNetParams())); p.Status != http.StatusSeeOther {
		t.Fatalf("submit after re-check = %d\n%s", p.Status, p.Body)
	}
	_ = good
}

func TestAddressWithBackendDown(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Backends: 3})
	ve.Fakes[1].SetDown(true)
	u, _ := ve.withAddress(t, "down@example.com", 3)
	if st := ve.Env.Client().Get("/status"); st.Status != http.StatusInternalServerError ||
		!strings.Contains(st.Body, "backend 2 of 3") {
		t.Fatalf("/status = %d %q", st.Status, st.Body)
	}
	if n := ve.Fakes[1].CallCount("ImportUserScript"); n != 0 {
		t.Fatalf("down backend got %d imports", n)
	}
	ve.Fakes[1].SetDown(false)
	if err := ve.Backends.RepairAll(vbg); err != nil {
		t.Fatal(err)
	}
	ve.Fakes[1].Do(func(b *fakebackend.Backend) {
		if b.Imported[u.MultiSigAddress] != u.MultiSigScript {
			t.Error("returning backend did not receive the script")
		}
		if b.Prefs[u.MultiSigAddress].VoteBits != 1 {
			t.Error("returning backend did not receive the prefs")
		}
	})
	if st := ve.Env.Client().Get("/status"); st.Status != http.StatusOK {
		t.Fatalf("/status after repair = %d %q", st.Status, st.Body)
	}
}

func TestAddressAllBackendsDown(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	_, c := ve.user(t, "x@example.com")
	for _, f := range ve.Fakes {
		f.SetDown(true)
	}
	p := submit(c, pubKeyAddr(t, 4, chaincfg.SimNetParams()))
	if p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Body, "cannot be reached") {
		t.Fatalf("submit = %d\n%s", p.Status, p.Body)
	}
}

func TestClosePool(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.ClosePool = true }})
	_, c := ve.user(t, "closed@example.com")
	// Registered users finish their setup while closed (issue 14).
	p := submit(c, pubKeyAddr(t, 5, chaincfg.SimNetParams()))
	if p.Status != http.StatusSeeOther {
		t.Fatalf("submit while closed = %d", p.Status)
	}
	mustContain(t, "home", ve.Env.Client().Get("/").Body, "Closed to new sign-ups")
}

func TestTicketsPage(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) {
		c.MaxVotedTickets = 2
		c.ExplorerURL = "https://explorer.example/"
	}})
	u, c := ve.withAddress(t, "tix@example.com", 6)
	h := func(n byte) string { return strings.Repeat(string("0123456789abcdef"[n%16]), 64) }
	ut := stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{
		{Hash: h(1), Status: stakepooldclient.StatusLive, TicketHeight: 10},
		{Hash: h(2), Status: stakepooldclient.StatusLive, TicketHeight: 30},
		{Hash: h(3), Status: stakepooldclient.StatusVoted, TicketHeight: 5, SpentByHeight: 100},
		{Hash: h(4), Status: stakepooldclient.StatusVoted, TicketHeight: 5, SpentByHeight: 300},
		{Hash: h(5), Status: stakepooldclient.StatusVoted, TicketHeight: 5, SpentByHeight: 200},
		{Hash: h(6), Status: stakepooldclient.StatusMissed, TicketHeight: 5, SpentByHeight: 50},
		{Hash: h(7), Status: stakepooldclient.StatusImmature, TicketHeight: 990}, // the fakes' tip is 1000
	}, Invalid: []string{h(9)}}
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = ut })
	}
	p := c.Get("/tickets")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /tickets = %d", p.Status)
	}
	b := p.Body
	mustContain(t, "tickets", b, "Live (2)", "Voted (3)", "Missed (1)", "Immature (1)", "Expired (0)",
		"No expired tickets", "Low fee, not voted by the pool (1)", "only the newest 2", "https://explorer.example/tx/"+h(9))
	// Sorted newest first: live 30 before 10; voted 300, 200, (100 hidden).
	if strings.Index(b, h(2)[:16]) > strings.Index(b, h(1)[:16]) {
		t.Error("live tickets not sorted by height, newest first")
	}
	if strings.Index(b, h(4)[:16]) > strings.Index(b, h(5)[:16]) || strings.Contains(b, h(3)[:16]) {
		t.Error("voted tickets not sorted/limited")
	}
	// Without an explorer URL there are no links.
	ve2 := newVSPEnv(t, vspOptions{})
	u2, c2 := ve2.withAddress(t, "nolinks@example.com", 6)
	for _, f := range ve2.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u2.MultiSigAddress] = ut })
	}
	if body := c2.Get("/tickets").Body; strings.Contains(body, "/tx/") {
		t.Error("explorer links without an explorer URL")
	}
	// Backends down: a clear 503.
	for _, f := range ve2.Fakes {
		f.SetDown(true)
	}
	if p := c2.Get("/tickets"); p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Body, "keep being voted") {
		t.Errorf("tickets with backends down = %d", p.Status)
	}
	// A user without an address is sent to /address.
	_, c3 := ve2.user(t, "noaddr@example.com")
	if p := c3.Get("/tickets"); p.Status != http.StatusSeeOther || p.Location != "/address" {
		t.Errorf("tickets without address = %d %s", p.Status, p.Location)
	}
}

func TestVotingPage(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.withAddress(t, "vote@example.com", 9)
	p := c.Get("/voting")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /voting = %d", p.Status)
	}
	mustContain(t, "voting", p.Body, "vote version 8", "treasury", "Enable the treasury", `name="agenda_treasury"`,
		`<option value="" selected>Abstain</option>`)
	p = c.Submit("/voting", "/voting", map[string][]string{"agenda_treasury": {"yes"}, "agenda_headercommitments": {"no"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("POST /voting = %d\n%s", p.Status, p.Body)
	}
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	if nu.VoteBits != 0x0d || nu.VoteBitsVersion != 8 {
		t.Fatalf("vote bits %#x v%d, want 0x0d v8", nu.VoteBits, nu.VoteBitsVersion)
	}
	for _, f := range ve.Fakes {
		if got := f.Prefs[nu.MultiSigAddress].VoteBits; got != 0x0d {
			t.Errorf("%s has bits %#x", f.Name(), got)
		}
	}
	mustContain(t, "voting after", c.Get("/voting").Body, `<option value="yes" selected>`, "Your voting preferences are saved")
	for _, bad := range []map[string][]string{
		{"agenda_treasury": {"maybe"}},
		{"agenda_treasury": {strings.Repeat("z", 1000)}},
	} {
		if p := c.Submit("/voting", "/voting", bad); p.Status != http.StatusBadRequest {
			t.Errorf("POST /voting %v = %d", bad, p.Status)
		}
	}
}

func TestMetricsEndpoint(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	c := ve.Env.Client()
	c.Get("/stats")
	c.IP = "10.9.9.9"
	p := c.Get("/metrics")
	if p.Status != http.StatusOK {
		t.Fatalf("/metrics from admin IP = %d", p.Status)
	}
	mustContain(t, "metrics", p.Body, `dcrstakepool_backend_healthy{backend="backend1:19560"} 1`,
		"dcrstakepool_address_creation_halted 0", `dcrstakepool_http_request_duration_seconds_count{area="stats"`)
	c.IP = "192.0.2.99"
	if p := c.Get("/metrics"); p.Status != http.StatusForbidden {
		t.Errorf("/metrics from another IP = %d", p.Status)
	}
}

func TestAddressWrongScriptHalts(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.SwapKeys = true // every wallet agrees on the keys in the wrong order
		}
	}})
	u, c := ve.user(t, "swap@example.com")
	p := submit(c, pubKeyAddr(t, 21, chaincfg.SimNetParams()))
	if p.Status != http.StatusServiceUnavailable {
		t.Fatalf("submit = %d\n%s", p.Status, p.Body)
	}
	if r, _ := ve.Backends.Halted(); !strings.Contains(r, "not the 1-of-2 multisig") {
		t.Fatalf("halt reason %q", r)
	}
	if nu, _ := ve.Store.UserByID(vbg, u.ID); nu.HasMultiSig() {
		t.Fatal("a wrong script was stored")
	}
	// The agreed script is checked before any backend imports it.
	for _, f := range ve.Fakes {
		if n := f.CallCount("ImportUserScript"); n != 0 {
			t.Errorf("%s imported the wrong script (%d calls)", f.Name(), n)
		}
	}
}

func TestAddressBeyondFeeAddresses(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.FeeAddrs = 2 // fee addresses 0 and 1 only
		}
	}})
	ve.withAddress(t, "one@example.com", 30) // user 1: fine
	_, c := ve.user(t, "two@example.com")    // user 2: beyond
	p := submit(c, pubKeyAddr(t, 31, chaincfg.SimNetParams()))
	if p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Body, "enlarges") {
		t.Fatalf("submit = %d\n%s", p.Status, p.Body)
	}
}

// TestAddressBeyondFeeAddressesLoggedOnce: the operator's message (which
// fee addresses the stakepoolds know, what to raise) is in the log exactly
// once per refused submission, on the page path and on the API path, and
// never on the page.
func TestAddressBeyondFeeAddressesLoggedOnce(t *testing.T) {
	var log syncBuffer
	ve := newVSPEnv(t, vspOptions{LogLevel: slog.LevelInfo, LogTo: &log, Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.FeeAddrs = 1 // fee address 0 only: every user is beyond
		}
	}})
	u, c := ve.user(t, "one@example.com")
	p := submit(c, pubKeyAddr(t, 31, chaincfg.SimNetParams()))
	if p.Status != http.StatusServiceUnavailable || strings.Contains(p.Body, "feeaddresses") {
		t.Fatalf("submit = %d\n%s", p.Status, p.Body)
	}
	const operator = "raise feeaddresses on every stakepoold"
	if n := strings.Count(log.String(), operator); n != 1 {
		t.Fatalf("the operator's message is logged %d times after a form submission, want 1:\n%s", n, log.String())
	}
	c.Get("/address") // creates the API token
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	e := contractCall(t, ve.Env.Client(), ve.Env.Server.URL, "POST", "/api/v1/address", nu.APIToken,
		url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 32, chaincfg.SimNetParams())}})
	if e.code() == 0 {
		t.Fatal("the API created an address beyond the fee addresses")
	}
	if n := strings.Count(log.String(), operator); n != 2 {
		t.Fatalf("the operator's message is logged %d times after the form and the API, want 2:\n%s", n, log.String())
	}
}
