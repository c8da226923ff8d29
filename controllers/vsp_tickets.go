package controllers

import (
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// ticketRow is one line of the tickets page.
type ticketRow struct {
	Hash   string
	Short  string // first 16 hex characters
	Link   string // explorer URL, "" when none is configured
	Height uint32
}

// ticketGroup is one section of the tickets page.
type ticketGroup struct {
	Name        string // immature, live, voted, missed, expired
	HeightLabel string
	Count       int
	Rows        []ticketRow
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
	Groups  []ticketGroup
	Invalid []ticketRow
	Total   int
}

// ticketSections is the order of the page's sections.
var ticketSections = []struct {
	status stakepooldclient.TicketStatus
	label  string
	spent  bool // sorted and labelled by the spending height
}{
	{stakepooldclient.StatusImmature, "Purchase height", false},
	{stakepooldclient.StatusLive, "Purchase height", false},
	{stakepooldclient.StatusVoted, "Voted height", true},
	{stakepooldclient.StatusMissed, "Revoked height", true},
	{stakepooldclient.StatusExpired, "Revoked height", true},
}

// buildTicketGroups sorts a user's tickets into the page's sections, newest
// first, keeping only the newest maxVoted voted tickets.
func buildTicketGroups(ut stakepooldclient.UserTickets, maxVoted int, explorer string) ([]ticketGroup, []ticketRow) {
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
		g := ticketGroup{Name: string(sec.status), HeightLabel: sec.label, Count: len(ts)}
		if sec.status == stakepooldclient.StatusVoted && len(ts) > maxVoted {
			g.Hidden = len(ts) - maxVoted
			ts = ts[:maxVoted]
		}
		g.Rows = make([]ticketRow, len(ts))
		for i := range ts {
			g.Rows[i] = newTicketRow(ts[i].Hash, height(&ts[i]), explorer)
		}
		g.Body = rowsHTML(g.Rows)
		groups = append(groups, g)
	}
	invalid := make([]ticketRow, len(ut.Invalid))
	for i, h := range ut.Invalid {
		invalid[i] = newTicketRow(h, 0, explorer)
	}
	return groups, invalid
}

// rowsHTML renders rows as <tr> elements; every value is escaped.
func rowsHTML(rows []ticketRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 160)
	for _, r := range rows {
		short := html.EscapeString(r.Short)
		b.WriteString(`<tr><td class="mono">`)
		if r.Link != "" {
			b.WriteString(`<a href="`)
			b.WriteString(html.EscapeString(r.Link))
			b.WriteString(`" rel="noopener noreferrer">`)
			b.WriteString(short)
			b.WriteString(`...</a>`)
		} else {
			b.WriteString(short)
			b.WriteString("...")
		}
		b.WriteString(`</td><td>`)
		b.WriteString(strconv.FormatUint(uint64(r.Height), 10))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped above
}

func newTicketRow(hash string, height uint32, explorer string) ticketRow {
	r := ticketRow{Hash: hash, Short: hash, Height: height}
	if len(hash) > 16 {
		r.Short = hash[:16]
	}
	if explorer != "" {
		r.Link = explorer + "/tx/" + hash
	}
	return r
}

// GET /tickets
func (v *VSP) ticketsPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if !u.HasMultiSig() {
		http.Redirect(w, r, "/address", http.StatusSeeOther)
		return nil
	}
	ut, err := v.Backends.UserTickets(r.Context(), u.MultiSigAddress)
	if err != nil {
		return system.Wrap(system.KindUnavailable, "Your tickets cannot be loaded right now because the voting "+
			"wallets do not answer. Your tickets keep being voted; please try again in a few minutes.", err)
	}
	groups, invalid := buildTicketGroups(ut, v.Config.MaxVotedTickets, strings.TrimRight(v.Config.ExplorerURL, "/"))
	w.Header().Set("Cache-Control", "no-store")
	return v.app.Render(w, "vsp/tickets", ticketsPageData{Base: v.app.Base(c, r, "Tickets"),
		Groups: groups, Invalid: invalid, Total: len(ut.Tickets) + len(ut.Invalid)})
}
