package controllers_test

import (
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/controllers/webtest"
)

var tokenRE = regexp.MustCompile(`<pre class="mono wrap-any">([A-Za-z0-9_\-.]+)</pre>`)

// pageToken returns the API token the address page shows.
func pageToken(t *testing.T, c *webtest.Client) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(c.Get("/address").Body)
	if m == nil {
		t.Fatal("no API token on the address page")
	}
	return m[1]
}

// TestAPITokenRevokedByAccountChanges: a password change, a password reset,
// an email change and an account deletion each stop the old API token at
// once (a stolen token must not keep changing votes after the owner secures
// the account), the user is told, and the address page then shows a new
// working token (issue 14).
func TestAPITokenRevokedByAccountChanges(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	base := ve.Env.Server.URL
	works := func(tok string) bool {
		_, r := apiCall(t, ve.Env.Client(), base, "GET", "/api/v2/getpurchaseinfo", tok, nil)
		if r.Code != 0 && r.Code != 16 {
			t.Fatalf("getpurchaseinfo: %+v", r)
		}
		return r.Code == 0
	}
	actions := map[string]func(c *webtest.Client, email string) string{
		"password change": func(c *webtest.Client, email string) string {
			p := c.Submit("/settings", "/settings/password", url.Values{"password": {"password123"},
				"newpassword": {"password456"}, "newpasswordrepeat": {"password456"}})
			wantStatus(t, "password change", p, 303)
			return c.Get("/settings").Body
		},
		"password reset": func(c *webtest.Client, email string) string {
			ve.Env.Client().Submit("/passwordreset", "/passwordreset", url.Values{"email": {email}})
			link := ve.Env.Mail.Link(t, email, "Password reset")
			o := ve.Env.Client()
			p := o.Submit(link, "/passwordupdate", url.Values{"t": {strings.SplitN(link, "?t=", 2)[1]},
				"password": {"password456"}, "passwordrepeat": {"password456"}})
			wantStatus(t, "reset", p, 200)
			c.Login(email, "password456")
			return p.Body
		},
		"email change": func(c *webtest.Client, email string) string {
			p := c.Submit("/settings", "/settings/email", url.Values{"email": {"moved-" + email}, "password": {"password123"}})
			wantStatus(t, "email change", p, 303)
			p = ve.Env.Client().Get(ve.Env.Mail.Link(t, "moved-"+email, "Confirm your new email"))
			wantStatus(t, "confirm", p, 200)
			c.Login("moved-"+email, "password123")
			return p.Body
		},
		"account deletion": func(c *webtest.Client, email string) string {
			p := c.Submit("/settings", "/settings/delete", url.Values{"password": {"password123"}, "confirm": {"yes"}})
			wantStatus(t, "delete", p, 200)
			return p.Body
		},
	}
	key := byte(40)
	for name, act := range actions {
		t.Run(name, func(t *testing.T) {
			key++
			email := strings.ReplaceAll(name, " ", "") + "@example.com"
			_, c := ve.withAddress(t, email, key)
			old := pageToken(t, c)
			if !works(old) {
				t.Fatal("the token does not work before the change")
			}
			told := act(c, email)
			if works(old) {
				t.Errorf("after %s the old API token still works", name)
			}
			if !strings.Contains(told, "API token") {
				t.Errorf("after %s the user is not told about the API token:\n%s", name, told)
			}
			if name == "account deletion" {
				return
			}
			nt := pageToken(t, c)
			if nt == old || !works(nt) {
				t.Errorf("after %s: no new working token on the address page", name)
			}
		})
	}
}

// TestAPITokenLifetime: with apitokenlifetime set, a token stops working
// when it expires, the address page shows when, and then shows a new one.
func TestAPITokenLifetime(t *testing.T) {
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	ve := newVSPEnv(t, vspOptions{Now: now, Config: func(c *controllers.Config) { c.APITokenLifetime = 30 * 24 * time.Hour }})
	_, c := ve.withAddress(t, "lifetime@example.com", 60)
	tok := pageToken(t, c)
	until := now().Add(30 * 24 * time.Hour).UTC().Format("2006-01-02")
	mustContain(t, "address page", c.Get("/address").Body, "Valid until", until)
	_, r := apiCall(t, ve.Env.Client(), ve.Env.Server.URL, "GET", "/api/v2/getpurchaseinfo", tok, nil)
	if r.Code != 0 {
		t.Fatalf("fresh token: %+v", r)
	}
	offset.Store(int64(31 * 24 * time.Hour))
	_, r = apiCall(t, ve.Env.Client(), ve.Env.Server.URL, "GET", "/api/v2/getpurchaseinfo", tok, nil)
	if r.Code != 16 || !strings.Contains(r.Message, "expired") {
		t.Errorf("expired token: %+v", r)
	}
	if nt := pageToken(t, c); nt == tok {
		t.Error("the address page still shows the expired token")
	}
}
