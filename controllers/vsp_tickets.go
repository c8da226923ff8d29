package controllers

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// ticketRow is one line of the tickets page.
type ticketRow struct {
	Hash  string // full hash, shown whole (and selectable in one click)
	Short string // first 16 hex characters, for compact lists and labels
	Link  string // explorer URL, "" when none is configured
	// Bought is the purchase height; Spent the height of the vote or
	// revocation (0 when not spent).
	Bought, Spent uint32
	// Reward is a vote's stake reward in coins ("" for other tickets).
	Reward string
	// LowFee marks a ticket that paid too little pool fee; State is a
	// waiting low-fee ticket's state (immature, live).
	LowFee bool
	State  string
}

// ticketGroup is one section of the tickets page.
type ticketGroup struct {
	Name  string // id: immature, live, voted, missed, expired
	Title string // heading: Immature, Live, ...
	// Columns are the headings after "Ticket".
	Columns []string
	Count   int
	Rows    []ticketRow // the rows of this page
	// Hidden is how many older rows are not listed at all (voted tickets
	// only, past maxvotedtickets); Listed how many are (on all pages).
	Hidden, Listed int
	// Body is the rows as table markup, built in Go: a user may have tens
	// of thousands of tickets and per-row template execution is the slow
	// part of this page.
	Body template.HTML
	ticketPager
}

// ticketPager is a group's place in its pages: Page of Pages (1-based),
// rows From to To of Listed, and the links to the first, previous, next
// and last page ("" where there is none). Links keep the other groups'
// pages; Keep are those pages, for the group's page form.
type ticketPager struct {
	Page, Pages, From, To               int
	FirstURL, PrevURL, NextURL, LastURL string
	Keep                                []pageParam
}

// pageParam is one query parameter of the tickets page: a group's name and
// its page number.
type pageParam struct {
	Name string
	Page int
}

// ticketPageSize is how many tickets a group lists per page.
const ticketPageSize = 100

// ticketsPageData is the data of the tickets page.
type ticketsPageData struct {
	Base
	Groups []ticketGroup
	// Waiting are low-fee tickets that are immature or live (an admin can
	// accept them); Unvoted the low-fee tickets whose state no voting
	// wallet knows. Ended low-fee tickets are in Groups, marked.
	Waiting, Unvoted []ticketRow
	WaitingBody      template.HTML
	UnvotedBody      template.HTML
	Total            string // "12 tickets"
	AsOf             string // "block 512, 3 seconds ago" ("" when unknown)
}

// ticketSections is the order of the page's sections.
var ticketSections = []struct {
	status  stakepooldclient.TicketStatus
	title   string
	columns []string
	spent   bool // sorted by the spending height
}{
	{stakepooldclient.StatusImmature, "Immature", []string{"Bought at height"}, false},
	{stakepooldclient.StatusLive, "Live", []string{"Bought at height"}, false},
	{stakepooldclient.StatusVoted, "Voted", []string{"Bought at height", "Voted at height", "Reward"}, true},
	{stakepooldclient.StatusMissed, "Missed", []string{"Bought at height", "Missed; revoked at height"}, true},
	{stakepooldclient.StatusExpired, "Expired", []string{"Bought at height", "Expired; revoked at height"}, true},
}

// ticketView is one user's tickets ready for the tickets page: sorted into
// the page's sections, low-fee tickets split out. Views are shared between
// requests (ticketCache) and never modified once built.
type ticketView struct {
	// sections are the tickets of each of ticketSections, newest first.
	sections [][]stakepooldclient.UserTicket
	// low marks the ended low-fee tickets in sections, by hash.
	low                      map[string]bool
	waiting, unvoted         []ticketRow
	waitingBody, unvotedBody template.HTML
	total                    int // every ticket of the user, low-fee ones included
	// partial is set when part of the view could not be loaded (the
	// low-fee states): shown, but not cached.
	partial bool
	// lowFee is set when the user has low-fee tickets (their states come
	// from every backend).
	lowFee bool
	// liveFrom and liveUntil are the best heights [from, until) for which
	// the immature/live split of the view holds (liveRange).
	liveFrom, liveUntil int64
	// firstGroups are the groups of the first page of every group, built
	// once (firstOnce) by the first visit that asks for them.
	firstOnce   sync.Once
	firstGroups []ticketGroup
	firstErr    error
}

