package system

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
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
	BaseURL  string
	Sessions *Sessions
	OnError  ErrorFunc
}

// Router is the mux tree. Register routes on the sub-mux that fits:
//
//	HTML  /*        pages and forms: CSRF-checked, session and user loaded
//	API   /api/*    JSON API: no CSRF, no cookie session (bearer tokens)
//	Root            anything else that must bypass CSRF and sessions
//	                (e.g. /status, /metrics); register before Compile,
//	                GET-only routes with RootGet (405 for other methods)
//
// A known HTML or Root path asked with a method it does not accept gets
// 405 with an Allow header through the error path (the API answers its own).
// An unknown HTML path gets 404 whatever the method: unsafe methods are
// answered before the CSRF check, which would otherwise refuse them.
//
// Every request passes request-id, client-IP, logging, panic recovery,
// security-header and body-limit middleware.
type Router struct {
	Root *web.Mux
	HTML *web.Mux
	API  *web.Mux

	onError ErrorFunc
	routes  []Route
}

// Route is one registered route, as Routes lists it.
type Route struct {
	Mux     string // "html" (pages and forms), "root" (RootGet) or "api"
	Method  string // GET, POST, or "*" for an API pattern taking any method
	Pattern string
}

// Routes lists every route registered through Get, Post, RootGet and
// APIHandle, once each, in registration order (tests use it to check every
// page is covered). A route registered twice (a feature taking over a core
// path such as "/") is listed once.
func (rt *Router) Routes() []Route {
	seen := make(map[Route]bool, len(rt.routes))
	var out []Route
	for _, r := range rt.routes {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// Get registers a page on the HTML mux (GET, and HEAD).
func (rt *Router) Get(pattern string, h web.HandlerType) {
	rt.routes = append(rt.routes, Route{Mux: "html", Method: http.MethodGet, Pattern: pattern})
	rt.HTML.Get(pattern, h)
}

// Post registers a form target on the HTML mux.
func (rt *Router) Post(pattern string, h web.HandlerType) {
	rt.routes = append(rt.routes, Route{Mux: "html", Method: http.MethodPost, Pattern: pattern})
	rt.HTML.Post(pattern, h)
}

// APIHandle registers an API pattern (any method; the handler checks it).
func (rt *Router) APIHandle(pattern string, h web.HandlerType) {
	rt.routes = append(rt.routes, Route{Mux: "api", Method: "*", Pattern: pattern})
	rt.API.Handle(pattern, h)
}

// NewRouter builds the mux tree and its middleware.
func NewRouter(cfg RouterConfig) *Router {
	rt := &Router{Root: web.New(), HTML: web.New(), API: web.New(), onError: cfg.OnError}

	ids := newRequestIDs()
	rt.Root.Use(ids.middleware)
	rt.Root.Use(clientIPMiddleware(cfg.IP))
	rt.Root.Use(loggerMiddleware(cfg.Log))
	rt.Root.Use(recoverMiddleware(cfg.Log, cfg.OnError))
	rt.Root.Use(securityHeaders)
	rt.Root.Use(bodyLimitMiddleware(cfg.MaxBodyBytes, cfg.OnError))

	rt.Root.Handle("/api/*", rt.API)

	// Route first, so a known path asked with the wrong method gets 405
	// before the CSRF check (which would otherwise refuse e.g. a DELETE
	// with 403, hiding what is wrong).
	rt.HTML.Use(rt.HTML.Router)
	rt.HTML.Use(methodCheck(cfg.OnError))
	rt.HTML.Use(formParse(cfg.OnError))
	rt.HTML.Use(csrfMiddleware(cfg.CSRFKey, cfg.Secure, cfg.BaseURL, cfg.OnError))
	rt.HTML.Use(cfg.Sessions.Middleware)
	notFound := func(c web.C, w http.ResponseWriter, r *http.Request) {
		cfg.OnError(c, w, r, noPage())
	}
	rt.HTML.NotFound(notFound)
	rt.API.NotFound(notFound)
	return rt
}

// RootGet registers a GET (and HEAD) route on Root that answers 405 with
// an Allow header through the error path to any other method. (A plain
// Root.Get would let other methods fall through to the HTML mux, which
// does not know the path and would answer 404.)
func (rt *Router) RootGet(pattern string, h web.HandlerType) {
	rt.routes = append(rt.routes, Route{Mux: "root", Method: http.MethodGet, Pattern: pattern})
	next := toHandler(h)
	rt.Root.Handle(pattern, web.HandlerFunc(func(c web.C, w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			rt.onError(c, w, r, MethodError([]string{http.MethodGet, http.MethodHead}))
			return
		}
		next.ServeHTTPC(c, w, r)
	}))
}

// toHandler accepts the handler types Goji accepts.
func toHandler(h web.HandlerType) web.Handler {
	switch h := h.(type) {
	case web.Handler:
		return h
	case http.Handler:
		return web.HandlerFunc(func(_ web.C, w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) })
	case func(web.C, http.ResponseWriter, *http.Request):
		return web.HandlerFunc(h)
	case func(http.ResponseWriter, *http.Request):
		return web.HandlerFunc(func(_ web.C, w http.ResponseWriter, r *http.Request) { h(w, r) })
	}
	panic(fmt.Sprintf("system: unsupported handler type %T", h))
}

