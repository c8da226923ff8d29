package controllers

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/gorilla/csrf"
	"github.com/zenazn/goji/web"
	"golang.org/x/crypto/bcrypt"
)

// Config holds the settings the handlers read.
type Config struct {
	BaseURL           string // scheme://host[:port], no trailing slash; used in email links
	Network           string // mainnet, testnet3 or simnet
	Designation       string
	Description       string
	PoolEmail         string
	PoolLink          string
	PoolFees          float64
	ClosePool         bool
	ClosePoolMsg      string
	MinPasswordLength int
	NoCaptcha         bool          // no captcha on forms (private pools, browser tests)
	BcryptCost        int           // bcrypt.DefaultCost in production
	VerifyTokenTTL    time.Duration // email verification links
	ResetTokenTTL     time.Duration // password reset and email change links
	Version           string
}

// Store is the database as the core handlers use it (*models.Store).
type Store interface {
	system.SessionStore
	CreateUser(ctx context.Context, u *models.User) error
	UserByID(ctx context.Context, id int64) (*models.User, error)
	UserByEmail(ctx context.Context, email string) (*models.User, error)
	EmailInUse(ctx context.Context, email string) (bool, error)
	UpdateUser(ctx context.Context, u *models.User) error
	SetPassword(ctx context.Context, userID int64, hash string) error
	MarkEmailVerified(ctx context.Context, userID int64) error
	ChangeEmail(ctx context.Context, userID int64, email string) error
	DeleteUser(ctx context.Context, userID int64, now int64) error
	CreateToken(ctx context.Context, t *models.Token) error
	PeekToken(ctx context.Context, hash, purpose string, now int64) (*models.Token, error)
	ConsumeToken(ctx context.Context, hash, purpose string, now int64) (*models.Token, error)
}

// Deps are the Application's dependencies.
type Deps struct {
	Config     Config
	Store      Store
	Templates  *system.Templates
	Sessions   *system.Sessions
	Mailer     system.Mailer
	Captcha    *system.Captcha
	Admins     *system.AdminPolicy
	LoginLimit *system.RateLimiter // per client IP, login attempts
	EmailLimit *system.RateLimiter // per client IP, forms that send email
	Log        slog.Logger
	Now        func() time.Time // nil: time.Now
}

// Application is the web front end: handlers are its methods.
type Application struct {
	Deps
	dummyHash []byte // compared against when an email is unknown, so timing does not tell
}

// New builds the Application.
func New(d Deps) (*Application, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Config.BcryptCost == 0 {
		d.Config.BcryptCost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte("not a real password"), d.Config.BcryptCost)
	if err != nil {
		return nil, err
	}
	return &Application{Deps: d, dummyHash: h}, nil
}

// HandlerFunc is a page handler: it writes the response or returns an
// error for the one error path (Application.H). c carries the per-request
// values (c.Env is shared with the middleware, so writes through it are
// seen by later code in the same request).
type HandlerFunc func(c web.C, w http.ResponseWriter, r *http.Request) error

// H adapts a HandlerFunc to Goji, sending errors to RenderError.
func (a *Application) H(h HandlerFunc) web.HandlerFunc {
	return func(c web.C, w http.ResponseWriter, r *http.Request) {
		if err := h(c, w, r); err != nil {
			a.RenderError(c, w, r, err)
		}
	}
}

// Base is the data every page template gets (embedded in each page's struct).
type Base struct {
	Title       string
	User        *models.User
	IsAdmin     bool
	Flash       string
	CSRFField   template.HTML
	Path        string
	Designation string
	Description string
	PoolEmail   string
	PoolLink    string
	Network     string
	ClosePool   bool
	Version     string
	// MinPasswordLength is the password policy, for form hints.
	MinPasswordLength int
}

