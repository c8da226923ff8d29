package e2e

import (
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// routerRoutes builds the front end's router as the server does (every
// route of controllers.Server, with /metrics on, over a fake backend) and
// returns every route it registered.
func routerRoutes(t *testing.T) []route {
	t.Helper()
	env := webtest.New(t, webtest.Options{PoolXpub: coldXpub, ColdXpub: coldXpub,
		Config: func(c *controllers.Config) { c.Metrics = true }})
	var out []route
	for _, r := range env.Router.Routes() {
		out = append(out, route{Mux: r.Mux, Method: r.Method, Pattern: r.Pattern})
	}
	if len(out) == 0 {
		t.Fatal("the router lists no routes")
	}
	return out
}

// TestRouteCoverageCheck: the route walk's coverage check reads the real
// router, counts a route only for a successful request of its method
// (patterns with * and :name included), names the route nobody visited and
// every 5xx answer, so a page added to the router without a browser visit
// fails TestEveryRoute.
func TestRouteCoverageCheck(t *testing.T) {
	routes := routerRoutes(t)
	var reqs []request
	var names []string
	for _, r := range routes {
		names = append(names, r.String())
		if r.Mux == "api" {
			continue
		}
		path := strings.NewReplacer("*", "some/file.css", ":version", "v2", ":command", "stats").Replace(r.Pattern)
		reqs = append(reqs, request{Method: r.Method, Path: path, Type: "Document", Status: 200})
	}
	for _, want := range []string{"GET /", "POST /login", "GET /admintickets", "POST /admintickets", "GET /status",
		"GET /metrics", "GET /assets/*", "GET /captchas/*", "POST /settings/delete"} {
		if !strings.Contains(","+strings.Join(names, ",")+",", ","+want+",") {
			t.Errorf("the router has no %s: %v", want, names)
		}
	}
	if missing, failed := uncovered(routes, reqs); len(missing) != 0 || len(failed) != 0 {
		t.Fatalf("every route requested, yet missing %v, failed %v", missing, failed)
	}
	// One route only seen with an error, one only with another method, one
	// answered 500.
	for i := range reqs {
		switch {
		case reqs[i].Method == "POST" && reqs[i].Path == "/passwordupdate":
			reqs[i].Status = 403
		case reqs[i].Method == "POST" && reqs[i].Path == "/voting":
			reqs[i].Method = "GET"
		case reqs[i].Path == "/stats":
			reqs[i].Status = 500
		}
	}
	missing, failed := uncovered(routes, reqs)
	if strings.Join(missing, ",") != "GET /stats,POST /passwordupdate,POST /voting" {
		t.Errorf("missing = %v", missing)
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "/stats answered 500") {
		t.Errorf("failed = %v", failed)
	}
}