// size is the view's weight in the ticket cache, in tickets (about 200
// bytes each): its tickets, and the rows and markup of its first page
// (about 360 bytes a row).
func (v *ticketView) size() int {
	return v.total + 2*min(v.total, len(ticketSections)*ticketPageSize)
}

// sortTicketSections sorts tickets into the page's sections, newest first
// (by the spending height for spent ones; equal heights by hash), revoked
// tickets with the missed. At 40,960 tickets the sort is most of the
// page's work: it orders small keys (height and index), not the tickets.
func sortTicketSections(tickets []stakepooldclient.UserTicket) [][]stakepooldclient.UserTicket {
	idx := make(map[stakepooldclient.TicketStatus]int, len(ticketSections)+1)
	for i, sec := range ticketSections {
		idx[sec.status] = i
	}
	idx[stakepooldclient.StatusRevoked] = idx[stakepooldclient.StatusMissed]
	type key struct {
		height uint32
		i      int32
	}
	keys := make([][]key, len(ticketSections))
	for i := range tickets {
		t := &tickets[i]
		sec, ok := idx[t.Status]
		if !ok {
			continue
		}
		h := t.TicketHeight
		if ticketSections[sec].spent {
			h = t.SpentByHeight
		}
		keys[sec] = append(keys[sec], key{h, int32(i)})
	}
	out := make([][]stakepooldclient.UserTicket, len(ticketSections))
	for sec, ks := range keys {
		slices.SortFunc(ks, func(a, b key) int {
			switch {
			case a.height > b.height:
				return -1
			case a.height < b.height:
				return 1
			}
			return strings.Compare(tickets[a.i].Hash, tickets[b.i].Hash)
		})
		if len(ks) == 0 {
			continue
		}
		out[sec] = make([]stakepooldclient.UserTicket, len(ks))
		for j, k := range ks {
			out[sec][j] = tickets[k.i]
		}
	}
	return out
}

// ticketPages are the page numbers asked for, one per section (1 when not
// given).
type ticketPages []int

// first reports whether every group's first page is asked for.
func (ps ticketPages) first() bool {
	for _, p := range ps {
		if p != 1 {
			return false
		}
	}
	return true
}

// parseTicketPages reads each group's page number from the query string
// (?live=2&voted=3): a positive whole number.
func parseTicketPages(q url.Values) (ticketPages, error) {
	pages := make(ticketPages, len(ticketSections))
	for i, sec := range ticketSections {
		pages[i] = 1
		v, ok := q[string(sec.status)]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v[len(v)-1]))
		if err != nil || n < 1 {
			return nil, system.E(system.KindInvalid, fmt.Sprintf("The page number of the %s tickets must be a whole "+
				"number from 1 up (the address asked for page %q).", strings.ToLower(sec.title), v[len(v)-1]))
		}
		pages[i] = n
	}
	return pages, nil
}

// url is the tickets page address with these pages and group name's page
// set to page, pointing at that group's section.
func (ps ticketPages) url(group, page int) string {
	q := url.Values{}
	for i, sec := range ticketSections {
		p := ps[i]
		if i == group {
			p = page
		}
		if p > 1 {
			q.Set(string(sec.status), strconv.Itoa(p))
		}
	}
	u := "/tickets"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u + "#g-" + string(ticketSections[group].status)
}

