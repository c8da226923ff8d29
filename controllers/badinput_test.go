package controllers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// TestInvalidUTF8EveryForm sends invalid UTF-8 (and a repeated field) in
// every field of every HTML form: each answers 400 with a clear message,
// the page is valid UTF-8 and nothing changes.
func TestInvalidUTF8EveryForm(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	admin, ac := ve.withAddress(t, "admin@example.com", 3) // id 1: admin from 10.9.9.9
	ac.IP = "10.9.9.9"
	const bad = "ab\xff\xfecd"
	hash := strings.Repeat("ab", 32)
	anon := func() *webtest.Client { return ve.Env.Client() }
	tests := []struct {
		name       string
		client     func() *webtest.Client
		page, path string
		form       url.Values
		msg        string
	}{
		{"register email", anon, "/register", "/register", url.Values{"email": {bad + "@x.co"}, "password": {"password123"}, "passwordrepeat": {"password123"}}, "invalid UTF-8"},
		{"register password", anon, "/register", "/register", url.Values{"email": {"n1@x.co"}, "password": {bad + "12345678"}, "passwordrepeat": {bad + "12345678"}}, "invalid UTF-8"},
		{"register passwordrepeat", anon, "/register", "/register", url.Values{"email": {"n2@x.co"}, "password": {"password123"}, "passwordrepeat": {bad}}, "do not match"},
		{"register captcha solution", anon, "/register", "/register", url.Values{"email": {"n3@x.co"}, "password": {"password123"}, "passwordrepeat": {"password123"}, "captcha_solution": {bad}}, "invalid UTF-8"},
		{"login email", anon, "/login", "/login", url.Values{"email": {bad}, "password": {"password123"}}, "invalid UTF-8"},
		{"login password", anon, "/login", "/login", url.Values{"email": {"admin@example.com"}, "password": {bad}}, "invalid UTF-8"},
		{"reset email", anon, "/passwordreset", "/passwordreset", url.Values{"email": {bad + "@x.co"}}, "invalid UTF-8"},
		{"password update token", anon, "/login", "/passwordupdate", url.Values{"t": {bad}, "password": {"password123"}, "passwordrepeat": {"password123"}}, "link is incomplete"},
		{"settings email", func() *webtest.Client { return ac }, "/settings", "/settings/email", url.Values{"email": {bad + "@x.co"}, "password": {"password123"}}, "invalid UTF-8"},
		{"settings email password", func() *webtest.Client { return ac }, "/settings", "/settings/email", url.Values{"email": {"new@x.co"}, "password": {bad}}, "invalid UTF-8"},
		{"settings password current", func() *webtest.Client { return ac }, "/settings", "/settings/password", url.Values{"password": {bad}, "newpassword": {"password456"}, "newpasswordrepeat": {"password456"}}, "invalid UTF-8"},
		{"settings password new", func() *webtest.Client { return ac }, "/settings", "/settings/password", url.Values{"password": {"password123"}, "newpassword": {bad + "12345678"}, "newpasswordrepeat": {bad + "12345678"}}, "invalid UTF-8"},
		{"settings password repeat", func() *webtest.Client { return ac }, "/settings", "/settings/password", url.Values{"password": {"password123"}, "newpassword": {"password456"}, "newpasswordrepeat": {bad}}, "do not match"},
		{"settings delete password", func() *webtest.Client { return ac }, "/settings", "/settings/delete", url.Values{"password": {bad}, "confirm": {"yes"}}, "invalid UTF-8"},
		{"settings delete confirm", func() *webtest.Client { return ac }, "/settings", "/settings/delete", url.Values{"password": {"password123"}, "confirm": {bad}}, ""},
		{"voting choice", func() *webtest.Client { return ac }, "/voting", "/voting", url.Values{"agenda_treasury": {bad}}, "is not a choice"},
		{"admin tickets hash", func() *webtest.Client { return ac }, "/admintickets", "/admintickets", url.Values{"action": {"add"}, "tickets": {hash[:60] + bad}}, "not a ticket hash"},
		{"admin tickets action", func() *webtest.Client { return ac }, "/admintickets", "/admintickets", url.Values{"action": {bad}, "tickets": {hash}}, "Unknown action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.client().Submit(tc.page, tc.path, tc.form)
			if p.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400\n%.500s", p.Status, p.Body)
			}
			if !utf8.ValidString(p.Body) {
				t.Error("the answer is not valid UTF-8 (input echoed raw)")
			}
			if !strings.Contains(p.Body, tc.msg) {
				t.Errorf("no %q in the page:\n%.2000s", tc.msg, p.Body)
			}
		})
	}
	// The address form (a logged-in user without an address).
	_, uc := ve.user(t, "noaddr@example.com")
	p := submit(uc, "Sk"+bad)
	if p.Status != http.StatusBadRequest || !utf8.ValidString(p.Body) || !strings.Contains(p.Body, "not an address") {
		t.Errorf("address form with invalid UTF-8: %d valid=%v\n%s", p.Status, utf8.ValidString(p.Body), p.Body)
	}

	// Nothing changed: the admin can still log in with the old password,
	// kept the address and has no added low-fee tickets.
	c := ve.Env.Client()
	c.Login("admin@example.com", "password123")
	nu, err := ve.Store.UserByID(vbg, admin.ID)
	if err != nil || nu.Email != "admin@example.com" || nu.MultiSigAddress != admin.MultiSigAddress {
		t.Errorf("user changed: %+v %v", nu, err)
	}
	if total, _, _ := ve.Store.CountUsers(vbg); total != 2 {
		t.Errorf("%d users, want 2", total)
	}
	if act, _ := ve.Store.ActiveLowFeeTickets(vbg, 0); len(act) != 0 {
		t.Errorf("low-fee tickets added: %v", act)
	}
}

