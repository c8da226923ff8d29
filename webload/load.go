package webload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Endpoint is one page or API command of the mix.
type Endpoint struct {
	Name   string
	Method string
	Path   string
	// Largest sends every request in the largest user's session.
	Largest bool
	// Form builds the POST body for the n-th request of s.
	Form func(s *Session, n uint64) url.Values
	// Check judges a 2xx body; nil is a correct answer.
	Check func(s *Session, body []byte) error
}

// Page checks: the page of a logged-in user (the log-out form is in the
// layout only for a session) with its own heading.
func page(heading string) func(*Session, []byte) error {
	return func(_ *Session, b []byte) error {
		if !bytes.Contains(b, []byte(`action="/logout"`)) {
			return fmt.Errorf("not a logged-in page")
		}
		if !bytes.Contains(b, []byte(heading)) {
			return fmt.Errorf("page without %q", heading)
		}
		return nil
	}
}

// envelope decodes an API answer and requires success.
func envelope(b []byte, data any) error {
	var env struct {
		Status  string          `json:"status"`
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("not JSON: %.80q", b)
	}
	if env.Status != "success" || env.Code != 0 {
		return fmt.Errorf("api %s code %d: %s", env.Status, env.Code, env.Message)
	}
	if data != nil {
		if err := json.Unmarshal(env.Data, data); err != nil {
			return fmt.Errorf("data: %w", err)
		}
	}
	return nil
}

// voteBits are the values the POSTs cycle through: valid for the
// simulator's vote version, so every one is accepted and stored.
var voteBits = []string{"1", "3", "5"}

// Endpoints is the mix: every logged-in page, the tickets page of the
// largest user, and the API commands with a token.
func Endpoints(p *Pool) []Endpoint {
	largest := page("<h1>Your tickets</h1>")
	return []Endpoint{
		{Name: "GET / (home)", Method: http.MethodGet, Path: "/", Check: page("<h1>Voting Service Provider")},
		{Name: "GET /tickets", Method: http.MethodGet, Path: "/tickets", Check: page("<h1>Your tickets</h1>")},
		{Name: fmt.Sprintf("GET /tickets (largest user, %d tickets)", p.TicketsShown), Method: http.MethodGet,
			Path: "/tickets", Largest: true, Check: func(s *Session, b []byte) error {
				if err := largest(s, b); err != nil {
					return err
				}
				if m := totalRE.FindSubmatch(b); m == nil {
					return fmt.Errorf("no ticket total")
				} else if n, _ := strconv.Atoi(string(m[1])); n < p.TicketsShown {
					return fmt.Errorf("%d tickets shown, %d before the run", n, p.TicketsShown)
				}
				return nil
			}},
		{Name: "GET /voting", Method: http.MethodGet, Path: "/voting", Check: page("<h1>Voting preferences")},
		{Name: "GET /settings", Method: http.MethodGet, Path: "/settings", Check: page("<h1>Settings</h1>")},
		{Name: "GET /stats", Method: http.MethodGet, Path: "/stats", Check: page("<h1>Statistics</h1>")},
		{Name: "GET /api/v2/stats", Method: http.MethodGet, Path: "/api/v2/stats", Check: func(_ *Session, b []byte) error {
			var d struct {
				BlockHeight int64 `json:"BlockHeight"`
				UserCount   int64 `json:"UserCount"`
			}
			if err := envelope(b, &d); err != nil {
				return err
			}
			if d.BlockHeight <= 0 || d.UserCount < int64(len(p.Sessions)) {
				return fmt.Errorf("stats with height %d and %d users", d.BlockHeight, d.UserCount)
			}
			return nil
		}},
		{Name: "GET /api/v2/getpurchaseinfo", Method: http.MethodGet, Path: "/api/v2/getpurchaseinfo",
			Check: func(s *Session, b []byte) error {
				var d struct{ TicketAddress string }
				if err := envelope(b, &d); err != nil {
					return err
				}
				if d.TicketAddress != s.TicketAddr {
					return fmt.Errorf("voting address %q, want the user's %q", d.TicketAddress, s.TicketAddr)
				}
				return nil
			}},
		{Name: "POST /api/v2/voting", Method: http.MethodPost, Path: "/api/v2/voting",
			Form: func(_ *Session, n uint64) url.Values {
				return url.Values{"VoteBits": {voteBits[n%uint64(len(voteBits))]}}
			},
			Check: func(_ *Session, b []byte) error { return envelope(b, nil) }},
	}
}

// Level is the outcome of one run at one concurrency.
type Level struct {
	Concurrency int
	Duration    time.Duration // from the first request sent to the last answer
	Rows        []Row         // one per endpoint, in the mix's order
	Total       Row
	// CPU is what the serving processes used during the counted run.
	CPU CPUSample
}

