// Package webtest runs the real front end in tests: the real router and
// middleware, a real database (SQLite or a throwaway MariaDB through
// models/dbtest), the real templates and an in-process SMTP server that
// receives every mail, plus a browser-like client (cookie jar, CSRF tokens
// and captchas filled in from the page, no redirect following).
//
//	env := webtest.New(t, webtest.Options{Engine: models.SQLite})
//	c := env.Client()
//	env.CreateUser("a@example.com", "password123", true)
//	c.Login("a@example.com", "password123")
//	p := c.Get("/settings") // p.Status, p.Body, p.Location
package webtest

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/eacred/dcrstakepool/public"
	"github.com/eacred/dcrstakepool/system"
	"github.com/eacred/dcrstakepool/views"
	"golang.org/x/crypto/bcrypt"
)

// Options adjust the test front end.
type Options struct {
	Engine       models.Engine // default SQLite
	TemplateDir  string        // default: the embedded templates
	StaticDir    string        // default: the embedded public files
	AdminIPs     []string      // default 127.0.0.1/32 and 10.9.9.9
	AdminUserIDs []string      // default "1"
	MaxBodyBytes int64         // default 64 KiB
	// Config adjusts the Server's settings (defaults: simnet, 7.5% fee,
	// /metrics on, no background repairs: tests repair explicitly).
	Config func(*controllers.Config)
	// PoolXpub and ColdXpub are votingwalletextpub and coldwalletextpub
	// (default Xpub(1) and Xpub(2)).
	PoolXpub, ColdXpub string
	// Backends are the stakepoolds behind the fan-out client (default: one
	// fake backend over ColdXpub with nothing staked).
	Backends []stakepooldclient.Backend
	// Routes adds test-only routes after the Server's own (a page that
	// panics, a probe behind RequireAdmin).
	Routes func(rt *system.Router, s *controllers.Server)
	// Mailer replaces the SMTP mailer that sends to Env.Mail.
	Mailer system.Mailer
	// LogLevel for the test loggers, written with t.Log. The zero value
	// (slog.LevelTrace) is taken as "off"; use LevelDebug to see requests.
	LogLevel slog.Level
	// LogTo, when set, also receives every log line (tests that count
	// what is logged).
	LogTo io.Writer
	// PublicURL overrides the site URL given to the router (default: the
	// test server's http URL), e.g. to test an https site behind a proxy.
	PublicURL string
	// LoginLimit overrides the login rate limiter.
	LoginLimit *system.RateLimiter
	// Now is the clock of the Server and the session manager (default
	// time.Now), so tests can move time. Sessions last an hour.
	Now func() time.Time
	// ServerNow, when set, is the Server's clock instead of Now (the
	// sessions keep Now), to move the pages' time without ending sessions.
	ServerNow func() time.Time
}

// Env is a running test front end.
type Env struct {
	T         testing.TB
	Store     *models.Store
	Web       *controllers.Server
	Backends  *stakepooldclient.Client
	Templates *system.Templates
	Captcha   *system.Captcha
	Server    *httptest.Server
	Mail      *Sink
	Log       slog.Logger
	// Router is the router with every route installed; Routes its
	// deduplicated routes (Router.Routes()).
	Router *system.Router
	Routes []system.Route
}

// Xpub derives a simnet account extended public key from a seed byte.
func Xpub(tb testing.TB, seed byte) string {
	tb.Helper()
	s := make([]byte, 32)
	for i := range s {
		s[i] = seed
	}
	m, err := hdkeychain.NewMaster(s, chaincfg.SimNetParams())
	if err != nil {
		tb.Fatal(err)
	}
	acct, err := m.DerivePath(44+hdkeychain.HardenedKeyStart, 1+hdkeychain.HardenedKeyStart, hdkeychain.HardenedKeyStart)
	if err != nil {
		tb.Fatal(err)
	}
	return acct.Neuter().String()
}

