package controllers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/eacred/dcrstakepool/system"
)

var bg = context.Background()

func forEachEngine(t *testing.T, o webtest.Options, fn func(t *testing.T, env *webtest.Env)) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			o := o
			o.Engine = e
			fn(t, webtest.New(t, o))
		})
	}
}

func wantStatus(t *testing.T, what string, p *webtest.Page, status int) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.Status, status, p.Body)
	}
}

func wantBody(t *testing.T, what string, p *webtest.Page, substr string) {
	t.Helper()
	if !strings.Contains(p.Body, substr) {
		t.Fatalf("%s: body does not contain %q:\n%s", what, substr, p.Body)
	}
}

func TestRegisterVerifyLoginLogout(t *testing.T) {
	forEachEngine(t, webtest.Options{}, func(t *testing.T, env *webtest.Env) {
		c := env.Client()
		form := url.Values{"email": {"Alice@Example.com"}, "password": {"correct horse"}, "passwordrepeat": {"correct horse"}}
		p := c.Submit("/register", "/register", form)
		wantStatus(t, "register", p, 200)
		wantBody(t, "register", p, "We have sent an email to alice@example.com")

		// Not verified yet: login refused, a fresh link is mailed.
		p = c.Submit("/login", "/login", url.Values{"email": {"alice@example.com"}, "password": {"correct horse"}})
		wantStatus(t, "login unverified", p, 403)
		wantBody(t, "login unverified", p, "not verified")
		if n := len(env.Mail.To("alice@example.com")); n != 2 {
			t.Fatalf("%d mails to alice, want 2 (registration + resend)", n)
		}

		link := env.Mail.Link(t, "alice@example.com", "Verify your email")
		p = c.Get(link)
		wantStatus(t, "verify", p, 200)
		wantBody(t, "verify", p, "verified")
		// The older link was superseded, the used one is spent.
		wantStatus(t, "verify again", c.Get(link), 404)

		c.Login("Alice@example.com", "correct horse")
		p = c.Get("/settings")
		wantStatus(t, "settings", p, 200)
		wantBody(t, "settings", p, "alice@example.com")
		wantBody(t, "settings", p, "Testing") // designation
		if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("private page Cache-Control = %q", cc)
		}

		p = c.Submit("/settings", "/logout", nil)
		wantStatus(t, "logout", p, 303)
		p = c.Get("/settings")
		wantStatus(t, "settings after logout", p, 303)
		if !strings.HasPrefix(p.Location, "/login?next=") {
			t.Errorf("redirect to %q, want the login page", p.Location)
		}
	})
}

func TestRegisterDoesNotRevealAccounts(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	env.CreateUser("taken@example.com", "old password", true)
	c := env.Client()
	reg := func(addr string) *webtest.Page {
		return c.Submit("/register", "/register", url.Values{"email": {addr}, "password": {"longenough1"}, "passwordrepeat": {"longenough1"}})
	}
	a, b := reg("taken@example.com"), reg("fresh@example.com")
	wantStatus(t, "taken", a, 200)
	wantStatus(t, "fresh", b, 200)
	norm := func(s, addr string) string { return strings.ReplaceAll(s, addr, "X") }
	if norm(a.Body, "taken@example.com") != norm(b.Body, "fresh@example.com") {
		t.Errorf("registration answers differ for a taken and a fresh address")
	}
	if m := env.Mail.To("taken@example.com"); len(m) != 1 || m[0].Subject != "Registration attempt" {
		t.Errorf("owner of the taken address got %+v, want one 'Registration attempt' notice", m)
	}
	// The existing account is untouched.
	c.Login("taken@example.com", "old password")
}

