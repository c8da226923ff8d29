package controllers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// TestClosePoolBlocksAPIAddress: with closepool set, address submission
// through the API is refused too (original-features.md §14.10), and stats
// report the pool closed.
func TestClosePoolBlocksAPIAddress(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Core: func(c *controllers.Config) { c.ClosePool = true }})
	u, c := ve.user(t, "closedapi@example.com")
	c.Get("/address") // creates the token
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	anon := ve.Env.Client()
	_, r := apiCall(t, anon, ve.Env.Server.URL, "POST", "/api/v1/address", nu.APIToken,
		url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 21, chaincfg.SimNetParams())}})
	if r.Code != 9 || r.Message != "address error - Closed for tests." {
		t.Errorf("API address while closed: %+v", r)
	}
	if nu, _ = ve.Store.UserByID(vbg, u.ID); nu.HasMultiSig() {
		t.Error("address stored while the pool is closed")
	}
	for _, f := range ve.Fakes {
		if n := f.CallCount("CreateMultisig"); n != 0 {
			t.Errorf("%s: %d CreateMultisig calls while closed", f.Name(), n)
		}
	}
	_, r = apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
	if r.Code != 0 || !containsJSON(r.Data, `"PoolStatus":"Closed"`) {
		t.Errorf("stats while closed: %+v %s", r, r.Data)
	}
}

func containsJSON(raw []byte, part string) bool { return strings.Contains(string(raw), part) }
