package controllers_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eacred/dcrstakepool/controllers"
)

// FuzzValidEmail: any input either fails cleanly or yields a lower-case,
// valid, bounded address that validates to itself again.
func FuzzValidEmail(f *testing.F) {
	for _, s := range []string{"a@b.co", "A@B.CO", "x@y", "<a@b.c>", "\"q\"@x.y", "a@b@c", "\xff@x.y", "", "a b@c.d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := controllers.ValidEmail(s)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) || got != strings.ToLower(got) || strings.Count(got, "@") != 1 ||
			utf8.RuneCountInString(got) > 254 || strings.ContainsAny(got, " <>\"'\\\r\n") {
			t.Fatalf("ValidEmail(%q) = %q", s, got)
		}
		again, err := controllers.ValidEmail(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
	})
}
