package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
)

// TestReorgPages is issue 11's scenarios 2 and 5 seen through the front end,
// judged by an independent read of the chain (the node's blocks walked and
// classified here, not any wallet's answer):
//
//   - a 3-block reorganization orphans blocks holding pool votes (across
//     the subsidy reduction at height 256: votes on 254, 255, 256): the new
//     branch is mined one block at a time, each block's pool winners voted
//     before the next, so nothing is missed; the tickets whose votes were
//     orphaned are live again and voted again when called;
//   - then tickets are missed (two blocks mined in one call, so the first
//     one's winners cannot vote) and expire (TicketExpiry 16), and the node
//     revokes them itself (DCP0009): nobody calls revoketickets;
//   - after the reorganization, after the misses and at the end, the
//     tickets page (logged in, in Chromium) lists every pool ticket once, in
//     the group the chain says, with its heights and vote reward, and
//     /api/v2/stats, /stats and the home page count the same.
func TestReorgPages(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	const expiry = 16
	c := newCluster(t, clusterOptions{chainArgs: []string{"--ticketexpiry", strconv.Itoa(expiry)}})
	c.expiry = expiry
	b := newBrowser(t, c.baseURL, "6-reorg-pages")
	login(b, adminEmail, adminPass)
	pa := submitAddress(b, c)
	saveVotingChoices(b)

	// Jump to just before the tickets: they are bought at 232 so that they
	// are live around the subsidy reduction at 256 and expire 32 blocks
	// after they are mined (mined 232..239, expiring 264..271).
	var height int64
	c.call(c.node, &height, "getblockcount")
	c.call(c.node, nil, "generate", 231-height)
	c.waitWalletsAt(231)
	ours := c.buyTickets(pa, 80, pa.fee)
	var own string
	c.call(c.userWallet, &own, "getnewaddress")
	c.call(c.userWallet, nil, "purchaseticket", "default", 100, 1, own, 70) // the rest of the live pool: never voted
	c.mine(8, ours)                                                         // 20 fresh tickets a block
	from := int64(230)

	// The block the first pool tickets mature in: the node has them live
	// (they can be called for the next block) and the pages must too.
	first := int64(math.MaxInt64)
	for _, tk := range c.readChain(pa.ticketAddr, from, nil).Tickets {
		first = min(first, tk.Mined)
	}
	maturity := int64(chaincfg.SimNetParams().TicketMaturity)
	c.mineUntil(30, ours, "the first pool tickets maturing", func() bool { return c.height() >= first+maturity })
	c.waitWalletsAt(c.height())
	c.checkPages(b, pa, c.readChain(pa.ticketAddr, from, nil), "as the first pool tickets mature")

	// Scenario 2: mine three blocks with pool votes, then a four-block
	// branch from the same fork point, voting each branch block's winners.
	c.mineUntil(40, ours, "height 253", func() bool { return c.height() >= 253 })
	var orphaned []string
	orphanedVoters := map[string]int64{} // ticket -> height of its orphaned vote
	for attempt := 0; ; attempt++ {
		fork := c.bestHash()
		c.mine(3, ours)
		tip := c.height()
		orphaned = orphaned[:0]
		for h := tip - 2; h <= tip; h++ {
			orphaned = append(orphaned, c.hashAt(h))
		}
		for i, hash := range orphaned[1:] { // votes in the first block are on the fork point: mined again
			blk, err := c.block(hash)
			if err != nil {
				t.Fatal(err)
			}
			for _, tx := range blk.STransactions {
				if v, err := stake.ParseVote(tx); err == nil && ours[v.TicketHash.String()] {
					orphanedVoters[v.TicketHash.String()] = tip - 1 + int64(i)
				}
			}
		}
		if len(orphanedVoters) > 0 {
			parent := fork
			for i := 0; i < 4; i++ {
				var hashes []string
				c.call(c.node, &hashes, "generateon", parent, 1)
				parent = hashes[0]
				c.waitVotesOn(parent, ours)
			}
			if c.bestHash() != parent {
				t.Fatalf("the 4-block branch did not become the best chain")
			}
			break
		}
		if attempt == 2 {
			t.Fatal("no pool vote in the last two of three blocks, three times")
		}
		t.Logf("attempt %d: the blocks to orphan hold no pool vote; three more", attempt+1)
	}
	c.waitWalletsAt(c.height())
	r := c.readChain(pa.ticketAddr, from, orphaned)
	liveAgain, revoted := 0, 0
	for h := range orphanedVoters {
		switch r.Tickets[h].Status {
		case "live":
			liveAgain++
		case "voted":
			revoted++ // called again on the branch
		default:
			t.Errorf("ticket %s whose vote was orphaned is %s", h, r.Tickets[h].Status)
		}
	}
	t.Logf("reorganization at %d: %d pool votes orphaned: %d tickets live again, %d voted again on the branch; chain %v",
		r.Tip, len(orphanedVoters), liveAgain, revoted, r.counts())
	if n := r.counts()["missed"]; n != 0 {
		t.Errorf("%d pool tickets missed through the reorganization", n)
	}
	c.checkPages(b, pa, r, "after the reorganization")

	// Scenario 5: missed tickets (two blocks in one call: the first one's
	// winners cannot vote), then mine on until every pool ticket is spent.
	for i := 0; i < 5 && r.counts()["missed"] == 0; i++ {
		c.call(c.node, nil, "generate", 2)
		c.waitTipVotes(ours)
		r = c.readChain(pa.ticketAddr, from, orphaned)
	}
	if r.counts()["missed"] == 0 {
		t.Fatal("no pool ticket missed in five double blocks")
	}
	c.waitWalletsAt(r.Tip)
	c.checkPages(b, pa, r, "after the misses")

	c.mineUntil(30, ours, "every pool ticket spent", func() bool {
		n := c.readChain(pa.ticketAddr, from, nil).counts()
		return n["live"]+n["immature"] == 0
	})
	r = c.readChain(pa.ticketAddr, from, orphaned)
	n := r.counts()
	// The tickets whose votes were orphaned end voted again (the pages are
	// compared with the new vote below), missed or expired.
	again := 0
	for h := range orphanedVoters {
		if r.Tickets[h].Status == "voted" {
			again++
		}
	}
	t.Logf("%d of the %d tickets whose votes were orphaned voted again on the new chain", again, len(orphanedVoters))
	t.Logf("end at %d: pool tickets %v; walked %d blocks: %d tickets, %d votes (%d on a block k*128-1), %d revocations (%d automatic)",
		r.Tip, n, r.Blocks, r.Stats.Tickets, r.Votes, r.BoundaryVotes, r.Revocations, r.AutoRevocations)
	if n["voted"] == 0 || n["missed"] == 0 || n["expired"] == 0 {
		t.Errorf("want voted, missed and expired pool tickets, the chain has %v", n)
	}
	if r.AutoRevocations != r.Revocations || r.Revocations == 0 {
		t.Errorf("%d revocations, %d of them automatic (version 2)", r.Revocations, r.AutoRevocations)
	}
	if r.BoundaryVotes == 0 {
		// 80 of the ~150 live tickets are the pool's: no pool winner on
		// either block 255 has odds of about 1 in 2,000.
		t.Error("no vote on a block 255 (no pool ticket was called on it): the subsidy boundary was not exercised")
	}
	c.waitWalletsAt(r.Tip)
	c.checkPages(b, pa, r, "at the end")

	// Nobody called revoketickets: the simulator wallets log every call.
	for _, w := range []*proc{c.wallets[0], c.wallets[1], c.userWallet} {
		log, err := os.ReadFile(filepath.Join(w.dir, "proc.log"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(log), "revoked tickets") {
			t.Errorf("%s ran revoketickets although the node revokes automatically", w.name)
		}
	}
}

func (c *cluster) height() int64 {
	c.t.Helper()
	var h int64
	c.call(c.node, &h, "getblockcount")
	return h
}

func (c *cluster) bestHash() string {
	c.t.Helper()
	var best struct{ Hash string }
	c.call(c.node, &best, "getbestblock")
	return best.Hash
}

func (c *cluster) hashAt(h int64) string {
	c.t.Helper()
	var hash string
	c.call(c.node, &hash, "getblockhash", h)
	return hash
}

// waitVotesOn waits until every pool winner of block (best chain or side
// chain) has a vote on it in the mempool.
func (c *cluster) waitVotesOn(block string, ours map[string]bool) {
	c.t.Helper()
	bh, err := chainhash.NewHashFromStr(block)
	if err != nil {
		c.t.Fatal(err)
	}
	var want []string
	for _, h := range c.watcher.waitWinnersOf(c.t, *bh) {
		if ours[h.String()] {
			want = append(want, h.String())
		}
	}
	if len(want) == 0 {
		return
	}
	waitFor(c.t, 30*time.Second, fmt.Sprintf("votes on %s for %v", block, want), func() error {
		var hashes []string
		if err := c.tryCall(c.node, &hashes, "getrawmempool", false, "votes"); err != nil {
			return err
		}
		on := map[string]bool{}
		for _, h := range hashes {
			tx, err := c.rawTx(h)
			if err != nil {
				return err
			}
			if v, err := stake.ParseVote(tx); err == nil && v.BlockHash == *bh {
				on[v.TicketHash.String()] = true
			}
		}
		for _, h := range want {
			if !on[h] {
				return fmt.Errorf("ticket %s has no vote on the block", h)
			}
		}
		return nil
	})
}

// waitTipVotes waits for the votes of the tip's pool winners.
func (c *cluster) waitTipVotes(ours map[string]bool) {
	c.t.Helper()
	c.waitWalletsAt(c.height())
	c.waitVotesOn(c.bestHash(), ours)
}

// pageTicket is one row of the tickets page.
type pageTicket struct {
	Group          string
	Bought, Spent  string
	Reward         string
	sectionCounted int
}

var (
	groupRE = regexp.MustCompile(`id="g-([a-z]+)">[^<(]+\((\d+)\)`)
	rowRE   = regexp.MustCompile(`<tr><td><code class="hash">([0-9a-f]{64})</code>.*?</td>((?:<td[^>]*>[^<]*</td>)*)</tr>`)
	cellRE  = regexp.MustCompile(`<td[^>]*>([^<]*)</td>`)
)

// ticketsPage reads every ticket row of the tickets page by group, and the
// groups' counts.
func ticketsPage(html string) (map[string][]pageTicket, map[string]pageTicket, map[string]int) {
	groups := map[string][]pageTicket{}
	byHash := map[string]pageTicket{}
	counts := map[string]int{}
	heads := groupRE.FindAllStringSubmatchIndex(html, -1)
	for i, hd := range heads {
		name := html[hd[2]:hd[3]]
		counts[name], _ = strconv.Atoi(html[hd[4]:hd[5]])
		end := len(html)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		for _, m := range rowRE.FindAllStringSubmatch(html[hd[1]:end], -1) {
			cells := cellRE.FindAllStringSubmatch(m[2], -1)
			pt := pageTicket{Group: name}
			for j, cell := range cells {
				v := strings.TrimSpace(strings.ReplaceAll(cell[1], "&nbsp;", " "))
				switch j {
				case 0:
					pt.Bought = v
				case 1:
					pt.Spent = v
				case 2:
					pt.Reward = strings.TrimSuffix(v, " EACR")
				}
			}
			if _, dup := byHash[m[1]]; dup {
				pt.sectionCounted = 2
			}
			groups[name] = append(groups[name], pt)
			byHash[m[1]] = pt
		}
	}
	return groups, byHash, counts
}

// checkPages waits until the tickets page, /api/v2/stats, /stats and the
// home page all agree with the chain read r.
func (c *cluster) checkPages(b *browser, pa poolAddress, r *chainRead, when string) {
	c.t.Helper()
	n := r.counts()
	var subsidy int64
	for _, tk := range r.Tickets {
		if tk.LastBlock {
			c.t.Logf("%s: ticket %s was missed in the block it expires in; the wallets report it expired", when, tk.Hash)
		}
	}
	subsidy = r.subsidy()
	waitFor(c.t, 30*time.Second, "the pages to agree with the chain "+when, func() error {
		b.visit("/tickets")
		_, rows, counts := ticketsPage(b.html())
		var diffs []string
		for _, st := range []string{"immature", "live", "voted", "missed", "expired"} {
			if counts[st] != n[st] {
				diffs = append(diffs, fmt.Sprintf("%s: page %d, chain %d", st, counts[st], n[st]))
			}
		}
		if len(rows) != len(r.Tickets) {
			diffs = append(diffs, fmt.Sprintf("page lists %d tickets, chain has %d", len(rows), len(r.Tickets)))
		}
		hashes := make([]string, 0, len(r.Tickets))
		for h := range r.Tickets {
			hashes = append(hashes, h)
		}
		sort.Strings(hashes)
		for _, h := range hashes {
			tk := r.Tickets[h]
			pt, ok := rows[h]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s (%s) not on the page", h, tk.Status))
				continue
			}
			want := pageTicket{Group: tk.Status, Bought: strconv.FormatInt(tk.Mined, 10)}
			switch tk.Status {
			case "voted":
				want.Spent, want.Reward = strconv.FormatInt(tk.Spent, 10), coins(tk.Reward)
			case "missed", "expired":
				want.Spent = strconv.FormatInt(tk.Spent, 10)
			}
			if pt != want {
				diffs = append(diffs, fmt.Sprintf("%s: page %+v, chain %+v", h[:16], pt, want))
			}
		}
		var api struct {
			Immature, Live, Voted, Missed, Expired, Revoked uint32
			TotalSubsidy                                    float64
			BlockHeight                                     int64
		}
		c.api("stats", "", &api)
		got := map[string]int{"immature": int(api.Immature), "live": int(api.Live), "voted": int(api.Voted),
			"missed": int(api.Missed), "expired": int(api.Expired), "revoked": int(api.Revoked)}
		wantStats := map[string]int{"immature": n["immature"], "live": n["live"], "voted": n["voted"],
			"missed": n["missed"], "expired": n["expired"], "revoked": n["missed"] + n["expired"]}
		for k, w := range wantStats {
			if got[k] != w {
				diffs = append(diffs, fmt.Sprintf("api stats %s = %d, chain %d (stats at block %d)", k, got[k], w, api.BlockHeight))
			}
		}
		if math.Abs(api.TotalSubsidy-float64(subsidy)/1e8) > 1e-9 {
			diffs = append(diffs, fmt.Sprintf("api stats totalsubsidy %v, chain %s", api.TotalSubsidy, coins(subsidy)))
		}
		b.visit("/stats")
		for label, w := range map[string]int{"Live tickets": n["live"], "Immature tickets": n["immature"], "Voted": n["voted"],
			"Missed": n["missed"], "Expired": n["expired"], "Revoked": n["missed"] + n["expired"]} {
			if got := b.fact(label); got != strconv.Itoa(w) {
				diffs = append(diffs, fmt.Sprintf("/stats %s = %s, chain %d", label, got, w))
			}
		}
		if got := strings.TrimSuffix(strings.ReplaceAll(b.fact("Rewards earned"), "&nbsp;", " "), " EACR"); got != coins(subsidy) {
			diffs = append(diffs, fmt.Sprintf("/stats rewards %s, chain %s", got, coins(subsidy)))
		}
		b.visit("/")
		if got := b.fact("Live tickets"); got != strconv.Itoa(n["live"]) {
			diffs = append(diffs, fmt.Sprintf("home live tickets %s, chain %d", got, n["live"]))
		}
		if len(diffs) > 0 {
			return fmt.Errorf("at block %d:\n  %s", r.Tip, strings.Join(diffs, "\n  "))
		}
		return nil
	})
	b.visit("/tickets")
}

// coins formats atoms as the pages do: exact, at least two decimals.
func coins(a int64) string {
	s := strings.TrimRight(fmt.Sprintf("%d.%08d", a/1e8, a%1e8), "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	return s
}
