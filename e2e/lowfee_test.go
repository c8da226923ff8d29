package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLowFeeTicket: tickets paying too little pool fee are listed for the
// admin from the block that mines them, long before they mature (issue 14:
// before, they appeared at maturity, often too late to accept). The user
// buys two such tickets; the admin accepts one while both are immature; it
// is voted when it wins (mine fails the test on a missed pool vote). The
// other, never accepted, is missed when it wins and is revoked by the node
// in that block (DCP0009); the tickets page then shows it under Missed,
// marked low fee, and the statistics count what the page shows.
func TestLowFeeTicket(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	c := newCluster(t, clusterOptions{})
	b := newBrowser(t, c.baseURL, "3-low-fee-ticket")
	login(b, adminEmail, adminPass)
	pa := submitAddress(b, c)

	bought := c.buyTickets(pa, 2, "0.5") // the pool asks 7.5%
	var accept, leave string
	for h := range bought {
		if accept == "" {
			accept = h
		} else {
			leave = h
		}
	}
	c.mine(1, nil)
	var minedAt int64
	c.call(c.node, &minedAt, "getblockcount")

	// The admin page lists both in the next seconds, immature.
	waitFor(t, 30*time.Second, "the admin page listing the new low-fee tickets", func() error {
		b.visit("/admintickets")
		h := b.html()
		for _, tk := range []string{accept, leave} {
			if !strings.Contains(h, tk) {
				return fmt.Errorf("ticket %s not listed yet", tk)
			}
		}
		return nil
	})
	b.mustSee("Ignored tickets (2)", "Immature", fmt.Sprint(minedAt))
	var height int64
	c.call(c.node, &height, "getblockcount")
	for _, tk := range []string{accept, leave} {
		var live bool
		c.call(c.node, &live, "existsliveticket", tk)
		if live || height != minedAt {
			t.Fatalf("ticket %s: live %v at height %d (mined at %d): the test must accept it before it matures", tk, live, height, minedAt)
		}
	}
	b.run("tick the ticket", clickCheckbox(accept))
	b.submit(`form[action="/admintickets"] input[value="add"] ~ button`, "ticket added")
	b.mustSee("Added tickets (1)", "Ignored tickets (1)")
	b.visit("/tickets")
	b.mustSee("Low fee, not voted yet (1)", "Immature")

	// Mine until the accepted one voted and the other was missed.
	leftMissedAt := int64(0)
	for i := 0; i < 200; i++ {
		voted := false
		for _, tk := range c.poolTickets(0, pa.ticketAddr).Tickets {
			if tk.Ticket == accept && tk.Status == "voted" {
				c.checkVote(tk.Ticket, tk.SpentBy, 1)
				voted = true
			}
		}
		if voted && leftMissedAt != 0 {
			break
		}
		c.mine(1, map[string]bool{accept: true})
		c.call(c.node, &height, "getblockcount")
		for _, w := range c.watcher.winnersAt(t, height) {
			if w.String() == leave {
				leftMissedAt = height + 1 // the next block misses (and revokes) it
			}
		}
		if leftMissedAt == height+1 {
			c.mine(1, map[string]bool{accept: true})
		}
	}
	if leftMissedAt == 0 {
		t.Fatal("the unaccepted low-fee ticket was never selected in 200 blocks")
	}

	// The tickets page: the accepted one under Voted, the other under
	// Missed with the height of the block that missed and revoked it.
	waitTicketsPage(b, "the missed low-fee ticket", func(n map[string]int) bool { return n["missed"] == 1 && n["voted"] == 1 })
	html := b.html()
	missed := regexp.MustCompile(`(?s)id="g-missed".*?</section>`).FindString(html)
	if !strings.Contains(missed, leave) || !strings.Contains(missed, "low fee") ||
		!strings.Contains(missed, fmt.Sprintf(`<td class="num">%d</td>`, leftMissedAt)) {
		t.Fatalf("Missed section (missed at %d):\n%s", leftMissedAt, missed)
	}
	if voted := regexp.MustCompile(`(?s)id="g-voted".*?</section>`).FindString(html); !strings.Contains(voted, accept) {
		t.Fatalf("Voted section:\n%s", voted)
	}
	if strings.Contains(html, "Low fee, not voted") {
		t.Fatalf("a low-fee ticket is still listed apart:\n%s", b.text())
	}
	// This user owns every pool ticket: the statistics say the same.
	waitFor(t, 30*time.Second, "the statistics counting what the tickets page shows", func() error {
		var st struct{ Voted, Missed uint32 }
		c.api("stats", "", &st)
		if st.Voted != 1 || st.Missed != 1 {
			return fmt.Errorf("API stats: voted %d missed %d; the tickets page shows 1 and 1", st.Voted, st.Missed)
		}
		return nil
	})
}
