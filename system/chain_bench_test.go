package system

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/models"
	"github.com/gorilla/csrf"
	"github.com/zenazn/goji/web"
)

// chainEnv is the whole middleware chain (request id, client IP, the log
// line at info level, panic recovery, security headers, body limit,
// routing, the CSRF check and its cookie, the session and user) in front
// of a page that asks for its CSRF field, with one logged-in browser's
// cookies. The session store is in memory, so what is measured is the
// chain's own CPU.
type chainEnv struct {
	h       http.Handler
	cookies []*http.Cookie
}

func newChainEnv(tb testing.TB) *chainEnv {
	log := slog.NewBackend(io.Discard).Logger("WEB")
	log.SetLevel(slog.LevelInfo)
	store := &memSessions{rows: map[string]*models.Session{}}
	sess := NewSessions(store, "secret", time.Hour, false, slog.Disabled)
	ip, err := NewIPResolver("X-Real-IP", nil)
	if err != nil {
		tb.Fatal(err)
	}
	onError := func(_ web.C, w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, err.Error(), KindOf(err).Status())
	}
	rt := NewRouter(RouterConfig{Log: log, IP: ip, MaxBodyBytes: 1 << 16,
		CSRFKey: []byte("0123456789abcdef0123456789abcdef"), BaseURL: "http://example.com",
		Sessions: sess, OnError: onError})
	rt.Get("/page", func(c web.C, w http.ResponseWriter, r *http.Request) {
		if CurrentUser(c) == nil {
			http.Error(w, "not logged in", http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, string(csrf.TemplateField(r)))
	})
	rt.Get("/login", func(c web.C, w http.ResponseWriter, r *http.Request) {
		if err := sess.Start(context.Background(), &c, w, 7); err != nil {
			tb.Fatal(err)
		}
	})
	e := &chainEnv{h: rt.Handler()}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, httptest.NewRequest("GET", "/login", nil))
	e.cookies = w.Result().Cookies()
	if len(e.cookies) != 2 {
		tb.Fatalf("login set %d cookies, want the session and CSRF ones", len(e.cookies))
	}
	return e
}

// get serves one logged-in GET /page and reports its status.
func (e *chainEnv) get(w *httptest.ResponseRecorder) int {
	r := httptest.NewRequest("GET", "/page", nil)
	r.RemoteAddr = "127.0.0.1:5555"
	r.Header.Set("X-Real-IP", "10.77.0.1")
	for _, ck := range e.cookies {
		r.AddCookie(ck)
	}
	e.h.ServeHTTP(w, r)
	return w.Code
}

// BenchmarkMiddlewareChain is the fixed CPU cost every page view pays
// before its handler runs (and the log line after), per request.
func BenchmarkMiddlewareChain(b *testing.B) {
	e := newChainEnv(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		if code := e.get(w); code != http.StatusOK {
			b.Fatalf("status %d: %s", code, w.Body)
		}
	}
}
