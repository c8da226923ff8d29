package controllers

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/gorilla/csrf"
	"github.com/zenazn/goji/web"
)

// HandlerFunc is a page handler: it writes the response or returns an
// error for the one error path (Application.H). c carries the per-request
// values (c.Env is shared with the middleware, so writes through it are
// seen by later code in the same request).
type HandlerFunc func(c web.C, w http.ResponseWriter, r *http.Request) error

// H adapts a HandlerFunc to Goji, sending errors to RenderError.
func (s *Server) H(h HandlerFunc) web.HandlerFunc {
	return func(c web.C, w http.ResponseWriter, r *http.Request) {
		if err := h(c, w, r); err != nil {
			s.RenderError(c, w, r, err)
		}
	}
}

// TemplateFuncs are the functions every template may call.
func TemplateFuncs() template.FuncMap {
	return template.FuncMap{
		"times": func(a, b float64) float64 { return a * b },
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
	// Nav and Footer are the data of the layout's fragments (see
	// system.Templates): each output is executed once per distinct value.
	Nav    NavData
	Footer FooterData
}

// NavData is everything the navigation (views/partials/frame.html "nav")
// may read. Its fields are plain values: the navigation is executed once
// per distinct NavData and reused.
type NavData struct {
	Designation string
	// Path is the request's path, marked as the current page when the
	// navigation links to it.
	Path        string
	LoggedIn    bool
	HasMultiSig bool
	IsAdmin     bool
}

// FooterData is everything the footer (views/partials/frame.html
// "footer") may read: the pool's settings, so the footer is executed once.
type FooterData struct {
	Designation string
	Network     string
	PoolEmail   string
	Version     string
}

// navLinks are the paths the navigation links to. It marks the current
// page by comparing the path with them, so they are the only paths it can
// tell apart: any other path is given to it as "" (the same output), and
// a stream of junk URLs cannot fill the fragment cache with copies of one
// navigation.
var navLinks = map[string]bool{
	"/": true, "/stats": true, "/address": true, "/tickets": true, "/voting": true, "/settings": true,
	"/admin/status": true, "/admintickets": true, "/login": true, "/register": true,
}

// navPath is the request path as the navigation needs it.
func navPath(p string) string {
	if navLinks[p] {
		return p
	}
	return ""
}

// Base fills the common page data for this request and takes the flash.
func (s *Server) Base(c web.C, r *http.Request, title string) Base {
	u := system.CurrentUser(c)
	b := Base{
		Title: title, User: u, Path: r.URL.Path,
		CSRFField:   csrf.TemplateField(r),
		Designation: s.cfg.Designation, Description: s.cfg.Description,
		PoolEmail: s.cfg.PoolEmail, PoolLink: s.cfg.PoolLink,
		Network: s.cfg.Params.Name, ClosePool: s.cfg.ClosePool, Version: s.cfg.Version,
		MinPasswordLength: s.cfg.MinPasswordLength,
	}
	if u != nil {
		b.IsAdmin = s.IsAdmin(c)
		b.Flash = s.sessions.TakeFlash(r.Context(), c)
	}
	b.Nav = NavData{Designation: b.Designation, Path: navPath(b.Path), LoggedIn: u != nil,
		HasMultiSig: u != nil && u.HasMultiSig(), IsAdmin: b.IsAdmin}
	b.Footer = FooterData{Designation: b.Designation, Network: b.Network, PoolEmail: b.PoolEmail, Version: b.Version}
	return b
}

// Render writes page with data and status 200.
func (s *Server) Render(w http.ResponseWriter, page string, data any) error {
	return s.templates.Render(w, http.StatusOK, page, data)
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
func (s *Server) RenderError(c web.C, w http.ResponseWriter, r *http.Request, err error) {
	kind := system.KindOf(err)
	status := kind.Status()
	switch {
	case system.IsLogged(err):
	case status >= 500:
		s.log.Errorf("%s %s (id=%s ip=%s): %v", system.SafeForLog(r.Method), system.SafeForLog(r.URL.Path), system.RequestID(c), system.ClientIP(c), err)
	default:
		s.log.Debugf("%s %s -> %d (ip=%s): %v", system.SafeForLog(r.Method), system.SafeForLog(r.URL.Path), status, system.ClientIP(c), err)
	}
	if after, ok := system.RetryAfter(err); ok {
		w.Header().Set("Retry-After", after)
	}
	if allowed := system.AllowedMethods(err); allowed != nil {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
	}
	w.Header().Set("Cache-Control", "no-store")
	page := errorPage{Base: s.Base(c, r, http.StatusText(status)), Status: status,
		Message: system.PublicMessage(err), RequestID: system.RequestID(c)}
	if rerr := s.templates.Render(w, status, "error", page); rerr != nil {
		s.log.Errorf("render error page: %v", rerr)
		http.Error(w, page.Message, status)
	}
}

// IsAdmin reports whether the request comes from an admin (logged in, user
// id in adminuserids, client IP in adminips).
func (s *Server) IsAdmin(c web.C) bool {
	u := system.CurrentUser(c)
	var id int64
	if u != nil {
		id = u.ID
	}
	ok, _ := s.admins.Allows(id, system.ClientIP(c))
	return ok
}

// RequireLogin wraps h: visitors who are not logged in are sent to the login
// page (GET) or refused (other methods).
func (s *Server) RequireLogin(h HandlerFunc) HandlerFunc {
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
func (s *Server) RequireAdmin(h HandlerFunc) HandlerFunc {
	return func(c web.C, w http.ResponseWriter, r *http.Request) error {
		u := system.CurrentUser(c)
		var id int64
		if u != nil {
			id = u.ID
		}
		if ok, why := s.admins.Allows(id, system.ClientIP(c)); !ok {
			s.log.Warnf("admin page %s refused: %s", r.URL.Path, why)
			return system.E(system.KindPermission, "This page is for the pool's administrators.")
		}
		return h(c, w, r)
	}
}

// Redirect sends the browser to path with 303 See Other, optionally leaving
// a flash message on the session.
func (s *Server) Redirect(c web.C, w http.ResponseWriter, r *http.Request, path, flash string) error {
	if flash != "" {
		if _, err := s.sessions.SetFlash(r.Context(), c, flash); err != nil {
			return err
		}
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}
