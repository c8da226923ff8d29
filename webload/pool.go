package webload

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/eacred/dcrstakepool/faultmatrix"
	"github.com/eacred/dcrstakepool/models"
)

// Options size the seeded pool.
type Options struct {
	BinDir, Dir, RepoRoot string
	// Accounts are extra registered accounts with no address (the
	// population behind the stats page's counts).
	Accounts int
	// Sessions are logged-in load users, each with its own address, API
	// token, session cookie and client address.
	Sessions int
	// Tickets are bought for the largest user before the run; 5 more after
	// every block keep the live pool full.
	Tickets      int
	MineInterval time.Duration
	Logf         func(format string, args ...any)
}

// Session is one logged-in load user.
type Session struct {
	Email      string
	IP         string // the client address the load generator passes in X-Real-IP
	Cookie     string // Cookie header of the logged-in session
	Token      string // API bearer token
	TicketAddr string // the user's voting address (getpurchaseinfo checks it)
	Largest    bool   // the user with many tickets
}

// Pool is the running system under load with its seeded users.
type Pool struct {
	Cluster  *faultmatrix.Cluster
	BaseURL  string
	Sessions []*Session
	Largest  *Session
	// TicketsShown is the largest user's ticket count on the tickets page
	// after seeding.
	TicketsShown int
}

const password = "web-load-password-0"

// ClientIPHeader is the header the front end believes for the client
// address (realipheader), as behind nginx: each load user has its own
// address, so the per-address login limiter sees one login per address.
const ClientIPHeader = "X-Real-IP"

var (
	csrfRE     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	apiTokenRE = regexp.MustCompile(`(?s)id="api-h">API token</h2>.*?<pre[^>]*>([^<]+)</pre>`)
	totalRE    = regexp.MustCompile(`(\d+) tickets?\b`)
)

// clientIP is the i-th load user's address: 10.77.0.1, 10.77.0.2, ...
func clientIP(i int) string { return fmt.Sprintf("10.77.%d.%d", (i+1)>>8, (i+1)&255) }