// TestAPIBadParameters: malformed API parameters and Authorization headers
// get an API error with a 4xx-class code in the envelope, never a 500.
func TestAPIBadParameters(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.withAddress(t, "apibad@example.com", 5)
	c.Get("/address") // creates the token
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	tok := nu.APIToken
	anon := ve.Env.Client()
	send := func(method, path, auth, ctype, body string) apiResp {
		t.Helper()
		req, err := http.NewRequest(method, ve.Env.Server.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		p := anon.Do(req)
		var r apiResp
		if err := json.Unmarshal([]byte(p.Body), &r); err != nil || p.Status != http.StatusOK || !utf8.ValidString(p.Body) {
			t.Fatalf("%s %s: %d %q (%v)", method, path, p.Status, p.Body, err)
		}
		return r
	}
	const form = "application/x-www-form-urlencoded"
	bearer := "Bearer " + tok
	tests := []struct {
		name, path, auth, ctype, body string
		code                          int
		msg                           string
	}{
		{"auth invalid UTF-8", "/api/v1/getpurchaseinfo", "Bearer \xff\xfe.\xfd.\xfc", "", "", 16, "invalid API token"},
		{"auth tab", "/api/v1/getpurchaseinfo", "Bearer\t" + tok, "", "", 16, "invalid API token"},
		{"auth token twice", "/api/v1/getpurchaseinfo", bearer + " " + tok, "", "", 16, "invalid API token"},
		{"auth lower-case scheme", "/api/v1/getpurchaseinfo", "bearer " + tok, "", "", 0, ""},
		{"votebits invalid UTF-8", "/api/v2/voting", bearer, form, "VoteBits=5%FF", 3, "whole number"},
		{"votebits negative", "/api/v2/voting", bearer, form, "VoteBits=-1", 3, "whole number"},
		{"votebits hex", "/api/v2/voting", bearer, form, "VoteBits=0x5", 3, "whole number"},
		{"votebits float", "/api/v2/voting", bearer, form, "VoteBits=5.0", 3, "whole number"},
		{"votebits empty", "/api/v2/voting", bearer, form, "VoteBits=", 3, "whole number"},
		{"votebits missing", "/api/v2/voting", bearer, form, "", 3, "whole number"},
		{"votebits overflow", "/api/v2/voting", bearer, form, "VoteBits=99999999999999999999999", 3, "whole number"},
		{"votebits zero", "/api/v2/voting", bearer, form, "VoteBits=0", 3, "voting error"},
		{"votebits injection", "/api/v2/voting", bearer, form, "VoteBits=1%3B+DROP+TABLE+users", 3, "whole number"},
		{"votebits JSON body", "/api/v2/voting", bearer, "application/json", `{"VoteBits":5}`, 3, "whole number"},
		{"votebits malformed form", "/api/v2/voting", bearer, form, "%zz=%%%", 3, "voting error - the form could not be read"},
		{"address invalid UTF-8", "/api/v1/address", bearer, form, "UserPubKeyAddr=Sk%FF%FE", 6, "already submitted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := "GET"
			if tc.body != "" || tc.ctype != "" {
				method = "POST"
			}
			r := send(method, tc.path, tc.auth, tc.ctype, tc.body)
			if r.Code != tc.code || !strings.Contains(r.Message, tc.msg) {
				t.Errorf("%+v, want code %d %q", r, tc.code, tc.msg)
			}
		})
	}
	// A user without an address: invalid UTF-8 in the address is code 3.
	u2 := ve.CreateUser("apibad2@example.com", "password123", true)
	c2 := ve.Env.Client()
	c2.Login("apibad2@example.com", "password123")
	c2.Get("/address")
	nu2, _ := ve.Store.UserByID(vbg, u2.ID)
	for _, body := range []string{"UserPubKeyAddr=Sk%FF%FE", "UserPubKeyAddr=%3Cscript%3E", "UserPubKeyAddr=" + strings.Repeat("S", 5000), ""} {
		r := send("POST", "/api/v1/address", "Bearer "+nu2.APIToken, form, body)
		if r.Code != 3 || !strings.HasPrefix(r.Message, "address error - ") || strings.Contains(r.Message, "<script>") {
			t.Errorf("address %.40q: %+v", body, r)
		}
	}
	if nu2, _ = ve.Store.UserByID(vbg, u2.ID); nu2.HasMultiSig() {
		t.Error("a bad address was stored")
	}
	if nu, _ = ve.Store.UserByID(vbg, u.ID); nu.VoteBits != 1 {
		t.Errorf("vote bits changed to %d by bad input", nu.VoteBits)
	}
}

