package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// route is one route of the router: a method and a Goji pattern
// ("/exact", "/prefix/*", "/a/:name").
type route struct {
	Mux, Method, Pattern string
}

func (r route) String() string { return r.Method + " " + r.Pattern }

// regexp of the paths the pattern matches.
func (r route) regexp() *regexp.Regexp {
	p := regexp.QuoteMeta(r.Pattern)
	p = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*`).ReplaceAllString(p, `[^/]+`)
	if strings.HasSuffix(p, `\*`) {
		p = strings.TrimSuffix(p, `\*`) + `.*`
	}
	return regexp.MustCompile(`^` + p + `$`)
}

// notBrowserRoutes are the routes the route walk does not have to visit,
// each with the reason and the test that covers it instead. An entry that
// is not a route any more fails the coverage test too.
var notBrowserRoutes = map[string]string{
	"GET /captchas/*": "captcha images: the walk's pool runs with nocaptcha (a browser cannot read one); " +
		"controllers tests load and solve them",
}

// uncovered returns the routes no request of reqs reached with a
// successful answer (status below 400), and the requests answered 5xx.
func uncovered(routes []route, reqs []request) (missing []string, failed []string) {
	seen := make(map[string]bool)
	for _, rt := range routes {
		if rt.Mux == "api" || seen[rt.String()] {
			continue
		}
		seen[rt.String()] = true
		if _, ok := notBrowserRoutes[rt.String()]; ok {
			continue
		}
		re := rt.regexp()
		hit := false
		for _, rq := range reqs {
			if rq.Method == rt.Method && re.MatchString(rq.Path) && rq.Status > 0 && rq.Status < 400 {
				hit = true
				break
			}
		}
		if !hit {
			missing = append(missing, rt.String())
		}
	}
	for k := range notBrowserRoutes {
		if !seen[k] {
			missing = append(missing, k+" (listed in notBrowserRoutes but not a route)")
		}
	}
	for _, rq := range reqs {
		if rq.Status >= 500 {
			failed = append(failed, fmt.Sprintf("%s %s answered %d", rq.Method, rq.Path, rq.Status))
		}
	}
	sort.Strings(missing)
	return missing, failed
}

// mailLink waits for a mail to addr, newer than the first skip mails to
// it, with a link to path, and returns the link.
func mailLink(t *testing.T, c *cluster, addr string, skip int, path string) string {
	t.Helper()
	var link string
	waitFor(t, 30*time.Second, "a mail to "+addr+" with a link to "+path, func() error {
		msgs := c.mail.To(addr)
		if len(msgs) <= skip {
			return fmt.Errorf("%d mails to %s", len(msgs), addr)
		}
		for _, m := range msgs[skip:] {
			for _, l := range regexp.MustCompile(`https?://[^\s"<>]+`).FindAllString(m.Body, -1) {
				if u, err := url.Parse(l); err == nil && u.Path == path {
					link = l
					return nil
				}
			}
		}
		return fmt.Errorf("no link to %s in %d new mails", path, len(msgs)-skip)
	})
	return link
}

