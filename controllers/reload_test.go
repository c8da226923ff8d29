package controllers_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/views"
)

// copyViews writes the embedded templates to a folder, like an operator's views/.
func copyViews(t *testing.T) string { return writeViews(t, nil) }

// writeViews writes the embedded templates to a new folder, each through
// edit (path, content) when edit is not nil.
func writeViews(t *testing.T, edit func(p, s string) string) string {
	dir := t.TempDir()
	err := fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(views.FS, p)
		if err != nil {
			return err
		}
		if edit != nil {
			b = []byte(edit(p, string(b)))
		}
		dst := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTemplateReloadUnderLoad swaps templates while requests are served
// (run with -race): every response is a complete page from the old or the
// new set, and a broken template leaves the last good set in place.
func TestTemplateReloadUnderLoad(t *testing.T) {
	dir := copyViews(t)
	env := webtest.New(t, webtest.Options{TemplateDir: dir})
	home := filepath.Join(dir, "home.html")
	orig, err := os.ReadFile(home)
	if err != nil {
		t.Fatal(err)
	}

	var stop atomic.Bool
	var served, sawNew atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := env.Client()
			for !stop.Load() {
				p := c.Get("/")
				if p.Status != 200 || !strings.Contains(p.Body, "</html>") {
					t.Errorf("during reload: status %d, body %q", p.Status, p.Body)
					return
				}
				if strings.Contains(p.Body, "RELOADED-MARKER") {
					sawNew.Add(1)
				}
				served.Add(1)
			}
		}()
	}
	for i := range 20 {
		marked := strings.Replace(string(orig), "<section class=\"hero\">", "<section class=\"hero\"><p>RELOADED-MARKER</p>", 1)
		if i%2 == 1 {
			marked = string(orig)
		}
		if err := os.WriteFile(home, []byte(marked), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := env.Templates.Reload(); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
	}
	// End on the marked version, then break the file.
	marked := strings.Replace(string(orig), "<section class=\"hero\">", "<section class=\"hero\"><p>RELOADED-MARKER</p>", 1)
	if err := os.WriteFile(home, []byte(marked), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := env.Templates.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(home, []byte(`{{define "content"}}{{if}}broken`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := env.Templates.Reload(); err == nil {
		t.Fatal("broken template reloaded without error")
	}
	stop.Store(true)
	wg.Wait()
	p := env.Client().Get("/")
	if p.Status != 200 || !strings.Contains(p.Body, "RELOADED-MARKER") {
		t.Errorf("after a failed reload the last good templates should serve; got %d", p.Status)
	}
	if served.Load() == 0 {
		t.Error("no requests served during the reloads")
	}
	t.Logf("%d requests during reloads, %d saw the new template", served.Load(), sawNew.Load())
}