// MethodAllowedError is a KindMethod error listing the methods the path
// accepts; the error path puts them in the Allow header.
type MethodAllowedError struct{ Allowed []string }

func (e *MethodAllowedError) Error() string {
	return "method not allowed; use " + strings.Join(e.Allowed, ", ")
}

// MethodError builds the 405 error for a path that accepts only allowed.
func MethodError(allowed []string) error {
	return &Error{Kind: KindMethod, Message: "This address does not accept that kind of request (HTTP method); use " +
		strings.Join(allowed, " or ") + ".", Err: &MethodAllowedError{Allowed: allowed}}
}

// AllowedMethods returns the methods to put in an Allow header for err, or
// nil when err is not a 405 error.
func AllowedMethods(err error) []string {
	var e *MethodAllowedError
	if errors.As(err, &e) {
		return e.Allowed
	}
	return nil
}

// methodCheck answers 405 when the HTML mux's router (run just before)
// found the path but not for this method, and 404 when it found no such
// path at all and the method is one the CSRF check would refuse (an unsafe
// method): nothing could run there, so "no such page" is the true answer,
// not "your form expired". Safe methods to unknown paths go on to the mux's
// NotFound handler, after the session is loaded, so the 404 page keeps the
// visitor's logged-in navigation.
func methodCheck(onError ErrorFunc) web.MiddlewareType {
	return func(c *web.C, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if web.GetMatch(*c).Pattern == nil {
				if methods, ok := c.Env[web.ValidMethodsKey].([]string); ok && len(methods) > 0 {
					onError(*c, w, r, MethodError(methods))
					return
				}
				if !safeMethod(r.Method) {
					onError(*c, w, r, noPage())
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	}
}

// formParse reads the form of every unsafe request before the CSRF check,
// which reads its token with PostFormValue and so drops read errors: a body
// over the limit (also one sent chunked, without a Content-Length) must be
// answered 413, and a malformed one 400, not "your form expired".
func formParse(onError ErrorFunc) web.MiddlewareType {
	return func(c *web.C, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !safeMethod(r.Method) {
				var err error
				if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
					err = r.ParseMultipartForm(1 << 20)
				} else {
					err = r.ParseForm()
				}
				if err != nil {
					var mbe *http.MaxBytesError
					if !errors.As(err, &mbe) {
						err = Wrap(KindInvalid, "The form could not be read.", err)
					}
					onError(*c, w, r, err)
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	}
}

// noPage is the 404 of the HTML mux.
func noPage() error { return E(KindNotFound, "There is no page at this address.") }

// safeMethod reports whether the CSRF check lets method through without a
// token (the methods RFC 9110 calls safe, as gorilla/csrf treats them).
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
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
