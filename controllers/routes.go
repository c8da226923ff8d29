package controllers

import (
	"github.com/eacred/dcrstakepool/system"
)

// Feature is a group of pages built on the web core (the VSP pages, the
// API, admin pages). Install registers its routes on the router.
type Feature interface {
	Install(rt *system.Router)
}

// Install registers the features' routes, then the core routes. Goji tries
// routes in registration order, so a feature may take over a core path
// (e.g. "/").
func (a *Application) Install(rt *system.Router, features ...Feature) {
	for _, f := range features {
		f.Install(rt)
	}
	h := rt
	h.Get("/", a.H(a.home))

	h.Get("/login", a.H(a.loginPage))
	h.Post("/login", a.H(a.login))
	h.Post("/logout", a.H(a.logout))
	h.Get("/register", a.H(a.registerPage))
	h.Post("/register", a.H(a.register))
	h.Get("/emailverify", a.H(a.emailVerify))
	h.Get("/passwordreset", a.H(a.resetPage))
	h.Post("/passwordreset", a.H(a.reset))
	h.Get("/passwordupdate", a.H(a.passwordUpdatePage))
	h.Post("/passwordupdate", a.H(a.passwordUpdate))
	h.Get("/emailupdate", a.H(a.emailUpdate))

	h.Get("/settings", a.H(a.RequireLogin(a.settings)))
	h.Post("/settings/email", a.H(a.RequireLogin(a.settingsEmail)))
	h.Post("/settings/password", a.H(a.RequireLogin(a.settingsPassword)))
	h.Post("/settings/delete", a.H(a.RequireLogin(a.settingsDelete)))
}
