package controllers_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// The client contract: what real legacy clients read from the API. A
// Decrediton before 1.6 and Paymetheus parse getpurchaseinfo and the
// envelope, match the "no address submitted" message to decide to submit an
// address, and treat code 6 on address as "already done"; tinydecred reads
// the same; the public VSP-list crawler decoded /api/v2/stats and required
// Immature, Live, Voted, Missed, PoolFees, ProportionLive, ProportionMissed,
// UserCount, UserCountActive and APIVersionsSupported. The tests below pin
// those names, JSON types, codes and messages on the raw JSON, independently
// of the Go types that produce them, so none can disappear or change type
// unnoticed.

// jsonKind is the JSON type a client decodes a field as.
type jsonKind int

const (
	kString   jsonKind = iota
	kFloat             // any JSON number
	kUint16            // an integral number in [0, 65535]
	kUint32            // an integral number in [0, 2^32-1]
	kInt64             // an integral number
	kIntArray          // an array of integral numbers
)

func (k jsonKind) String() string {
	return [...]string{"string", "number", "uint16", "uint32", "int64", "array of integers"}[k]
}

// check reports what is wrong with v as a value of kind k.
func (k jsonKind) check(v any) error {
	integral := func(v any, lo, hi float64) error {
		f, ok := v.(float64)
		if !ok {
			return fmt.Errorf("is %T, not a number", v)
		}
		if f != math.Trunc(f) || f < lo || f > hi {
			return fmt.Errorf("is %v, not an integer in [%v, %v]", f, lo, hi)
		}
		return nil
	}
	switch k {
	case kString:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("is %T, not a string", v)
		}
	case kFloat:
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("is %T, not a number", v)
		}
	case kUint16:
		return integral(v, 0, math.MaxUint16)
	case kUint32:
		return integral(v, 0, math.MaxUint32)
	case kInt64:
		return integral(v, -(1 << 53), 1<<53)
	case kIntArray:
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("is %T, not an array", v)
		}
		for i, e := range a {
			if err := integral(e, -(1 << 53), 1<<53); err != nil {
				return fmt.Errorf("element %d %v", i, err)
			}
		}
	}
	return nil
}

// statsContract is every field of stats with its type; crawler marks the
// ones the VSP-list crawler required.
var statsContract = map[string]struct {
	kind    jsonKind
	crawler bool
}{
	"AllMempoolTix": {kUint32, false}, "APIVersionsSupported": {kIntArray, true}, "BlockHeight": {kInt64, false},
	"Difficulty": {kFloat, false}, "Expired": {kUint32, false}, "Immature": {kUint32, true}, "Live": {kUint32, true},
	"Missed": {kUint32, true}, "OwnMempoolTix": {kUint32, false}, "PoolSize": {kUint32, false},
	"ProportionLive": {kFloat, true}, "ProportionMissed": {kFloat, true}, "Revoked": {kUint32, false},
	"TotalSubsidy": {kFloat, false}, "Voted": {kUint32, true}, "Network": {kString, false},
	"PoolEmail": {kString, false}, "PoolFees": {kFloat, true}, "PoolStatus": {kString, false},
	"UserCount": {kInt64, true}, "UserCountActive": {kInt64, true}, "Version": {kString, false},
}

// purchaseInfoContract is getpurchaseinfo's data as wallets decode it.
var purchaseInfoContract = map[string]jsonKind{
	"PoolAddress": kString, "PoolFees": kFloat, "Script": kString, "TicketAddress": kString,
	"VoteBits": kUint16, "VoteBitsVersion": kUint32,
}

// envelope is one API answer decoded as clients do: the raw object.
type envelope struct {
	httpStatus int
	raw        map[string]any
}

func (e envelope) code() any    { return e.raw["code"] }
func (e envelope) status() any  { return e.raw["status"] }
func (e envelope) message() any { return e.raw["message"] }

