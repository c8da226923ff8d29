package controllers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// TestJWTParseEdgeCases: only an HS256 token signed with our secret, issued
// by this pool, not expired, not from the future and naming a positive
// whole user id is accepted; everything else is a typed errBadToken.
func TestJWTParseEdgeCases(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tok := &apiTokens{secret: []byte("apisecret"), issuer: "https://pool.example", now: func() time.Time { return now }}
	sign := func(m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	hs := func(claims jwt.MapClaims) string { return sign(jwt.SigningMethodHS256, []byte("apisecret"), claims) }
	base := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"iat": now.Unix(), "iss": "https://pool.example", "loggedInAs": 7}
		for k, v := range extra {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := hs(base(nil))
	parts := strings.Split(good, ".")
	tests := []struct {
		name string
		tok  string
		want int64 // 0: must fail
	}{
		{"valid", good, 7},
		{"issued by Issue", func() string { s, _ := tok.Issue(42); return s }(), 42},
		{"valid with future exp", hs(base(jwt.MapClaims{"exp": now.Add(time.Hour).Unix()})), 7},
		{"expired", hs(base(jwt.MapClaims{"exp": now.Add(-time.Minute).Unix()})), 0},
		{"not yet valid", hs(base(jwt.MapClaims{"nbf": now.Add(time.Hour).Unix()})), 0},
		{"issued in the future", hs(base(jwt.MapClaims{"iat": now.Add(time.Hour).Unix()})), 0},
		{"iat not a number", hs(base(jwt.MapClaims{"iat": "yesterday"})), 0},
		{"other issuer", hs(base(jwt.MapClaims{"iss": "https://evil.example"})), 0},
		{"issuer with trailing slash", hs(base(jwt.MapClaims{"iss": "https://pool.example/"})), 0},
		{"no issuer", hs(base(jwt.MapClaims{"iss": nil})), 0},
		{"other secret", sign(jwt.SigningMethodHS256, []byte("guess"), base(nil)), 0},
		{"HS512 with our secret", sign(jwt.SigningMethodHS512, []byte("apisecret"), base(nil)), 0},
		{"ES256", sign(jwt.SigningMethodES256, ec, base(nil)), 0},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, base(nil)), 0},
		{"no user", hs(base(jwt.MapClaims{"loggedInAs": nil})), 0},
		{"user zero", hs(base(jwt.MapClaims{"loggedInAs": 0})), 0},
		{"negative user", hs(base(jwt.MapClaims{"loggedInAs": -3})), 0},
		{"fractional user", hs(base(jwt.MapClaims{"loggedInAs": 1.5})), 0},
		{"huge user", hs(base(jwt.MapClaims{"loggedInAs": 1e300})), 0},
		{"user over int32", hs(base(jwt.MapClaims{"loggedInAs": int64(1) << 31})), 0},
		{"string user", hs(base(jwt.MapClaims{"loggedInAs": "7"})), 0},
		{"bool user", hs(base(jwt.MapClaims{"loggedInAs": true})), 0},
		{"array user", hs(base(jwt.MapClaims{"loggedInAs": []int{7}})), 0},
		{"tampered payload", parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2], 0},
		{"signature removed", parts[0] + "." + parts[1] + ".", 0},
		{"two parts", parts[0] + "." + parts[1], 0},
		{"four parts", good + ".x", 0},
		{"empty", "", 0},
		{"dots only", "..", 0},
		{"not base64", "!!.??.**", 0},
		{"invalid UTF-8", "\xff\xfe.\xfd.\xfc", 0},
		{"header not JSON", "bm90IGpzb24." + parts[1] + "." + parts[2], 0},
		{"too long", good + strings.Repeat("A", 3000), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := tok.Parse(tc.tok)
			switch {
			case tc.want != 0 && (err != nil || id != tc.want):
				t.Fatalf("Parse = %d, %v; want %d", id, err, tc.want)
			case tc.want == 0 && err == nil:
				t.Fatalf("Parse accepted it as user %d", id)
			case tc.want == 0 && !isBadToken(err):
				t.Fatalf("error %v is not errBadToken", err)
			}
		})
	}
}

func isBadToken(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), errBadToken.Error())
}

// TestBearerHeader: the Authorization header forms accepted and refused.
func TestBearerHeader(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"", "", errNoToken},
		{"   ", "", errNoToken},
		{"Bearer abc.def.ghi", "abc.def.ghi", nil},
		{"bearer abc", "abc", nil},
		{"  Bearer   abc  ", "abc", nil},
		{"Bearer", "", errBadToken},
		{"Bearer    ", "", errBadToken},
		{"Basic dXNlcjpwYXNz", "", errBadToken},
		{"Bearer\tabc", "", errBadToken},
		{"Token abc", "", errBadToken},
		{"abc.def.ghi", "", errBadToken},
	}
	for _, tc := range tests {
		got, err := bearer(tc.in)
		if got != tc.want || (tc.err == nil) != (err == nil) ||
			(tc.err != nil && !strings.HasPrefix(err.Error(), tc.err.Error())) {
			t.Errorf("bearer(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestParseTicketHashes: admin ticket hashes must be 64 hex characters;
// case and surrounding space are normalized, duplicates dropped, and a
// bad entry is quoted (escaped, cut) in the message.
func TestParseTicketHashes(t *testing.T) {
	h := strings.Repeat("0a", 32)
	many := make([]string, 1001)
	for i := range many {
		many[i] = h
	}
	tests := []struct {
		name string
		in   []string
		want []string
		msg  string
	}{
		{"one", []string{h}, []string{h}, ""},
		{"upper case and spaces", []string{"  " + strings.ToUpper(h) + "\t"}, []string{h}, ""},
		{"duplicates", []string{h, strings.ToUpper(h), h}, []string{h}, ""},
		{"1000 at most", many[:1000], []string{h}, ""},
		{"none", nil, nil, "at least one"},
		{"empty string", []string{""}, nil, "not a ticket hash"},
		{"too many", many, nil, "at most 1000"},
		{"63 chars", []string{h[:63]}, nil, "not a ticket hash"},
		{"65 chars", []string{h + "0"}, nil, "not a ticket hash"},
		{"62 chars (31 bytes)", []string{h[:62]}, nil, "not a ticket hash"},
		{"66 chars (33 bytes)", []string{h + "00"}, nil, "not a ticket hash"},
		{"0x prefix", []string{"0x" + h[:62]}, nil, "not a ticket hash"},
		{"non-hex", []string{strings.Repeat("g", 64)}, nil, "not a ticket hash"},
		{"inner space", []string{h[:32] + " " + h[33:]}, nil, "not a ticket hash"},
		{"invalid UTF-8", []string{h[:62] + "\xff\xfe"}, nil, "not a ticket hash"},
		{"multi-byte cut at 70 bytes", []string{strings.Repeat("é", 80)}, nil, "..."},
		{"html", []string{"<script>alert(1)</script>"}, nil, "not a ticket hash"},
		{"sql", []string{"' OR 1=1; --"}, nil, "not a ticket hash"},
		{"one bad among good", []string{h, "zz"}, nil, `"zz"`},
		{"long garbage cut", []string{strings.Repeat("x", 5000)}, nil, "..."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTicketHashes(tc.in)
			if tc.msg == "" {
				if err != nil || strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("= %v, %v; want %v", got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %v", got)
			}
			if !strings.Contains(err.Error(), tc.msg) || len(err.Error()) > 200 || !utf8.ValidString(err.Error()) {
				t.Fatalf("error %q, want it to mention %q (and be short)", err, tc.msg)
			}
		})
	}
}
