package controllers_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// tipEnv is a front end over two fake backends at one tip, with a user
// whose tickets the fakes list labelled with a wallet best block.
type tipEnv struct {
	t    *testing.T
	ve   *vspEnv
	addr string
	c    *webtest.Client // the user's browser
	get  func() string   // the user's /tickets page
}

func newTipEnv(t *testing.T) *tipEnv {
	te := &tipEnv{t: t}
	te.ve = newVSPEnv(t, vspOptions{Prepare: func(fs []*fakebackend.Backend) { te.setPoll(fs, 1000, "a") }})
	u, c := te.ve.withAddress(t, "tip@example.com", 7)
	te.addr, te.c = u.MultiSigAddress, c
	te.get = func() string {
		t.Helper()
		p := c.Get("/tickets")
		if p.Status != http.StatusOK {
			t.Fatalf("GET /tickets = %d\n%s", p.Status, p.Body)
		}
		return p.Body
	}
	return te
}

// setPoll sets the fakes' node tip (what the health poll reports).
func (te *tipEnv) setPoll(fs []*fakebackend.Backend, height int64, hash string) {
	for _, f := range fs {
		f.Do(func(b *fakebackend.Backend) {
			b.HealthValue.BestHeight, b.HealthValue.BestHash = height, strings.Repeat(hash, 64)
		})
	}
}

// poll sets the fakes' node tip and runs the health poll.
func (te *tipEnv) poll(height int64, hash string) {
	te.t.Helper()
	te.setPoll(te.ve.Fakes, height, hash)
	if err := te.ve.Backends.RepairAll(vbg); err != nil {
		te.t.Fatal(err)
	}
}

// list makes the fakes' wallets list n live tickets, labelled with their
// best block (height, hash).
func (te *tipEnv) list(n int, height int64, hash string) {
	ut := stakepooldclient.UserTickets{TipHeight: height, TipHash: strings.Repeat(hash, 64)}
	for i := range n {
		ut.Tickets = append(ut.Tickets, stakepooldclient.UserTicket{Hash: hashOf(byte(i + 1)),
			Status: stakepooldclient.StatusLive, TicketHeight: 900})
	}
	for _, f := range te.ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[te.addr] = ut })
	}
}

func (te *tipEnv) calls() int {
	n := 0
	for _, f := range te.ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { n += b.Calls["UserTickets"] })
	}
	return n
}

// visits loads the page k times and checks it lists want live tickets and
// that the wallets were asked calls times.
func (te *tipEnv) visits(what string, k, want, calls int) {
	te.t.Helper()
	before := te.calls()
	for range k {
		mustContain(te.t, what, te.get(), "Live ("+string(rune('0'+want))+")")
	}
	if n := te.calls() - before; n != calls {
		te.t.Fatalf("%s: %d UserTickets calls for %d visits, want %d", what, n, k, calls)
	}
}

// TestTicketsPageCachedByWalletTip: with stakepoolds that label each list
// with their wallet's best block (API 1.4), the tickets page asks the
// wallets once per block from the first visit (no settle time); a list
// labelled with an older block than the poll's (a wallet behind its node),
// or with the block a reorganization replaced, is never kept for the
// polled block.
func TestTicketsPageCachedByWalletTip(t *testing.T) {
	te := newTipEnv(t)
	te.poll(1000, "a")
	te.list(1, 1000, "a")
	te.visits("block a", 4, 1, 1)

	// A new block the wallets have not taken yet: their lists, labelled
	// with the block before, are shown but not kept.
	te.poll(1001, "c")
	te.list(2, 1000, "a")
	te.visits("block c, wallets behind", 2, 2, 2)
	te.list(2, 1001, "c")
	te.visits("block c, wallets caught up", 3, 2, 1)

	// A reorganization to another block at the same height.
	te.poll(1001, "d")
	te.list(3, 1001, "c")
	te.visits("block d, lists of the replaced block", 2, 3, 2)
	te.list(3, 1001, "d")
	te.visits("block d", 3, 3, 1)
}

// TestTicketsPageSharedLoad: concurrent visits of one user that all miss
// the cache make one wallet call between them.
func TestTicketsPageSharedLoad(t *testing.T) {
	te := newTipEnv(t)
	te.poll(1000, "a")
	te.list(4, 1000, "a")
	const n = 8
	release := make(chan struct{})
	for _, f := range te.ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.UserTicketsGate = func() { <-release } })
	}
	// The answers are held until every visit has called the wallets (what
	// happens without a shared load), or for a second.
	go func() {
		defer close(release)
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline) && te.calls() < n; {
			time.Sleep(5 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodGet, te.ve.Env.Server.URL+"/tickets", nil)
			if err != nil {
				errs <- err.Error()
				return
			}
			req.Header.Set("X-Real-IP", te.c.IP)
			resp, err := te.c.HTTP.Do(req) // the user's cookie jar

			if err != nil {
				errs <- err.Error()
				return
			}
			b, err := io.ReadAll(resp.Body)
			if cerr := resp.Body.Close(); err == nil {
				err = cerr
			}
			if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Live (4)") {
				errs <- resp.Status + " " + string(b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("a concurrent visit: %.300s", e)
	}
	if k := te.calls(); k != 1 {
		t.Fatalf("%d concurrent visits made %d UserTickets calls, want 1", n, k)
	}
}