// contractCall sends one API request and checks the envelope's shape: HTTP
// 200 (a known command), JSON content type, exactly the keys status, code,
// message (and data only when there is data), with their types, and
// status "success" exactly when code is 0.
func contractCall(t *testing.T, c *webtest.Client, base, method, path, token string, form url.Values) envelope {
	t.Helper()
	var body string
	if form != nil {
		body = form.Encode()
	}
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
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
	e := envelope{httpStatus: p.Status}
	if err := json.Unmarshal([]byte(p.Body), &e.raw); err != nil {
		t.Fatalf("%s %s: HTTP %d, not a JSON object: %q", method, path, p.Status, p.Body)
	}
	where := method + " " + path
	if p.Status != http.StatusOK {
		t.Errorf("%s: HTTP %d; clients expect 200 for every known command", where, p.Status)
	}
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", where, ct)
	}
	for _, k := range []struct {
		name string
		kind jsonKind
	}{{"status", kString}, {"code", kUint32}, {"message", kString}} {
		v, ok := e.raw[k.name]
		if !ok {
			t.Errorf("%s: envelope has no %q: %s", where, k.name, p.Body)
			continue
		}
		if err := k.kind.check(v); err != nil {
			t.Errorf("%s: envelope %q %v", where, k.name, err)
		}
	}
	for k := range e.raw {
		if k != "status" && k != "code" && k != "message" && k != "data" {
			t.Errorf("%s: envelope has an extra key %q", where, k)
		}
	}
	if d, ok := e.raw["data"]; ok && d == nil {
		t.Errorf("%s: data is null; it must be omitted when empty", where)
	}
	if (e.code() == 0.0) != (e.status() == "success") || (e.status() != "success" && e.status() != "error") {
		t.Errorf("%s: status %v with code %v", where, e.status(), e.code())
	}
	return e
}

// want checks an envelope's code and exact message.
func (e envelope) want(t *testing.T, what string, code int, message string) {
	t.Helper()
	if e.code() != float64(code) || e.message() != message {
		t.Errorf("%s: code %v message %q, want code %d message %q", what, e.code(), e.message(), code, message)
	}
}

// checkFields checks that data has every field of contract with its kind.
func checkFields(t *testing.T, what string, data any, contract map[string]jsonKind) map[string]any {
	t.Helper()
	m, ok := data.(map[string]any)
	if !ok {
		t.Fatalf("%s: data is %T, not an object", what, data)
	}
	names := make([]string, 0, len(contract))
	for k := range contract {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, ok := m[k]
		if !ok {
			t.Errorf("%s: field %s is missing", what, k)
			continue
		}
		if err := contract[k].check(v); err != nil {
			t.Errorf("%s: field %s (%s) %v", what, k, contract[k], err)
		}
	}
	return m
}

func TestAPIClientContractStats(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	anon := ve.Env.Client()
	kinds := make(map[string]jsonKind)
	crawler := 0
	for k, f := range statsContract {
		kinds[k] = f.kind
		if f.crawler {
			crawler++
		}
	}
	if crawler != 10 {
		t.Fatalf("the contract marks %d crawler fields, the crawler required 10", crawler)
	}
	for _, path := range []string{"/api/v1/stats", "/api/v2/stats"} {
		e := contractCall(t, anon, ve.Env.Server.URL, "GET", path, "", nil)
		e.want(t, path, 0, "")
		s := checkFields(t, path, e.raw["data"], kinds)
		if fmt.Sprint(s["APIVersionsSupported"]) != "[1 2]" {
			t.Errorf("%s: APIVersionsSupported = %v, want [1 2]", path, s["APIVersionsSupported"])
		}
		if s["Network"] != "simnet" || s["PoolStatus"] != "Open" || s["PoolFees"] != 7.5 || s["PoolEmail"] != "ops@example.com" {
			t.Errorf("%s: Network %v PoolStatus %v PoolFees %v PoolEmail %v", path, s["Network"], s["PoolStatus"],
				s["PoolFees"], s["PoolEmail"])
		}
		// The fake backend's stake figures come through as numbers of the
		// right size (BlockHeight 500, Live 20, Voted 40).
		if s["BlockHeight"] != 500.0 || s["Live"] != 20.0 || s["Voted"] != 40.0 {
			t.Errorf("%s: BlockHeight %v Live %v Voted %v", path, s["BlockHeight"], s["Live"], s["Voted"])
		}
	}
}

