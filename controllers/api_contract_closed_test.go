package controllers_test

import (
	"net/url"
	"testing"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/models"
)

// TestAPIClientContractClosedPool: with closepool set, a user who already
// submitted an address gets code 6 (which Paymetheus treats as done), not 9,
// before any other check; a user registered before the close without an
// address can still submit one (only sign-ups close); stats say "Closed".
func TestAPIClientContractClosedPool(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.user(t, "closed@example.com")
	c.Get("/address")
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	anon := ve.Env.Client()
	base := ve.Env.Server.URL
	e := contractCall(t, anon, base, "POST", "/api/v2/address", nu.APIToken, url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 41, chaincfg.SimNetParams())}})
	e.want(t, "address while open", 0, "address successfully imported")
	nu, _ = ve.Store.UserByID(vbg, u.ID)
	if !nu.HasMultiSig() {
		t.Fatal("no address stored")
	}

	closed := newVSPEnv(t, vspOptions{Config: func(c *controllers.Config) { c.ClosePool = true }})
	cbase := closed.Env.Server.URL
	anon2 := closed.Env.Client()
	// Registered before the close, with an address: code 6 first, whatever
	// the address given.
	u2, c2 := closed.user(t, "closed2@example.com")
	c2.Get("/address")
	nu2, _ := closed.Store.UserByID(vbg, u2.ID)
	if err := closed.Store.SetUserMultisig(vbg, u2.ID, multisigOf(nu)); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{pubKeyAddr(t, 42, chaincfg.SimNetParams()), "not an address"} {
		e = contractCall(t, anon2, cbase, "POST", "/api/v2/address", nu2.APIToken, url.Values{"UserPubKeyAddr": {addr}})
		e.want(t, "address again while closed ("+addr+")", 6, "address error - address already submitted")
	}
	// Registered before the close, no address yet: setup can be finished.
	u3, c3 := closed.user(t, "closed3@example.com")
	c3.Get("/address")
	nu3, _ := closed.Store.UserByID(vbg, u3.ID)
	e = contractCall(t, anon2, cbase, "POST", "/api/v2/address", nu3.APIToken, url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 43, chaincfg.SimNetParams())}})
	e.want(t, "first address while closed", 0, "address successfully imported")
	e = contractCall(t, anon2, cbase, "GET", "/api/v2/stats", "", nil)
	if d, _ := e.raw["data"].(map[string]any); d["PoolStatus"] != "Closed" {
		t.Errorf("stats while closed: PoolStatus %v", d["PoolStatus"])
	}
}

func multisigOf(u *models.User) models.MultisigInfo {
	return models.MultisigInfo{MultiSigAddress: u.MultiSigAddress, MultiSigScript: u.MultiSigScript,
		PoolPubKeyAddr: u.PoolPubKeyAddr, UserPubKeyAddr: u.UserPubKeyAddr, UserFeeAddr: u.UserFeeAddr,
		HeightRegistered: u.HeightRegistered, VoteBits: u.VoteBits, VoteBitsVersion: u.VoteBitsVersion}
}