// buildTicketGroups makes the page's sections from a user's view: each
// section's page of pages (pageSize rows a page; 0: one page; nil pages:
// the first of each), keeping
// only the newest maxVoted voted tickets. reward gives a vote's reward in
// atoms from the height it was mined at. A page past a section's last is
// an error that says how many there are.
func buildTicketGroups(v *ticketView, pages ticketPages, pageSize, maxVoted int, explorer string,
	reward func(uint32) int64) ([]ticketGroup, error) {
	if pages == nil {
		pages = make(ticketPages, len(ticketSections))
		for i := range pages {
			pages[i] = 1
		}
	}
	groups := make([]ticketGroup, 0, len(ticketSections))
	for i, sec := range ticketSections {
		ts := v.sections[i]
		g := ticketGroup{Name: string(sec.status), Title: sec.title, Columns: sec.columns, Count: len(ts)}
		if sec.status == stakepooldclient.StatusVoted && len(ts) > maxVoted {
			g.Hidden = len(ts) - maxVoted
			ts = ts[:maxVoted]
		}
		g.Listed = len(ts)
		size := pageSize
		if size <= 0 {
			size = max(len(ts), 1)
		}
		g.Page, g.Pages = pages[i], max((len(ts)+size-1)/size, 1)
		if g.Page > g.Pages {
			return nil, system.E(system.KindNotFound, fmt.Sprintf("There is no page %d of your %s tickets: "+
				"they fill %s.", g.Page, strings.ToLower(sec.title), system.Plural(int64(g.Pages), "page", "pages")))
		}
		lo, hi := (g.Page-1)*size, min(g.Page*size, len(ts))
		ts = ts[lo:hi]
		g.From, g.To = lo+1, hi
		if g.Pages > 1 {
			if g.Page > 1 {
				g.FirstURL, g.PrevURL = pages.url(i, 1), pages.url(i, g.Page-1)
			}
			if g.Page < g.Pages {
				g.NextURL, g.LastURL = pages.url(i, g.Page+1), pages.url(i, g.Pages)
			}
			for j, other := range ticketSections {
				if j != i && pages[j] > 1 {
					g.Keep = append(g.Keep, pageParam{Name: string(other.status), Page: pages[j]})
				}
			}
		}
		g.Rows = make([]ticketRow, len(ts))
		for k := range ts {
			r := newTicketRow(ts[k].Hash, explorer)
			r.Bought = ts[k].TicketHeight
			r.LowFee = v.low[ts[k].Hash]
			if sec.spent {
				r.Spent = ts[k].SpentByHeight
			}
			if sec.status == stakepooldclient.StatusVoted && reward != nil {
				r.Reward = formatCoins(reward(ts[k].SpentByHeight))
			}
			g.Rows[k] = r
		}
		g.Body = rowsHTML(g.Rows, len(sec.columns))
		groups = append(groups, g)
	}
	return groups, nil
}

// hashHTML writes a ticket hash whole, in a <code> that selects entirely
// with one click, followed by the explorer link when there is one.
func hashHTML(b *strings.Builder, r ticketRow) {
	b.WriteString(`<code class="hash">`)
	b.WriteString(html.EscapeString(r.Hash))
	b.WriteString(`</code>`)
	if r.Link != "" {
		b.WriteString(` <a class="explorer" href="`)
		b.WriteString(html.EscapeString(r.Link))
		b.WriteString(`" rel="noopener noreferrer">explorer</a>`)
	}
}

