// Package system is the front end's web core: everything between the HTTP
// listener and the page handlers that is not specific to one page.
//
//   - router.go builds the Goji mux tree and the middleware chain
//     (request ids, client IP, logging, panic recovery, body limit,
//     security headers, CSRF, sessions);
//   - static.go serves the asset files (public/ or the embedded copy) that
//     the front end installs under /assets/ and /favicon.ico;
//   - errors.go defines error kinds and their one mapping to HTTP status;
//   - session.go keeps login sessions in the database (cookie = random id,
//     table row = keyed hash of it; anonymous visitors get no row);
//   - templates.go loads page templates from views/ (or the embedded copy),
//     parses them once and swaps in a new set atomically on Reload (SIGUSR1);
//   - mail.go sends email over SMTP or, without a server, writes it to the log;
//   - captcha.go, ratelimit.go, clientip.go and admin.go are the small
//     security helpers their names say.
//
// Per-request values (client IP, session, user) travel in Goji's c.Env under
// private keys with typed accessors; dependencies never do.
package system
