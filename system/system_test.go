package system

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/models"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/zenazn/goji/web"
)

func TestIPResolver(t *testing.T) {
	tests := []struct {
		name, header string
		trusted      []string
		remote       string
		values       []string
		want         string
	}{
		{"no header configured", "", nil, "203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"},
		{"header from loopback proxy", "X-Real-IP", nil, "127.0.0.1:1", []string{"198.51.100.7"}, "198.51.100.7"},
		{"header from untrusted peer ignored", "X-Real-IP", nil, "203.0.113.5:1", []string{"1.2.3.4"}, "203.0.113.5"},
		{"forwarded list: rightmost untrusted", "X-Forwarded-For", []string{"10.0.0.0/8"}, "10.0.0.2:1",
			[]string{"6.6.6.6, 198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"garbage header falls back", "X-Real-IP", nil, "127.0.0.1:1", []string{"not-an-ip"}, "127.0.0.1"},
		{"missing header", "X-Real-IP", nil, "[::1]:5", nil, "::1"},
		{"unix socket proxy", "X-Real-IP", nil, "@", []string{"198.51.100.8"}, "198.51.100.8"},
		{"unix socket, empty peer", "X-Real-IP", nil, "", []string{"198.51.100.9"}, "198.51.100.9"},
		{"unix socket, no header configured", "", nil, "@", []string{"1.2.3.4"}, "@"},
		{"ipv6 client", "X-Real-IP", []string{"::1"}, "[::1]:5", []string{"2001:db8::1"}, "2001:db8::1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := NewIPResolver(tc.header, tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.values {
				r.Header.Add(tc.header, v)
			}
			if got := res.Resolve(r); got != tc.want {
				t.Errorf("Resolve = %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := NewIPResolver("X", []string{"300.1.1.1"}); err == nil {
		t.Error("bad trusted proxy accepted")
	}
}

func TestAdminPolicy(t *testing.T) {
	p, err := NewAdminPolicy([]string{"127.0.0.1", "10.1.0.0/16", "2001:db8::/32"}, []string{"1", " 7 "})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   int64
		ip   string
		want bool
	}{
		{1, "127.0.0.1", true}, {7, "10.1.200.3", true}, {1, "2001:db8::9", true},
		{0, "127.0.0.1", false}, {2, "127.0.0.1", false}, {1, "127.0.0.2", false}, {1, "10.2.0.1", false},
		{1, "", false}, {1, "garbage", false},
	}
	for _, tc := range tests {
		if got, why := p.Allows(tc.id, tc.ip); got != tc.want || (!got && why == "") {
			t.Errorf("Allows(%d, %q) = %v (%q), want %v", tc.id, tc.ip, got, why, tc.want)
		}
	}
	if !p.AllowsIP("10.1.2.3") || p.AllowsIP("10.2.2.3") {
		t.Error("AllowsIP wrong")
	}
	for _, bad := range [][]string{{"x"}, {"10.0.0.0/40"}} {
		if _, err := NewAdminPolicy(bad, nil); err == nil {
			t.Errorf("adminips %v accepted", bad)
		}
	}
	if _, err := NewAdminPolicy(nil, []string{"0"}); err == nil {
		t.Error("user id 0 accepted")
	}
}

func TestRateLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	rl := NewRateLimiter(time.Minute, 3)
	rl.now = func() time.Time { return now }
	for i := range 3 {
		if !rl.Allow("a") {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if rl.Allow("a") {
		t.Fatal("4th attempt allowed")
	}
	if !rl.Allow("b") {
		t.Fatal("other key limited")
	}
	now = now.Add(time.Minute)
	if !rl.Allow("a") || rl.Allow("a") {
		t.Fatal("refill should allow exactly one more")
	}
	now = now.Add(time.Hour)
	rl.Allow("c")
	if len(rl.limiters) != 1 {
		t.Errorf("idle keys kept: %d", len(rl.limiters))
	}
}

func TestTemplatesParseErrors(t *testing.T) {
	log := slog.Disabled
	good := fstest.MapFS{
		"layout.html":     {Data: []byte(`<!doctype html>{{template "content" .}}`)},
		"partials/x.html": {Data: []byte(`{{define "x"}}X{{end}}`)},
		"page.html":       {Data: []byte(`{{define "content"}}page {{template "x"}}{{end}}`)},
		"sub/other.html":  {Data: []byte(`{{define "content"}}other{{end}}`)},
		"notes.txt":       {Data: []byte(`ignored`)},
	}
	tp, err := LoadTemplates("/nonexistent", good, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	if !tp.Has("page") || !tp.Has("sub/other") || tp.Has("layout") {
		t.Error("page names wrong")
	}
	w := httptest.NewRecorder()
	if err := tp.Render(w, 201, "page", nil); err != nil || w.Code != 201 || w.Body.String() != "<!doctype html>page X" {
		t.Errorf("render: %v %d %q", err, w.Code, w.Body.String())
	}
	if err := tp.Render(httptest.NewRecorder(), 200, "missing", nil); err == nil {
		t.Error("missing page rendered")
	}
	noContent := fstest.MapFS{"layout.html": good["layout.html"], "p.html": {Data: []byte(`hello`)}}
	if _, err := LoadTemplates("/nonexistent", noContent, nil, log); err == nil || !strings.Contains(err.Error(), "content") {
		t.Errorf("page without content block: %v", err)
	}
	// An execution error leaves nothing on the wire.
	bad := fstest.MapFS{"layout.html": good["layout.html"], "p.html": {Data: []byte(`{{define "content"}}{{.Missing.Field}}{{end}}`)}}
	tp, err = LoadTemplates("/nonexistent", bad, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	w = httptest.NewRecorder()
	if err := tp.Render(w, 200, "p", struct{}{}); err == nil || w.Body.Len() != 0 {
		t.Errorf("failed render wrote %q (err %v)", w.Body.String(), err)
	}
}

// --- mail ---

type sinkMsg struct{ from, to, data string }

type sink struct {
	mu   sync.Mutex
	msgs []sinkMsg
	user string // required AUTH user ("" = no auth)
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSess{s: s}, nil }

type sinkSess struct {
	s        *sink
	from, to string
	authed   bool
}

func (ss *sinkSess) AuthMechanisms() []string { return []string{sasl.Plain} }
func (ss *sinkSess) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user == ss.s.user && pass == "pw" {
			ss.authed = true
			return nil
		}
		return errors.New("bad credentials")
	}), nil
}
func (ss *sinkSess) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && !ss.authed {
		return errors.New("auth required")
	}
	ss.from = from
	return nil
}
func (ss *sinkSess) Rcpt(to string, _ *smtp.RcptOptions) error { ss.to = to; return nil }
func (ss *sinkSess) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, sinkMsg{ss.from, ss.to, string(b)})
	ss.s.mu.Unlock()
	return nil
}
func (ss *sinkSess) Reset()        {}
func (ss *sinkSess) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and writes its PEM to dir.
func selfSigned(t *testing.T, dir string) (tls.Certificate, string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test mail"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "mail.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, p
}

