package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/eacred/dcrstakepool/system"
	"github.com/go-sql-driver/mysql"
)

// waitProcState waits until process pid is in state (as /proc shows it).
func waitProcState(t *testing.T, pid int, state string) {
	t.Helper()
	re := regexp.MustCompile(`State:\s+(\S)`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		if m := re.FindSubmatch(st); m != nil && string(m[1]) == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d not in state %s: %s", pid, state, re.Find(st))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// outageClient is a browser: a cookie jar and a bounded wait per request
// (a request that hangs fails the test instead of hanging it).
type outageClient struct {
	t    *testing.T
	base string
	http *http.Client
}

type answer struct {
	status int
	body   string
	took   time.Duration
	header http.Header
}

func (c *outageClient) do(req *http.Request) answer {
	c.t.Helper()
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v (after %v)", req.Method, req.URL.Path, err, time.Since(start))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), time.Since(start), resp.Header}
}

func (c *outageClient) get(path string, hdr ...string) answer {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="` + system.CSRFFieldName + `" value="([^"]+)"`)

func (c *outageClient) login(email, password string) {
	c.t.Helper()
	p := c.get("/login")
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		c.t.Fatalf("login page %d has no CSRF field", p.status)
	}
	form := url.Values{"email": {email}, "password": {password}, system.CSRFFieldName: {html.UnescapeString(m[1])}}
	req, _ := http.NewRequest(http.MethodPost, c.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a := c.do(req); a.status != http.StatusSeeOther {
		c.t.Fatalf("login: %d\n%s", a.status, a.body)
	}
}

func (c *outageClient) sessionCookie() string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == system.SessionCookie {
			return ck.Value
		}
	}
	return ""
}

// TestDatabaseOutages runs the real program wiring on a MariaDB of its own,
// then freezes it (SIGSTOP) and kills it (SIGKILL). In both cases every
// page and API call answers within a bounded time with 503, the logged-in
// user stays logged in (no redirect to /login, the cookie is kept), the
// admin sees the database error on /admin/status, /status says
// "database unreachable", and the site recovers when the database returns.
func TestDatabaseOutages(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a MariaDB server")
	}
	srv, err := dbtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	dsn, err := srv.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cold, vote := testXpubs(t)
	const dbTimeout = time.Second
	cfg, err := loadConfig(simnetArgs(cold, vote, "--dbtype=mysql", "--dbhost="+mc.Addr, "--dbuser="+mc.User,
		"--dbname="+mc.DBName, "--dbtimeout="+dbTimeout.String(), "--logdir="+filepath.Join(dir, "logs"),
		"--templatepath="+filepath.Join(dir, "none"), "--adminips=127.0.0.1", "--adminuserids=1", "--nocaptcha"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const email, password = "admin@example.com", "a long admin password"
	cfg.CreateUser, cfg.CreateUserPassword = email, password
	if id, _, err := createUser(ctx, cfg, nil); err != nil || id != 1 {
		t.Fatalf("create admin: %d %v", id, err)
	}
	logs, err := newLogging(io.Discard, "", "info")
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(ctx, cfg, logs, func(dc stakepooldclient.DialConfig) (stakepooldclient.Backend, error) {
		return fakebackend.New(dc.Host, "seed", cold), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	hs := httptest.NewServer(s.handler)
	defer hs.Close()

	jar, _ := cookiejar.New(nil)
	c := &outageClient{t: t, base: hs.URL, http: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.login(email, password)
	if a := c.get("/address"); a.status != http.StatusOK {
		t.Fatalf("/address before the outage: %d", a.status)
	}
	u, err := s.store.UserByID(ctx, 1)
	if err != nil || u.APIToken == "" {
		t.Fatalf("API token: %v %q", err, u.APIToken)
	}
	token := u.APIToken
	if a := c.get("/api/v2/getpurchaseinfo", "Authorization", "Bearer "+token); a.status != http.StatusOK {
		t.Fatalf("API before the outage: %d %s", a.status, a.body)
	}
	cookie := c.sessionCookie()

	// A page, an admin page, the API and /status within this bound: a
	// few queries at dbtimeout each, never the length of the outage.
	const bound = 4 * dbTimeout
	check := func(fault string) {
		t.Helper()
		for _, path := range []string{"/address", "/admintickets"} {
			a := c.get(path)
			if a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, "database is not answering") {
				t.Errorf("%s: GET %s = %d, want 503 with the database message\n%.300s", fault, path, a.status, a.body)
			}
			t.Logf("%s: GET %s answered %d in %v", fault, path, a.status, a.took)
			if a.took > bound {
				t.Errorf("%s: GET %s took %v (bound %v)", fault, path, a.took, bound)
			}
			for _, sc := range a.header.Values("Set-Cookie") {
				if strings.HasPrefix(sc, system.SessionCookie+"=") {
					t.Errorf("%s: GET %s touched the session cookie: %s", fault, path, sc)
				}
			}
		}
		a := c.get("/admin/status")
		t.Logf("%s: /admin/status answered %d in %v", fault, a.status, a.took)
		if a.status != http.StatusOK || !strings.Contains(a.body, "Database: ") {
			t.Errorf("%s: /admin/status = %d, want 200 showing the database error\n%.500s", fault, a.status, a.body)
		}
		if a.took > bound {
			t.Errorf("%s: /admin/status took %v", fault, a.took)
		}
		a = c.get("/api/v2/getpurchaseinfo", "Authorization", "Bearer "+token)
		var env struct {
			Status string `json:"status"`
			Code   int    `json:"code"`
		}
		if err := json.Unmarshal([]byte(a.body), &env); err != nil || a.status != http.StatusServiceUnavailable ||
			env.Status != "error" || env.Code != 14 {
			t.Errorf("%s: API = %d %s, want 503 JSON error code 14", fault, a.status, a.body)
		}
		if a.took > bound {
			t.Errorf("%s: API took %v", fault, a.took)
		}
		a = c.get("/status")
		if a.status != http.StatusInternalServerError || !strings.Contains(a.body, "database unreachable") || a.took > bound {
			t.Errorf("%s: /status = %d %q in %v", fault, a.status, a.body, a.took)
		}
		// A session the front end has not seen recently cannot be
		// checked: 503, and the cookie stays.
		other := &outageClient{t: t, base: hs.URL, http: &http.Client{Timeout: 15 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		a = other.get("/address", "Cookie", system.SessionCookie+"=unknownsessionvalue")
		if a.status != http.StatusServiceUnavailable || strings.Contains(strings.Join(a.header.Values("Set-Cookie"), ";"), system.SessionCookie+"=") {
			t.Errorf("%s: unknown session = %d %v, want 503 keeping the cookie", fault, a.status, a.header.Values("Set-Cookie"))
		}
		if c.sessionCookie() != cookie {
			t.Errorf("%s: the session cookie changed", fault)
		}
	}

	if err := srv.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitProcState(t, srv.Pid(), "T") // a busy machine takes a moment to stop every thread
	check("frozen database")
	if err := srv.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for c.get("/address").status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("no recovery after the database resumed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if a := c.get("/status"); a.status != http.StatusOK {
		t.Errorf("/status after recovery: %d %s", a.status, a.body)
	}

	if err := srv.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	check("killed database")
}
