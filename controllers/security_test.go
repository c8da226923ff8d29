package controllers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// probeRoutes are test pages: an admin page, a login page and a panicking page.
func probeRoutes(rt *system.Router, s *controllers.Server) {
	ok := func(c web.C, w http.ResponseWriter, r *http.Request) error {
		_, err := w.Write([]byte("secret admin page"))
		return err
	}
	rt.HTML.Get("/admin/probe", s.H(s.RequireAdmin(ok)))
	rt.HTML.Get("/user/probe", s.H(s.RequireLogin(ok)))
	rt.HTML.Get("/panic", s.H(func(web.C, http.ResponseWriter, *http.Request) error { panic("boom") }))
	rt.HTML.Get("/fail", s.H(func(web.C, http.ResponseWriter, *http.Request) error {
		return errInternal
	}))
}

var errInternal = errorString("database password=hunter2 unreachable")

type errorString string

func (e errorString) Error() string { return string(e) }

func withProbe(o webtest.Options) webtest.Options {
	o.Routes = probeRoutes
	return o
}

func TestAdminAccess(t *testing.T) {
	env := webtest.New(t, withProbe(webtest.Options{AdminIPs: []string{"10.9.0.0/16"}, AdminUserIDs: []string{"1"}}))
	env.CreateUser("admin@example.com", "password123", true) // id 1
	env.CreateUser("user@example.com", "password123", true)  // id 2
	tests := []struct {
		name   string
		email  string
		ip     string
		status int
	}{
		{"anonymous", "", "10.9.1.1", 403},
		{"admin id, wrong IP", "admin@example.com", "192.0.2.1", 403},
		{"admin IP, wrong id", "user@example.com", "10.9.1.1", 403},
		{"admin id and IP in CIDR", "admin@example.com", "10.9.200.3", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := env.Client()
			c.IP = tc.ip
			if tc.email != "" {
				c.Login(tc.email, "password123")
			}
			p := c.Get("/admin/probe")
			wantStatus(t, tc.name, p, tc.status)
			if tc.status == 200 {
				wantBody(t, tc.name, p, "secret admin page")
				// Admins see the admin links in the navigation.
				wantBody(t, "nav", c.Get("/"), `href="/admin/status"`)
			} else if strings.Contains(p.Body, "secret") {
				t.Error("admin content leaked")
			}
		})
	}
	c := env.Client()
	c.Login("user@example.com", "password123")
	if strings.Contains(c.Get("/").Body, `href="/admin/status"`) {
		t.Error("non-admin sees admin links")
	}
	wantStatus(t, "login-only page anonymous", env.Client().Get("/user/probe"), 303)
	wantStatus(t, "login-only page", c.Get("/user/probe"), 200)
}

func TestErrorsNeverLeakAndPanicsRecover(t *testing.T) {
	env := webtest.New(t, withProbe(webtest.Options{}))
	c := env.Client()
	p := c.Get("/panic")
	wantStatus(t, "panic", p, 500)
	wantBody(t, "panic", p, "request id")
	p = c.Get("/fail")
	wantStatus(t, "internal error", p, 500)
	if strings.Contains(p.Body, "hunter2") {
		t.Error("internal error text shown to the user")
	}
	wantStatus(t, "still serving", c.Get("/"), 200)
	p = c.Get("/no/such/page")
	wantStatus(t, "404", p, 404)
	wantBody(t, "404", p, "There is no page at this address.")
}

func TestHeadersAndStatic(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	c := env.Client()
	p := c.Get("/")
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Cache-Control":           "no-store",
	} {
		if got := p.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}
	if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, " style=") || strings.Contains(p.Body, "onclick") {
		t.Error("inline script or style in the page (CSP forbids it)")
	}
	wantBody(t, "designation", p, "Testing")
	wantBody(t, "description", p, "A pool for tests.")
	s := c.Get("/assets/css/style.css")
	wantStatus(t, "stylesheet", s, 200)
	if cc := s.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
		t.Errorf("stylesheet Cache-Control = %q", cc)
	}
	wantStatus(t, "directory listing", c.Get("/assets/css/"), 404)
	wantStatus(t, "missing asset", c.Get("/assets/nope.css"), 404)
	wantStatus(t, "path escape", c.Get("/assets/../go.mod"), 404)
	img := c.Get("/captchas/nonexistent.png")
	if img.Status != 404 {
		t.Errorf("unknown captcha: %d", img.Status)
	}
}