// TestMissingAndOverlongFields: every form with a required field left out,
// or a field far over its limit, answers 400 naming the problem, and
// injection strings in the settings email field are refused and never
// echoed raw.
func TestMissingAndOverlongFields(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	_, ac := ve.withAddress(t, "admin@example.com", 3)
	ac.IP = "10.9.9.9"
	user := func() *webtest.Client { return ac }
	anon := func() *webtest.Client { return ve.Env.Client() }
	long := strings.Repeat("x", 300)
	tests := []struct {
		name       string
		client     func() *webtest.Client
		page, path string
		form       url.Values
		msg        string
	}{
		{"reset no email", anon, "/passwordreset", "/passwordreset", url.Values{}, "Email is required"},
		{"password update no token", anon, "/login", "/passwordupdate", url.Values{"password": {"password123"}, "passwordrepeat": {"password123"}}, "link is incomplete"},
		{"password update overlong token", anon, "/login", "/passwordupdate", url.Values{"t": {long}, "password": {"password123"}, "passwordrepeat": {"password123"}}, "link is incomplete"},
		{"settings email missing", user, "/settings", "/settings/email", url.Values{"password": {"password123"}}, "Email is required"},
		{"settings email overlong", user, "/settings", "/settings/email", url.Values{"email": {long + "@x.co"}, "password": {"password123"}}, "too long"},
		{"settings email no password", user, "/settings", "/settings/email", url.Values{"email": {"n@x.co"}}, "is required"},
		{"settings email html", user, "/settings", "/settings/email", url.Values{"email": {`"><script>alert(1)</script>@x.co`}, "password": {"password123"}}, "email address"},
		{"settings email sql", user, "/settings", "/settings/email", url.Values{"email": {`x@x.co' OR '1'='1`}, "password": {"password123"}}, "email address"},
		{"settings password nothing", user, "/settings", "/settings/password", url.Values{}, "is required"},
		{"settings password no new", user, "/settings", "/settings/password", url.Values{"password": {"password123"}}, "is required"},
		{"settings password overlong new", user, "/settings", "/settings/password", url.Values{"password": {"password123"}, "newpassword": {long}, "newpasswordrepeat": {long}}, "too long"},
		{"settings password too short", user, "/settings", "/settings/password", url.Values{"password": {"password123"}, "newpassword": {"short"}, "newpasswordrepeat": {"short"}}, "too short"},
		{"delete nothing", user, "/settings", "/settings/delete", url.Values{}, "Tick the box"},
		{"delete no password", user, "/settings", "/settings/delete", url.Values{"confirm": {"yes"}}, "is required"},
		{"admin tickets no action", user, "/admintickets", "/admintickets", url.Values{"tickets": {strings.Repeat("ab", 32)}}, "Unknown action"},
		{"admin tickets overlong hash", user, "/admintickets", "/admintickets", url.Values{"action": {"add"}, "tickets": {long}}, "not a ticket hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.client().Submit(tc.page, tc.path, tc.form)
			if p.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400\n%.500s", p.Status, p.Body)
			}
			if !strings.Contains(p.Body, tc.msg) {
				t.Errorf("no %q in the page:\n%.3000s", tc.msg, p.Body)
			}
			if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "' OR '1'='1") {
				t.Error("input echoed unescaped")
			}
		})
	}
	// The account is intact.
	c := ve.Env.Client()
	c.Login("admin@example.com", "password123")
	if n, _ := ve.Store.UserByEmail(vbg, "admin@example.com"); n == nil || !n.HasMultiSig() {
		t.Error("account changed by bad input")
	}
}