func startSink(t *testing.T, s *sink, cert tls.Certificate, implicit bool) string {
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go func() {
		_ = srv.Serve(ln) // ends with an error when the cleanup closes the server
	}()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}

func TestSMTPMailer(t *testing.T) {
	dir := t.TempDir()
	cert, pemPath := selfSigned(t, dir)
	tests := []struct {
		name     string
		implicit bool
		cfg      func(*SMTPConfig)
		user     string
		wantErr  string
	}{
		{"starttls with custom CA and auth", false, func(c *SMTPConfig) { c.CertFile = pemPath; c.Username, c.Password = "u", "pw" }, "u", ""},
		{"implicit TLS with custom CA", true, func(c *SMTPConfig) { c.CertFile = pemPath; c.ImplicitTLS = true }, "", ""},
		{"implicit TLS skip verify", true, func(c *SMTPConfig) { c.SkipVerify = true; c.ImplicitTLS = true }, "", ""},
		{"unverified certificate refused", false, func(c *SMTPConfig) {}, "", "certificate"},
		{"wrong password", false, func(c *SMTPConfig) { c.CertFile = pemPath; c.Username, c.Password = "u", "nope" }, "u", "auth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &sink{user: tc.user}
			addr := startSink(t, s, cert, tc.implicit)
			cfg := SMTPConfig{Host: addr, From: "VSP <vsp@example.com>", Timeout: 5 * time.Second}
			tc.cfg(&cfg)
			m, err := NewSMTPMailer(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(context.Background(), Mail{To: "user@example.com", Subject: "Héllo", Body: "line one\nlink: http://x/?t=abc\n"})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.msgs) != 1 || s.msgs[0].to != "user@example.com" || s.msgs[0].from != "vsp@example.com" {
				t.Fatalf("received %+v", s.msgs)
			}
			d := s.msgs[0].data
			for _, want := range []string{"Subject: =?utf-8?q?H=C3=A9llo?=", "Content-Transfer-Encoding: quoted-printable", "t=3Dabc"} {
				if !strings.Contains(d, want) {
					t.Errorf("message lacks %q:\n%s", want, d)
				}
			}
		})
	}
}

