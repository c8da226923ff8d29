package controllers

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/eacred/dcrstakepool/views"
)

// TestNavLinksMatchTheNavigation: navLinks must hold exactly the paths the
// navigation compares with (a path missing from it would never be marked
// as the current page).
func TestNavLinksMatchTheNavigation(t *testing.T) {
	b, err := fs.ReadFile(views.FS, "partials/frame.html")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, m := range regexp.MustCompile(`eq \.Path "([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
		found[m[1]] = true
	}
	if len(found) == 0 {
		t.Fatal("no path comparison found in the navigation")
	}
	for p := range found {
		if !navLinks[p] {
			t.Errorf("the navigation compares with %q, which navLinks lacks", p)
		}
	}
	for p := range navLinks {
		if !found[p] {
			t.Errorf("navLinks has %q, which the navigation never compares with", p)
		}
	}
}

func TestNavPath(t *testing.T) {
	for p, want := range map[string]string{
		"/tickets": "/tickets", "/": "/", "/admintickets": "/admintickets",
		"/no-such-page": "", "/tickets/": "", "/x/../tickets": "", "": "",
	} {
		if got := navPath(p); got != want {
			t.Errorf("navPath(%q) = %q, want %q", p, got, want)
		}
	}
}