// rowsHTML renders rows as <tr> elements with cols value columns after the
// hash (bought height, then spent height, then reward); every value is
// escaped.
func rowsHTML(rows []ticketRow, cols int) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 260)
	for _, r := range rows {
		b.WriteString(`<tr><td>`)
		hashHTML(&b, r)
		if r.LowFee {
			b.WriteString(` <span class="tag">low fee</span>`)
		}
		b.WriteString(`</td>`)
		if cols >= 1 {
			b.WriteString(`<td class="num">`)
			b.WriteString(strconv.FormatUint(uint64(r.Bought), 10))
			b.WriteString(`</td>`)
		}
		if cols >= 2 {
			b.WriteString(`<td class="num">`)
			if r.Spent > 0 {
				b.WriteString(strconv.FormatUint(uint64(r.Spent), 10))
			} else {
				b.WriteString("—")
			}
			b.WriteString(`</td>`)
		}
		if cols >= 3 {
			b.WriteString(`<td class="num amount">`)
			b.WriteString(html.EscapeString(r.Reward))
			b.WriteString("&nbsp;EACR</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped above
}

// lowFeeHTML renders low-fee rows: the hash, and with withState the
// ticket's state and mined height.
func lowFeeHTML(rows []ticketRow, withState bool) template.HTML {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(`<tr><td>`)
		hashHTML(&b, r)
		b.WriteString("</td>")
		if withState {
			b.WriteString(`<td>`)
			b.WriteString(html.EscapeString(stateWord(r.State)))
			b.WriteString(`</td><td class="num">`)
			if r.Bought > 0 {
				b.WriteString(strconv.FormatUint(uint64(r.Bought), 10))
			} else {
				b.WriteString("—")
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped above and in hashHTML
}

func newTicketRow(hash, explorer string) ticketRow {
	r := ticketRow{Hash: hash, Short: hash}
	if len(hash) > 16 {
		r.Short = hash[:16]
	}
	if explorer != "" {
		r.Link = explorer + "/tx/" + hash
	}
	return r
}

// GET /tickets: every group of the user's tickets, ticketPageSize a page;
// ?live=2 (and so on for each group) asks for a group's later page.
func (s *Server) ticketsPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if !u.HasMultiSig() {
		http.Redirect(w, r, "/address", http.StatusSeeOther)
		return nil
	}
	pages, err := parseTicketPages(r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	cv := s.chainView()
	v, err := s.tix.view(ctx, u.MultiSigAddress, cv, func(ctx context.Context) (ticketLoad, error) {
		return s.loadTicketView(ctx, u.MultiSigAddress, cv.height)
	})
	if err != nil {
		return system.Wrap(system.KindUnavailable, "Your tickets cannot be loaded right now because the voting "+
			"wallets do not answer. Your tickets keep being voted; please try again in a few minutes.", err)
	}
	d := ticketsPageData{Base: s.Base(c, r, "Tickets"), Total: system.Plural(int64(v.total), "ticket", "tickets"),
		Waiting: v.waiting, Unvoted: v.unvoted, WaitingBody: v.waitingBody, UnvotedBody: v.unvotedBody}
	build := func() ([]ticketGroup, error) {
		return buildTicketGroups(v, pages, ticketPageSize, s.cfg.MaxVotedTickets,
			strings.TrimRight(s.cfg.ExplorerURL, "/"), s.voteReward)
	}
	if pages.first() {
		// The page most visits ask for is built once per view.
		v.firstOnce.Do(func() { v.firstGroups, v.firstErr = build() })
		d.Groups, err = v.firstGroups, v.firstErr
	} else {
		d.Groups, err = build()
	}
	if err != nil {
		return err
	}
	if ps, err := s.stats.Get(ctx); err == nil && ps.StakeOK {
		d.AsOf = asOf(ps, s.now())
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Render(w, "tickets", d)
}

// loadTicketView asks the backends for a user's tickets (and, when some
// paid too low a fee, for the low-fee tickets' states) and prepares them
// for the page, immature and live as the chain at tip says (liveByChain),
// with the name of the backend whose wallet answered and that wallet's
// best block (ticketLoad).
func (s *Server) loadTicketView(ctx context.Context, multisig string, tip int64) (ticketLoad, error) {
	ut, from, err := s.backends.UserTicketsFrom(ctx, multisig)
	if err != nil {
		return ticketLoad{}, err
	}
	maturity := int64(s.cfg.Params.TicketMaturity)
	v := &ticketView{total: len(ut.Tickets) + len(ut.Invalid), lowFee: len(ut.Invalid) > 0}
	v.liveFrom, v.liveUntil = liveRange(ut.Tickets, tip, maturity)
	ut.Tickets = liveByChain(ut.Tickets, tip, maturity)
	explorer := strings.TrimRight(s.cfg.ExplorerURL, "/")
	if len(ut.Invalid) > 0 {
		lf, err := s.backends.LowFeeTickets(ctx, true)
		if err != nil {
			s.log.Warnf("tickets page: low-fee tickets: %v", err)
			v.partial = true
		}
		split := splitLowFee(ut.Invalid, lowFeeByHash(lf), explorer)
		v.waiting, v.unvoted = split.Waiting, split.Unknown
		v.waitingBody, v.unvotedBody = lowFeeHTML(v.waiting, true), lowFeeHTML(v.unvoted, false)
		v.low = make(map[string]bool, len(split.Ended))
		for _, t := range split.Ended {
			v.low[t.Hash] = true
		}
		ut.Tickets = append(slices.Clip(ut.Tickets), split.Ended...)
	}
	v.sections = sortTicketSections(ut.Tickets)
	return ticketLoad{view: v, from: from, label: backendTip{height: ut.TipHeight, hash: ut.TipHash}}, nil
}

// asOf writes which block a snapshot describes and how long ago it was
// taken: "block 512, 3 seconds ago".
func asOf(ps poolStats, now time.Time) string {
	ago := now.Sub(ps.At)
	if ago < time.Second {
		return fmt.Sprintf("block %d, just now", ps.Stake.BlockHeight)
	}
	return fmt.Sprintf("block %d, %s ago", ps.Stake.BlockHeight, system.Seconds(ago.Truncate(time.Second)))
}