// Base fills the common page data for this request and takes the flash.
func (a *Application) Base(c web.C, r *http.Request, title string) Base {
	u := system.CurrentUser(c)
	b := Base{
		Title: title, User: u, Path: r.URL.Path,
		CSRFField:   csrf.TemplateField(r),
		Designation: a.Config.Designation, Description: a.Config.Description,
		PoolEmail: a.Config.PoolEmail, PoolLink: a.Config.PoolLink,
		Network: a.Config.Network, ClosePool: a.Config.ClosePool, Version: a.Config.Version,
		MinPasswordLength: a.Config.MinPasswordLength,
	}
	if u != nil {
		b.IsAdmin = a.IsAdmin(c)
		b.Flash = a.Sessions.TakeFlash(r.Context(), c)
	}
	return b
}

// Render writes page with data and status 200.
func (a *Application) Render(w http.ResponseWriter, page string, data any) error {
	return a.Templates.Render(w, http.StatusOK, page, data)
}

// errorPage is the data of the error template.
type errorPage struct {
	Base
	Status  int
	Message string
	// RequestID lets the user quote the failure to the operator.
	RequestID string
}

// RenderError is the one error path: it maps err's kind to an HTTP status,
// logs server faults (once) and client faults at debug level, and renders
// the error page (plain text if even that fails).
func (a *Application) RenderError(c web.C, w http.ResponseWriter, r *http.Request, err error) {
	kind := system.KindOf(err)
	status := kind.Status()
	switch {
	case system.IsLogged(err):
	case status >= 500:
		a.Log.Errorf("%s %s (id=%s ip=%s): %v", system.SafeForLog(r.Method), system.SafeForLog(r.URL.Path), system.RequestID(c), system.ClientIP(c), err)
	default:
		a.Log.Debugf("%s %s -> %d (ip=%s): %v", system.SafeForLog(r.Method), system.SafeForLog(r.URL.Path), status, system.ClientIP(c), err)
	}
	if after, ok := system.RetryAfter(err); ok {
		w.Header().Set("Retry-After", after)
	}
	if allowed := system.AllowedMethods(err); allowed != nil {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
	}
	w.Header().Set("Cache-Control", "no-store")
	page := errorPage{Base: a.Base(c, r, http.StatusText(status)), Status: status,
		Message: system.PublicMessage(err), RequestID: system.RequestID(c)}
	if rerr := a.Templates.Render(w, status, "error", page); rerr != nil {
		a.Log.Errorf("render error page: %v", rerr)
		http.Error(w, page.Message, status)
	}
}

// IsAdmin reports whether the request comes from an admin (logged in, user
// id in adminuserids, client IP in adminips).
func (a *Application) IsAdmin(c web.C) bool {
	u := system.CurrentUser(c)
	var id int64
	if u != nil {
		id = u.ID
	}
	ok, _ := a.Admins.Allows(id, system.ClientIP(c))
	return ok
}

// RequireLogin wraps h: visitors who are not logged in are sent to the login
// page (GET) or refused (other methods).
func (a *Application) RequireLogin(h HandlerFunc) HandlerFunc {
	return func(c web.C, w http.ResponseWriter, r *http.Request) error {
		if system.CurrentUser(c) == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return system.E(system.KindUnauthenticated, "Please log in first.")
		}
		return h(c, w, r)
	}
}

// RequireAdmin wraps h: only admins get through; everyone else gets 403 and
// a warning in the log saying which check failed.
func (a *Application) RequireAdmin(h HandlerFunc) HandlerFunc {
	return func(c web.C, w http.ResponseWriter, r *http.Request) error {
		u := system.CurrentUser(c)
		var id int64
		if u != nil {
			id = u.ID
		}
		if ok, why := a.Admins.Allows(id, system.ClientIP(c)); !ok {
			a.Log.Warnf("admin page %s refused: %s", r.URL.Path, why)
			return system.E(system.KindPermission, "This page is for the pool's administrators.")
		}
		return h(c, w, r)
	}
}

// Redirect sends the browser to path with 303 See Other, optionally leaving
// a flash message on the session.
func (a *Application) Redirect(c web.C, w http.ResponseWriter, r *http.Request, path, flash string) error {
	if flash != "" {
		if _, err := a.Sessions.SetFlash(r.Context(), c, flash); err != nil {
			return err
		}
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}
