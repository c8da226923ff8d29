package controllers_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// browserResolve resolves a Location header against base the way a WHATWG
// URL parser (every browser) does for http(s): leading and trailing C0
// controls and spaces are dropped, every tab and newline is removed, and a
// backslash counts as a slash.
func browserResolve(t *testing.T, base, loc string) *url.URL {
	t.Helper()
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		// Not a URL a browser could follow somewhere else either; treat it
		// as staying put.
		return b
	}
	return b.ResolveReference(u)
}

// TestLoginNextNeverLeavesSite: whatever next= carries (tabs, newlines,
// other control characters, backslashes, double slashes, schemes), the 303
// after login goes to this site as a browser resolves it (issue 14: the
// tab case "/\t/other.host/" used to leave the site).
func TestLoginNextNeverLeavesSite(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	env.CreateUser("next@example.com", "password123", true)
	payloads := []string{
		"/\t/other.host/", "/\n/other.host/", "/\r/other.host/", "\t//other.host/", "/\t\t/other.host",
		"//other.host/", "///other.host/", "/\\other.host/", "\\/other.host/", "\\\\other.host",
		"/\\/other.host/", "/ /other.host/", "/\x00/other.host/", "/\x0b/other.host/", "/\u00a0/other.host",
		"/\u200b/other.host", "https://other.host/", "http:other.host", "/.//other.host", "/a/..//other.host",
		"/%09/other.host/", "/%2f%2fother.host", "javascript:alert(1)", " //other.host",
	}
	base := env.Server.URL
	own, _ := url.Parse(base)
	for _, next := range payloads {
		c := env.Client()
		status, loc := loginRaw(t, c, base, next)
		if status != 303 {
			t.Errorf("next=%q: status %d", next, status)
			continue
		}
		if got := browserResolve(t, base+"/login", loc); got.Host != own.Host || got.Scheme != own.Scheme {
			t.Errorf("next=%q: Location %q resolves to %s (another site)", next, loc, got)
		}
		// The login page must not carry such a value into its form either.
		page := c.Get("/login?next=" + url.QueryEscape(next))
		if strings.Contains(page.Body, "other.host") && !strings.HasPrefix(next, "/%") && !strings.HasPrefix(next, "/a/") &&
			!strings.HasPrefix(next, "/.") {
			t.Errorf("next=%q: login page keeps it in the form", next)
		}
	}
	// Local paths still work.
	c := env.Client()
	p := c.Submit("/login", "/login", url.Values{"email": {"next@example.com"}, "password": {"password123"},
		"next": {"/settings?tab=1"}})
	if p.Location != "/settings?tab=1" {
		t.Errorf("local next: Location %q", p.Location)
	}
}

// loginRaw logs in with next through one raw round trip (Go's client
// refuses a Location with control characters before a test can see it;
// browsers do not) and returns the status and Location.
func loginRaw(t *testing.T, c *webtest.Client, base, next string) (int, string) {
	t.Helper()
	page := c.Get("/login")
	m := regexpCSRF.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no CSRF token on /login")
	}
	form := url.Values{"email": {"next@example.com"}, "password": {"password123"}, "next": {next},
		"csrf_token": {html.UnescapeString(m[1])}}
	req, err := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	u, _ := url.Parse(base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
