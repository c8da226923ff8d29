package controllers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// chunkedBody is n bytes of a form that never ends, sent without a
// Content-Length (the client has to use chunked encoding).
type chunkedBody struct{ left int }

func (b *chunkedBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), b.left)
	copy(p, bytes.Repeat([]byte("a"), n))
	if b.left == 10<<20 && n > 15 {
		copy(p, "UserPubKeyAddr=")
	}
	b.left -= n
	return n, nil
}

// TestChunkedOversizedBodies: a 10 MB body sent chunked (no Content-Length)
// is answered 413 by the API (as JSON) and by the HTML forms, never read as
// an empty field (issue 14: the API answered 200 with code 3).
func TestChunkedOversizedBodies(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.user(t, "chunked@example.com")
	c.Get("/address") // creates the API token
	nu, err := ve.Store.UserByID(vbg, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v2/address", "/api/v1/voting", "/api/v2/address"} {
		req, _ := http.NewRequest("POST", ve.Env.Server.URL+path, &chunkedBody{left: 10 << 20})
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+nu.APIToken)
		p := c.Do(req)
		var r apiResp
		if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
			t.Fatalf("POST %s: %d, not JSON: %.200q", path, p.Status, p.Body)
		}
		if p.Status != http.StatusRequestEntityTooLarge || r.Status != "error" || !strings.Contains(r.Message, "too large") {
			t.Errorf("POST %s chunked 10 MB: %d %+v, want 413", path, p.Status, r)
		}
	}
	for _, path := range []string{"/address", "/voting", "/login", "/settings/password"} {
		req, _ := http.NewRequest("POST", ve.Env.Server.URL+path, &chunkedBody{left: 10 << 20})
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", ve.Env.Server.URL)
		if p := c.Do(req); p.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s chunked 10 MB: %d, want 413", path, p.Status)
		}
	}
	if nu, _ = ve.Store.UserByID(vbg, u.ID); nu.HasMultiSig() {
		t.Error("an address was stored from an oversized body")
	}
}
