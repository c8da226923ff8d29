package controllers_test

import (
	"testing"

	"github.com/eacred/dcrstakepool/system"
)

// TestRoutesListed: the router lists every page, form target, root route
// and API pattern it serves (the browser coverage test in e2e derives its
// list from it, so a route missing here would escape that test).
func TestRoutesListed(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	got := map[system.Route]bool{}
	for _, r := range ve.Env.Routes {
		if got[r] {
			t.Errorf("route listed twice: %+v", r)
		}
		got[r] = true
	}
	want := []system.Route{
		{Mux: "html", Method: "GET", Pattern: "/"}, {Mux: "html", Method: "GET", Pattern: "/login"},
		{Mux: "html", Method: "POST", Pattern: "/login"}, {Mux: "html", Method: "POST", Pattern: "/logout"},
		{Mux: "html", Method: "GET", Pattern: "/passwordupdate"}, {Mux: "html", Method: "POST", Pattern: "/passwordupdate"},
		{Mux: "html", Method: "POST", Pattern: "/settings/delete"}, {Mux: "html", Method: "GET", Pattern: "/emailupdate"},
		{Mux: "html", Method: "GET", Pattern: "/tickets"}, {Mux: "html", Method: "POST", Pattern: "/address/token"},
		{Mux: "html", Method: "POST", Pattern: "/admintickets"}, {Mux: "html", Method: "POST", Pattern: "/admin/recheck"},
		{Mux: "root", Method: "GET", Pattern: "/status"}, {Mux: "root", Method: "GET", Pattern: "/assets/*"},
		{Mux: "root", Method: "GET", Pattern: "/favicon.ico"}, {Mux: "root", Method: "GET", Pattern: "/metrics"},
		{Mux: "api", Method: "*", Pattern: "/api/:version/:command"},
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("route %+v not listed", w)
		}
	}
	// Every listed HTML GET page answers something other than 404 (a
	// listed route that does not exist would be a lie).
	c := ve.Env.Client()
	for _, r := range ve.Env.Routes {
		if r.Mux == "html" && r.Method == "GET" {
			if p := c.Get(r.Pattern); p.Status == 404 && r.Pattern != "/passwordupdate" && r.Pattern != "/emailupdate" &&
				r.Pattern != "/emailverify" {
				t.Errorf("listed page %s answers 404", r.Pattern)
			}
		}
	}
}
