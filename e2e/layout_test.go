package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The widths every page of the route walk is checked and photographed at:
// a desktop window and a phone.
var layoutWidths = []int64{1280, 390}

// layoutJS lists what is wrong with the current page's layout, one line per
// defect:
//
//   - the page is wider than the window (horizontal scrolling);
//   - a box whose content spills out of it (text overflowing a card, a cell,
//     a button), unless the box scrolls on purpose (overflow-x auto/scroll,
//     as the table wrappers do);
//   - a box that scrolls sideways (a table wider than a phone) with no
//     visible cue: it needs scroll shadows (a gradient background that
//     scrolls with the content, so an edge with more to see is shaded) or
//     a shown .scroll-hint just before it, or columns hide to the right
//     unnoticed;
//   - a word of up to 24 characters broken across lines (an IP:port, a
//     date, an amount, an email address), or a number split from its unit
//     ("0.0002" on one line, "EACR" on the next). Longer words (hashes,
//     addresses, tokens) may wrap where the page allows it.
//
// Each line names the element (tag#id.class) and the text involved.
const layoutJS = `(() => {
const out = [];
const de = document.documentElement;
if (de.scrollWidth > de.clientWidth + 1) out.push("page is " + de.scrollWidth + "px wide in a " + de.clientWidth + "px window");
const name = el => {
	let s = el.tagName.toLowerCase();
	if (el.id) s += "#" + el.id;
	if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
	return s;
};
const snippet = s => { s = s.replace(/\s+/g, " ").trim(); return s.length > 60 ? s.slice(0, 57) + "..." : s; };
const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const spilled = [];
for (const el of document.body.querySelectorAll("*")) {
	const cs = getComputedStyle(el);
	if (cs.display === "inline" || cs.display === "none" || cs.display === "contents") continue;
	if (cs.position === "fixed" || el.clientWidth === 0 || !visible(el)) continue;
	if (cs.overflowX === "auto" || cs.overflowX === "scroll") {
		const hint = el.previousElementSibling;
		const shadows = cs.backgroundAttachment.includes("local") && cs.backgroundImage.includes("gradient");
		if (el.scrollWidth > el.clientWidth + 1 && !shadows && !(hint && hint.classList.contains("scroll-hint") && visible(hint)))
			out.push(name(el) + " scrolls sideways by " + (el.scrollWidth - el.clientWidth) + "px with no scroll cue: " + snippet(el.innerText || el.textContent));
		continue;
	}
	if (el.scrollWidth > el.clientWidth + 1) spilled.push(el);
}
// Report the innermost boxes only: an outer box spills because they do.
for (const el of spilled) {
	if (spilled.some(o => o !== el && el.contains(o))) continue;
	out.push(name(el) + " overflows its box by " + (el.scrollWidth - el.clientWidth) + "px: " + snippet(el.innerText || el.textContent));
}
const lines = rects => {
	const tops = [];
	for (const r of rects) {
		if (r.width === 0) continue;
		if (!tops.some(t => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top);
	}
	return tops.length;
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const unit = /\d[\d,.]*\s+(EACR|DCR|atoms|%|blocks?|tickets?|votes?|s|ms|min)\b/g;
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
	const el = n.parentElement;
	if (!el || !visible(el) || getComputedStyle(el).visibility === "hidden") continue;
	const text = n.data;
	const check = (re, why) => {
		re.lastIndex = 0;
		for (let m = re.exec(text); m; m = re.exec(text)) {
			if (m[0].length > 24 && why === "word") continue;
			const r = document.createRange();
			r.setStart(n, m.index);
			r.setEnd(n, m.index + m[0].length);
			if (lines(r.getClientRects()) > 1) out.push(name(el) + ": " + why + " \"" + m[0] + "\" is broken across lines");
		}
	};
	check(/\S+/g, "word");
	check(unit, "amount");
}
return out;
})()`

// layoutProblems runs layoutJS on the page the browser shows.
func (b *browser) layoutProblems() []string {
	b.t.Helper()
	var out []string
	b.run("check the layout", chromedp.Evaluate(layoutJS, &out))
	return out
}

// TestLayoutCheckFindsDefects: the layout check flags a page that scrolls
// sideways, a table scrolling sideways with no cue, text spilling out of
// its card, an IP:port broken mid-address and
// an amount split from its unit, and nothing on a clean page, so the route
// walk's "no overflow, no broken wrapping" verdict means something.
func TestLayoutCheckFindsDefects(t *testing.T) {
	pages := map[string]string{
		"/clean": `<div style="width:300px">Rewards earned <span style="white-space:nowrap">1484.93284961 EACR</span> so far,
			from 127.0.0.1:19560 and a long hash <code style="overflow-wrap:anywhere">` + strings.Repeat("ab", 32) + `</code></div>
			<p class="scroll-hint">Scroll sideways</p><div style="overflow-x:auto;width:200px"><table><tr><td>` + strings.Repeat("wide ", 1) + `<span style="display:inline-block;width:600px">x</span></td></tr></table></div>`,
		"/card":   `<div class="card" style="width:120px;overflow:hidden"><p style="white-space:nowrap">Rewards earned 1484.93284961 EACR</p></div>`,
		"/wide":   `<div style="width:2000px">very wide</div>`,
		"/scroll": `<div style="overflow-x:auto;width:200px"><table><tr><td><span style="display:inline-block;width:600px">Reward</span></td></tr></table></div>`,
		"/ip":     `<p style="width:80px;overflow-wrap:anywhere;font-family:monospace">at 127.0.0.1:19560</p>`,
		"/unit":   `<p style="width:75px;font-family:monospace">x 0.0002 EACR</p>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>
			<body style="margin:0;font:16px sans-serif">%s</body></html>`, body)
	}))
	defer srv.Close()
	b := newBrowser(t, srv.URL, "0-layout-check")
	want := map[string]string{
		"/card":   "overflows its box",
		"/wide":   "px wide in a",
		"/scroll": "with no scroll cue",
		"/ip":     `word "127.0.0.1:19560" is broken`,
		"/unit":   `amount "0.0002 EACR" is broken`,
	}
	for _, w := range layoutWidths {
		b.width(w)
		b.visit("/clean")
		if got := b.layoutProblems(); len(got) != 0 {
			t.Errorf("%dpx: clean page flagged: %q", w, got)
		}
	}
	b.width(1280)
	for path, w := range want {
		b.visit(path)
		got := strings.Join(b.layoutProblems(), "\n")
		if !strings.Contains(got, w) {
			t.Errorf("%s: the check says %q, want a line containing %q", path, got, w)
		}
	}
}
