// Package controllers is the front end's web server. One Server, built by
// New from one Config and its Deps, carries every dependency in unexported
// fields; every page, form, API command and root endpoint is one of its
// methods, and routes.go (Server.Install) is the one place that registers
// them. Handlers are grouped one file per area (auth, settings, and the
// pool pages vsp_*.go); a page's template is views/<name>.html, named
// after its path (admin pages in views/admin/, the account forms in
// views/auth/). Goji's c.Env only carries per-request values (client IP,
// session, user), read through the accessors in package system.
//
// A handler has the type HandlerFunc: it writes a response or returns an
// error. Server.H adapts it to Goji; errors go through one path that
// maps their kind (system.Kind) to an HTTP status, renders the error page and
// logs server faults once. Page data is a typed struct per page embedding
// Base (title, user, CSRF field, flash, pool designation and description).
package controllers