func TestBadInput(t *testing.T) {
	forEachEngine(t, webtest.Options{MaxBodyBytes: 4096}, func(t *testing.T, env *webtest.Env) {
		env.CreateUser("victim@example.com", "password123", true)
		long := strings.Repeat("a", 300) + "@example.com"
		evil := []string{
			`"><script>alert(1)</script>@x.com`,
			`x@example.com' OR '1'='1`,
			`'; DROP TABLE users; --@x.com`,
			`<img src=x onerror=alert(1)>`,
		}
		type tc struct {
			name   string
			path   string
			form   url.Values
			status int
			msg    string
		}
		tests := []tc{
			{"register invalid utf8", "/register", url.Values{"email": {"a\xff@b.com"}, "password": {"password123"}, "passwordrepeat": {"password123"}}, 400, "invalid UTF-8"},
			{"register overlong email", "/register", url.Values{"email": {long}, "password": {"password123"}, "passwordrepeat": {"password123"}}, 400, "too long"},
			{"register overlong password", "/register", url.Values{"email": {"a@b.co"}, "password": {strings.Repeat("p", 100)}, "passwordrepeat": {strings.Repeat("p", 100)}}, 400, "too long"},
			{"register control chars", "/register", url.Values{"email": {"a\x00@b.co"}, "password": {"password123"}, "passwordrepeat": {"password123"}}, 400, "control characters"},
			{"register missing all", "/register", url.Values{}, 400, "required"},
			{"register repeated field", "/register", url.Values{"email": {"a@b.co", "c@d.co"}, "password": {"password123"}, "passwordrepeat": {"password123"}}, 400, "more than once"},
			{"login missing password", "/login", url.Values{"email": {"victim@example.com"}}, 400, "Password is required"},
			{"login invalid utf8 password", "/login", url.Values{"email": {"victim@example.com"}, "password": {"\xfe\xff"}}, 400, "invalid UTF-8"},
			{"reset overlong", "/passwordreset", url.Values{"email": {long}}, 400, "too long"},
		}
		for i, e := range evil {
			tests = append(tests,
				tc{"register injection " + string(rune('a'+i)), "/register", url.Values{"email": {e}, "password": {"password123"}, "passwordrepeat": {"password123"}}, 400, "email"},
				tc{"login injection " + string(rune('a'+i)), "/login", url.Values{"email": {e}, "password": {e}}, 400, "email"})
		}
		formPage := map[string]string{"/register": "/register", "/login": "/login", "/passwordreset": "/passwordreset"}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p := env.Client().Submit(formPage[tc.path], tc.path, tc.form)
				wantStatus(t, tc.name, p, tc.status)
				wantBody(t, tc.name, p, tc.msg)
				for _, e := range evil {
					if strings.Contains(p.Body, e) {
						t.Errorf("raw input %q echoed unescaped", e)
					}
				}
			})
		}
		if total, _, _ := env.Store.CountUsers(bg); total != 1 {
			t.Errorf("%d users after bad registrations, want 1", total)
		}

		// Oversized bodies: declared and chunked.
		c := env.Client()
		big := url.Values{"email": {strings.Repeat("x", 10000)}}
		p := c.Submit("/login", "/login", big)
		wantStatus(t, "oversized body", p, 413)
		req, _ := http.NewRequest("POST", env.Server.URL+"/login", strings.NewReader(strings.Repeat("a=b&", 3000)))
		req.ContentLength = -1 // chunked: the limit is hit while reading
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p = c.Do(req)
		if p.Status < 400 || p.Status >= 500 {
			t.Errorf("chunked oversized body: status %d, want 4xx", p.Status)
		}
		// Garbage content type and malformed query strings.
		req, _ = http.NewRequest("POST", env.Server.URL+"/login", strings.NewReader("%zz=%%%"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if p := c.Do(req); p.Status < 400 || p.Status >= 500 {
			t.Errorf("malformed form: %d", p.Status)
		}
		for _, path := range []string{"/emailverify?t=%ff%fe", "/emailverify?t=" + strings.Repeat("a", 500),
			"/passwordupdate?t=<script>", "/emailupdate?t='%20OR%201=1", "/login?next=//evil.example"} {
			p := c.Get(path)
			if p.Status >= 500 {
				t.Errorf("GET %s: %d", path, p.Status)
			}
			if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, "//evil.example") {
				t.Errorf("GET %s echoed input unescaped", path)
			}
		}
	})
}

func TestLoginRedirectsOnlyLocally(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	env.CreateUser("n@example.com", "password123", true)
	for next, want := range map[string]string{
		"/settings":             "/settings",
		"//evil.example/x":      "/address",
		"https://evil.example/": "/address",
		"/\\evil.example":       "/address",
	} {
		c := env.Client()
		p := c.Submit("/login?next="+url.QueryEscape(next), "/login",
			url.Values{"email": {"n@example.com"}, "password": {"password123"}, "next": {next}})
		if p.Location != want {
			t.Errorf("next=%q: redirect to %q, want %q", next, p.Location, want)
		}
	}
}

func TestCaptchaImages(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	c := env.Client()
	m := regexpCaptcha.FindStringSubmatch(c.Get("/register").Body)
	if m == nil {
		t.Fatal("no captcha on the register page")
	}
	png := c.Get("/captchas/" + m[1] + ".png")
	wantStatus(t, "png", png, 200)
	if png.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png.Body, "\x89PNG") {
		t.Errorf("captcha image: %q %q", png.Header.Get("Content-Type"), png.Body[:8])
	}
	wav := c.Get("/captchas/" + m[1] + ".wav")
	wantStatus(t, "wav", wav, 200)
	wantStatus(t, "unknown id", c.Get("/captchas/nonexistent.png"), 404)
	wantStatus(t, "no extension", c.Get("/captchas/"+m[1]), 404)
}
