package system

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/decred/slog"
	"github.com/zenazn/goji/web"
)

// lockedBuffer is a log sink safe for the server goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	l.b.Reset()
	return s
}

// TestRequestLog: one info line per request with method, path, status,
// duration, client IP and request id; never the query string or the body;
// control characters in the path cannot split or forge lines.
func TestRequestLog(t *testing.T) {
	var buf lockedBuffer
	log := slog.NewBackend(&buf).Logger("WEB")
	log.SetLevel(slog.LevelInfo)
	ipres, err := NewIPResolver("X-Real-IP", nil)
	if err != nil {
		t.Fatal(err)
	}
	m := web.New()
	m.Use(newRequestIDs().middleware)
	m.Use(clientIPMiddleware(ipres))
	m.Use(loggerMiddleware(log))
	m.Get("/quiet", func(w http.ResponseWriter, r *http.Request) {}) // writes nothing: 200
	m.Post("/form", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		http.Error(w, "no", http.StatusTeapot)
	})
	m.NotFound(http.NotFound)
	srv := httptest.NewServer(m)
	defer srv.Close()

	tests := []struct {
		name, method, target, body string
		want                       []string // substrings of the one line
		never                      []string
	}{
		{"query token dropped", "GET", "/quiet?t=SECRETTOKEN", "",
			[]string{"[INF] WEB: GET /quiet 200 ", "ip=198.51.100.7", "id="}, []string{"SECRETTOKEN", "?t="}},
		{"form body not logged", "POST", "/form", "password=hunter2&email=a%40b.c",
			[]string{"POST /form 418 "}, []string{"hunter2", "a@b.c"}},
		{"newline in path", "GET", "/x%0A2026-01-01%20[INF]%20WEB:%20forged", "",
			[]string{"GET /x?2026-01-01?[INF]?WEB:?forged 404 "}, nil},
		{"invalid utf-8 and bidi", "GET", "/a%FF%E2%80%AEb", "",
			[]string{"GET /a??b 404 "}, []string{"\u202e"}},
		{"long path cut", "GET", "/" + strings.Repeat("p", 5000), "",
			[]string{"/" + strings.Repeat("p", maxLoggedPath-1) + "... 404 "}, []string{strings.Repeat("p", maxLoggedPath)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.target, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Real-IP", "198.51.100.7")
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			out := buf.take()
			if n := strings.Count(out, "\n"); n != 1 {
				t.Fatalf("want exactly one log line, got %d: %q", n, out)
			}
			if id := resp.Header.Get("X-Request-Id"); id == "" || !strings.Contains(out, "id="+id) {
				t.Errorf("line lacks request id %q: %q", id, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("line lacks %q: %q", w, out)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(out, n) {
					t.Errorf("line contains %q: %q", n, out)
				}
			}
		})
	}

	// Above info level nothing is logged.
	log.SetLevel(slog.LevelWarn)
	resp, err := http.Get(srv.URL + "/quiet")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if out := buf.take(); out != "" {
		t.Errorf("logged at warn level: %q", out)
	}
}

// TestLogSafeShortcut: logSafe returns plain short text as it is and
// otherwise what the replacing copy makes, for text around the cut length
// with every kind of character that is replaced or kept.
func TestLogSafeShortcut(t *testing.T) {
	parts := []string{"a", "/", "?", "~", " ", "\t", "\n", "\x7f", "\x00", "é", "\u202e", "\xff", "%", "日本"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		n := rng.IntN(12)
		for j := 0; j < n; j++ {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s, max := b.String(), 1+rng.IntN(10)
		if got, want := logSafe(s, max), logSafeCopy(s, max); got != want {
			t.Fatalf("logSafe(%q, %d) = %q, the copy gives %q", s, max, got, want)
		}
	}
	if got := logSafe("/tickets", maxLoggedPath); got != "/tickets" {
		t.Errorf("plain path: %q", got)
	}
}
