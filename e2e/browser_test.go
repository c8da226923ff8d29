package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab driven through the real pages. Every
// page it lands on is saved as a numbered screenshot.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	n     int

	// Set by the route walk (walkBrowser): every request the tab makes
	// is recorded, and every page is checked and photographed at each of
	// layoutWidths, its defects collected in layout.
	requests *requestLog
	layout   *layoutLog
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is not installed: apt-get install chromium (run_tests.sh installs it)")
	return ""
}

// screenshotDir is where scenario's screenshots go: $E2E_SCREENSHOTS or
// e2e-screenshots/ at the top of the repository.
func screenshotDir(t *testing.T, scenario string) string {
	root := os.Getenv("E2E_SCREENSHOTS")
	if root == "" {
		root = filepath.Join(repoRoot(t), "e2e-screenshots")
	}
	dir := filepath.Join(root, scenario)
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newBrowser(t *testing.T, baseURL, scenario string) *browser {
	t.Helper()
	// Not t.TempDir: Chromium may still be writing its profile when the
	// test's own cleanup runs.
	profile, err := os.MkdirTemp("", "e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // waits for the browser process to exit
		os.RemoveAll(profile)
	})
	b := &browser{t: t, ctx: ctx, base: baseURL, shots: screenshotDir(t, scenario)}
	// The first Run starts the browser and ties it to its context, so it
	// must get the long-lived one, not a per-step timeout.
	if err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	t.Logf("screenshots of %s: %s", scenario, b.shots)
	fmt.Printf("e2e: screenshots of %s in %s\n", scenario, b.shots)
	return b
}

func (b *browser) run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// shot saves a screenshot of the current page; in the route walk, one per
// layout width, each after the layout check.
func (b *browser) shot(name string) {
	b.t.Helper()
	b.n++
	base := fmt.Sprintf("%02d-%s", b.n, strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(name), "-"), "-"))
	if b.layout == nil {
		b.savePNG(base + ".png")
		return
	}
	var url string
	b.run("read the address", chromedp.Location(&url))
	for _, w := range layoutWidths {
		b.width(w)
		b.layout.add(url, w, base, b.layoutProblems())
		b.savePNG(fmt.Sprintf("%s-%d.png", base, w))
	}
	b.width(layoutWidths[0])
}

func (b *browser) savePNG(file string) {
	b.t.Helper()
	var png []byte
	b.run("screenshot", chromedp.FullScreenshot(&png, 100)) // quality 100 = PNG
	if err := os.WriteFile(filepath.Join(b.shots, file), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// width makes the window w pixels wide (a phone's, with its viewport
// rules, below 800).
func (b *browser) width(w int64) {
	b.t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if w < 800 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	b.run(fmt.Sprintf("resize to %dpx", w), chromedp.EmulateViewport(w, 900, opts...))
}

// visit opens path (or a full URL) and screenshots it.
func (b *browser) visit(path string) {
	b.t.Helper()
	url := path
	if !strings.HasPrefix(path, "http") {
		url = b.base + path
	}
	b.run("open "+path, chromedp.Navigate(url), chromedp.WaitReady("body", chromedp.ByQuery))
	b.shot(path)
}

// peek opens path and returns its HTML, with no screenshot or layout check
// (for polling).
func (b *browser) peek(path string) string {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady("body", chromedp.ByQuery))
	return b.html()
}

// fill sets form fields by CSS selector.
func (b *browser) fill(fields map[string]string) {
	b.t.Helper()
	for sel, v := range fields {
		b.run("fill "+sel, chromedp.SetValue(sel, v, chromedp.ByQuery))
	}
}

// submit clicks sel and waits for the page it leads to, then screenshots it.
// In the route walk the page must have been answered below 400.
func (b *browser) submit(sel, name string) { b.t.Helper(); b.submitWant(sel, name, 0) }

// submitWant is submit for a form whose answer must have status want (0:
// any status below 400).
func (b *browser) submitWant(sel, name string, want int64) {
	b.t.Helper()
	var ignored any
	b.run("mark the page", chromedp.Evaluate(`window.__e2eOld = true`, &ignored))
	b.run("click "+sel, chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible))
	waitFor(b.t, 60*time.Second, "the page after "+name, func() error {
		var fresh bool
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		err := chromedp.Run(ctx, chromedp.Evaluate(`window.__e2eOld === undefined && document.readyState === "complete"`, &fresh))
		if err != nil {
			return err
		}
		if !fresh {
			return fmt.Errorf("still on the old page")
		}
		return nil
	})
	if b.requests != nil {
		r, _ := b.requests.lastDocument()
		if (want == 0 && r.Status >= 400) || (want != 0 && r.Status != want) {
			b.t.Fatalf("%s: %s %s answered %d:\n%s", name, r.Method, r.Path, r.Status, b.text())
		}
	}
	b.shot(name)
}

// text returns the visible text of the page.
func (b *browser) text() string {
	b.t.Helper()
	var s string
	b.run("read the page", chromedp.Text("body", &s, chromedp.ByQuery))
	return s
}

// html returns the page's HTML.
func (b *browser) html() string {
	b.t.Helper()
	var s string
	b.run("read the page", chromedp.OuterHTML("html", &s, chromedp.ByQuery))
	return s
}

// mustSee fails unless the page's text contains every want.
func (b *browser) mustSee(want ...string) {
	b.t.Helper()
	txt := b.text()
	for _, w := range want {
		if !strings.Contains(txt, w) {
			b.t.Fatalf("page does not say %q:\n%s", w, txt)
		}
	}
}

// fact returns the <dd> that follows the <dt> labelled label.
func (b *browser) fact(label string) string {
	b.t.Helper()
	re := regexp.MustCompile(`<dt>` + regexp.QuoteMeta(label) + `</dt>\s*<dd[^>]*>([^<]*)</dd>`)
	m := re.FindStringSubmatch(b.html())
	if m == nil {
		b.t.Fatalf("no %q on the page", label)
	}
	return strings.TrimSpace(m[1])
}

// clickCheckbox ticks the checkbox whose value is value.
func clickCheckbox(value string) chromedp.Action {
	return chromedp.Click(`input[type="checkbox"][value="`+value+`"]`, chromedp.ByQuery)
}