func TestRegisterValidation(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	tests := []struct {
		name   string
		form   url.Values
		status int
		msg    string
	}{
		{"missing email", url.Values{"password": {"abcdefgh1"}, "passwordrepeat": {"abcdefgh1"}}, 400, "Email is required"},
		{"bad email", url.Values{"email": {"not-an-email"}, "password": {"abcdefgh1"}, "passwordrepeat": {"abcdefgh1"}}, 400, "does not look like an email"},
		{"short password", url.Values{"email": {"a@b.co"}, "password": {"short"}, "passwordrepeat": {"short"}}, 400, "too short"},
		{"mismatch", url.Values{"email": {"a@b.co"}, "password": {"abcdefgh1"}, "passwordrepeat": {"abcdefgh2"}}, 400, "do not match"},
		{"wrong captcha", url.Values{"email": {"a@b.co"}, "password": {"abcdefgh1"}, "passwordrepeat": {"abcdefgh1"}, "captcha_solution": {"000000x"}}, 400, "captcha"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := env.Client().Submit("/register", "/register", tc.form)
			wantStatus(t, tc.name, p, tc.status)
			wantBody(t, tc.name, p, tc.msg)
		})
	}
	if total, _, _ := env.Store.CountUsers(bg); total != 0 {
		t.Errorf("%d users stored from invalid registrations", total)
	}
}

func TestClosedPool(t *testing.T) {
	env := webtest.New(t, webtest.Options{Config: func(c *controllersConfig) { c.ClosePool = true }})
	c := env.Client()
	p := c.Get("/register")
	wantBody(t, "closed register page", p, "closed")
	// Even a crafted POST is refused.
	p = c.Submit("/login", "/register", url.Values{"email": {"a@b.co"}, "password": {"abcdefgh1"}, "passwordrepeat": {"abcdefgh1"}})
	wantStatus(t, "closed register", p, 403)
	wantBody(t, "closed register", p, "Closed for tests.")
}

func TestCSRFEnforced(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	env.CreateUser("u@example.com", "password123", true)
	c := env.Client()
	form := url.Values{"email": {"u@example.com"}, "password": {"password123"}}
	p := c.Post("/login", form)
	wantStatus(t, "POST without token", p, 403)
	wantBody(t, "POST without token", p, "did not come from this site")

	// A token from another browser's page is no good either.
	other := env.Client()
	page := other.Get("/login")
	tok := regexpCSRF.FindStringSubmatch(page.Body)
	if tok == nil {
		t.Fatal("no token on login page")
	}
	form.Set(system.CSRFFieldName, tok[1])
	wantStatus(t, "foreign token", c.Post("/login", form), 403)

	// Logout needs the token too.
	c.Login("u@example.com", "password123")
	wantStatus(t, "logout without token", c.Post("/logout", nil), 403)
	wantStatus(t, "still logged in", c.Get("/settings"), 200)
	// GET /logout does not exist (no logout by link).
	if p := c.Get("/logout"); p.Status < 400 || p.Status >= 500 {
		t.Errorf("GET /logout = %d, want 4xx", p.Status)
	}
}

func TestSessionsAndRotation(t *testing.T) {
	forEachEngine(t, webtest.Options{}, func(t *testing.T, env *webtest.Env) {
		u := env.CreateUser("s@example.com", "password123", true)
		c := env.Client()
		for _, path := range []string{"/", "/login", "/register", "/passwordreset", "/nope"} {
			c.Get(path)
		}
		if c.Cookie(system.SessionCookie) != "" {
			t.Fatal("anonymous visitor got a session cookie")
		}
		if n, _ := env.Store.CountUserSessions(bg, u.ID); n != 0 {
			t.Fatalf("%d sessions before login", n)
		}
		// A planted (fixated) cookie is not adopted.
		planted := &http.Cookie{Name: system.SessionCookie, Value: "attacker-chosen-value", Path: "/"}
		srvURL, _ := url.Parse(env.Server.URL)
		c.HTTP.Jar.SetCookies(srvURL, []*http.Cookie{planted})
		c.Login("s@example.com", "password123")
		first := c.Cookie(system.SessionCookie)
		if first == "" || first == planted.Value {
			t.Fatalf("session cookie after login = %q", first)
		}
		c.Login("s@example.com", "password123")
		second := c.Cookie(system.SessionCookie)
		if second == first {
			t.Fatal("session id not rotated on second login")
		}
		if n, _ := env.Store.CountUserSessions(bg, u.ID); n != 1 {
			t.Errorf("%d sessions after re-login, want 1 (old one ended)", n)
		}
		// The old cookie value no longer works.
		stale := env.Client()
		stale.HTTP.Jar.SetCookies(srvURL, []*http.Cookie{{Name: system.SessionCookie, Value: first, Path: "/"}})
		wantStatus(t, "stale cookie", stale.Get("/settings"), 303)
		// Cookie flags.
		p := env.Client()
		p.Get("/login")
		resp := p.Submit("/login", "/login", url.Values{"email": {"s@example.com"}, "password": {"password123"}})
		sc := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
		if !strings.Contains(sc, "session=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("session Set-Cookie lacks flags: %s", sc)
		}
	})
}

