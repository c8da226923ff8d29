package system

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/decred/slog"
)

type fragNav struct {
	Path string
	In   bool
}

type fragPage struct {
	Nav   fragNav
	Title string
}

// TestFragments: {{fragment "name" DATA}} writes what {{template "name"
// DATA}} writes in the same place (escaping included), for each distinct
// DATA, also when it comes from the kept outputs; data that could change
// behind an equal key is refused; the kept outputs are bounded; a reload
// starts afresh.
func TestFragments(t *testing.T) {
	nav := `{{define "nav"}}<a href="/x?p={{.Path}}"{{if eq .Path "/a"}} class="cur"{{end}}>{{.Path}}</a>` +
		`{{- if .In}} <b>in</b>{{end}}{{end}}`
	layout := func(call string) fstest.MapFS {
		return fstest.MapFS{
			"layout.html":       {Data: []byte(`<p title="{{.Title}}">` + call + `</p>{{template "content" .}}`)},
			"partials/nav.html": {Data: []byte(nav)},
			"page.html":         {Data: []byte(`{{define "content"}}<i>{{.Title}}</i>{{end}}`)},
		}
	}
	kept, err := LoadTemplates("/nonexistent", layout(`{{fragment "nav" .Nav}}`), nil, slog.Disabled)
	if err != nil {
		t.Fatal(err)
	}
	inline, err := LoadTemplates("/nonexistent", layout(`{{template "nav" .Nav}}`), nil, slog.Disabled)
	if err != nil {
		t.Fatal(err)
	}
	render := func(tp *Templates, data any) (string, error) {
		w := httptest.NewRecorder()
		err := tp.Render(w, 200, "page", data)
		return w.Body.String(), err
	}
	datas := []fragPage{{fragNav{"/a", false}, "A"}, {fragNav{"/b", true}, "B"}, {fragNav{`"><script>&`, true}, "C"},
		{fragNav{"/a", true}, "D"}}
	for round := 0; round < 2; round++ {
		for _, d := range datas {
			got, err := render(kept, d)
			if err != nil {
				t.Fatal(err)
			}
			want, err := render(inline, d)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("round %d, %+v:\n got %s\nwant %s", round, d, got, want)
			}
		}
	}
	if n := len(kept.gen.Load().frags.done); n != len(datas) {
		t.Errorf("%d outputs kept, want one per distinct data (%d)", n, len(datas))
	}

	// Data that is not made of plain values cannot be a key.
	type withPointer struct{ P *string }
	type withSlice struct{ S []string }
	for _, d := range []any{nil, &fragNav{}, map[string]string{}, withPointer{}, withSlice{}} {
		f := kept.gen.Load().frags
		if _, err := f.execute("nav", d); err == nil || !strings.Contains(err.Error(), "cannot be a key") {
			t.Errorf("data %T: err %v", d, err)
		}
	}
	if _, err := render(kept, struct {
		Nav   *fragNav
		Title string
	}{&fragNav{Path: "/a"}, "T"}); err == nil {
		t.Error("a page whose fragment data is a pointer rendered")
	}

	// Bounded: beyond maxFragments outputs, fragments are executed on every
	// call and still right.
	f := kept.gen.Load().frags
	for i := 0; i < maxFragments+10; i++ {
		d := fragNav{Path: "/p" + strings.Repeat("x", i)}
		out, err := f.execute("nav", d)
		if err != nil || !strings.Contains(string(out), d.Path+"</a>") {
			t.Fatalf("fragment %d: %q, %v", i, out, err)
		}
	}
	if n := len(f.done); n != maxFragments {
		t.Errorf("%d outputs kept, want at most %d", n, maxFragments)
	}

	// A reload parses anew: nothing kept from before.
	if err := kept.Reload(); err != nil {
		t.Fatal(err)
	}
	if n := len(kept.gen.Load().frags.done); n != 0 {
		t.Errorf("after reload %d outputs kept", n)
	}
}
