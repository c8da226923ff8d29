package system

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/decred/slog"
	"github.com/gorilla/csrf"
	"github.com/zenazn/goji/web"
)

// CSRFFieldName is the name of the hidden form field carrying the token.
const CSRFFieldName = "csrf_token"

// RouterConfig is what NewRouter needs.
type RouterConfig struct {
	Log          slog.Logger
	IP           *IPResolver
	MaxBodyBytes int64
	CSRFKey      []byte // 32 bytes
	Secure       bool   // CSRF cookie only over HTTPS
	// BaseURL is the site's public URL as browsers see it. Its scheme tells
	// whether requests arrive over HTTPS (possibly through a TLS proxy) and
	// its host is trusted as an Origin even if the proxy rewrites Host.
	BaseURL   string
	Sessions  *Sessions
	Captcha   *Captcha
	StaticDir string // public/ on disk
	StaticFS  fs.FS  // embedded fallback for StaticDir
	OnError   ErrorFunc
}

// Router is the mux tree. Register routes on the sub-mux that fits:
//
//	HTML  /*        pages and forms: CSRF-checked, session and user loaded
//	API   /api/*    JSON API: no CSRF, no cookie session (bearer tokens)
//	Root            anything else that must bypass CSRF and sessions
//	                (e.g. /status, /metrics); register before Compile
//
// Every request passes request-id, client-IP, logging, panic recovery,
// security-header and body-limit middleware.
type Router struct {
	Root *web.Mux
	HTML *web.Mux
	API  *web.Mux
}

// NewRouter builds the mux tree and its middleware.
func NewRouter(cfg RouterConfig) *Router {
	rt := &Router{Root: web.New(), HTML: web.New(), API: web.New()}

	ids := newRequestIDs()
	rt.Root.Use(ids.middleware)
	rt.Root.Use(clientIPMiddleware(cfg.IP))
	rt.Root.Use(loggerMiddleware(cfg.Log))
	rt.Root.Use(recoverMiddleware(cfg.Log, cfg.OnError))
	rt.Root.Use(securityHeaders)
	rt.Root.Use(bodyLimitMiddleware(cfg.MaxBodyBytes, cfg.OnError))

	rt.Root.Get("/assets/*", http.StripPrefix("/assets/", staticHandler(cfg.StaticDir, cfg.StaticFS, cfg.Log)))
	rt.Root.Get("/captchas/*", http.StripPrefix("/captchas/", cfg.Captcha.Handler()))
	rt.Root.Handle("/api/*", rt.API)

	rt.HTML.Use(csrfMiddleware(cfg.CSRFKey, cfg.Secure, cfg.BaseURL, cfg.OnError))
	rt.HTML.Use(cfg.Sessions.Middleware)
	notFound := func(c web.C, w http.ResponseWriter, r *http.Request) {
		cfg.OnError(c, w, r, E(KindNotFound, "There is no page at this address."))
	}
	rt.HTML.NotFound(notFound)
	rt.API.NotFound(notFound)
	return rt
}

// Handler finishes the tree (the catch-all HTML mux is attached last, so
// routes added to Root first win) and returns it.
func (rt *Router) Handler() http.Handler {
	rt.Root.Handle("/*", rt.HTML)
	rt.Root.Compile()
	return rt.Root
}

// csrfMiddleware checks the token on every unsafe request, and the Origin
// (or, over HTTPS, the Referer) against the site. When the public URL is
// plain http (loopback during development, the harness) and the request
// did not come over TLS, gorilla/csrf must be told the request is plain
// HTTP, or it expects an https Origin and refuses every form.
func csrfMiddleware(key []byte, secure bool, baseURL string, onError ErrorFunc) web.MiddlewareType {
	plainSite := true
	var trusted []string
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		plainSite = u.Scheme != "https"
		trusted = append(trusted, u.Host)
	}
	return func(c *web.C, h http.Handler) http.Handler {
		fail := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			onError(*c, w, r, Wrap(KindPermission,
				"This form has expired or did not come from this site. Go back, reload the page and try again.",
				csrf.FailureReason(r)))
		})
		protected := csrf.Protect(key,
			csrf.Secure(secure), csrf.HttpOnly(true), csrf.Path("/"),
			csrf.SameSite(csrf.SameSiteLaxMode), csrf.FieldName(CSRFFieldName),
			csrf.CookieName("csrf"), csrf.TrustedOrigins(trusted), csrf.ErrorHandler(fail))(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if plainSite && r.TLS == nil {
				r = csrf.PlaintextHTTPRequest(r)
			}
			protected.ServeHTTP(w, r)
		})
	}
}

// staticHandler serves files (never directory listings) from dir, or from
// the embedded copy when dir is missing, with cache headers.
func staticHandler(dir string, fallback fs.FS, log slog.Logger) http.Handler {
	var fsys fs.FS
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		fsys = os.DirFS(dir)
	} else {
		log.Warnf("static folder %q not found; using the files built into the binary", dir)
		fsys = fallback
	}
	files := http.FileServer(http.FS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