func TestAPIClientContractPurchaseInfo(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{})
	u, c := ve.user(t, "contract@example.com")
	c.Get("/address") // creates the token
	nu, _ := ve.Store.UserByID(vbg, u.ID)
	tok := nu.APIToken
	anon := ve.Env.Client()
	base := ve.Env.Server.URL

	for _, v := range []string{"v1", "v2"} {
		e := contractCall(t, anon, base, "GET", "/api/"+v+"/getpurchaseinfo", "", nil)
		if e.code() != 16.0 {
			t.Errorf("%s getpurchaseinfo without a token: code %v, want 16", v, e.code())
		}
		e = contractCall(t, anon, base, "GET", "/api/"+v+"/getpurchaseinfo", tok, nil)
		e.want(t, v+" getpurchaseinfo before an address", 9, "purchaseinfo error - no address submitted")
		if _, ok := e.raw["data"]; ok {
			t.Errorf("%s: an error carries data", v)
		}
	}
	e := contractCall(t, anon, base, "POST", "/api/v2/address", "", url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 31, chaincfg.SimNetParams())}})
	if e.code() != 16.0 {
		t.Errorf("address without a token: code %v, want 16", e.code())
	}
	e = contractCall(t, anon, base, "POST", "/api/v2/address", tok, url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 31, chaincfg.SimNetParams())}})
	e.want(t, "address", 0, "address successfully imported")
	if _, ok := e.raw["data"]; ok {
		t.Error("address success carries data")
	}
	e = contractCall(t, anon, base, "POST", "/api/v1/address", tok, url.Values{"UserPubKeyAddr": {pubKeyAddr(t, 32, chaincfg.SimNetParams())}})
	e.want(t, "address again", 6, "address error - address already submitted")

	for _, v := range []string{"v1", "v2"} {
		e = contractCall(t, anon, base, "GET", "/api/"+v+"/getpurchaseinfo", tok, nil)
		e.want(t, v+" getpurchaseinfo", 0, "")
		pi := checkFields(t, v+" getpurchaseinfo", e.raw["data"], purchaseInfoContract)
		nu, _ = ve.Store.UserByID(vbg, u.ID)
		if pi["TicketAddress"] != nu.MultiSigAddress || pi["PoolAddress"] != nu.UserFeeAddr || pi["Script"] != nu.MultiSigScript ||
			pi["PoolFees"] != 7.5 || pi["VoteBits"] != 1.0 {
			t.Errorf("%s getpurchaseinfo = %v; user has %s %s", v, pi, nu.MultiSigAddress, nu.UserFeeAddr)
		}
	}
	e = contractCall(t, anon, base, "POST", "/api/v2/voting", tok, url.Values{"VoteBits": {"5"}})
	e.want(t, "voting", 0, "successfully updated voting preferences")
	e = contractCall(t, anon, base, "GET", "/api/v2/getpurchaseinfo", tok, nil)
	if d, _ := e.raw["data"].(map[string]any); d["VoteBits"] != 5.0 {
		t.Errorf("getpurchaseinfo after voting: VoteBits %v, want 5", d["VoteBits"])
	}
}

// TestJSONKindCheck: the contract's type check refuses what a client's
// decoder would refuse (so the contract tests can fail).
func TestJSONKindCheck(t *testing.T) {
	var v map[string]any
	if err := json.Unmarshal([]byte(`{"s":"x","i":7,"f":1.5,"neg":-1,"big":70000,"a":[1,2],"af":[1.5],"n":null,"t":true}`), &v); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind jsonKind
		key  string
		ok   bool
	}{
		{kString, "s", true}, {kString, "i", false}, {kString, "n", false},
		{kFloat, "f", true}, {kFloat, "i", true}, {kFloat, "s", false}, {kFloat, "t", false},
		{kUint16, "i", true}, {kUint16, "big", false}, {kUint16, "neg", false}, {kUint16, "f", false},
		{kUint32, "big", true}, {kUint32, "neg", false}, {kUint32, "s", false},
		{kInt64, "neg", true}, {kInt64, "f", false},
		{kIntArray, "a", true}, {kIntArray, "af", false}, {kIntArray, "i", false},
	} {
		if err := tc.kind.check(v[tc.key]); (err == nil) != tc.ok {
			t.Errorf("%s check of %q (%v): error %v, want ok=%v", tc.kind, tc.key, v[tc.key], err, tc.ok)
		}
	}
}
