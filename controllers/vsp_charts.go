package controllers

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// chartPart is one slice of a donut chart.
type chartPart struct {
	Label string
	Value float64
	Color string // a CSS color written as an SVG attribute (no inline style)
}

// donutChart draws parts as an SVG donut with a legend, server-side, so the
// stats page needs no script. With nothing to show it draws an empty ring.
// The ring uses circles with a circumference of 100 so dash lengths are
// percentages.
func donutChart(title string, parts []chartPart) template.HTML {
	const r = 15.91549430918954 // 100 / (2π)
	total := 0.0
	for _, p := range parts {
		if p.Value > 0 {
			total += p.Value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart"><svg viewBox="0 0 42 42" width="160" height="160" role="img" aria-label="%s">`,
		html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(title))
	fmt.Fprintf(&b, `<circle cx="21" cy="21" r="%.5f" fill="none" stroke="#e6e6e6" stroke-width="5"></circle>`, r)
	offset := 25.0 // start at 12 o'clock
	if total > 0 {
		for _, p := range parts {
			if p.Value <= 0 {
				continue
			}
			pct := p.Value / total * 100
			fmt.Fprintf(&b, `<circle cx="21" cy="21" r="%.5f" fill="none" stroke="%s" stroke-width="5" `+
				`stroke-dasharray="%.3f %.3f" stroke-dashoffset="%.3f"></circle>`,
				r, html.EscapeString(p.Color), pct, 100-pct, offset)
			offset -= pct
		}
	}
	b.WriteString(`</svg><figcaption>`)
	fmt.Fprintf(&b, `<strong>%s</strong><ul class="legend">`, html.EscapeString(title))
	for _, p := range parts {
		pct := 0.0
		if total > 0 && p.Value > 0 {
			pct = p.Value / total * 100
		}
		fmt.Fprintf(&b, `<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="%s"></rect></svg> %s: %s (%.1f%%)</li>`,
			html.EscapeString(p.Color), html.EscapeString(p.Label), formatCount(p.Value), pct)
	}
	b.WriteString(`</ul></figcaption></figure>`)
	return template.HTML(b.String()) //nolint:gosec // every inserted value is escaped above
}

// formatCount prints a whole number without decimals, others with two.
func formatCount(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.2f", f)
}
