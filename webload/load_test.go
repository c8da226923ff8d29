package webload

import (
	"net/http"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestQuantile(t *testing.T) {
	var v []time.Duration
	for i := 1; i <= 100; i++ {
		v = append(v, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.50, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := quantile(v, c.q); got != c.want {
			t.Errorf("quantile(1..100 ms, %v) = %v, want %v", c.q, got, c.want)
		}
	}
	if got := quantile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("quantile of one value = %v", got)
	}
}

func TestTag(t *testing.T) {
	for _, c := range []struct {
		url         string
		ep, session int
	}{
		{"http://127.0.0.1:1/tickets#2.17", 2, 17},
		{"http://127.0.0.1:1/tickets#2.-1", 2, -1},
		{"http://127.0.0.1:1/tickets", -1, -1},
		{"http://127.0.0.1:1/tickets#x.1", -1, -1},
	} {
		ep, s := tag(c.url)
		if ep != c.ep || s != c.session {
			t.Errorf("tag(%q) = %d, %d, want %d, %d", c.url, ep, s, c.ep, c.session)
		}
	}
}

// TestJudge checks that every kind of wrong answer counts as an error and
// a right one does not.
func TestJudge(t *testing.T) {
	p := &Pool{Sessions: []*Session{{}}, TicketsShown: 3}
	eps := Endpoints(p)
	byName := map[string]Endpoint{}
	for _, e := range eps {
		byName[e.Path+" "+e.Method] = e
	}
	home := byName["/ GET"]
	info := byName["/api/v2/getpurchaseinfo GET"]
	stats := byName["/api/v2/stats GET"]
	voting := byName["/api/v2/voting POST"]
	var largest Endpoint
	for _, e := range eps {
		if e.Largest {
			largest = e
		}
	}
	s := &Session{TicketAddr: "Sc1"}
	loggedIn := `<form class="logout" method="post" action="/logout"></form><h1>Voting Service Provider</h1>`
	cases := []struct {
		name string
		ep   Endpoint
		r    vegeta.Result
		ok   bool
	}{
		{"home ok", home, vegeta.Result{Code: 200, Body: []byte(loggedIn)}, true},
		{"home as a visitor", home, vegeta.Result{Code: 200, Body: []byte(`<h1>Voting Service Provider</h1>`)}, false},
		{"redirect to login", home, vegeta.Result{Code: http.StatusSeeOther}, false},
		{"server error", home, vegeta.Result{Code: 500, Body: []byte(loggedIn)}, false},
		{"no answer", home, vegeta.Result{Code: 0, Error: "connection refused"}, false},
		{"purchaseinfo ok", info, vegeta.Result{Code: 200, Body: []byte(`{"status":"success","code":0,"data":{"TicketAddress":"Sc1"}}`)}, true},
		{"purchaseinfo of another user", info, vegeta.Result{Code: 200, Body: []byte(`{"status":"success","code":0,"data":{"TicketAddress":"Sc2"}}`)}, false},
		{"api error envelope", voting, vegeta.Result{Code: 200, Body: []byte(`{"status":"error","code":9,"message":"voting error - bad token"}`)}, false},
		{"api not JSON", voting, vegeta.Result{Code: 200, Body: []byte(`<html>`)}, false},
		{"voting ok", voting, vegeta.Result{Code: 200, Body: []byte(`{"status":"success","code":0,"message":"ok"}`)}, true},
		{"stats ok", stats, vegeta.Result{Code: 200, Body: []byte(`{"status":"success","code":0,"data":{"BlockHeight":200,"UserCount":5}}`)}, true},
		{"stats without height", stats, vegeta.Result{Code: 200, Body: []byte(`{"status":"success","code":0,"data":{"BlockHeight":0,"UserCount":5}}`)}, false},
		{"largest user's tickets", largest, vegeta.Result{Code: 200, Body: []byte(`action="/logout" <h1>Your tickets</h1> 4 tickets`)}, true},
		{"largest user lost tickets", largest, vegeta.Result{Code: 200, Body: []byte(`action="/logout" <h1>Your tickets</h1> 2 tickets`)}, false},
	}
	for _, c := range cases {
		got := judge(c.ep, s, &c.r)
		if (got == "") != c.ok {
			t.Errorf("%s: judge = %q, want ok=%v", c.name, got, c.ok)
		}
	}
}
