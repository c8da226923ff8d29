package controllers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// TestAssetsOnlyServesAssets: /assets/ serves the site's style sheet and
// icons from public/ on disk and from the embedded copy; NUL bytes and other
// odd names answer 404 (not 500); files that are not assets (the package's
// Go source) are never served; every 404 is the site's styled page; the
// favicon exists (issue 14).
func TestAssetsOnlyServesAssets(t *testing.T) {
	for name, dir := range map[string]string{"disk": "../public", "embedded": ""} {
		t.Run(name, func(t *testing.T) {
			env := webtest.New(t, webtest.Options{StaticDir: dir})
			c := env.Client()
			for _, path := range []string{"/assets/css/style.css", "/assets/favicon.ico", "/assets/favicon.svg", "/favicon.ico"} {
				p := c.Get(path)
				if p.Status != http.StatusOK || len(p.Body) == 0 {
					t.Errorf("GET %s = %d (%d bytes), want 200", path, p.Status, len(p.Body))
				}
			}
			if ct := c.Get("/favicon.ico").Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/") {
				t.Errorf("favicon Content-Type %q", ct)
			}
			if !strings.Contains(c.Get("/").Body, `rel="icon"`) {
				t.Error("pages do not link the icon")
			}
			for _, path := range []string{"/assets/%00", "/assets/css/style.css%00.png", "/assets/css/%00style.css",
				"/assets/public.go", "/assets/css/", "/assets/css", "/assets/", "/assets/nope.css",
				"/assets/%2e%2e/go.mod", "/assets/..%2fgo.mod", "/assets/.hidden.css", "/assets/css/style.css/",
				"/assets/css%5cstyle.css", "/assets/%ff.css"} {
				p := c.Get(path)
				if p.Status != http.StatusNotFound {
					t.Errorf("GET %s = %d, want 404", path, p.Status)
				}
				if strings.Contains(p.Body, "package public") {
					t.Errorf("GET %s served Go source", path)
				}
				if !strings.Contains(p.Body, `href="/assets/css/style.css"`) || !strings.Contains(p.Body, "404") {
					t.Errorf("GET %s: 404 is not the styled error page:\n%.300s", path, p.Body)
				}
			}
		})
	}
}
