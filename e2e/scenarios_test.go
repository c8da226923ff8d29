package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUserJourney: register, verify by mail, log in, get a voting address,
// buy tickets, watch them mature, choose how they vote, and see them voted
// on chain with those choices.
func TestUserJourney(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	c := newCluster(t, clusterOptions{})
	b := newBrowser(t, c.baseURL, "1-user-journey")

	const email, password = "alice@e2e.example", "correct horse battery"
	b.visit("/")
	b.visit("/register")
	b.fill(map[string]string{"#email": email, "#password": password, "#passwordrepeat": password})
	b.submit(`form[action="/register"] button[type="submit"]`, "registered")
	waitFor(t, 30*time.Second, "the verification mail", func() error {
		if len(c.mail.To(email)) == 0 {
			return fmt.Errorf("no mail to %s yet", email)
		}
		return nil
	})
	b.visit(c.mail.Link(t, email, ""))
	login(b, email, password)

	pa := submitAddress(b, c)
	if pa.fee != poolFees {
		t.Fatalf("address page shows fee %s%%, want %s%%", pa.fee, poolFees)
	}
	c.fillTicketPool(100)
	ours := c.buyTickets(pa, 3, pa.fee)
	c.mine(1, ours)
	waitTicketsPage(b, "3 immature", func(n map[string]int) bool { return n["immature"] == 3 })

	// Choose before the tickets can be selected, so every vote carries them.
	bits := saveVotingChoices(b)

	// A ticket can be selected in the block it matures, before the wallets
	// call it live, so "live" is seen for the tickets the lottery spares.
	c.mineUntil(20, ours, "the tickets going live", func() bool {
		n := c.statusCounts(0, pa.ticketAddr)
		return n["immature"] == 0 && n["live"] > 0
	})
	waitTicketsPage(b, "live tickets", func(n map[string]int) bool { return n["immature"] == 0 && n["live"] > 0 })

	c.mineUntil(150, ours, "every ticket voting", func() bool {
		return c.statusCounts(0, pa.ticketAddr)["voted"] == 3
	})
	for _, tk := range c.poolTickets(0, pa.ticketAddr).Tickets {
		c.checkVote(tk.Ticket, tk.SpentBy, bits)
	}
	waitTicketsPage(b, "3 voted", func(n map[string]int) bool { return n["voted"] == 3 && n["live"] == 0 && n["missed"] == 0 })

	// The API agrees with the pages.
	var info struct {
		PoolAddress, TicketAddress string
		PoolFees                   float64
		VoteBits                   uint16
	}
	c.api("getpurchaseinfo", pa.apiToken, &info)
	if info.TicketAddress != pa.ticketAddr || info.PoolAddress != pa.feeAddr || fmt.Sprint(info.PoolFees) != pa.fee || info.VoteBits != bits {
		t.Errorf("getpurchaseinfo = %+v; the pages show %+v with vote bits %#x", info, pa, bits)
	}
	var stats struct {
		Voted           uint32
		UserCount       int64
		UserCountActive int64
		PoolFees        float64
	}
	waitFor(t, 60*time.Second, "stats to count the votes", func() error {
		c.api("stats", "", &stats)
		if stats.Voted != 3 {
			return fmt.Errorf("stats: %+v", stats)
		}
		return nil
	})
	if stats.UserCountActive != 1 || fmt.Sprint(stats.PoolFees) != poolFees {
		t.Errorf("stats = %+v, want 1 active user and fee %s", stats, poolFees)
	}
	b.visit("/stats")
	if got := b.fact("Voted"); got != "3" {
		t.Errorf("stats page says %s voted, the API 3", got)
	}
}

