// Package public holds the static files served under /assets/. The server
// reads them from the public/ folder on disk; FS is the copy built into the
// binary, used when the folder is missing.
package public

import "embed"

// FS holds the static files (the stylesheet, the password-length check and
// the icons).
//
//go:embed css js favicon.ico favicon.svg
var FS embed.FS
