package controllers_test

import (
	"encoding/json"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
)

// section returns the part of a page from the heading that starts with
// title up to the next section.
func section(t *testing.T, body, title string) string {
	t.Helper()
	i := strings.Index(body, title)
	if i < 0 {
		t.Fatalf("no section %q in:\n%s", title, body)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestLowFeeTicketsByState: the user's low-fee tickets are shown by the
// state the backends report (issue 14): an immature one waits for the
// operator with its state and mined height; a missed one is under Missed
// (marked low fee, with the height of the block that missed and, under
// DCP0009, revoked it), an expired one under Expired, one voted by the
// user's own wallet under Voted; only one no backend knows stays under "not
// voted by the pool". Before, the missed one stayed under "Low fee" forever
// while Missed said "No missed tickets".
func TestLowFeeTicketsByState(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.withAddress(t, "lowfee-states@example.com", 71)
	ms := u.MultiSigAddress
	ut := stakepooldclient.UserTickets{Invalid: []string{hashOf(3), hashOf(4), hashOf(5), hashOf(6), hashOf(7)}}
	for i, f := range ve.Fakes {
		lf := []stakepooldclient.LowFeeTicket{
			{Hash: hashOf(3), MultisigAddress: ms, State: poolapi.LowFeeImmature, MinedHeight: 490},
			{Hash: hashOf(4), MultisigAddress: ms, State: poolapi.LowFeeMissed, MinedHeight: 300, StateHeight: 333},
			{Hash: hashOf(5), MultisigAddress: ms, State: poolapi.LowFeeExpired, MinedHeight: 100, StateHeight: 444},
		}
		if i == 1 { // only the second backend saw ticket 6 voted
			lf = append(lf, stakepooldclient.LowFeeTicket{Hash: hashOf(6), MultisigAddress: ms,
				State: poolapi.LowFeeVoted, MinedHeight: 200, StateHeight: 222})
		}
		f.Do(func(b *fakebackend.Backend) {
			b.Tickets[ms] = ut
			b.LowFee = lf
		})
	}
	p := c.Get("/tickets")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /tickets = %d", p.Status)
	}
	b := p.Body
	mustContain(t, "waiting", section(t, b, "Low fee, not voted yet (1)"), hashOf(3), "<td>Immature</td>", `<td class="num">490</td>`)
	mustContain(t, "missed", section(t, b, "Missed (1)"), hashOf(4), `low fee`, `<td class="num">300</td>`, `<td class="num">333</td>`)
	mustContain(t, "expired", section(t, b, "Expired (1)"), hashOf(5), `<td class="num">444</td>`)
	mustContain(t, "voted", section(t, b, "Voted (1)"), hashOf(6), `<td class="num">222</td>`)
	mustContain(t, "unknown", section(t, b, "Low fee, not voted by the pool (1)"), hashOf(7))
	if strings.Contains(b, "No missed tickets") {
		t.Error("the missed low-fee ticket is not under Missed")
	}
	mustContain(t, "total", b, "5 tickets known")

	// The statistics count the same three ended tickets (the fakes'
	// getstakeinfo says 40 voted, 2 missed, 1 expired, 5 EACR earned).
	_, r := apiCall(t, ve.Env.Client(), ve.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
	var st struct {
		Voted, Missed, Expired uint32
		TotalSubsidy           float64
	}
	if err := json.Unmarshal(r.Data, &st); err != nil {
		t.Fatal(err)
	}
	reward := subsidy.NewCache(chaincfg.SimNetParams()).VoteSubsidyOn(222 - 1)
	if st.Voted != 41 || st.Missed != 3 || st.Expired != 2 {
		t.Errorf("API stats: voted %d missed %d expired %d, want 41, 3 and 2", st.Voted, st.Missed, st.Expired)
	}
	if got, want := st.TotalSubsidy, float64(5e8+reward)/1e8; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("API TotalSubsidy %v, want %v", got, want)
	}
	mustContain(t, "stats page", ve.Env.Client().Get("/stats").Body, "<dt>Voted</dt><dd>41</dd>", "<dt>Missed</dt><dd>3</dd>")
}

// TestAdminSeesImmatureLowFee: the admin page lists an immature low-fee
// ticket with its state, mined height and when it expires if never
// selected; accepting it stores that expiry (counted from the mined
// height, not from the moment of the click).
func TestAdminSeesImmatureLowFee(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	h := hashOf(9)
	ve := newVSPEnv(t, vspOptions{Now: func() time.Time { return now }, Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.LowFee = []stakepooldclient.LowFeeTicket{{Hash: h, MultisigAddress: "ScOne",
				State: poolapi.LowFeeImmature, MinedHeight: 495}}
		}
	}})
	admin := ve.Env.Client()
	admin.IP = "10.9.9.9"
	ve.CreateUser("admin-imm@example.com", "password123", true)
	admin.Login("admin-imm@example.com", "password123")
	p := admin.Get("/admintickets")
	if p.Status != http.StatusOK {
		t.Fatalf("GET /admintickets = %d", p.Status)
	}
	par := chaincfg.SimNetParams()
	// The fakes' tip is 500: the ticket expires M+E blocks after 495.
	blocks := 495 + int64(par.TicketMaturity) + int64(par.TicketExpiry) - 500
	until := now.Add(time.Duration(float64(time.Duration(blocks)*par.TargetTimePerBlock) * 1.05)).UTC()
	mustContain(t, "admin tickets", p.Body, "Ignored tickets (1)", h, "<td>Immature</td>", `<td class="num">495</td>`,
		until.Format("2006-01-02 15:04")+" UTC")
	p = admin.Submit("/admintickets", "/admintickets", url.Values{"action": {"add"}, "tickets": {h}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("add = %d\n%s", p.Status, p.Body)
	}
	act, err := ve.Store.ActiveLowFeeTickets(vbg, 0)
	if err != nil || len(act) != 1 || act[0].ExpiresAt != until.Unix() {
		t.Fatalf("stored %+v %v, want expiry %v", act, err, until)
	}
}