// Start builds nothing: it starts the topology from opt.BinDir, seeds the
// accounts and logs the load users in. Close the returned pool.
func Start(opt Options) (p *Pool, err error) {
	logf := opt.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	c, err := faultmatrix.Start(faultmatrix.Options{BinDir: opt.BinDir, Dir: opt.Dir, RepoRoot: opt.RepoRoot,
		MineInterval: opt.MineInterval, TicketUsers: 1, InitialTickets: opt.Tickets, TicketsPerBlock: 5,
		WebConf: []string{"realipheader=" + ClientIPHeader}, Logf: opt.Logf})
	if err != nil {
		return nil, err
	}
	p = &Pool{Cluster: c, BaseURL: c.BaseURL}
	defer func() {
		if err != nil {
			c.Close()
			p = nil
		}
	}()
	ctx := context.Background()
	store, err := models.Open(ctx, models.MySQL, "root@unix("+c.DB.Socket()+")/"+c.DBName()+"?charset=utf8mb4")
	if err != nil {
		return nil, fmt.Errorf("open the front end's database: %w", err)
	}
	defer func() { _ = store.Close() }() // only used to set the load users up; their rows are committed
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	// The load users first: they need voting addresses, and the voting
	// wallets know fee addresses for the first 10,000 user ids only.
	p.Sessions = make([]*Session, opt.Sessions)
	for i := range p.Sessions {
		s := &Session{Email: fmt.Sprintf("load%04d@load.example", i), IP: clientIP(i + 1)}
		u := &models.User{Email: s.Email, PasswordHash: string(hash), EmailVerified: true, CreatedAt: time.Now().Unix(), VoteBits: 1}
		if err := store.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("seed load user %d: %w", i, err)
		}
		p.Sessions[i] = s
	}
	t0 := time.Now()
	for i := 0; i < opt.Accounts; i++ {
		u := &models.User{Email: fmt.Sprintf("account%06d@load.example", i), PasswordHash: string(hash),
			EmailVerified: true, CreatedAt: time.Now().Unix(), VoteBits: 1}
		if err := store.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("seed account %d: %w", i, err)
		}
	}
	logf("%d accounts without an address created in %v", opt.Accounts, time.Since(t0).Round(time.Millisecond))

	// The largest user (the fault-matrix cluster's ticket user) logs in
	// too; its token and address were set when the cluster started.
	whale := c.Users[0]
	p.Largest = &Session{Email: whale.Email, IP: clientIP(0), Token: whale.Token, TicketAddr: whale.TicketAddr, Largest: true}
	if p.Largest.Cookie, _, err = login(p.BaseURL, whale.Email, whale.Password, p.Largest.IP); err != nil {
		return nil, err
	}
	t0 = time.Now()
	// Log in and connect a wallet, a few users at a time (bcrypt is
	// the slow part of a login).
	var wg sync.WaitGroup
	errs := make(chan error, len(p.Sessions))
	sem := make(chan struct{}, 4)
	for _, s := range p.Sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := p.setUp(s); err != nil {
				errs <- fmt.Errorf("%s: %w", s.Email, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	logf("%d load users logged in, each with an address, in %v", len(p.Sessions), time.Since(t0).Round(time.Millisecond))
	body, err := p.get(p.Largest, "/tickets")
	if err != nil {
		return nil, err
	}
	if m := totalRE.FindStringSubmatch(string(body)); m != nil {
		if _, err := fmt.Sscan(m[1], &p.TicketsShown); err != nil {
			return nil, fmt.Errorf("tickets page total %q: %w", m[1], err)
		}
	}
	return p, nil
}

// Close stops every process.
func (p *Pool) Close() { p.Cluster.Close() }

// setUp logs s in, reads its API token, submits an address of the user
// wallet through the API and reads its voting address back.
func (p *Pool) setUp(s *Session) error {
	cookie, hc, err := login(p.BaseURL, s.Email, password, s.IP)
	if err != nil {
		return err
	}
	s.Cookie = cookie
	req, _ := http.NewRequest(http.MethodGet, p.BaseURL+"/address", nil)
	req.Header.Set(ClientIPHeader, s.IP)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := apiTokenRE.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("address page (%d) shows no API token", resp.StatusCode)
	}
	s.Token = strings.TrimSpace(html.UnescapeString(string(m[1])))
	// The load users' keys are never used on chain: past the wallet's gap
	// limit ("ignore", as an operator scripting many users would).
	var addr string
	if err := faultmatrix.Call(p.Cluster.UserWallet, true, &addr, "getnewaddress", "default", "ignore"); err != nil {
		return err
	}
	var v struct {
		PubKeyAddr string `json:"pubkeyaddr"`
	}
	if err := faultmatrix.Call(p.Cluster.UserWallet, true, &v, "validateaddress", addr); err != nil {
		return err
	}
	u := &faultmatrix.User{Email: s.Email, Token: s.Token}
	if _, err := p.Cluster.API(u, "address", url.Values{"UserPubKeyAddr": {v.PubKeyAddr}}, nil, 60*time.Second); err != nil {
		return err
	}
	var info struct{ TicketAddress string }
	if _, err := p.Cluster.API(u, "getpurchaseinfo", nil, &info, 30*time.Second); err != nil {
		return err
	}
	s.TicketAddr = info.TicketAddress
	return nil
}

// get fetches path in s's session and fails on anything but 200.
func (p *Pool) get(s *Session, path string) ([]byte, error) {
	req, _ := http.NewRequest(http.MethodGet, p.BaseURL+path, nil)
	req.Header.Set("Cookie", s.Cookie)
	req.Header.Set(ClientIPHeader, s.IP)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return b, nil
}

// login signs in through the login form (GET for the CSRF token, POST the
// form) from client address ip and returns the session's Cookie header.
func login(base, email, pw, ip string) (string, *http.Client, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
	req.Header.Set(ClientIPHeader, ip)
	resp, err := hc.Do(req)
	if err != nil {
		return "", nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		return "", nil, fmt.Errorf("login page (%d) has no CSRF field", resp.StatusCode)
	}
	form := url.Values{"email": {email}, "password": {pw}, "csrf_token": {html.UnescapeString(string(m[1]))}}
	req, _ = http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(ClientIPHeader, ip)
	resp, err = hc.Do(req)
	if err != nil {
		return "", nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", nil, fmt.Errorf("login %s: HTTP %d %.300s", email, resp.StatusCode, b)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), hc, nil
}
