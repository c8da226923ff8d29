package controllers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/golang-jwt/jwt/v5"
)

type apiResp struct {
	Status  string          `json:"status"`
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// apiCall sends an API request with an optional bearer token.
func apiCall(t *testing.T, c *webtest.Client, base, method, path, token string, form url.Values) (int, apiResp) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	p := c.Do(req)
	var r apiResp
	if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %q", method, path, p.Status, p.Body)
	}
	return p.Status, r
}

func TestAPI(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, _ *models.Store) {
		ve := newVSPEnv(t, vspOptions{Engine: engineOf(t)})
		u, c := ve.user(t, "api@example.com")
		c.Get("/address") // creates the token
		nu, _ := ve.Store.UserByID(vbg, u.ID)
		tok := nu.APIToken
		anon := ve.Env.Client()

		// Stats: public, original fields.
		st, r := apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
		if st != 200 || r.Status != "success" || r.Code != 0 {
			t.Fatalf("stats = %d %+v", st, r)
		}
		var stats map[string]any
		if err := json.Unmarshal(r.Data, &stats); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"AllMempoolTix", "APIVersionsSupported", "BlockHeight", "Difficulty", "Expired",
			"Immature", "Live", "Missed", "OwnMempoolTix", "PoolSize", "ProportionLive", "ProportionMissed", "Revoked",
			"TotalSubsidy", "Voted", "Network", "PoolEmail", "PoolFees", "PoolStatus", "UserCount", "UserCountActive", "Version"} {
			if _, ok := stats[k]; !ok {
				t.Errorf("stats lacks %s", k)
			}
		}
		if stats["Network"] != "simnet" || stats["PoolStatus"] != "Open" || stats["Difficulty"] != 1.23456789 {
			t.Errorf("stats %v", stats)
		}

		tests := []struct {
			name, method, path, token string
			form                      url.Values
			status, code              int
			msg                       string
		}{
			{"v3 is not ours", "GET", "/api/v3/stats", "", nil, 404, 3, "invalid API command or version"},
			{"unknown command", "GET", "/api/v1/nope", "", nil, 404, 3, "invalid API command or version"},
			{"no command", "GET", "/api/v1", "", nil, 404, 3, "invalid API command or version"},
			{"too deep", "GET", "/api/v1/stats/x", "", nil, 404, 3, "invalid API command or version"},
			{"wrong method", "POST", "/api/v1/stats", "", url.Values{}, 405, 12, "not allowed"},
			{"wrong method 2", "DELETE", "/api/v1/address", tok, nil, 405, 12, "not allowed"},
			{"no token", "GET", "/api/v1/getpurchaseinfo", "", nil, 200, 16, "purchaseinfo error"},
			{"garbage token", "GET", "/api/v1/getpurchaseinfo", "x.y.z", nil, 200, 16, "invalid API token"},
			{"no address yet", "GET", "/api/v2/getpurchaseinfo", tok, nil, 200, 9, "purchaseinfo error - no address submitted"},
			{"voting before address", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"1"}}, 200, 9, "no address submitted"},
			{"bad address", "POST", "/api/v1/address", tok, url.Values{"UserPubKeyAddr": {"Ssnope"}}, 200, 3, "address error - "},
			{"address", "POST", "/api/v1/address", tok, url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 11, chaincfg.SimNetParams())}}, 200, 0, "address successfully imported"},
			{"address again", "POST", "/api/v1/address", tok, url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 12, chaincfg.SimNetParams())}}, 200, 6, "address error - address already submitted"},
			{"purchaseinfo", "GET", "/api/v1/getpurchaseinfo", tok, nil, 200, 0, ""},
			{"voting not a number", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"abc"}}, 200, 3, "voting error"},
			{"voting too big", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"70000"}}, 200, 3, "voting error"},
			{"voting bit 0 clear", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"4"}}, 200, 3, "bit 0"},
			{"voting unknown bits", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"257"}}, 200, 3, "no agenda"},
			{"voting mask both", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"7"}}, 200, 3, "not a choice"},
			{"voting", "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"5"}}, 200, 0, "successfully updated voting preferences"},
		}
		for _, tc := range tests {
			st, r := apiCall(t, anon, ve.Env.Server.URL, tc.method, tc.path, tc.token, tc.form)
			if st != tc.status || r.Code != tc.code || !strings.Contains(r.Message, tc.msg) {
				t.Errorf("%s: %d %+v, want HTTP %d code %d %q", tc.name, st, r, tc.status, tc.code, tc.msg)
			}
			if (r.Code == 0) != (r.Status == "success") {
				t.Errorf("%s: status %q with code %d", tc.name, r.Status, r.Code)
			}
		}
		_, r = apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v1/getpurchaseinfo", tok, nil)
		var pi map[string]any
		if err := json.Unmarshal(r.Data, &pi); err != nil {
			t.Fatal(err)
		}
		nu, _ = ve.Store.UserByID(vbg, u.ID)
		if pi["TicketAddress"] != nu.MultiSigAddress || pi["PoolAddress"] != nu.UserFeeAddr || pi["Script"] != nu.MultiSigScript ||
			pi["PoolFees"] != 7.5 || pi["VoteBits"] != 5.0 || pi["VoteBitsVersion"] != 8.0 {
			t.Errorf("purchaseinfo %v (user %+v)", pi, nu)
		}
		for _, f := range ve.Fakes {
			if f.Prefs[nu.MultiSigAddress].VoteBits != 5 {
				t.Errorf("%s: API vote bits not pushed", f.Name())
			}
		}

		// Regenerating the token on the address page revokes the old one.
		if p := c.Submit("/address", "/address/token", nil); p.Status != http.StatusSeeOther {
			t.Fatalf("regenerate = %d", p.Status)
		}
		_, r = apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v1/getpurchaseinfo", tok, nil)
		if r.Code != 16 || !strings.Contains(r.Message, "revoked") {
			t.Errorf("old token after regeneration: %+v", r)
		}
		nu, _ = ve.Store.UserByID(vbg, u.ID)
		if nu.APIToken == tok {
			t.Fatal("token not regenerated")
		}
		if _, r = apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v1/getpurchaseinfo", nu.APIToken, nil); r.Code != 0 {
			t.Errorf("new token: %+v", r)
		}

		// Forged tokens: other secret, other issuer, alg none, bad claim.
		sign := func(claims jwt.MapClaims, key string) string {
			s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(key))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		now := time.Now().Unix()
		none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iat": now, "iss": ve.Env.Server.URL,
			"loggedInAs": u.ID}).SignedString(jwt.UnsafeAllowNoneSignatureType)
		for name, forged := range map[string]string{
			"other secret":         sign(jwt.MapClaims{"iat": now, "iss": ve.Env.Server.URL, "loggedInAs": u.ID}, "wrong"),
			"other issuer":         sign(jwt.MapClaims{"iat": now, "iss": "https://evil.example", "loggedInAs": u.ID}, testAPISecret),
			"no user":              sign(jwt.MapClaims{"iat": now, "iss": ve.Env.Server.URL}, testAPISecret),
			"string user":          sign(jwt.MapClaims{"iat": now, "iss": ve.Env.Server.URL, "loggedInAs": "1"}, testAPISecret),
			"future iat":           sign(jwt.MapClaims{"iat": now + 3600, "iss": ve.Env.Server.URL, "loggedInAs": u.ID}, testAPISecret),
			"unknown user":         sign(jwt.MapClaims{"iat": now, "iss": ve.Env.Server.URL, "loggedInAs": 999}, testAPISecret),
			"valid but not stored": sign(jwt.MapClaims{"iat": now, "iss": ve.Env.Server.URL, "loggedInAs": u.ID}, testAPISecret),
			"alg none":             none,
			"huge":                 strings.Repeat("a", 5000),
		} {
			st, r := apiCall(t, anon, ve.Env.Server.URL, "GET", "/api/v1/getpurchaseinfo", forged, nil)
			if st != 200 || r.Code != 16 {
				t.Errorf("%s: %d %+v, want code 16", name, st, r)
			}
		}
		// Malformed Authorization header.
		req, _ := http.NewRequest("GET", ve.Env.Server.URL+"/api/v1/getpurchaseinfo", nil)
		req.Header.Set("Authorization", "Basic abc")
		if p := anon.Do(req); !strings.Contains(p.Body, `"code":16`) {
			t.Errorf("Basic auth header: %s", p.Body)
		}
	})
}

func TestAPIBackendsDown(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.user(t, "apidown@example.com")
	c.Get("/address")
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	for _, f := range ve.Fakes {
		f.SetDown(true)
	}
	anon := ve.Env.Client()
	_, r := apiCall(t, anon, ve.Env.Server.URL, "POST", "/api/v1/address", nu.APIToken,
		url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 13, chaincfg.SimNetParams())}})
	if r.Code != 14 || r.Message != "system error - unable to process wallet commands" {
		t.Errorf("address with backends down: %+v", r)
	}
	// Backends down since start-up: stats cannot be served.
	ve2 := newVSPEnv(t, vspOptions{Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.SetDown(true)
		}
	}})
	st, r := apiCall(t, ve2.Env.Client(), ve2.Env.Server.URL, "GET", "/api/v2/stats", "", nil)
	if st != 200 || r.Code != 14 || r.Message != "stats error - RPC server error" {
		t.Errorf("stats with backends down: %d %+v", st, r)
	}
}
