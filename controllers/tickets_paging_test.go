package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
)

// manyHash is the hash of ticket i of pagedTickets.
func manyHash(i int) string { return fmt.Sprintf("%064x", i+1) }

// pagedTickets are live tickets bought at heights 100+i (newest: the
// highest i) and voted tickets (voted at 5000+i).
func pagedTickets(live, voted int) stakepooldclient.UserTickets {
	var ut stakepooldclient.UserTickets
	for i := 0; i < live; i++ {
		ut.Tickets = append(ut.Tickets, stakepooldclient.UserTicket{Hash: manyHash(i), Status: stakepooldclient.StatusLive,
			TicketHeight: uint32(100 + i)})
	}
	for i := 0; i < voted; i++ {
		ut.Tickets = append(ut.Tickets, stakepooldclient.UserTicket{Hash: manyHash(10000 + i),
			Status: stakepooldclient.StatusVoted, TicketHeight: 50, SpentByHeight: uint32(5000 + i)})
	}
	return ut
}

// sectionRows is the hashes listed in one section of a tickets page.
func sectionRows(t *testing.T, body, group string) []string {
	t.Helper()
	i := strings.Index(body, `id="g-`+group+`"`)
	if i < 0 {
		t.Fatalf("no %s section", group)
	}
	sec := body[i:]
	if j := strings.Index(sec, "</section>"); j >= 0 {
		sec = sec[:j]
	}
	var out []string
	for _, m := range regexp.MustCompile(`<code class="hash">([0-9a-f]{64})</code>`).FindAllStringSubmatch(sec, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestTicketsPaging: each group lists 100 tickets a page, newest first;
// its links (first, newer, older, last) keep the other groups' pages; a
// page number that is not a positive whole number is a 400 and one past
// the last page a 404, each saying what is wrong; a group of one page has
// no page links.
func TestTicketsPaging(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.MaxVotedTickets = 150 }})
	u, c := ve.withAddress(t, "paged@example.com", 6)
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = pagedTickets(250, 170) })
	}
	get := func(path string, status int) string {
		t.Helper()
		p := c.Get(path)
		if p.Status != status {
			t.Fatalf("GET %s = %d, want %d\n%.3000s", path, p.Status, status, p.Body)
		}
		return p.Body
	}
	b := get("/tickets", 200)
	mustContain(t, "page 1", b, "420 tickets", "Live (250)", "Tickets 1 to 100 of 250, newest first.",
		`href="/tickets?live=2#g-live" rel="next"`, `href="/tickets?live=3#g-live"`, "of 3",
		"Voted (170)", "only the newest 150 are listed", "Tickets 1 to 100 of 150", `href="/tickets?voted=2#g-voted"`)
	if strings.Contains(b, `rel="prev"`) {
		t.Error("page 1 links to a newer page")
	}
	rows := sectionRows(t, b, "live")
	if len(rows) != 100 || rows[0] != manyHash(249) || rows[99] != manyHash(150) {
		t.Fatalf("live page 1: %d rows, first %s", len(rows), rows[0])
	}
	if rows := sectionRows(t, b, "immature"); len(rows) != 0 || !strings.Contains(b, "No immature tickets") {
		t.Error("empty group")
	}

	b = get("/tickets?live=3&voted=2", 200)
	rows = sectionRows(t, b, "live")
	if len(rows) != 50 || rows[0] != manyHash(49) || rows[49] != manyHash(0) {
		t.Fatalf("live page 3: %d rows", len(rows))
	}
	mustContain(t, "page 3", b, "Tickets 201 to 250 of 250", `href="/tickets?live=2&amp;voted=2#g-live" rel="prev"`,
		`href="/tickets?voted=2#g-live"`, // first page of live keeps voted's page
		"Tickets 101 to 150 of 150", `href="/tickets?live=3#g-voted"`, `<input type="hidden" name="voted" value="2">`,
		`<input type="hidden" name="live" value="3">`)
	if rows := sectionRows(t, b, "voted"); len(rows) != 50 || rows[0] != manyHash(10000+169-100) {
		t.Fatalf("voted page 2: %d rows", len(rows))
	}
	if strings.Contains(b, `#g-live" rel="next"`) {
		t.Error("the last page links to an older one")
	}

	for _, bad := range []string{"x", "0", "-1", "1.5", ""} {
		p := c.Get("/tickets?live=" + bad)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "The page number of the live tickets must be a whole number") {
			t.Errorf("?live=%q: %d\n%.2000s", bad, p.Status, p.Body)
		}
	}
	mustContain(t, "past the last page", get("/tickets?live=4", 404), "There is no page 4 of your live tickets: they fill 3 pages.")
	mustContain(t, "past an empty group", get("/tickets?missed=2", 404), "There is no page 2 of your missed tickets: they fill 1 page.")
}