func TestLoginErrorsAndRateLimit(t *testing.T) {
	env := webtest.New(t, webtest.Options{LoginLimit: system.NewRateLimiter(time_Hour, 3)})
	env.CreateUser("r@example.com", "password123", true)
	c := env.Client()
	bad := url.Values{"email": {"r@example.com"}, "password": {"wrong password"}}
	p := c.Submit("/login", "/login", bad)
	wantStatus(t, "wrong password", p, 401)
	wantBody(t, "wrong password", p, "Invalid email or password")
	p = c.Submit("/login", "/login", url.Values{"email": {"nobody@example.com"}, "password": {"whatever1"}})
	wantStatus(t, "unknown user", p, 401)
	wantBody(t, "unknown user", p, "Invalid email or password")
	c.Submit("/login", "/login", bad)
	p = c.Submit("/login", "/login", url.Values{"email": {"r@example.com"}, "password": {"password123"}})
	wantStatus(t, "rate limited", p, 429)
	wantBody(t, "rate limited", p, "Too many login attempts")
	if p.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Another address is not affected.
	other := env.Client()
	other.IP = "192.0.2.99"
	other.Login("r@example.com", "password123")
}

func TestNoCaptcha(t *testing.T) {
	env := webtest.New(t, webtest.Options{Config: func(c *controllersConfig) { c.NoCaptcha = true }})
	c := env.Client()
	for _, path := range []string{"/register", "/passwordreset"} {
		if p := c.Get(path); strings.Contains(p.Body, "captcha") {
			t.Errorf("%s shows a captcha with nocaptcha set", path)
		}
	}
	p := c.Submit("/register", "/register", url.Values{"email": {"nc@example.com"}, "password": {"password123"}, "passwordrepeat": {"password123"}})
	wantStatus(t, "register without captcha", p, 200)
	env.Mail.Link(t, "nc@example.com", "Verify your email")
}

// TestCSRFOrigin checks the Origin/Referer rules for a plain-http site
// (development, harness) and an https site behind a TLS proxy.
func TestCSRFOrigin(t *testing.T) {
	post := func(env *webtest.Env, headers map[string]string) int {
		c := env.Client()
		tok := regexpCSRF.FindStringSubmatch(c.Get("/login").Body)[1]
		form := url.Values{"email": {"o@example.com"}, "password": {"password123"},
			system.CSRFFieldName: {strings.ReplaceAll(tok, "&#43;", "+")}}
		req, _ := http.NewRequest("POST", env.Server.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return c.Do(req).Status
	}
	plain := webtest.New(t, webtest.Options{})
	plain.CreateUser("o@example.com", "password123", true)
	for name, tc := range map[string]struct {
		h    map[string]string
		want int
	}{
		"no origin":          {nil, 303},
		"same origin":        {map[string]string{"Origin": plain.Server.URL}, 303},
		"cross-site origin":  {map[string]string{"Origin": "http://evil.example"}, 403},
		"https origin spoof": {map[string]string{"Origin": strings.Replace(plain.Server.URL, "http:", "https:", 1) + "0"}, 403},
	} {
		if got := post(plain, tc.h); got != tc.want {
			t.Errorf("plain site, %s: %d, want %d", name, got, tc.want)
		}
	}
	proxied := webtest.New(t, webtest.Options{PublicURL: "https://vsp.example.com"})
	proxied.CreateUser("o@example.com", "password123", true)
	for name, tc := range map[string]struct {
		h    map[string]string
		want int
	}{
		"public origin":      {map[string]string{"Origin": "https://vsp.example.com"}, 303},
		"public referer":     {map[string]string{"Referer": "https://vsp.example.com/login"}, 303},
		"neither":            {nil, 403},
		"cross-site origin":  {map[string]string{"Origin": "https://evil.example"}, 403},
		"cross-site referer": {map[string]string{"Referer": "https://evil.example/x"}, 403},
	} {
		if got := post(proxied, tc.h); got != tc.want {
			t.Errorf("https site behind proxy, %s: %d, want %d", name, got, tc.want)
		}
	}
}