// TestEveryRoute visits every HTML page and submits every HTML form of the
// router in headless Chromium, as a visitor, a user and an admin, on the
// real pool; checks each page's layout at 1280 and 390 px (screenshots of
// both); and fails when a route of the router got no successful browser
// request, when any request answered 5xx, or when the layout check finds a
// defect.
func TestEveryRoute(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	routes := routerRoutes(t)
	c := newCluster(t, clusterOptions{extraConfig: []string{"metrics=1"}})
	reqs, layout := newRequestLog(c.baseURL), &layoutLog{}

	u := walkBrowser(t, c, "5-every-route-user", reqs, layout)
	const (
		email    = "carol@e2e.example"
		email2   = "carol2@e2e.example"
		password = "carol's first password"
		pw2      = "carol's second password"
		pw3      = "carol's third password"
	)
	// A visitor.
	for _, p := range []string{"/", "/stats", "/login", "/register", "/passwordreset", "/status", "/favicon.ico", "/no-such-page"} {
		u.visit(p)
	}
	u.mustSee("no page") // the 404 page is a page too

	// Sign up, verify, log in.
	u.visit("/register")
	u.fill(map[string]string{"#email": email, "#password": password, "#passwordrepeat": password})
	u.submit(`form[action="/register"] button[type="submit"]`, "registered")
	u.visit(mailLink(t, c, email, 0, "/emailverify"))
	login(u, email, password)

	// Address, API token renewal, tickets, voting.
	pa := submitAddress(u, c)
	u.submit(`form[action="/address/token"] button[type="submit"]`, "new API token")
	if m := apiTokenRE.FindStringSubmatch(u.html()); m == nil || strings.TrimSpace(m[1]) == pa.apiToken {
		t.Errorf("the API token did not change after renewal")
	}
	ours := c.buyTickets(pa, 2, pa.fee)
	c.mine(1, ours)
	waitTicketsPage(u, "2 immature", func(n map[string]int) bool { return n["immature"] == 2 })
	saveVotingChoices(u)

	// Settings: password change (other sessions end), then log in again.
	u.visit("/settings")
	u.fill(map[string]string{"#cur-pw": password, "#new-pw": pw2, "#new-pw2": pw2})
	u.submit(`form[action="/settings/password"] button[type="submit"]`, "password changed")
	u.submit(`form[action="/logout"] button[type="submit"]`, "logged out")
	login(u, email, pw2)

	// Email change and its confirmation from the mail to the new address.
	u.visit("/settings")
	u.fill(map[string]string{"#new-email": email2, "#email-pw": pw2})
	u.submit(`form[action="/settings/email"] button[type="submit"]`, "email change asked")
	u.visit(mailLink(t, c, email2, 0, "/emailupdate"))
	loginAgain(u, email2, pw2)

	// Password reset from the mailed link, logged out.
	u.submit(`form[action="/logout"] button[type="submit"]`, "logged out")
	u.visit("/passwordreset")
	sent := len(c.mail.To(email2))
	u.fill(map[string]string{"#email": email2})
	u.submit(`form[action="/passwordreset"] button[type="submit"]`, "reset asked")
	u.visit(mailLink(t, c, email2, sent, "/passwordupdate"))
	u.fill(map[string]string{"#password": pw3, "#passwordrepeat": pw3})
	u.submit(`form[action="/passwordupdate"] button[type="submit"]`, "password reset")
	loginAgain(u, email2, pw3)

	// The admin: status, re-check, low-fee tickets added and removed.
	a := walkBrowser(t, c, "5-every-route-admin", reqs, layout)
	login(a, adminEmail, adminPass)
	a.visit("/admin/status")
	a.submit(`form[action="/admin/recheck"] button[type="submit"]`, "rechecked")
	a.visit("/metrics")
	a.visit("/admintickets")
	adminPA := submitAddress(a, c)
	low := c.lowFeeTicketListed(a, adminPA, ours)
	a.run("tick the ticket", clickCheckbox(low))
	a.submit(`form[action="/admintickets"] input[value="add"] ~ button`, "ticket added")
	a.mustSee("Added tickets (1)")
	a.run("tick the ticket", clickCheckbox(low))
	a.submit(`form[action="/admintickets"] input[value="remove"] ~ button`, "ticket removed")
	a.mustSee("Added tickets (0)")
	u.visit("/tickets") // the user's tickets, some blocks later
	u.visit("/stats")

	// Last: the user deletes the account and cannot log in any more.
	u.visit("/settings")
	u.fill(map[string]string{"#del-pw": pw3})
	u.run("confirm", chromedp.Click(`form[action="/settings/delete"] input[name="confirm"]`, chromedp.ByQuery))
	u.submit(`form[action="/settings/delete"] button[type="submit"]`, "account deleted")
	u.visit("/login")
	u.fill(map[string]string{"#email": email2, "#password": pw3})
	u.submitWant(`form[action="/login"] button[type="submit"]`, "login refused", 401)
	if strings.Contains(u.text(), "Log out") {
		t.Error("a deleted account could still log in")
	}

	missing, failed := uncovered(routes, reqs.requests())
	var list []string
	for _, r := range routes {
		list = append(list, r.String())
	}
	t.Logf("routes of the router: %s", strings.Join(list, ", "))
	t.Logf("pages checked for layout: %d (each at %v px)", layout.pages/len(layoutWidths), layoutWidths)
	if len(missing) > 0 {
		t.Errorf("routes with no successful browser request: %s", strings.Join(missing, ", "))
	}
	if len(failed) > 0 {
		t.Errorf("server errors during the walk:\n%s", strings.Join(failed, "\n"))
	}
	if len(layout.problems) > 0 {
		t.Errorf("layout defects:\n%s", strings.Join(layout.problems, "\n"))
	}
}

// loginAgain logs in after the site ended the session (email change,
// password reset), from wherever the browser is.
func loginAgain(b *browser, email, password string) {
	b.t.Helper()
	if strings.Contains(b.text(), "Log out") {
		b.submit(`form[action="/logout"] button[type="submit"]`, "logged out")
	}
	login(b, email, password)
	b.mustSee(email)
}

// lowFeeTicketListed buys a ticket paying too little fee to pa and mines
// (voting ours) until the admin's low-fee page lists it, retrying with a
// fresh ticket if the lottery selects it first (then it is missed, not
// listed). It returns the ticket's hash.
func (c *cluster) lowFeeTicketListed(b *browser, pa poolAddress, ours map[string]bool) string {
	c.t.Helper()
	for attempt := 1; attempt <= 3; attempt++ {
		c.fillTicketPool(60)
		var low string
		for h := range c.buyTickets(pa, 1, "0.5") {
			low = h
		}
		selected := false
		for i := 0; i < 40 && !selected; i++ {
			c.mine(1, ours)
			if strings.Contains(b.peek("/admintickets"), low) {
				b.visit("/admintickets")
				return low
			}
			var height int64
			c.call(c.node, &height, "getblockcount")
			for _, w := range c.watcher.winnersAt(c.t, height) {
				selected = selected || w.String() == low
			}
		}
		c.t.Logf("attempt %d: low-fee ticket %s was selected before the low-fee page listed it", attempt, low)
	}
	c.t.Fatal("no low-fee ticket reached the admin's low-fee page in three attempts")
	return ""
}
