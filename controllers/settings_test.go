package controllers_test

import (
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	forEachEngine(t, webtest.Options{}, func(t *testing.T, env *webtest.Env) {
		u := env.CreateUser("p@example.com", "old password", true)
		a, b := env.Client(), env.Client()
		a.Login("p@example.com", "old password")
		b.Login("p@example.com", "old password")
		before := a.Cookie("session")

		p := a.Submit("/settings", "/settings/password", url.Values{"password": {"wrong one"},
			"newpassword": {"new password"}, "newpasswordrepeat": {"new password"}})
		wantStatus(t, "wrong current password", p, 403)
		wantBody(t, "wrong current password", p, "not correct")

		p = a.Submit("/settings", "/settings/password", url.Values{"password": {"old password"},
			"newpassword": {"new password"}, "newpasswordrepeat": {"new password"}})
		wantStatus(t, "change password", p, 303)
		if a.Cookie("session") == before || a.Cookie("session") == "" {
			t.Error("session id not rotated after the password change")
		}
		p = a.Get("/settings")
		wantStatus(t, "own session after change", p, 200)
		wantBody(t, "flash", p, "Your password has been changed")
		wantStatus(t, "other session after change", b.Get("/settings"), 303)
		if n, _ := env.Store.CountUserSessions(bg, u.ID); n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}
		if m := env.Mail.To("p@example.com"); len(m) != 1 || m[0].Subject != "Your password was changed" {
			t.Errorf("notice mails: %+v", m)
		}
		c := env.Client()
		p = c.Submit("/login", "/login", url.Values{"email": {"p@example.com"}, "password": {"old password"}})
		wantStatus(t, "old password", p, 401)
		c.Login("p@example.com", "new password")
	})
}

func TestPasswordReset(t *testing.T) {
	forEachEngine(t, webtest.Options{}, func(t *testing.T, env *webtest.Env) {
		u := env.CreateUser("r@example.com", "old password", true)
		logged := env.Client()
		logged.Login("r@example.com", "old password")

		c := env.Client()
		known := c.Submit("/passwordreset", "/passwordreset", url.Values{"email": {"r@example.com"}})
		unknown := c.Submit("/passwordreset", "/passwordreset", url.Values{"email": {"nobody@example.com"}})
		wantStatus(t, "reset known", known, 200)
		wantStatus(t, "reset unknown", unknown, 200)
		if known.Body != unknown.Body {
			t.Error("password reset answers differ for known and unknown addresses")
		}
		if len(env.Mail.To("nobody@example.com")) != 0 {
			t.Error("mail sent to an unknown address")
		}
		link := env.Mail.Link(t, "r@example.com", "Password reset")
		p := c.Get(link)
		wantStatus(t, "reset form", p, 200)
		if rp := p.Header.Get("Referrer-Policy"); rp != "same-origin" {
			t.Errorf("token page Referrer-Policy = %q", rp)
		}
		tok := strings.SplitN(link, "?t=", 2)[1]
		p = c.Submit(link, "/passwordupdate", url.Values{"t": {tok}, "password": {"x"}, "passwordrepeat": {"x"}})
		wantStatus(t, "too short", p, 400)
		p = c.Submit(link, "/passwordupdate", url.Values{"t": {tok}, "password": {"brand new pw"}, "passwordrepeat": {"brand new pw"}})
		wantStatus(t, "update", p, 200)
		wantBody(t, "update", p, "Your password has been changed")
		// Single use.
		wantStatus(t, "reuse GET", c.Get(link), 404)
		p = c.Post("/passwordupdate", url.Values{"t": {tok}, "password": {"another pw1"}, "passwordrepeat": {"another pw1"}})
		if p.Status < 400 || p.Status >= 500 {
			t.Errorf("reuse POST: %d", p.Status)
		}
		// Every session ended; new password works.
		wantStatus(t, "old session", logged.Get("/settings"), 303)
		if n, _ := env.Store.CountUserSessions(bg, u.ID); n != 0 {
			t.Errorf("%d sessions after reset", n)
		}
		c.Login("r@example.com", "brand new pw")
		// A made-up token gets a clear 4xx.
		wantStatus(t, "bogus token", c.Get("/passwordupdate?t=bogus"), 404)
		wantStatus(t, "no token", c.Get("/passwordupdate"), 400)
	})
}

