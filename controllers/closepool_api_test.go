package controllers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// TestClosePoolKeepsRegisteredUsers: with closepool set, only new sign-ups
// are refused. A user registered before the close can still submit their
// address (page and API), and a user who already has one gets code 6
// "already submitted" first, not code 9 — legacy wallets (Paymetheus,
// Decrediton <= 1.6) post the address on every save and rely on it, as the
// original pool answered (issue 14). Stats report the pool closed.
func TestClosePoolKeepsRegisteredUsers(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.ClosePool = true }})
	// Registered before the close: finishes the setup through the API.
	u, c := ve.user(t, "closedapi@example.com")
	c.Get("/address") // creates the token
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	anon := ve.Env.Client()
	addr := url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 21, chaincfg.SimNetParams())}}
	_, r := apiCall(t, anon, ve.Env.Server.URL, "POST", "/api/v1/address", nu.APIToken, addr)
	if r.Code != 0 || r.Status != "success" {
		t.Fatalf("API address while closed, first time: %+v", r)
	}
	if nu, _ = ve.Store.UserByID(vbg, u.ID); !nu.HasMultiSig() {
		t.Fatal("address not stored")
	}
	// Saving again (what legacy wallets do): code 6, for v1 and v2.
	for _, path := range []string{"/api/v1/address", "/api/v2/address"} {
		_, r = apiCall(t, anon, ve.Env.Server.URL, "POST", path, nu.APIToken, addr)
		if r.Code != 6 || r.Message != "address error - address already submitted" {
			t.Errorf("%s again while closed: %+v, want code 6", path, r)
		}
	}
	// Through the page too.
	_, c2 := ve.user(t, "closedpage@example.com")
	if body := c2.Get("/address").Body; strings.Contains(body, " disabled") {
		t.Error("address form disabled while closed")
	}
	p := submit(c2, pubKeyAddr(t, 22, chaincfg.SimNetParams()))
	if p.Status != http.StatusSeeOther || p.Location != "/tickets" {
		t.Errorf("address page while closed: %d %s", p.Status, p.Location)
	}
	// New sign-ups are refused.
	p = ve.Env.Client().Submit("/login", "/register", url.Values{"email": {"new@example.com"},
		"password": {"password123"}, "passwordrepeat": {"password123"}})
	if p.Status != http.StatusForbidden {
		t.Errorf("register while closed: %d", p.Status)
	}
	_, r = apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
	if r.Code != 0 || !containsJSON(r.Data, `"PoolStatus":"Closed"`) {
		t.Errorf("stats while closed: %+v %s", r, r.Data)
	}
}

// TestAddressAlreadySubmittedFirst: code 6 wins over every other check
// (even an invalid address), as wallets expect.
func TestAddressAlreadySubmittedFirst(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	nu, c := ve.withAddress(t, "twice@example.com", 23)
	c.Get("/address")
	nu, _ = ve.Store.UserByID(vbg, nu.ID)
	_, r := apiCall(t, ve.Env.Client(), ve.Env.Server.URL, "POST", "/api/v2/address", nu.APIToken,
		url.Values{"UserPubKeyAddr": {"garbage"}})
	if r.Code != 6 {
		t.Errorf("second submission with garbage: %+v, want code 6", r)
	}
}

func containsJSON(raw []byte, part string) bool { return strings.Contains(string(raw), part) }
