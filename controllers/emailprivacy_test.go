package controllers_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// flashOf returns the notice a page shows after a redirect.
var flashRE = regexp.MustCompile(`(?s)<p class="notice" role="status">(.*?)</p>`)

// TestEmailChangeDoesNotRevealAccounts: asking to move an account to an
// address that already has one answers exactly as for a free address
// (status, redirect, message, notice to the old address); the owner of the
// address in use is told by mail and gets no link (issue 14: it answered
// 409 "already used by another account").
func TestEmailChangeDoesNotRevealAccounts(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	env.CreateUser("owner@example.com", "password123", true)
	env.CreateUser("asker@example.com", "password123", true)
	type answer struct {
		status    int
		location  string
		flash     string
		oldNotice string
	}
	ask := func(addr string) answer {
		c := env.Client()
		c.Login("asker@example.com", "password123")
		env.Mail.Reset()
		p := c.Submit("/settings", "/settings/email", url.Values{"email": {addr}, "password": {"password123"}})
		a := answer{status: p.Status, location: p.Location}
		if m := flashRE.FindStringSubmatch(c.Get("/settings").Body); m != nil {
			a.flash = strings.ReplaceAll(m[1], addr, "ADDR")
		}
		if ms := env.Mail.To("asker@example.com"); len(ms) == 1 {
			a.oldNotice = ms[0].Subject + "\n" + strings.ReplaceAll(ms[0].Body, addr, "ADDR")
		}
		return a
	}
	free := ask("free@example.com")
	if len(env.Mail.To("free@example.com")) != 1 {
		t.Fatal("no confirmation mail to the free address")
	}
	used := ask("owner@example.com")
	if free.status != 303 || free.flash == "" || free.oldNotice == "" {
		t.Fatalf("free address: %+v", free)
	}
	if used != free {
		t.Errorf("the answers differ:\nin use: %+v\nfree:   %+v", used, free)
	}
	ms := env.Mail.To("owner@example.com")
	if len(ms) != 1 || strings.Contains(ms[0].Body, "?t=") || !strings.Contains(ms[0].Body, "already has an account") {
		t.Errorf("mail to the owner of the address in use: %+v", ms)
	}
}

// TestMailsSayDurationsInWords: link lifetimes in mails and pages read
// "48 hours" and "1 hour", never Go's "48h0m0s" (issue 14).
func TestMailsSayDurationsInWords(t *testing.T) {
	env := webtest.New(t, webtest.Options{})
	env.CreateUser("words@example.com", "password123", true)
	c := env.Client()
	c.Submit("/register", "/register", url.Values{"email": {"fresh@example.com"}, "password": {"password123"},
		"passwordrepeat": {"password123"}})
	p := c.Submit("/passwordreset", "/passwordreset", url.Values{"email": {"words@example.com"}})
	wantBody(t, "reset answer", p, "for 1 hour.")
	c.Login("words@example.com", "password123")
	c.Submit("/settings", "/settings/email", url.Values{"email": {"moved@example.com"}, "password": {"password123"}})
	for addr, want := range map[string]string{"fresh@example.com": "within 48 hours", "words@example.com": "within 1 hour",
		"moved@example.com": "within 1 hour"} {
		ms := env.Mail.To(addr)
		if len(ms) == 0 {
			t.Errorf("no mail to %s", addr)
			continue
		}
		body := ms[0].Body
		if !strings.Contains(body, want) || regexp.MustCompile(`\dh\dm\ds|\dh0m`).MatchString(body) {
			t.Errorf("mail to %s lacks %q or has a Go duration:\n%s", addr, want, body)
		}
	}
}
