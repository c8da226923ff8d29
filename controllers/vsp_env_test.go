package controllers_test

import (
	"io"

	"context"
	"github.com/decred/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
	"github.com/eacred/dcrstakepool/models"
)

const testAPISecret = webtest.APISecret

// vspEnv is the real front end over fake stakepoolds.
type vspEnv struct {
	*webtest.Env
	Fakes    []*fakebackend.Backend
	ColdXpub string
}

type vspOptions struct {
	Engine   models.Engine
	Backends int
	// Config adjusts the Server's settings.
	Config func(*controllers.Config)
	// Prepare runs on the fakes before start-up.
	Prepare func(fs []*fakebackend.Backend)
	// Now is the Server's clock (default time.Now; sessions keep time.Now).
	Now func() time.Time
	// LogLevel and LogTo: see webtest.Options.
	LogLevel slog.Level
	LogTo    io.Writer
	// TemplateDir: see webtest.Options.
	TemplateDir string
}

// testXpub derives a simnet account extended public key from a seed byte.
func testXpub(t testing.TB, seed byte) string { return webtest.Xpub(t, seed) }

// pubKeyAddr returns a valid pubkey address of p made from a fixed key.
func pubKeyAddr(t testing.TB, k byte, p *chaincfg.Params) string {
	t.Helper()
	b := make([]byte, 32)
	b[31] = k
	priv := secp256k1.PrivKeyFromBytes(b)
	a, err := address.NewPubKeyAddress(priv.PubKey().SerializeCompressed(), p)
	if err != nil {
		t.Fatal(err)
	}
	return a.String()
}

func newVSPEnv(t testing.TB, o vspOptions) *vspEnv {
	t.Helper()
	if o.Backends == 0 {
		o.Backends = 2
	}
	ve := &vspEnv{ColdXpub: testXpub(t, 2)}
	for i := 0; i < o.Backends; i++ {
		f := fakebackend.New("backend"+string(rune('1'+i))+":19560", "seed", ve.ColdXpub)
		f.Stake = stakepooldclient.StakeInfo{BlockHeight: 500, DifficultyAtoms: 123456789, Live: 20, Immature: 3,
			Voted: 40, Missed: 2, Expired: 1, Revoked: 3, PoolSize: 200, AllMempoolTix: 4, ProportionLive: 0.1,
			ProportionMissed: 0.05, TotalSubsidyAtoms: 5e8}
		f.AgendaSet = testAgendas()
		ve.Fakes = append(ve.Fakes, f)
	}
	if o.Prepare != nil {
		o.Prepare(ve.Fakes)
	}
	var bs []stakepooldclient.Backend
	for _, f := range ve.Fakes {
		bs = append(bs, f)
	}
	ve.Env = webtest.New(t, webtest.Options{Engine: o.Engine, Config: o.Config, ServerNow: o.Now,
		LogLevel: o.LogLevel, LogTo: o.LogTo, TemplateDir: o.TemplateDir,
		PoolXpub: testXpub(t, 1), ColdXpub: ve.ColdXpub, Backends: bs})
	return ve
}

func testAgendas() votebits.VoteInfo {
	return votebits.VoteInfo{VoteVersion: 8, Status: map[string]string{"treasury": "started"}, Agendas: []chaincfg.Agenda{
		{ID: "treasury", Description: "Enable the treasury", Mask: 0x0006, Choices: []chaincfg.Choice{
			{ID: "abstain", Bits: 0, IsAbstain: true}, {ID: "no", Bits: 0x0002, IsNo: true}, {ID: "yes", Bits: 0x0004}}},
		{ID: "headercommitments", Description: "Header commitments", Mask: 0x0018, Choices: []chaincfg.Choice{
			{ID: "abstain", Bits: 0, IsAbstain: true}, {ID: "no", Bits: 0x0008, IsNo: true}, {ID: "yes", Bits: 0x0010}}},
	}}
}

// user creates a verified user and a logged-in browser for them.
func (ve *vspEnv) user(t testing.TB, email string) (*models.User, *webtest.Client) {
	t.Helper()
	u := ve.CreateUser(email, "password123", true)
	c := ve.Env.Client()
	c.Login(email, "password123")
	return u, c
}

// submit posts a pubkey address through the real form.
func submit(c *webtest.Client, addr string) *webtest.Page {
	return c.Submit("/address", "/address", url.Values{"UserPubKeyAddr": {addr}})
}

// withAddress gives a user a voting address through the web form.
func (ve *vspEnv) withAddress(t testing.TB, email string, key byte) (*models.User, *webtest.Client) {
	t.Helper()
	u, c := ve.user(t, email)
	p := submit(c, pubKeyAddr(t, key, chaincfg.SimNetParams()))
	if p.Status != http.StatusSeeOther || p.Location != "/tickets" {
		t.Fatalf("submit address: %d %s\n%s", p.Status, p.Location, p.Body)
	}
	nu, err := ve.Store.UserByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return nu, c
}

func mustContain(t testing.TB, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q in:\n%s", what, w, body)
		}
	}
}
