package controllers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eacred/dcrstakepool/system"
)

// Field limits.
const (
	maxEmailLen    = 254
	maxPasswordLen = 72 // bcrypt uses only the first 72 bytes; refuse more
	maxTokenLen    = 100
)

// bytesNote explains the password limit is in bytes.
const bytesNote = "each letter with an accent or other non-ASCII character counts 2 to 4 bytes"

// parseForm parses the request body, turning an oversized body into 413 and
// any other parse failure into 400.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return system.Wrap(system.KindInvalid, "The form could not be read.", err)
	}
	return nil
}

// field returns a trimmed form value, checking it is valid UTF-8 without
// control characters and at most max characters long. label names the field
// in messages.
func field(r *http.Request, name, label string, max int, required bool) (string, error) {
	v := strings.TrimSpace(r.PostForm.Get(name))
	if len(r.PostForm[name]) > 1 {
		return "", system.Ef(system.KindInvalid, "%s was sent more than once.", label)
	}
	if !utf8.ValidString(v) {
		return "", system.Ef(system.KindInvalid, "%s is not valid text (invalid UTF-8).", label)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", system.Ef(system.KindInvalid, "%s is too long: %d characters, at most %d.", label, n, max)
	}
	for _, c := range v {
		if unicode.IsControl(c) {
			return "", system.Ef(system.KindInvalid, "%s contains control characters.", label)
		}
	}
	if required && v == "" {
		return "", system.Ef(system.KindInvalid, "%s is required.", label)
	}
	return v, nil
}

// password returns a password field untrimmed (spaces are allowed), checked
// for UTF-8 and the bcrypt length limit.
func password(r *http.Request, name, label string) (string, error) {
	v := r.PostForm.Get(name)
	if !utf8.ValidString(v) {
		return "", system.Ef(system.KindInvalid, "%s is not valid text (invalid UTF-8).", label)
	}
	if len(v) > maxPasswordLen {
		return "", system.Ef(system.KindInvalid, "%s is too long: %d bytes, at most %d (%s).", label, len(v),
			maxPasswordLen, bytesNote)
	}
	if v == "" {
		return "", system.Ef(system.KindInvalid, "%s is required.", label)
	}
	return v, nil
}

// CheckNewPassword applies the password policy: valid UTF-8, at least min
// characters, at most 72 bytes (what bcrypt uses).
func CheckNewPassword(pw string, min int) error {
	if !utf8.ValidString(pw) {
		return system.E(system.KindInvalid, "The password is not valid text (invalid UTF-8).")
	}
	if len(pw) > maxPasswordLen {
		return system.Ef(system.KindInvalid, "The password is too long: %d bytes, at most %d (%s).", len(pw),
			maxPasswordLen, bytesNote)
	}
	if n := utf8.RuneCountInString(pw); n < min {
		return system.Ef(system.KindInvalid, "The password is too short: %d characters, at least %d.", n, min)
	}
	return nil
}

// newPassword checks a new password and its repetition against the policy.
func (s *Server) newPassword(r *http.Request, name, repeatName string) (string, error) {
	pw, err := password(r, name, "The new password")
	if err != nil {
		return "", err
	}
	if err := CheckNewPassword(pw, s.cfg.MinPasswordLength); err != nil {
		return "", err
	}
	if r.PostForm.Get(repeatName) != pw {
		return "", system.E(system.KindInvalid, "The two passwords do not match.")
	}
	return pw, nil
}

// email checks and normalizes (lower-cases) an email address field.
func email(r *http.Request, name string) (string, error) {
	v, err := field(r, name, "Email", maxEmailLen, true)
	if err != nil {
		return "", err
	}
	return ValidEmail(v)
}

// ValidEmail checks a bare address (name@example.com) and lower-cases it.
func ValidEmail(v string) (string, error) {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxEmailLen {
		return "", system.E(system.KindInvalid, "That does not look like an email address (name@example.com).")
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || addr.Name != "" || strings.Count(v, "@") != 1 ||
		strings.ContainsAny(v, " <>\"'\\") {
		return "", system.E(system.KindInvalid, "That does not look like an email address (name@example.com).")
	}
	return strings.ToLower(v), nil
}

// newSecret returns a random link token and the hash stored for it.
func newSecret() (token, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the platform is broken
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashSecret(token)
}

// hashSecret is how link tokens are stored: SHA-256, hex.
func hashSecret(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// linkToken reads the "t" parameter of an emailed link (query or form).
func linkToken(r *http.Request) (string, error) {
	if err := parseForm(r); err != nil {
		return "", err
	}
	t := r.Form.Get("t")
	if t == "" || len(t) > maxTokenLen || !utf8.ValidString(t) {
		return "", system.E(system.KindInvalid, "This link is incomplete. Copy the whole link from the email.")
	}
	return t, nil
}

// safeNext returns next if it is a path on this site, else "". Browsers
// drop tabs and newlines from URLs and read a backslash as a slash, so
// "/\t/evil.example/" or "/\\evil.example" would leave the site: any
// control, space or format character and any backslash is refused, and the
// path must not start with two slashes (a scheme-relative URL).
func safeNext(next string) string {
	if next == "" || len(next) >= 500 || next[0] != '/' || !utf8.ValidString(next) {
		return ""
	}
	for _, r := range next {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return ""
		}
	}
	if strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return next
}