// TestBackendFailover: with one voting wallet and its stakepoold dead, the
// other still votes every selected pool ticket; the fault shows on /status
// and the admin page; a user signing up meanwhile is not blocked; the
// restarted backend catches up on the script it missed and health returns.
func TestBackendFailover(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	c := newCluster(t, clusterOptions{})
	b := newBrowser(t, c.baseURL, "2-backend-failover")
	login(b, adminEmail, adminPass)
	pa := submitAddress(b, c)
	ours := c.buyTickets(pa, 4, pa.fee)
	c.mine(1, ours)
	waitFor(t, 30*time.Second, "the tickets mined", func() error {
		if n := c.statusCounts(0, pa.ticketAddr); n["immature"] != 4 {
			return fmt.Errorf("tickets: %v", n)
		}
		return nil
	})

	// Backend 2 dies before the tickets can be selected.
	c.stakepools[1].kill()
	c.wallets[1].kill()
	reason := c.waitStatus(http.StatusInternalServerError, 60*time.Second)
	t.Logf("/status while backend 2 is down: %s", reason)
	b.visit("/admin/status")
	b.mustSee("backend " + c.stakepools[1].addr + " down")

	// Every selected pool ticket is voted by the surviving backend (mine
	// fails the test if a selected ticket has no vote before the next block).
	c.mineUntil(30, ours, "every ticket voting with one backend down", func() bool {
		return c.statusCounts(0, pa.ticketAddr)["voted"] == 4
	})
	if n := c.statusCounts(0, pa.ticketAddr); n["missed"] != 0 {
		t.Fatalf("tickets missed with one backend down: %v", n)
	}

	// A new user gets an address while backend 2 is down.
	b2 := newBrowser(t, c.baseURL, "2-backend-failover-newuser")
	const email, password = "bob@e2e.example", "another long password"
	b2.visit("/register")
	b2.fill(map[string]string{"#email": email, "#password": password, "#passwordrepeat": password})
	b2.submit(`form[action="/register"] button[type="submit"]`, "registered")
	waitFor(t, 30*time.Second, "the verification mail", func() error {
		if len(c.mail.To(email)) == 0 {
			return fmt.Errorf("no mail yet")
		}
		return nil
	})
	b2.visit(c.mail.Link(t, email, ""))
	login(b2, email, password)
	bob := submitAddress(b2, c)

	c.wallets[1].start(t)
	c.waitRPC(c.wallets[1], true)
	c.stakepools[1].start(t)
	c.waitStatus(http.StatusOK, 90*time.Second)
	waitFor(t, 60*time.Second, "wallet 2 to receive the script it missed", func() error {
		var res struct {
			Scripts []struct {
				Address string `json:"address"`
			} `json:"scripts"`
		}
		if err := c.tryCall(c.wallets[1], &res, "listscripts"); err != nil {
			return err
		}
		for _, s := range res.Scripts {
			if s.Address == bob.ticketAddr {
				return nil
			}
		}
		return fmt.Errorf("wallet 2 has %d scripts, not %s", len(res.Scripts), bob.ticketAddr)
	})
	b.visit("/admin/status")
	if txt := b.text(); strings.Contains(txt, " down") || strings.Contains(txt, "disconnected") {
		t.Errorf("admin status still shows a fault after recovery:\n%s", txt)
	}
}

// TestInconsistentBackends: voting wallets with different seeds derive
// different pool keys; address creation halts with a clear message and
// /status answers 500 until an operator acts.
func TestInconsistentBackends(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	c := newCluster(t, clusterOptions{secondWalletSeed: otherSeed})
	b := newBrowser(t, c.baseURL, "4-inconsistent-backends")
	login(b, adminEmail, adminPass)
	b.visit("/address")
	b.fill(map[string]string{"#UserPubKeyAddr": c.userPubKeyAddr()})
	b.submit(`form[action="/address"] button[type="submit"]`, "address refused")
	if strings.Contains(b.html(), "Ticket (P2SH) address") {
		t.Fatal("an address was created although the backends disagree")
	}
	b.mustSee("cannot create voting addresses")
	reason := c.waitStatus(http.StatusInternalServerError, 30*time.Second)
	if reason == "" {
		t.Error("/status gives no reason")
	}
	b.visit("/admin/status")
	b.mustSee("Address creation is halted")
}
