package system

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/decred/slog"
)

// Templates holds the parsed page templates.
//
// The views folder has:
//   - layout.html, the page frame, which calls {{template "content" .}};
//   - partials/*.html, shared {{define}} blocks available to every page;
//   - every other *.html file (in any subfolder) is a page, named by its
//     path without ".html" ("home", "auth/login", "admin/status").
//
// Each page is parsed together with the layout and partials into its own
// set, so {{define}} names never collide across pages. Reload parses
// everything again and swaps the new sets in atomically; if anything fails
// to parse, the old sets stay in use.
//
// Every set has the function fragment (fragments.go): {{fragment "name"
// DATA}} is what {{template "name" DATA}} writes there, executed once per
// distinct DATA and then reused, for the parts of the layout that depend
// on a few values only (the navigation, the footer).
type Templates struct {
	src   fs.FS
	desc  string // where templates come from, for logs
	funcs template.FuncMap
	log   slog.Logger
	gen   atomic.Pointer[generation]
	bufs  sync.Pool
}

// generation is one parse of the templates: the page sets and the
// fragments executed from them.
type generation struct {
	pages map[string]*template.Template
	frags *fragments
}

// LoadTemplates parses templates from dir if it exists, otherwise from
// fallback (the copy embedded in the binary).
func LoadTemplates(dir string, fallback fs.FS, funcs template.FuncMap, log slog.Logger) (*Templates, error) {
	t := &Templates{funcs: funcs, log: log}
	t.bufs.New = func() any { return new(bytes.Buffer) }
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		t.src, t.desc = os.DirFS(dir), dir
	} else {
		if fallback == nil {
			return nil, fmt.Errorf("template folder %q not found and no embedded copy", dir)
		}
		log.Warnf("template folder %q not found; using the templates built into the binary", dir)
		t.src, t.desc = fallback, "embedded templates"
	}
	gen, err := t.parse()
	if err != nil {
		return nil, err
	}
	t.gen.Store(gen)
	return t, nil
}

// Reload re-parses the templates. On error the current set stays active
// and the error is returned (and logged).
func (t *Templates) Reload() error {
	gen, err := t.parse()
	if err != nil {
		t.log.Errorf("template reload failed, keeping the previous templates: %v", err)
		return err
	}
	t.gen.Store(gen)
	t.log.Infof("reloaded %d page templates from %s", len(gen.pages), t.desc)
	return nil
}

func (t *Templates) parse() (*generation, error) {
	var pageFiles, partials []string
	err := fs.WalkDir(t.src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		switch {
		case p == "layout.html":
		case strings.HasPrefix(p, "partials/"):
			partials = append(partials, p)
		default:
			pageFiles = append(pageFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.desc, err)
	}
	sort.Strings(partials)
	frags := newFragments()
	base := template.New("layout.html").Funcs(t.funcs).Funcs(template.FuncMap{"fragment": frags.execute})
	if base, err = base.ParseFS(t.src, append([]string{"layout.html"}, partials...)...); err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageFiles))
	for _, p := range pageFiles {
		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.ParseFS(t.src, p); err != nil {
			return nil, fmt.Errorf("parse %s: %w", p, err)
		}
		if set.Lookup("content") == nil {
			return nil, fmt.Errorf("%s: no {{define \"content\"}} block", p)
		}
		pages[strings.TrimSuffix(p, path.Ext(p))] = set
	}
	// Fragments run from the layout and partials alone; base is not
	// cloned after this (html/template cannot clone an executed set).
	frags.set = base
	return &generation{pages: pages, frags: frags}, nil
}

// Has reports whether a page template exists.
func (t *Templates) Has(page string) bool {
	_, ok := t.gen.Load().pages[page]
	return ok
}

// Render executes page into a buffer and, only if that succeeds, writes it
// with the given status, so a template error never leaves half a page.
func (t *Templates) Render(w http.ResponseWriter, status int, page string, data any) error {
	set, ok := t.gen.Load().pages[page]
	if !ok {
		return fmt.Errorf("no template for page %q", page)
	}
	buf := t.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer t.bufs.Put(buf)
	if err := set.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