func TestMailValidation(t *testing.T) {
	if _, err := NewSMTPMailer(SMTPConfig{Host: "nohostport", From: "a@b.c"}); err == nil {
		t.Error("bad host accepted")
	}
	if _, err := NewSMTPMailer(SMTPConfig{Host: "h:25", From: "not an address"}); err == nil {
		t.Error("bad from accepted")
	}
	from, _ := NewSMTPMailer(SMTPConfig{Host: "h:25", From: "a@b.c"})
	for _, m := range []Mail{
		{To: "x@y.z\r\nBcc: evil@x.y", Subject: "s"},
		{To: "x@y.z", Subject: "s\r\nBcc: evil@x.y"},
		{To: "not-an-address", Subject: "s"},
	} {
		if _, _, err := buildMessage(from.from, m); err == nil {
			t.Errorf("header injection / bad recipient accepted: %+v", m)
		}
	}
}

type countMailer struct {
	mu sync.Mutex
	n  int
}

func (c *countMailer) Send(context.Context, Mail) error {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil
}

func TestAsyncMailer(t *testing.T) {
	cm := &countMailer{}
	a := NewAsyncMailer(cm, slog.Disabled, 100)
	for range 50 {
		if err := a.Send(context.Background(), Mail{To: "a@b.c"}); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	if cm.n != 50 {
		t.Errorf("sent %d of 50 before Close returned", cm.n)
	}
	if err := (LogMailer{Log: slog.Disabled}).Send(context.Background(), Mail{To: "a@b.c"}); err != nil {
		t.Error(err)
	}
}

// FuzzIPResolver: whatever the header holds, the answer is the peer or a
// parseable IP, and nothing panics.
func FuzzIPResolver(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "1.2.3.4, 10.0.0.1", "", ",,,", "::1", "garbage, 1.1.1.1", "[::1]:80"} {
		f.Add(s)
	}
	res, _ := NewIPResolver("X-Forwarded-For", []string{"10.0.0.0/8", "127.0.0.1"})
	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "127.0.0.1:9"
		r.Header.Set("X-Forwarded-For", h)
		got := res.Resolve(r)
		if got != "127.0.0.1" && net.ParseIP(got) == nil {
			t.Fatalf("Resolve with %q = %q", h, got)
		}
	})
}

type memSessions struct {
	mu      sync.Mutex
	rows    map[string]*models.Session
	extends int // ExtendSession calls (session_test.go)
}

func (m *memSessions) CreateSession(_ context.Context, s *models.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[s.ID] = s
	return nil
}
func (m *memSessions) SessionUser(_ context.Context, id string, now int64) (*models.Session, *models.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.rows[id]
	if !ok || s.ExpiresAt <= now {
		return nil, nil, models.ErrNotFound
	}
	return s, &models.User{ID: s.UserID}, nil
}
func (m *memSessions) DeleteSession(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.rows, id)
	return nil
}
func (m *memSessions) DeleteUserSessions(context.Context, int64, string) error { return nil }
func (m *memSessions) SetFlash(context.Context, string, string) error          { return nil }
func (m *memSessions) DeleteExpiredSessions(context.Context, int64) (int64, error) {
	return 0, nil
}

func TestSessionCookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		store := &memSessions{rows: map[string]*models.Session{}}
		s := NewSessions(store, "secret", time.Hour, secure, slog.Disabled)
		w := httptest.NewRecorder()
		c := web.C{Env: map[any]any{}}
		if err := s.Start(context.Background(), &c, w, 42); err != nil {
			t.Fatal(err)
		}
		ck := w.Result().Cookies()[0]
		if ck.Name != SessionCookie || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != secure || ck.MaxAge != 3600 {
			t.Errorf("secure=%v: cookie %+v", secure, ck)
		}
		// The row is keyed by a hash, never by the cookie value itself.
		if _, ok := store.rows[ck.Value]; ok || len(store.rows) != 1 {
			t.Error("session row keyed by the raw cookie value")
		}
		// The middleware loads it back; an unknown cookie is cleared.
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(ck)
		var got *models.User
		h := s.Middleware(&c, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got = CurrentUser(c) }))
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got == nil || got.ID != 42 {
			t.Errorf("middleware user = %+v", got)
		}
		c2 := web.C{Env: map[any]any{}}
		r = httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: "forged"})
		w = httptest.NewRecorder()
		s.Middleware(&c2, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
		if CurrentUser(c2) != nil || !strings.Contains(w.Header().Get("Set-Cookie"), "Max-Age=0") {
			t.Errorf("forged cookie: user %v, Set-Cookie %q", CurrentUser(c2), w.Header().Get("Set-Cookie"))
		}
	}
}
