// Package views holds the HTML templates. The server reads them from the
// views/ folder on disk so operators can edit them (and reload with
// SIGUSR1); FS is the copy built into the binary, used when the folder is
// missing. See system.Templates for the layout/partials/pages convention.
package views

import "embed"

// FS holds every template file.
//
//go:embed *.html */*.html
var FS embed.FS
