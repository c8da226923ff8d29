package faultmatrix

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// statusSample is one /status answer.
type statusSample struct {
	at   time.Time
	code int
	body string
}

// statusProbe polls /status every 250 ms and keeps the answers that differ
// from the previous one.
type statusProbe struct {
	c    *Cluster
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	seen []statusSample
}

func startStatusProbe(c *Cluster) *statusProbe {
	p := &statusProbe{c: c, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			code, body := c.Status(2 * time.Second)
			if i := strings.IndexByte(body, '\n'); i >= 0 {
				body = body[:i]
			}
			p.mu.Lock()
			if n := len(p.seen); n == 0 || p.seen[n-1].code != code || p.seen[n-1].body != body {
				p.seen = append(p.seen, statusSample{at: time.Now(), code: code, body: body})
			}
			p.mu.Unlock()
			select {
			case <-p.stop:
				return
			case <-time.After(250 * time.Millisecond):
			}
		}
	}()
	return p
}

func (p *statusProbe) finish() []statusSample {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]statusSample(nil), p.seen...)
}

// describe renders the answers relative to the fault's start, e.g.
// `200 OK; +1.2s 500 "backend ... down"; +9.8s 200 OK`.
func describeStatus(seen []statusSample, t0 time.Time) string {
	var parts []string
	for _, s := range seen {
		body := s.body
		if len(body) > 70 {
			body = body[:70] + "…"
		}
		d := s.at.Sub(t0).Round(100 * time.Millisecond)
		prefix := ""
		if d > 0 {
			prefix = fmt.Sprintf("+%.1fs ", d.Seconds())
		}
		if s.code == 0 {
			parts = append(parts, fmt.Sprintf("%s(%s)", prefix, body))
		} else {
			parts = append(parts, fmt.Sprintf("%s%d %q", prefix, s.code, body))
		}
	}
	return strings.Join(parts, "; ")
}

// writers change the writer users' vote bits through the API without a
// pause, one request at a time per user (the next only after the previous
// answered), and record every attempt in the Prefs timeline.
type writers struct {
	c      *Cluster
	prefs  *Prefs
	stop   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	acked  int
	failed int
	errs   map[string]int
}

func startWriters(c *Cluster, prefs *Prefs, users []*User) *writers {
	w := &writers{c: c, prefs: prefs, stop: make(chan struct{}), errs: make(map[string]int)}
	for _, u := range users {
		w.wg.Add(1)
		go func(u *User) {
			defer w.wg.Done()
			ws := prefs.Writes(u.ID)
			last := ws[len(ws)-1].bits
			for k := 0; ; k++ {
				select {
				case <-w.stop:
					return
				default:
				}
				bits := writerBits[k%len(writerBits)]
				if bits == last {
					bits = writerBits[(k+1)%len(writerBits)]
				}
				last = bits
				i := prefs.Begin(u.ID, bits)
				// A long timeout keeps one request in flight per user, so
				// the order of the writes is the order of their answers.
				err := c.SetVoteBits(u, bits, 60*time.Second)
				prefs.End(u.ID, i, err == nil)
				w.mu.Lock()
				if err == nil {
					w.acked++
				} else {
					w.failed++
					w.errs[shortErr(err)]++
				}
				w.mu.Unlock()
				select { // at most 20 writes a second per user
				case <-w.stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}(u)
	}
	return w
}

func shortErr(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "connection refused"):
		return "connection refused"
	case strings.Contains(s, "EOF") || strings.Contains(s, "reset by peer"):
		return "connection dropped"
	case strings.Contains(s, "Timeout") || strings.Contains(s, "deadline"):
		return "timeout"
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

func (w *writers) finish() (acked, failed int, errs map[string]int) {
	close(w.stop)
	w.wg.Wait()
	return w.acked, w.failed, w.errs
}

// lostWrites compares the database's vote bits of users with their
// recorded writes. A user's row must hold the bits of the last
// acknowledged write or of an unacknowledged attempt after it; otherwise
// the acknowledged writes after the newest attempt with the stored bits
// count as lost.
func lostWrites(c *Cluster, prefs *Prefs, users []*User) (int, error) {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	stored, err := c.DB.VoteBits(c.dbName, ids)
	if err != nil {
		return 0, err
	}
	lost := 0
	for _, u := range users {
		ws := prefs.Writes(u.ID)
		lastAcked := 0
		for i, w := range ws {
			if w.acked {
				lastAcked = i
			}
		}
		match := -1
		for i := len(ws) - 1; i >= 0; i-- {
			if ws[i].bits == stored[u.ID] {
				match = i
				break
			}
		}
		if match >= lastAcked {
			continue
		}
		for _, w := range ws[match+1:] {
			if w.acked {
				lost++
			}
		}
	}
	return lost, nil
}
