package controllers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestWrongMethod: a known path asked with a method it does not accept
// answers 405 with an Allow header (HTML pages, Root routes and the API);
// unknown paths are 404 whatever the method (an unsafe method does not get
// the CSRF 403 there), while known paths still refuse a tokenless POST.
func TestWrongMethod(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	c := ve.Env.Client()
	tests := []struct {
		method, path string
		status       int
		allow        string // wanted Allow header ("" = none)
		body         string
	}{
		{"GET", "/logout", 405, "POST", "use POST"},
		{"DELETE", "/login", 405, "GET, HEAD, POST", "HTTP method"},
		{"PUT", "/settings", 405, "GET, HEAD", "HTTP method"},
		{"PATCH", "/settings/password", 405, "POST", "HTTP method"},
		{"POST", "/", 405, "GET, HEAD", "HTTP method"},
		{"POST", "/stats", 405, "GET, HEAD", "HTTP method"},
		{"GET", "/address/token", 405, "POST", "HTTP method"},
		{"DELETE", "/admintickets", 405, "GET, HEAD, POST", "HTTP method"},
		{"POST", "/status", 405, "GET, HEAD", "HTTP method"},
		{"POST", "/metrics", 405, "GET, HEAD", "HTTP method"},
		{"POST", "/assets/css/style.css", 405, "GET, HEAD", "HTTP method"},
		{"PUT", "/captchas/x.png", 405, "GET, HEAD", "HTTP method"},
		{"POST", "/api/v1/stats", 405, "GET, HEAD", "not allowed"},
		{"GET", "/no/such/page", 404, "", "no page"},
		// Unsafe methods to unknown paths: 404, not the CSRF 403.
		{"POST", "/no/such/page", 404, "", "no page"},
		{"PUT", "/nope", 404, "", "no page"},
		{"DELETE", "/settings/nope", 404, "", "no page"},
		{"PATCH", "/login/", 404, "", "no page"},
		{"POST", "/assets", 404, "", "no page"},
		{"OPTIONS", "/no/such/page", 404, "", "no page"},
		// Known paths keep CSRF enforcement: a POST without a token is 403.
		{"POST", "/login", 403, "", "did not come from this site"},
		{"POST", "/settings/password", 403, "", "did not come from this site"},
		{"POST", "/logout", 403, "", "did not come from this site"},
		{"GET", "/api/v3/stats", 404, "", "invalid API command"},
		{"GET", "/stats", 200, "", "Pool"},
		{"HEAD", "/stats", 200, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, ve.Env.Server.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := c.Do(req)
			if p.Status != tc.status {
				t.Fatalf("status %d, want %d; body %.300q", p.Status, tc.status, p.Body)
			}
			if got := p.Header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if !strings.Contains(p.Body, tc.body) {
				t.Errorf("body lacks %q: %.300q", tc.body, p.Body)
			}
		})
	}
}
