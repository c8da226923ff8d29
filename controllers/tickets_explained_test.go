package controllers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/models"
)

func hashOf(c byte) string { return strings.Repeat(string("0123456789abcdef"[c%16]), 64) }

// TestTicketsPageExplains: every ticket's full hash is shown (selectable,
// not cut to 16 characters) with an explorer link when explorerurl is set;
// voted tickets show the vote's height and reward; the missed column is not
// headed "Revoked height"; headings are capitalized; the count is a proper
// plural; the page says which block it describes; low-fee tickets the
// wallets still hold live are "waiting" while the others are not offered to
// the operator forever (issue 14).
func TestTicketsPageExplains(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.ExplorerURL = "https://explorer.example" }})
	u, c := ve.withAddress(t, "explain@example.com", 70)
	ut := stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{
		{Hash: hashOf(1), Status: stakepooldclient.StatusVoted, TicketHeight: 100, SpentByHeight: 300},
		{Hash: hashOf(2), Status: stakepooldclient.StatusMissed, TicketHeight: 120, SpentByHeight: 250},
	}, Invalid: []string{hashOf(3), hashOf(4)}}
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) {
			b.Tickets[u.MultiSigAddress] = ut
			b.Ignored = []stakepooldclient.Ticket{{Hash: hashOf(3), MultisigAddress: u.MultiSigAddress}}
		})
	}
	p := c.Get("/tickets")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /tickets = %d", p.Status)
	}
	b := p.Body
	reward := subsidy.NewCache(chaincfg.SimNetParams()).VoteSubsidyOn(299)
	if reward <= 0 {
		t.Fatal("test needs a positive vote subsidy")
	}
	want := []string{
		`<code class="hash">` + hashOf(1) + `</code>`, "https://explorer.example/tx/" + hashOf(1),
		`<code class="hash">` + hashOf(2) + `</code>`, "Voted at height", `<td class="num">300</td>`,
		controllersFormatCoins(reward) + "&nbsp;EACR", "Missed; revoked at height", `<td class="num">250</td>`,
		"Voted (1)", "Missed (1)", "Immature (0)", "4 tickets known", "as of block 500",
		"Low fee, not voted yet (1)", "Low fee, not voted by the pool (1)",
	}
	mustContain(t, "tickets page", b, want...)
	for _, bad := range []string{"ticket(s)", "Revoked height", hashOf(1)[:16] + "...", "immature (", "Invalid tickets"} {
		if strings.Contains(b, bad) {
			t.Errorf("tickets page contains %q", bad)
		}
	}
	// The waiting one is the ignored (still live) one.
	wait := b[strings.Index(b, "Low fee, not voted yet"):strings.Index(b, "Low fee, not voted by the pool")]
	if !strings.Contains(wait, hashOf(3)) || strings.Contains(wait, hashOf(4)) {
		t.Errorf("waiting section:\n%s", wait)
	}
	if !regexp.MustCompile(`(?s)code\.hash\s*\{[^}]*user-select:\s*all`).MatchString(c.Get("/assets/css/style.css").Body) {
		t.Error("hashes are not selectable in one click (user-select: all)")
	}
}

// controllersFormatCoins formats atoms as the pages do (exact, at least
// two decimals).
func controllersFormatCoins(a int64) string {
	f := strings.TrimRight(fmt.Sprintf("%08d", a%1e8), "0")
	for len(f) < 2 {
		f += "0"
	}
	return fmt.Sprintf("%d.%s", a/1e8, f)
}

// TestStatsCountAcceptedLowFeeTickets: a low-fee ticket an admin accepted
// and that voted is counted as voted (with its reward) by the stats page,
// the home page and the API alike, though the wallets' getstakeinfo leaves
// it out (issue 14: stats said 122 voted, the tickets page 123).
func TestStatsCountAcceptedLowFeeTickets(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, _ := ve.withAddress(t, "lowfee@example.com", 71)
	const voteHeight = 300
	ut := stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{
		{Hash: hashOf(5), Status: stakepooldclient.StatusVoted, TicketHeight: 0, SpentByHeight: voteHeight},
		{Hash: hashOf(6), Status: stakepooldclient.StatusMissed, TicketHeight: 0, SpentByHeight: 280},
		{Hash: hashOf(7), Status: stakepooldclient.StatusVoted, TicketHeight: 90, SpentByHeight: 290}, // fee OK: in getstakeinfo already
	}}
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = ut })
	}
	now := time.Now().Unix()
	if _, err := ve.Store.AddLowFeeTickets(vbg, []models.LowFeeTicket{
		{TicketHash: hashOf(5), MultisigAddress: u.MultiSigAddress, AddedBy: 1, AddedAt: now, ExpiresAt: now + 3600},
		{TicketHash: hashOf(6), MultisigAddress: u.MultiSigAddress, AddedBy: 1, AddedAt: now, ExpiresAt: now + 3600},
	}); err != nil {
		t.Fatal(err)
	}
	_, r := apiCall(t, ve.Env.Client(), ve.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
	var st struct {
		Voted, Missed uint32
		TotalSubsidy  float64
	}
	if err := json.Unmarshal(r.Data, &st); err != nil {
		t.Fatal(err)
	}
	// The fakes' getstakeinfo says 40 voted, 2 missed, 5 EACR earned.
	reward := subsidy.NewCache(chaincfg.SimNetParams()).VoteSubsidyOn(voteHeight - 1)
	if st.Voted != 41 || st.Missed != 3 {
		t.Errorf("API stats: voted %d missed %d, want 41 and 3", st.Voted, st.Missed)
	}
	if got, want := st.TotalSubsidy, float64(5e8+reward)/1e8; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("API TotalSubsidy %v, want %v", got, want)
	}
	c := ve.Env.Client()
	mustContain(t, "stats page", c.Get("/stats").Body, "<dt>Voted</dt><dd>41</dd>", "<dt>Missed</dt><dd>3</dd>")
}
