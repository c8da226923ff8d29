// Package controllers holds the front end's HTTP handlers, one file per area
// (auth, settings, home, ... and the VSP pages). Handlers are methods on
// *Application, which carries every dependency explicitly; Goji's c.Env only
// carries per-request values (client IP, session, user), read through the
// accessors in package system.
//
// A handler has the type HandlerFunc: it writes a response or returns an
// error. Application.H adapts it to Goji; errors go through one path that
// maps their kind (system.Kind) to an HTTP status, renders the error page and
// logs server faults once. Page data is a typed struct per page embedding
// Base (title, user, CSRF field, flash, pool designation and description).
package controllers
