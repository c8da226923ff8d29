package controllers

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
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
	Rows    []ticketRow
	// Hidden is how many older rows are not shown (voted tickets only).
	Hidden int
	// Body is the rows as table markup, built in Go: a user may have tens
	// of thousands of tickets and per-row template execution is the slow
	// part of this page.
	Body template.HTML
}

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

// buildTicketGroups sorts a user's tickets into the page's sections, newest
// first, keeping only the newest maxVoted voted tickets. reward gives a
// vote's reward in atoms from the height it was mined at; lowFee marks
// tickets that paid too little pool fee (by hash).
func buildTicketGroups(ut stakepooldclient.UserTickets, maxVoted int, explorer string, reward func(uint32) int64,
	lowFee map[string]bool) []ticketGroup {
	byStatus := make(map[stakepooldclient.TicketStatus][]stakepooldclient.UserTicket, len(ticketSections))
	for _, t := range ut.Tickets {
		st := t.Status
		if st == stakepooldclient.StatusRevoked {
			st = stakepooldclient.StatusMissed
		}
		byStatus[st] = append(byStatus[st], t)
	}
	groups := make([]ticketGroup, 0, len(ticketSections))
	for _, sec := range ticketSections {
		ts := byStatus[sec.status]
		height := func(t *stakepooldclient.UserTicket) uint32 {
			if sec.spent {
				return t.SpentByHeight
			}
			return t.TicketHeight
		}
		slices.SortFunc(ts, func(a, b stakepooldclient.UserTicket) int {
			ha, hb := height(&a), height(&b)
			switch {
			case ha > hb:
				return -1
			case ha < hb:
				return 1
			}
			return strings.Compare(a.Hash, b.Hash)
		})
		g := ticketGroup{Name: string(sec.status), Title: sec.title, Columns: sec.columns, Count: len(ts)}
		if sec.status == stakepooldclient.StatusVoted && len(ts) > maxVoted {
			g.Hidden = len(ts) - maxVoted
			ts = ts[:maxVoted]
		}
		g.Rows = make([]ticketRow, len(ts))
		for i := range ts {
			r := newTicketRow(ts[i].Hash, explorer)
			r.Bought = ts[i].TicketHeight
			r.LowFee = lowFee[ts[i].Hash]
			if sec.spent {
				r.Spent = ts[i].SpentByHeight
			}
			if sec.status == stakepooldclient.StatusVoted && reward != nil {
				r.Reward = formatCoins(reward(ts[i].SpentByHeight))
			}
			g.Rows[i] = r
		}
		g.Body = rowsHTML(g.Rows, len(sec.columns))
		groups = append(groups, g)
	}
	return groups
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

// GET /tickets
func (s *Server) ticketsPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if !u.HasMultiSig() {
		http.Redirect(w, r, "/address", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	ut, err := s.userTickets(ctx, u.MultiSigAddress) // immature/live as the chain says (vsp_stats.go)
	if err != nil {
		return system.Wrap(system.KindUnavailable, "Your tickets cannot be loaded right now because the voting "+
			"wallets do not answer. Your tickets keep being voted; please try again in a few minutes.", err)
	}
	explorer := strings.TrimRight(s.cfg.ExplorerURL, "/")
	d := ticketsPageData{Base: s.Base(c, r, "Tickets"),
		Total: system.Plural(int64(len(ut.Tickets)+len(ut.Invalid)), "ticket", "tickets")}
	var low map[string]bool
	if len(ut.Invalid) > 0 {
		lf, err := s.backends.LowFeeTickets(ctx, true)
		if err != nil {
			s.log.Warnf("tickets page: low-fee tickets: %v", err)
		}
		split := splitLowFee(ut.Invalid, lowFeeByHash(lf), explorer)
		d.Waiting, d.Unvoted = split.Waiting, split.Unknown
		d.WaitingBody, d.UnvotedBody = lowFeeHTML(d.Waiting, true), lowFeeHTML(d.Unvoted, false)
		low = make(map[string]bool, len(split.Ended))
		for _, t := range split.Ended {
			low[t.Hash] = true
		}
		ut.Tickets = append(slices.Clip(ut.Tickets), split.Ended...)
	}
	d.Groups = buildTicketGroups(ut, s.cfg.MaxVotedTickets, explorer, s.voteReward, low)
	if ps, err := s.stats.Get(ctx); err == nil && ps.StakeOK {
		d.AsOf = asOf(ps, s.now())
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Render(w, "tickets", d)
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
