package controllers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/models"
)

// layoutProblems is run in the page: it lists elements that overflow their
// box, pieces that must stay on one line but wrap (amounts, heights, times,
// addresses, versions), and a page wider than the window.
const layoutProblems = `(() => {
  const out = [];
  const name = e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).replace(/ /g, ".") : "") +
    " " + JSON.stringify(e.textContent.trim().slice(0, 40));
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push("page wider than the window");
  for (const e of document.querySelectorAll(".facts dl > div, dd, .panel, td, th, p, h1, h2")) {
    if (e.closest(".table-scroll") && e.tagName !== "TABLE") continue; // tables scroll on purpose
    if (e.scrollWidth > e.clientWidth + 1) out.push("overflows: " + name(e) + " " + e.scrollWidth + ">" + e.clientWidth);
  }
  for (const e of document.querySelectorAll(".amount, .nowrap, td.num")) {
    const r = document.createRange();
    r.selectNodeContents(e);
    const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
    if (tops.size > 1) out.push("wraps: " + name(e));
  }
  // A table that scrolls sideways must say so (columns hidden to the right
  // with no cue are a defect): scroll shadows (a gradient background that
  // scrolls with the content) and a visible "scroll" hint just above it.
  for (const e of document.querySelectorAll("*")) {
    const cs = getComputedStyle(e);
    if ((cs.overflowX !== "auto" && cs.overflowX !== "scroll") || e.scrollWidth <= e.clientWidth + 1) continue;
    const hint = e.previousElementSibling;
    const shown = hint && hint.classList.contains("scroll-hint") && hint.getBoundingClientRect().height > 0 &&
      getComputedStyle(hint).visibility !== "hidden";
    const shadows = cs.backgroundAttachment.includes("local") && cs.backgroundImage.includes("gradient");
    if (!shown || !shadows) out.push("scrolls sideways with no cue (hint " + shown + ", shadows " + shadows + "): " +
      name(e) + " " + e.scrollWidth + ">" + e.clientWidth);
  }
  return out;
})()`

// TestLayoutInBrowser loads the pages with long figures (1484.93284961
// EACR of rewards, a 0.0002 EACR ticket price, host:port backend names,
// full ticket hashes, low-fee dates) in headless Chromium at 1280 and 390
// px and checks nothing overflows its card and no amount, height, time,
// address or version wraps (issue 14). It also checks the password fields
// count bytes as the server does.
func TestLayoutInBrowser(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) {
		c.NoCaptcha, c.Version, c.ExplorerURL = true, "1.6.0-pre", "https://explorer.example"
	},
		Prepare: func(fs []*fakebackend.Backend) {
			for _, f := range fs {
				f.Stake.TotalSubsidyAtoms = 148493284961
				f.Stake.DifficultyAtoms = 20000
			}
		}})
	admin, _ := ve.withAddress(t, "admin-layout@example.com", 80) // user 1: admin
	ut := stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{
		{Hash: hashOf(1), Status: stakepooldclient.StatusVoted, TicketHeight: 123456, SpentByHeight: 129999},
		{Hash: hashOf(2), Status: stakepooldclient.StatusLive, TicketHeight: 130000},
		{Hash: hashOf(3), Status: stakepooldclient.StatusMissed, TicketHeight: 120000, SpentByHeight: 125000},
	}, Invalid: []string{hashOf(4)}}
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) {
			b.Tickets[admin.MultiSigAddress] = ut
			b.Ignored = []stakepooldclient.Ticket{{Hash: hashOf(4), MultisigAddress: admin.MultiSigAddress}}
		})
	}
	now := time.Now().Unix()
	if _, err := ve.Store.AddLowFeeTickets(vbg, []models.LowFeeTicket{{TicketHash: hashOf(5),
		MultisigAddress: admin.MultiSigAddress, AddedBy: 1, AddedAt: now, ExpiresAt: now + 86400*30}}); err != nil {
		t.Fatal(err)
	}
	ctx := chromium(t)
	base := ve.Env.Server.URL
	run(t, ctx, "log in", chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", "admin-layout@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "password123", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery), chromedp.WaitVisible("form.logout", chromedp.ByQuery))
	pages := []string{"/", "/stats", "/tickets", "/address", "/voting", "/settings", "/admin/status", "/admintickets"}
	for _, width := range []int64{1280, 390} {
		for _, path := range pages {
			var problems []string
			run(t, ctx, fmt.Sprintf("%s at %d px", path, width),
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(base+path), chromedp.WaitReady("footer", chromedp.ByQuery),
				chromedp.Evaluate(layoutProblems, &problems))
			for _, p := range problems {
				t.Errorf("%s at %d px: %s", path, width, p)
			}
		}
	}
	// Password fields count bytes: 40 "é" are 40 characters but 80 bytes.
	var valid bool
	var msg string
	run(t, ctx, "password byte check", chromedp.Navigate(base+"/settings"),
		chromedp.WaitReady("#new-pw", chromedp.ByQuery),
		chromedp.SendKeys("#new-pw", strings.Repeat("é", 40), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#new-pw").checkValidity()`, &valid),
		chromedp.Evaluate(`document.querySelector("#new-pw").validationMessage`, &msg))
	if valid || !strings.Contains(msg, "80 bytes, at most 72") {
		t.Errorf("80-byte password: valid=%v message %q", valid, msg)
	}
	run(t, ctx, "password byte check, 72 bytes", chromedp.Navigate(base+"/settings"),
		chromedp.WaitReady("#new-pw", chromedp.ByQuery),
		chromedp.SendKeys("#new-pw", strings.Repeat("é", 36), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#new-pw").checkValidity()`, &valid))
	if !valid {
		t.Error("a 72-byte password is refused by the page")
	}
}

// TestPasswordLimitInBytes: the server refuses a password over 72 bytes with
// a message in bytes, whatever its length in characters, and the forms no
// longer carry a character maxlength that disagrees with it.
func TestPasswordLimitInBytes(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.NoCaptcha = true }})
	c := ve.Env.Client()
	pw := strings.Repeat("é", 40) // 40 characters, 80 bytes
	p := c.Submit("/register", "/register", map[string][]string{"email": {"bytes@example.com"},
		"password": {pw}, "passwordrepeat": {pw}})
	wantStatus(t, "80-byte password", p, 400)
	wantBody(t, "80-byte password", p, "80 bytes, at most 72")
	for _, path := range []string{"/register", "/login", "/passwordreset"} {
		if body := c.Get(path).Body; strings.Contains(body, `type="password" maxlength`) {
			t.Errorf("%s: password field with a character maxlength", path)
		}
	}
	if !strings.Contains(c.Get("/register").Body, `data-maxbytes="72"`) {
		t.Error("register: no byte limit on the password field")
	}
}
