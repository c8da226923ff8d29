// Package public holds the static files served under /assets/. The server
// reads them from the public/ folder on disk; FS is the copy built into the
// binary, used when the folder is missing.
package public

import "embed"

// FS holds the static files (one stylesheet, images).
//
//go:embed css
var FS embed.FS
