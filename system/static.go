package system

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/decred/slog"
	"github.com/zenazn/goji/web"
)

// assetTypes are the file extensions served under /assets/: the site's
// styles, scripts, images and fonts. Anything else in the folder (Go
// source, editor backups, notes) is never served.
var assetTypes = map[string]bool{
	".css": true, ".js": true, ".png": true, ".svg": true, ".ico": true, ".jpg": true, ".jpeg": true,
	".gif": true, ".webp": true, ".woff": true, ".woff2": true, ".txt": true,
}

// assetName reports whether name (the path under /assets/) may name an
// asset: a valid fs path (no "..", no empty or dot segments), no control
// characters, no hidden files, an extension in assetTypes.
func assetName(name string) bool {
	if !fs.ValidPath(name) || name == "." {
		return false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return assetTypes[strings.ToLower(path.Ext(name))]
}

// StaticFiles returns the site's asset folder dir (public/ on disk), or
// the copy built into the binary (fallback) when dir is missing.
func StaticFiles(dir string, fallback fs.FS, log slog.Logger) fs.FS {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return os.DirFS(dir)
	}
	log.Warnf("static folder %q not found; using the files built into the binary", dir)
	return fallback
}

// StaticHandler serves the asset files of fsys (StaticFiles) under
// /assets/ (never directory listings or other files), with cache headers.
// Whatever is not an asset gets the site's styled 404 page through onError.
func StaticHandler(fsys fs.FS, onError ErrorFunc) web.Handler {
	notFound := func(c web.C, w http.ResponseWriter, r *http.Request) {
		onError(c, w, r, E(KindNotFound, "There is no file at this address."))
	}
	return web.HandlerFunc(func(c web.C, w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/assets/")
		if name == r.URL.Path || !assetName(name) {
			notFound(c, w, r)
			return
		}
		f, err := fsys.Open(name)
		if err != nil {
			notFound(c, w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		rs, seekable := f.(io.ReadSeeker)
		if err != nil || st.IsDir() || !seekable {
			notFound(c, w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeContent(w, r, name, st.ModTime(), rs)
	})
}

// Favicon serves /assets/favicon.ico through static (StaticHandler):
// browsers ask for /favicon.ico whatever the page links to.
func Favicon(static web.Handler) web.Handler {
	return web.HandlerFunc(func(c web.C, w http.ResponseWriter, r *http.Request) {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = "/assets/favicon.ico", ""
		r2.URL = &u
		static.ServeHTTPC(c, w, r2)
	})
}
