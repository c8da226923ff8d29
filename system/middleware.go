package system

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/decred/slog"
	"github.com/zenazn/goji/web"
	"github.com/zenazn/goji/web/mutil"
)

// ErrorFunc renders err as the response (an error page or a JSON error).
type ErrorFunc func(c web.C, w http.ResponseWriter, r *http.Request, err error)

// requestIDs makes ids "<random prefix>-<counter>": unique per process run
// and cheap.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [4]byte
	rand.Read(b[:])
	return &requestIDs{prefix: hex.EncodeToString(b[:])}
}

// middleware returns the request-id middleware.
func (ids *requestIDs) middleware(c *web.C, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ids.prefix + "-" + strconv.FormatUint(ids.n.Add(1), 10)
		setEnv(c, requestIDKey, id)
		w.Header().Set("X-Request-Id", id)
		h.ServeHTTP(w, r)
	})
}

// clientIPMiddleware resolves the client address once per request.
func clientIPMiddleware(res *IPResolver) web.MiddlewareType {
	return func(c *web.C, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			setEnv(c, clientIPKey, res.Resolve(r))
			h.ServeHTTP(w, r)
		})
	}
}

// loggerMiddleware logs one line per request at info level once it is
// answered: method, path, status, duration, client IP and request id. The
// query string is left out (email and reset links carry tokens in it) and
// bodies are never logged. The path is cleaned of control characters and
// cut, so a crafted URL cannot forge or flood log lines.
func loggerMiddleware(log slog.Logger) web.MiddlewareType {
	return func(c *web.C, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if log.Level() > slog.LevelInfo {
				h.ServeHTTP(w, r)
				return
			}
			start := time.Now()
			ww := mutil.WrapWriter(w)
			h.ServeHTTP(ww, r)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK // nothing written: net/http sends 200
			}
			log.Infof("%s %s %d %s ip=%s id=%s", logSafe(r.Method, 16), logSafe(r.URL.Path, maxLoggedPath), status,
				time.Since(start).Round(time.Microsecond), ClientIP(*c), RequestID(*c))
		})
	}
}

// SafeForLog is s (a request path or other client-chosen text) made safe
// for one log line, cut to 200 characters.
func SafeForLog(s string) string { return logSafe(s, maxLoggedPath) }

// maxLoggedPath is the longest path logged in full.
const maxLoggedPath = 200

// logSafe replaces control characters, spaces and invalid UTF-8 in s with
// '?' and cuts it to max runes (marking the cut with "...").
func logSafe(s string, max int) string {
	if len(s) <= max && plainASCII(s) {
		return s // nothing to replace or cut (the common case: no copy)
	}
	return logSafeCopy(s, max)
}

// plainASCII reports whether s holds only printable ASCII other than the
// space: the characters logSafe keeps as they are.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// logSafeCopy is logSafe's replacing and cutting copy of s.
func logSafeCopy(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("...")
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// recoverMiddleware turns a panic into a logged 500 page.
func recoverMiddleware(log slog.Logger, onError ErrorFunc) web.MiddlewareType {
	return func(c *web.C, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := mutil.WrapWriter(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Errorf("panic serving %s %s (id=%s): %v\n%s", SafeForLog(r.Method), SafeForLog(r.URL.Path), RequestID(*c), v, debug.Stack())
				if ww.Status() == 0 {
					// Already logged: render with a kind that is not re-logged.
					onError(*c, w, r, &Error{Kind: KindInternal, Err: errPanicLogged})
				}
			}()
			h.ServeHTTP(ww, r)
		})
	}
}

// errPanicLogged marks an internal error that was already logged.
var errPanicLogged = fmt.Errorf("panic (logged)")

// IsLogged reports whether err was already logged by the web core.
func IsLogged(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Err == errPanicLogged
}

// bodyLimitMiddleware refuses bodies over max bytes: at once when the
// declared length is too big, otherwise when reading passes the limit.
func bodyLimitMiddleware(max int64, onError ErrorFunc) web.MiddlewareType {
	return func(c *web.C, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > max {
				onError(*c, w, r, &http.MaxBytesError{Limit: max})
				return
			}
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, max)
			}
			h.ServeHTTP(w, r)
		})
	}
}

// ContentSecurityPolicy allows nothing inline and nothing from elsewhere.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. Dynamic
// responses are not stored by caches by default (pages may be private);
// the static file handler overrides Cache-Control.
func securityHeaders(c *web.C, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
