package e2e

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// requestLog records every request a browser tab makes to the site: method,
// path, resource type and the status it got (a redirect's status included).
type requestLog struct {
	mu   sync.Mutex
	host string
	byID map[network.RequestID]*request
	all  []*request
}

type request struct {
	Method, Path string
	Type         network.ResourceType
	Status       int64 // 0: not answered (yet)
}

func newRequestLog(base string) *requestLog {
	u, _ := url.Parse(base)
	return &requestLog{host: u.Host, byID: make(map[network.RequestID]*request)}
}

// listen records the requests of the tab behind ctx.
func (l *requestLog) listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if r := l.byID[e.RequestID]; r != nil && e.RedirectResponse != nil {
				r.Status = e.RedirectResponse.Status
			}
			delete(l.byID, e.RequestID)
			u, err := url.Parse(e.Request.URL)
			if err != nil || u.Host != l.host {
				return
			}
			r := &request{Method: e.Request.Method, Path: u.Path, Type: e.Type}
			l.byID[e.RequestID] = r
			l.all = append(l.all, r)
		case *network.EventResponseReceived:
			if r := l.byID[e.RequestID]; r != nil {
				r.Status = e.Response.Status
			}
		}
	})
}

// lastDocument is the newest page (document) request.
func (l *requestLog) lastDocument() (request, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.all) - 1; i >= 0; i-- {
		if l.all[i].Type == network.ResourceTypeDocument {
			return *l.all[i], true
		}
	}
	return request{}, false
}

func (l *requestLog) requests() []request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]request, len(l.all))
	for i, r := range l.all {
		out[i] = *r
	}
	return out
}

// layoutLog collects the layout check's findings over a walk.
type layoutLog struct {
	mu       sync.Mutex
	pages    int
	problems []string
}

func (l *layoutLog) add(url string, width int64, shot string, problems []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pages++
	for _, p := range problems {
		l.problems = append(l.problems, fmt.Sprintf("%s at %dpx (%s): %s", url, width, shot, p))
	}
}

// walkBrowser is a browser for the route walk: it records its requests in
// reqs and checks and photographs every page at each layout width.
func walkBrowser(t *testing.T, c *cluster, scenario string, reqs *requestLog, layout *layoutLog) *browser {
	t.Helper()
	b := newBrowser(t, c.baseURL, scenario)
	b.requests, b.layout = reqs, layout
	reqs.listen(b.ctx)
	return b
}
