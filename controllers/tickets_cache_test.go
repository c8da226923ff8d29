package controllers_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// TestTicketsPageCachedPerBlock: with stakepoolds of API 1.3 (the fakes'
// lists carry no wallet best block), the tickets page asks the backends
// for a user's tickets once per best block (after the front end has known
// the block for a second), shows the new list as soon as the front end
// polls a new block, or another block at the same height (a
// reorganization), and after an admin changes the accepted low-fee
// tickets. TestTicketsPageCachedByWalletTip is the same with 1.4 labels.
func TestTicketsPageCachedPerBlock(t *testing.T) {
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	tick := func() { skew.Add(int64(2 * time.Second)) }
	setTip := func(fs []*fakebackend.Backend, height int64, hash string) {
		for _, f := range fs {
			f.Do(func(b *fakebackend.Backend) { b.HealthValue.BestHeight, b.HealthValue.BestHash = height, hash })
		}
	}
	ve := newVSPEnv(t, vspOptions{Now: clock, Prepare: func(fs []*fakebackend.Backend) {
		setTip(fs, 1000, strings.Repeat("a", 64))
		for _, f := range fs {
			f.Ignored = []stakepooldclient.Ticket{{Hash: hashOf(9)}}
		}
	}})
	admin := ve.Env.Client()
	admin.IP = "10.9.9.9"
	ve.CreateUser("admin-cache@example.com", "password123", true) // user 1: the admin
	admin.Login("admin-cache@example.com", "password123")
	u, c := ve.withAddress(t, "cache@example.com", 6)
	setTickets := func(ut stakepooldclient.UserTickets) {
		for _, f := range ve.Fakes {
			f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = ut })
		}
		for i := range ve.Fakes {
			ve.Fakes[i].Ignored[0].MultisigAddress = u.MultiSigAddress
		}
	}
	calls := func() int {
		n := 0
		for _, f := range ve.Fakes {
			f.Do(func(b *fakebackend.Backend) { n += b.Calls["UserTickets"] })
		}
		return n
	}
	live := func(n byte) stakepooldclient.UserTicket {
		return stakepooldclient.UserTicket{Hash: hashOf(n), Status: stakepooldclient.StatusLive, TicketHeight: 900}
	}
	page := func(what string) string {
		t.Helper()
		p := c.Get("/tickets")
		if p.Status != http.StatusOK {
			t.Fatalf("%s: GET /tickets = %d\n%s", what, p.Status, p.Body)
		}
		return p.Body
	}
	poll := func() {
		t.Helper()
		if err := ve.Backends.RepairAll(vbg); err != nil {
			t.Fatal(err)
		}
	}

	setTickets(stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{live(1)}})
	page("first sight of the tip") // within the settle time: not kept
	tick()
	before := calls()
	first := page("block a")
	mustContain(t, "block a", first, hashOf(1), "Live (1)")
	// The wallets' list changes only with a block; a visit in the same
	// block does not ask them again.
	setTickets(stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{live(1), live(2)}})
	for range 3 {
		if body := page("block a again"); strings.Contains(body, hashOf(2)) || !strings.Contains(body, "Live (1)") {
			t.Fatal("the wallets were asked again within the block")
		}
	}
	if n := calls() - before; n != 1 {
		t.Fatalf("%d UserTickets calls for 4 visits in one block, want 1", n)
	}

	// A reorganization: another block at the same height.
	setTip(ve.Fakes, 1000, strings.Repeat("b", 64))
	poll()
	mustContain(t, "after the reorganization", page("block b"), hashOf(2), "Live (2)")
	tick()
	page("block b, kept")
	// A new block.
	setTickets(stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{live(1), live(2), live(3)}})
	if strings.Contains(page("block b, cached"), hashOf(3)) {
		t.Fatal("block b's page was not cached")
	}
	setTip(ve.Fakes, 1001, strings.Repeat("c", 64))
	poll()
	mustContain(t, "block c", page("block c"), hashOf(3), "Live (3)")
	tick()
	page("block c, kept")

	// An admin accepting a low-fee ticket changes the list without a
	// block (the wallets add it): the next visit asks again.
	setTickets(stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{live(1), live(2), live(3), live(9)}})
	if strings.Contains(page("block c, cached"), hashOf(9)) {
		t.Fatal("block c's page was not cached")
	}
	if p := admin.Submit("/admintickets", "/admintickets", url.Values{"action": {"add"}, "tickets": {hashOf(9)}}); p.Status != http.StatusSeeOther {
		t.Fatalf("admin add = %d\n%s", p.Status, p.Body)
	}
	mustContain(t, "after the admin's change", page("after the admin's change"), hashOf(9), "Live (4)")
}