// TestTicketsPagingInBrowser: in headless Chromium, the live group's page
// links and its page form (no script needed) go to the right page and
// keep the voted group's; the paged page passes the layout checks at 1280
// and 390 px.
func TestTicketsPagingInBrowser(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.NoCaptcha = true }})
	u, _ := ve.withAddress(t, "paged-browser@example.com", 6)
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = pagedTickets(250, 120) })
	}
	ctx := chromium(t)
	base := ve.Env.Server.URL
	run(t, ctx, "log in", chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", "paged-browser@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "password123", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery), chromedp.WaitVisible("form.logout", chromedp.ByQuery))
	firstLive := `document.querySelector("#g-live").closest("section").querySelector("code.hash").textContent`
	firstVoted := `document.querySelector("#g-voted").closest("section").querySelector("code.hash").textContent`
	var loc, live, voted string
	run(t, ctx, "open the tickets", chromedp.Navigate(base+"/tickets"), chromedp.WaitReady("footer", chromedp.ByQuery))
	clickAndWait(t, ctx, "voted: older", `#g-voted ~ nav a[rel=next]`)
	run(t, ctx, "where", chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/tickets?voted=2#g-voted") {
		t.Fatalf("voted's older link went to %s", loc)
	}
	clickAndWait(t, ctx, "live: older", `#g-live ~ nav a[rel=next]`)
	run(t, ctx, "read live page 2", chromedp.Location(&loc),
		chromedp.Evaluate(firstLive, &live), chromedp.Evaluate(firstVoted, &voted))
	if !strings.HasSuffix(loc, "/tickets?live=2&voted=2#g-live") || live != manyHash(149) || voted != manyHash(10000+19) {
		t.Fatalf("live's older link: %s, first live %s, first voted %s", loc, live, voted)
	}
	// The page form: type a page number, submit, no script involved.
	run(t, ctx, "live: type page 3", chromedp.SetValue(`#g-live ~ nav input[name=live]`, "3", chromedp.ByQuery))
	clickAndWait(t, ctx, "live: go to page 3", `#g-live ~ nav button`)
	run(t, ctx, "read page 3", chromedp.Location(&loc),
		chromedp.Evaluate(firstLive, &live), chromedp.Evaluate(firstVoted, &voted))
	if !strings.Contains(loc, "live=3") || !strings.Contains(loc, "voted=2") || live != manyHash(49) || voted != manyHash(10000+19) {
		t.Fatalf("page form: %s, first live %s, first voted %s", loc, live, voted)
	}
	clickAndWait(t, ctx, "live: newest", `#g-live ~ nav a[href="/tickets?voted=2#g-live"]`)
	run(t, ctx, "read live page 1", chromedp.Evaluate(firstLive, &live))
	if live != manyHash(249) {
		t.Fatalf("newest page of live starts with %s", live)
	}
	for _, width := range []int64{1280, 390} {
		var problems []string
		run(t, ctx, fmt.Sprintf("layout at %d px", width), chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/tickets?live=2&voted=2"), chromedp.WaitReady("footer", chromedp.ByQuery),
			chromedp.Evaluate(layoutProblems, &problems))
		for _, p := range problems {
			t.Errorf("paged tickets at %d px: %s", width, p)
		}
	}
}

// clickAndWait clicks sel and waits for the page it loads (status 200).
func clickAndWait(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(c, chromedp.Click(sel, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
	if resp == nil || resp.Status != 200 {
		t.Fatalf("browser: %s: response %+v", what, resp)
	}
	run(t, ctx, what+": loaded", chromedp.WaitReady("footer", chromedp.ByQuery))
}