// Row is one endpoint's figures at one level.
type Row struct {
	Name     string
	Requests int
	Errors   int
	// FirstErrors are up to three distinct error descriptions.
	FirstErrors []string
	latencies   []time.Duration
	P50, P99    time.Duration
	Max         time.Duration
}

func (r *Row) add(lat time.Duration, errText string) {
	r.Requests++
	r.latencies = append(r.latencies, lat)
	if errText == "" {
		return
	}
	r.Errors++
	if len(r.FirstErrors) < 3 {
		for _, e := range r.FirstErrors {
			if e == errText {
				return
			}
		}
		r.FirstErrors = append(r.FirstErrors, errText)
	}
}

// Run drives the mix at concurrency workers for d (after a warm-up of
// warm whose answers are checked but not counted) and returns the figures.
// Request n goes to endpoint n mod len(eps) in session (n / len(eps)) mod
// len(sessions), so every session cycles through the whole mix.
func Run(p *Pool, eps []Endpoint, concurrency int, warm, d time.Duration) Level {
	sessions := p.Sessions
	var n atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		i := n.Add(1) - 1
		ei, si := int(i%uint64(len(eps))), int(i/uint64(len(eps))%uint64(len(sessions)))
		ep := eps[ei]
		s := sessions[si]
		if ep.Largest {
			s = p.Largest
			si = -1
		}
		// The fragment is never sent; it names the endpoint and session
		// in the result.
		t.Method, t.URL = ep.Method, p.BaseURL+ep.Path+"#"+strconv.Itoa(ei)+"."+strconv.Itoa(si)
		t.Header = http.Header{"Cookie": {s.Cookie}, ClientIPHeader: {s.IP}}
		t.Body = nil
		if ep.Form != nil {
			t.Body = []byte(ep.Form(s, i/uint64(len(eps))).Encode())
			t.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if strings.HasPrefix(ep.Path, "/api/") {
			t.Header.Set("Authorization", "Bearer "+s.Token)
		}
		return nil
	}
	lv := Level{Concurrency: concurrency, Rows: make([]Row, len(eps))}
	for i, ep := range eps {
		lv.Rows[i].Name = ep.Name
	}
	attack := func(d time.Duration, count bool) {
		atk := vegeta.NewAttacker(vegeta.Workers(uint64(concurrency)), vegeta.MaxWorkers(uint64(concurrency)),
			vegeta.Connections(concurrency), vegeta.Redirects(vegeta.NoFollow), vegeta.KeepAlive(true),
			vegeta.Timeout(30*time.Second))
		var first, last time.Time
		for r := range atk.Attack(vegeta.Targeter(targeter), vegeta.Rate{Freq: 0}, d, "webload") {
			if !count {
				continue
			}
			ei, si := tag(r.URL)
			if ei < 0 || ei >= len(eps) {
				continue
			}
			s := p.Largest
			if si >= 0 {
				s = sessions[si]
			}
			errText := judge(eps[ei], s, r)
			lv.Rows[ei].add(r.Latency, errText)
			lv.Total.add(r.Latency, errText)
			if first.IsZero() || r.Timestamp.Before(first) {
				first = r.Timestamp
			}
			if e := r.End(); e.After(last) {
				last = e
			}
		}
		if count {
			lv.Duration = last.Sub(first)
		}
	}
	if warm > 0 {
		attack(warm, false)
	}
	before := p.SampleCPU()
	attack(d, true)
	lv.CPU = p.SampleCPU().Sub(before)
	for i := range lv.Rows {
		lv.Rows[i].finish()
	}
	lv.Total.Name = "all"
	lv.Total.finish()
	return lv
}

// tag reads the endpoint and session indexes from a result's URL fragment.
func tag(u string) (ep, session int) {
	i := strings.LastIndexByte(u, '#')
	if i < 0 {
		return -1, -1
	}
	a, b, ok := strings.Cut(u[i+1:], ".")
	if !ok {
		return -1, -1
	}
	ep, err1 := strconv.Atoi(a)
	session, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return -1, -1
	}
	return ep, session
}

// judge is "" for a correct answer, else what was wrong: a transport
// error, a status other than 2xx (redirects included: a lost session
// redirects to the login page), or a body the endpoint's check refuses.
func judge(ep Endpoint, s *Session, r *vegeta.Result) string {
	switch {
	case r.Code == 0:
		return "no answer: " + r.Error
	case r.Code < 200 || r.Code > 299:
		return fmt.Sprintf("HTTP %d", r.Code)
	}
	if ep.Check != nil {
		if err := ep.Check(s, r.Body); err != nil {
			return err.Error()
		}
	}
	return ""
}
