package controllers

import (
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/system"
)

// FuzzValidateUserAddress: any input is either a pubkey address of the
// network or a 400 with a message; never a panic or another kind.
func FuzzValidateUserAddress(f *testing.F) {
	for _, s := range []string{"", "Sk", "SkQmtgRFUqDLzuDc9AGDLDUP3ArXeN7vn3dTEsYSNCRHoxvnXeWPC",
		"TkQ4kpWRsMm1H3Yp1bSVYQsX8VcGP4Uvh8JJrZDVWAHUFb6kCE9tq", "Ssb2ZgkPa8bXqoq1XaNJdmNd6fhhi1bsRCz", "0OIl"} {
		f.Add(s)
	}
	sim := chaincfg.SimNetParams()
	f.Fuzz(func(t *testing.T, s string) {
		out, err := validateUserAddress(s, sim)
		if err != nil {
			if system.KindOf(err) != system.KindInvalid || system.PublicMessage(err) == "" {
				t.Fatalf("%q: error of kind %v: %v", s, system.KindOf(err), err)
			}
			return
		}
		if _, err := validateUserAddress(out, sim); err != nil {
			t.Fatalf("accepted %q but not its trimmed form", s)
		}
	})
}

// FuzzAPIToken: arbitrary bearer tokens never panic and never authenticate.
func FuzzAPIToken(f *testing.F) {
	tok := &apiTokens{secret: []byte("secret"), issuer: "http://pool", now: time.Now}
	good, _ := tok.Issue(1)
	f.Add(good)
	f.Add("a.b.c")
	f.Add("")
	other := &apiTokens{secret: []byte("other"), issuer: "http://pool", now: time.Now}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := other.Parse(s); err == nil && s == good {
			t.Fatal("token of another secret accepted")
		}
		_, _ = bearer(s)
	})
}

// FuzzTicketHashes: admin-submitted hashes are accepted only as 64 hex
// characters, and refusals are 400s.
func FuzzTicketHashes(f *testing.F) {
	f.Add("00000000000000000000000000000000000000000000000000000000000000ff", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		hs, err := parseTicketHashes([]string{a, b})
		if err != nil {
			if system.KindOf(err) != system.KindInvalid {
				t.Fatalf("kind %v", system.KindOf(err))
			}
			return
		}
		for _, h := range hs {
			if len(h) != 64 {
				t.Fatalf("accepted %q", h)
			}
		}
	})
}
