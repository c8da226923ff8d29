package controllers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// mixPages are the logged-in pages of the web load's mix
// (docs/performance.md "Web load").
var mixPages = []string{"/", "/tickets", "/voting", "/settings", "/stats"}

// pageEnv is the front end over fake backends with one logged-in user
// who has a voting address and 300 tickets (the web load's largest user
// at its start), and that browser's cookies for requests served in
// process.
type pageEnv struct {
	*vspEnv
	h       http.Handler
	cookies []*http.Cookie
}

func newPageEnv(tb testing.TB) *pageEnv {
	ve := newVSPEnv(tb, vspOptions{})
	u, c := ve.withAddress(tb, "pages@example.com", 7)
	var ut stakepooldclient.UserTickets
	for i := 0; i < 300; i++ {
		st := []stakepooldclient.TicketStatus{stakepooldclient.StatusLive, stakepooldclient.StatusVoted, stakepooldclient.StatusImmature}[i%3]
		ut.Tickets = append(ut.Tickets, stakepooldclient.UserTicket{Hash: fmt.Sprintf("%064x", i+1), Status: st,
			TicketHeight: uint32(100 + i), SpentByHeight: uint32(400 + i)})
	}
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = ut })
	}
	e := &pageEnv{vspEnv: ve, h: ve.Server.Config.Handler}
	for _, name := range []string{"session", "csrf"} {
		v := c.Cookie(name)
		if v == "" {
			tb.Fatalf("no %s cookie", name)
		}
		e.cookies = append(e.cookies, &http.Cookie{Name: name, Value: v})
	}
	return e
}

// get serves GET path in process for the logged-in browser.
func (e *pageEnv) get(tb testing.TB, path string) []byte {
	r := httptest.NewRequest("GET", path, nil)
	r.RemoteAddr = "127.0.0.1:5555"
	for _, ck := range e.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK || w.Body.Len() < 1000 {
		tb.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
	}
	return w.Body.Bytes()
}

// BenchmarkMixPages serves each logged-in page of the web load's mix in
// process (no network; the session and user from SQLite, the backends
// fake): the front end's own CPU per page, allocations included.
func BenchmarkMixPages(b *testing.B) {
	e := newPageEnv(b)
	for _, p := range mixPages {
		b.Run(p, func(b *testing.B) {
			e.get(b, p)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e.get(b, p)
			}
		})
	}
}