func TestPasswordResetExpires(t *testing.T) {
	var later atomic.Bool
	now := func() timeT {
		if later.Load() {
			return time.Now().Add(61 * minute)
		}
		return time.Now()
	}
	env := webtest.New(t, webtest.Options{ServerNow: now})
	env.CreateUser("x@example.com", "old password", true)
	c := env.Client()
	c.Submit("/passwordreset", "/passwordreset", url.Values{"email": {"x@example.com"}})
	link := env.Mail.Link(t, "x@example.com", "Password reset")
	later.Store(true)
	wantStatus(t, "expired link", c.Get(link), 404)
}

func TestEmailChange(t *testing.T) {
	forEachEngine(t, webtest.Options{}, func(t *testing.T, env *webtest.Env) {
		env.CreateUser("taken@example.com", "password123", true)
		env.CreateUser("old@example.com", "password123", true)
		a, other := env.Client(), env.Client()
		a.Login("old@example.com", "password123")
		other.Login("old@example.com", "password123")

		// An address in use gets the same answer as a free one (issue 14).
		p := a.Submit("/settings", "/settings/email", url.Values{"email": {"taken@example.com"}, "password": {"password123"}})
		wantStatus(t, "taken", p, 303)
		env.Mail.Reset()
		p = a.Submit("/settings", "/settings/email", url.Values{"email": {"new@example.com"}, "password": {"bad"}})
		wantStatus(t, "wrong password", p, 403)
		p = a.Submit("/settings", "/settings/email", url.Values{"email": {"new@example.com"}, "password": {"password123"},
			"captcha_solution": {"1"}})
		wantStatus(t, "no captcha", p, 400)

		p = a.Submit("/settings", "/settings/email", url.Values{"email": {"New@Example.com"}, "password": {"password123"}})
		wantStatus(t, "change email", p, 303)
		if m := env.Mail.To("old@example.com"); len(m) != 1 || !strings.Contains(m[0].Body, "new@example.com") {
			t.Errorf("notice to old address: %+v", m)
		}
		link := env.Mail.Link(t, "new@example.com", "Confirm your new email")
		p = env.Client().Get(link)
		wantStatus(t, "confirm", p, 200)
		wantBody(t, "confirm", p, "Your email address is now new@example.com")
		wantStatus(t, "reuse", env.Client().Get(link), 404)
		wantStatus(t, "session a", a.Get("/settings"), 303)
		wantStatus(t, "session other", other.Get("/settings"), 303)
		c := env.Client()
		c.Login("new@example.com", "password123")
		p = c.Submit("/login", "/login", url.Values{"email": {"old@example.com"}, "password": {"password123"}})
		wantStatus(t, "old address", p, 401)
	})
}

func TestDeleteAccount(t *testing.T) {
	forEachEngine(t, webtest.Options{}, func(t *testing.T, env *webtest.Env) {
		u := env.CreateUser("d@example.com", "password123", true)
		c := env.Client()
		c.Login("d@example.com", "password123")
		p := c.Submit("/settings", "/settings/delete", url.Values{"password": {"password123"}})
		wantStatus(t, "unconfirmed", p, 400)
		p = c.Submit("/settings", "/settings/delete", url.Values{"password": {"nope"}, "confirm": {"yes"}})
		wantStatus(t, "wrong password", p, 403)
		p = c.Submit("/settings", "/settings/delete", url.Values{"password": {"password123"}, "confirm": {"yes"}})
		wantStatus(t, "delete", p, 200)
		wantStatus(t, "after delete", c.Get("/settings"), 303)
		p = c.Submit("/login", "/login", url.Values{"email": {"d@example.com"}, "password": {"password123"}})
		wantStatus(t, "login after delete", p, 401)
		if _, err := env.Store.UserByID(bg, u.ID); err == nil {
			t.Error("deleted user still loadable")
		}
		// The address can be registered again, under a new id.
		c.Submit("/register", "/register", url.Values{"email": {"d@example.com"}, "password": {"password123"}, "passwordrepeat": {"password123"}})
		nu, err := env.Store.UserByEmail(bg, "d@example.com")
		if err != nil || nu.ID == u.ID {
			t.Errorf("re-registration: %+v %v", nu, err)
		}
	})
}
