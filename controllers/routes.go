package controllers

import (
	"net/http"

	"github.com/eacred/dcrstakepool/system"
)

// Install registers every route of the site on rt: this is the one list of
// static files, captcha images, pages, forms, API commands and the root
// endpoints (/status, /metrics). A page's handler is a Server method; its
// template is views/<page>.html (see system.Templates).
func (s *Server) Install(rt *system.Router) {
	// Static files and captcha images: no CSRF, no session.
	static := system.StaticHandler(s.static, s.RenderError)
	rt.RootGet("/assets/*", static)
	rt.RootGet("/favicon.ico", system.Favicon(static))
	rt.RootGet("/captchas/*", http.StripPrefix("/captchas/", s.captcha.Handler()))

	// Public pages.
	rt.Get("/", s.H(s.home))
	rt.Get("/stats", s.H(s.statsPage))

	// The user's pool pages.
	rt.Get("/address", s.H(s.RequireLogin(s.addressPage)))
	rt.Post("/address", s.H(s.RequireLogin(s.addressPost)))
	rt.Post("/address/token", s.H(s.RequireLogin(s.regenerateToken)))
	rt.Get("/tickets", s.H(s.RequireLogin(s.ticketsPage)))
	rt.Get("/voting", s.H(s.RequireLogin(s.votingPage)))
	rt.Post("/voting", s.H(s.RequireLogin(s.votingPost)))

	// Admin pages.
	rt.Get("/admin/status", s.H(s.RequireAdmin(s.adminStatus)))
	rt.Post("/admin/recheck", s.H(s.RequireAdmin(s.adminRecheck)))
	rt.Get("/admintickets", s.H(s.RequireAdmin(s.adminTickets)))
	rt.Post("/admintickets", s.H(s.RequireAdmin(s.adminTicketsPost)))

	// Root endpoints: no CSRF, no session.
	rt.RootGet("/status", s.status)
	if s.cfg.Metrics {
		rt.RootGet("/metrics", s.metricsHandler())
	}
	rt.Root.Use(s.metrics.middleware)

	// The JSON API (bearer tokens; answers its own errors).
	rt.APIHandle("/api/:version/:command", s.api)
	rt.APIHandle("/api/*", s.noAPICommand)

	// Accounts: sign-up, login, email links, settings.
	rt.Get("/login", s.H(s.loginPage))
	rt.Post("/login", s.H(s.login))
	rt.Post("/logout", s.H(s.logout))
	rt.Get("/register", s.H(s.registerPage))
	rt.Post("/register", s.H(s.register))
	rt.Get("/emailverify", s.H(s.emailVerify))
	rt.Get("/passwordreset", s.H(s.resetPage))
	rt.Post("/passwordreset", s.H(s.reset))
	rt.Get("/passwordupdate", s.H(s.passwordUpdatePage))
	rt.Post("/passwordupdate", s.H(s.passwordUpdate))
	rt.Get("/emailupdate", s.H(s.emailUpdate))
	rt.Get("/settings", s.H(s.RequireLogin(s.settings)))
	rt.Post("/settings/email", s.H(s.RequireLogin(s.settingsEmail)))
	rt.Post("/settings/password", s.H(s.RequireLogin(s.settingsPassword)))
	rt.Post("/settings/delete", s.H(s.RequireLogin(s.settingsDelete)))
}