// APISecret is the test Server's apisecret.
const APISecret = "api secret for tests"

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// New starts a test front end; everything stops when the test ends.
func New(tb testing.TB, o Options) *Env {
	tb.Helper()
	if o.Engine == "" {
		o.Engine = models.SQLite
	}
	if o.AdminIPs == nil {
		o.AdminIPs = []string{"127.0.0.1/32", "10.9.9.9"}
	}
	if o.AdminUserIDs == nil {
		o.AdminUserIDs = []string{"1"}
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 64 << 10
	}
	if o.LogLevel == 0 {
		o.LogLevel = slog.LevelOff
	}
	var lw io.Writer = testWriter{tb}
	if o.LogTo != nil {
		lw = io.MultiWriter(lw, o.LogTo)
	}
	log := slog.NewBackend(lw).Logger("TEST")
	log.SetLevel(o.LogLevel)

	store := dbtest.Open(tb, o.Engine)
	dir := o.TemplateDir
	if dir == "" {
		dir = "/nonexistent-use-embedded"
	}
	tpl, err := system.LoadTemplates(dir, views.FS, controllers.TemplateFuncs(), log)
	if err != nil {
		tb.Fatal(err)
	}
	sink := StartSink(tb)
	var mailer system.Mailer
	mailer, err = system.NewSMTPMailer(system.SMTPConfig{Host: sink.Addr, From: "vsp@example.com", Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	sessions := system.NewSessions(store, "test cookie secret", time.Hour, false, log)
	if o.Now != nil {
		sessions.SetClock(o.Now)
	}
	admins, err := system.NewAdminPolicy(o.AdminIPs, o.AdminUserIDs)
	if err != nil {
		tb.Fatal(err)
	}
	ipres, err := system.NewIPResolver("X-Real-IP", nil)
	if err != nil {
		tb.Fatal(err)
	}
	captcha := system.NewCaptcha()
	params := chaincfg.SimNetParams()
	cfg := controllers.Config{
		BaseURL: "http://placeholder", Params: params, Designation: "Testing",
		Description: "A pool for tests.", PoolEmail: "ops@example.com", PoolFees: 7.5,
		ClosePoolMsg: "Closed for tests.", MinPasswordLength: 8, BcryptCost: bcrypt.MinCost,
		VerifyTokenTTL: 48 * time.Hour, ResetTokenTTL: time.Hour, Version: "test",
		APISecret: APISecret, Metrics: true, RepairEvery: 1 << 40,
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	loginLimit := o.LoginLimit
	if loginLimit == nil {
		loginLimit = system.NewRateLimiter(time.Millisecond, 1000)
	}
	if o.PoolXpub == "" {
		o.PoolXpub = Xpub(tb, 1)
	}
	if o.ColdXpub == "" {
		o.ColdXpub = Xpub(tb, 2)
	}
	if o.Backends == nil {
		o.Backends = []stakepooldclient.Backend{fakebackend.New("backend1:19560", "seed", o.ColdXpub)}
	}
	backends, err := stakepooldclient.New(o.Backends, stakepooldclient.Options{ColdWalletExtPub: o.ColdXpub,
		Network: params.Name, PoolFees: cfg.PoolFees})
	if err != nil {
		tb.Fatal(err)
	}
	poolKeys, err := hdkeychain.ParsePublicBranch(o.PoolXpub, hdkeychain.ExternalBranch, params)
	if err != nil {
		tb.Fatal(err)
	}
	feeKeys, err := hdkeychain.ParsePublicBranch(o.ColdXpub, hdkeychain.ExternalBranch, params)
	if err != nil {
		tb.Fatal(err)
	}
	if o.Mailer != nil {
		mailer = o.Mailer
	}
	serverNow := o.Now
	if o.ServerNow != nil {
		serverNow = o.ServerNow
	}
	staticDir := o.StaticDir
	if staticDir == "" {
		staticDir = "/nonexistent-use-embedded"
	}
	deps := controllers.Deps{Store: store, Templates: tpl, Sessions: sessions, Mailer: mailer,
		Captcha: captcha, Static: system.StaticFiles(staticDir, public.FS, log), Admins: admins, LoginLimit: loginLimit,
		EmailLimit: system.NewRateLimiter(time.Millisecond, 1000), Backends: backends,
		PoolKeys: poolKeys, FeeKeys: feeKeys, Log: log, Now: serverNow}
	e := &Env{T: tb, Store: store, Templates: tpl, Captcha: captcha, Mail: sink, Log: log, Backends: backends}

	// The base URL is only known once the server listens; start it with a
	// handler that is swapped in right after.
	var handler http.Handler
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	tb.Cleanup(e.Server.Close)
	cfg.BaseURL = e.Server.URL
	publicURL := e.Server.URL
	if o.PublicURL != "" {
		publicURL = o.PublicURL
	}
	e.Web, err = controllers.New(cfg, deps)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	if err := e.Web.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	rt := system.NewRouter(system.RouterConfig{
		Log: log, IP: ipres, MaxBodyBytes: o.MaxBodyBytes, CSRFKey: []byte("0123456789abcdef0123456789abcdef"),
		BaseURL: publicURL, Sessions: sessions, OnError: e.Web.RenderError,
	})
	e.Web.Install(rt)
	if o.Routes != nil {
		o.Routes(rt, e.Web)
	}
	handler = rt.Handler()
	e.Router, e.Routes = rt, rt.Routes()
	return e
}

// CreateUser inserts a user directly (bypassing registration).
func (e *Env) CreateUser(email, password string, verified bool) *models.User {
	e.T.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		e.T.Fatal(err)
	}
	u := &models.User{Email: email, PasswordHash: string(h), EmailVerified: verified, CreatedAt: time.Now().Unix(), VoteBits: 1}
	if err := e.Store.CreateUser(context.Background(), u); err != nil {
		e.T.Fatal(err)
	}
	return u
}

// Client is a browser: it keeps cookies and does not follow redirects.
type Client struct {
	env  *Env
	HTTP *http.Client
	// IP is sent as X-Real-IP (the test router trusts it from loopback),
	// so each client can look like a different visitor.
	IP string
}

// Client returns a new browser with an empty cookie jar.
func (e *Env) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, IP: "192.0.2.10", HTTP: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Page is a response.
type Page struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

// Do sends a request and reads the response.
func (c *Client) Do(req *http.Request) *Page {
	c.env.T.Helper()
	if c.IP != "" {
		req.Header.Set("X-Real-IP", c.IP)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.env.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.env.T.Fatalf("read %s: %v", req.URL, err)
	}
	return &Page{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Location: resp.Header.Get("Location")}
}

func (c *Client) url(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return c.env.Server.URL + path
}

// Get fetches path (or a full URL on the test server).
func (c *Client) Get(path string) *Page {
	c.env.T.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url(path), nil)
	if err != nil {
		c.env.T.Fatal(err)
	}
	return c.Do(req)
}

// Post sends form exactly as given (no CSRF token added).
func (c *Client) Post(path string, form url.Values) *Page {
	c.env.T.Helper()
	req, err := http.NewRequest(http.MethodPost, c.url(path), strings.NewReader(form.Encode()))
	if err != nil {
		c.env.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

var (
	csrfRE    = regexp.MustCompile(`name="` + system.CSRFFieldName + `" value="([^"]+)"`)
	captchaRE = regexp.MustCompile(`name="captcha_id" value="([^"]+)"`)
)

// Submit loads formPage like a browser, then posts form to action with the
// page's CSRF token and (if the page has one) the solved captcha added.
func (c *Client) Submit(formPage, action string, form url.Values) *Page {
	c.env.T.Helper()
	p := c.Get(formPage)
	m := csrfRE.FindStringSubmatch(p.Body)
	if m == nil {
		c.env.T.Fatalf("GET %s (%d): no CSRF field in page:\n%s", formPage, p.Status, p.Body)
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(system.CSRFFieldName, html.UnescapeString(m[1]))
	if cm := captchaRE.FindStringSubmatch(p.Body); cm != nil && f.Get("captcha_solution") == "" {
		f.Set("captcha_id", cm[1])
		f.Set("captcha_solution", c.env.Captcha.Solution(cm[1]))
	}
	return c.Post(action, f)
}

// Login logs in through the form and fails the test unless it succeeds.
func (c *Client) Login(email, password string) {
	c.env.T.Helper()
	p := c.Submit("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if p.Status != http.StatusSeeOther {
		c.env.T.Fatalf("login %s: status %d, want 303\n%s", email, p.Status, p.Body)
	}
}

// Cookie returns the value of the named cookie for the test server ("" if none).
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.env.Server.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