// TestMissedLowFeeInBrowser: in headless Chromium, the tickets page shows a
// missed low-fee ticket under Missed (labelled low fee), not among the
// low-fee tickets waiting for the operator, and the Missed heading counts it.
func TestMissedLowFeeInBrowser(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, _ := ve.withAddress(t, "lowfee-browser@example.com", 72)
	ms := u.MultiSigAddress
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) {
			b.Tickets[ms] = stakepooldclient.UserTickets{Invalid: []string{hashOf(4), hashOf(3)}}
			b.LowFee = []stakepooldclient.LowFeeTicket{
				{Hash: hashOf(3), MultisigAddress: ms, State: poolapi.LowFeeLive, MinedHeight: 470, StateHeight: 486},
				{Hash: hashOf(4), MultisigAddress: ms, State: poolapi.LowFeeMissed, MinedHeight: 300, StateHeight: 333},
			}
		})
	}
	ctx := chromium(t)
	base := ve.Env.Server.URL
	run(t, ctx, "log in", chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", "lowfee-browser@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "password123", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery), chromedp.WaitVisible("form.logout", chromedp.ByQuery))
	var missed, waiting, missedHeading string
	run(t, ctx, "read the tickets page", chromedp.Navigate(base+"/tickets"),
		chromedp.WaitReady("footer", chromedp.ByQuery),
		chromedp.Text("#g-missed", &missedHeading, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#g-missed").closest("section").innerText`, &missed),
		chromedp.Evaluate(`document.querySelector("#wait-h").closest("section").innerText`, &waiting))
	if missedHeading != "Missed (1)" || !strings.Contains(missed, hashOf(4)) || !strings.Contains(missed, "low fee") ||
		!strings.Contains(missed, "333") {
		t.Errorf("Missed section (%q):\n%s", missedHeading, missed)
	}
	if strings.Contains(waiting, hashOf(4)) || !strings.Contains(waiting, hashOf(3)) || !strings.Contains(waiting, "Live") {
		t.Errorf("waiting low-fee section:\n%s", waiting)
	}
}
