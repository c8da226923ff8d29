package controllers_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// perRequest matches what differs between two renders of the same page
// for the same data: CSRF tokens (masked anew on every request), captcha
// ids, API tokens and the test server's port.
var perRequest = regexp.MustCompile(`value="[A-Za-z0-9+/=&#;]{40,}"|captchas/[A-Za-z0-9]{20}|value="[A-Za-z0-9]{20}"|` +
	`eyJ[A-Za-z0-9_.-]+|127\.0\.0\.1:[0-9]+`)

// inlineViews writes the embedded views into a folder with every
// {{fragment "name" DATA}} of the layout turned into {{template "name"
// DATA}}: the same templates executed in place on every request.
func inlineViews(t *testing.T) string {
	n := 0
	dir := writeViews(t, func(p, s string) string {
		if p == "layout.html" {
			n = strings.Count(s, "{{fragment ")
			s = strings.ReplaceAll(s, "{{fragment ", "{{template ")
		}
		return s
	})
	if n < 2 {
		t.Fatalf("the layout writes %d fragments; this test expects the navigation and the footer", n)
	}
	return dir
}

// TestLayoutFragmentsMatchInline: every page, for an admin, a user with
// a voting address, one without and an anonymous visitor, is the same
// byte for byte whether the layout's fragments are reused (the default)
// or executed in place on every request (a second front end on the same
// data with the fragments inlined), apart from what changes on every
// request anyway. Each page is asked twice, so the second answer comes
// from the kept fragments.
func TestLayoutFragmentsMatchInline(t *testing.T) {
	type visitor struct {
		name string
		c    *webtest.Client
	}
	// The same users in the same order on both, so ids and addresses match.
	setUp := func(ve *vspEnv) []visitor {
		_, admin := ve.withAddress(t, "admin@example.com", 3)
		admin.IP = "10.9.9.9"
		_, user := ve.withAddress(t, "user@example.com", 4)
		_, plain := ve.user(t, "plain@example.com")
		return []visitor{{"admin", admin}, {"user", user}, {"no address", plain}, {"anonymous", ve.Client()}}
	}
	kept := setUp(newVSPEnv(t, vspOptions{}))
	inline := setUp(newVSPEnv(t, vspOptions{TemplateDir: inlineViews(t)}))
	pages := []string{"/", "/stats", "/tickets", "/address", "/voting", "/settings", "/admin/status",
		"/admintickets", "/login", "/register", "/passwordreset", "/no-such-page"}
	for i, v := range kept {
		for _, p := range pages {
			for round := 1; round <= 2; round++ {
				got, want := v.c.Get(p), inline[i].c.Get(p)
				g, w := perRequest.ReplaceAllString(got.Body, "X"), perRequest.ReplaceAllString(want.Body, "X")
				if got.Status != want.Status || g != w {
					t.Errorf("%s, %s (round %d): status %d, inline %d; bodies differ:\n%s\n---- inline:\n%s",
						v.name, p, round, got.Status, want.Status, g, w)
				}
			}
		}
	}
}
