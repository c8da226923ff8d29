package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/eacred/dcrstakepool/simnet/proctest"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	err = proctest.Build(dir+string(os.PathSeparator), false, "github.com/eacred/dcrstakepool/simnet",
		"github.com/eacred/dcrstakepool/backend/stakepoold", "github.com/eacred/dcrstakepool")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build the binaries:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The helpers below are the steps a person takes on the site.

// login signs in through the login form.
func login(b *browser, email, password string) {
	b.t.Helper()
	b.visit("/login")
	b.fill(map[string]string{"#email": email, "#password": password})
	b.submit(`form[action="/login"] button[type="submit"]`, "logged in")
	b.mustSee("Log out")
}

// userPubKeyAddr asks the user wallet for a fresh address and returns its
// pubkey address, as the address page tells users to.
func (c *cluster) userPubKeyAddr() string {
	c.t.Helper()
	var addr string
	c.call(c.userWallet, &addr, "getnewaddress")
	var v struct {
		PubKeyAddr string `json:"pubkeyaddr"`
	}
	c.call(c.userWallet, &v, "validateaddress", addr)
	if v.PubKeyAddr == "" {
		c.t.Fatalf("validateaddress %s has no pubkeyaddr", addr)
	}
	return v.PubKeyAddr
}

// poolAddress is what the address page shows after a successful submission.
type poolAddress struct {
	ticketAddr, feeAddr, fee, apiToken string
}

var apiTokenRE = regexp.MustCompile(`(?s)id="api-h">API token</h2>.*?<pre[^>]*>([^<]+)</pre>`)

// submitAddress submits the user wallet's pubkey address on the address page
// and reads the voting address, fee address, fee and API token off the page.
func submitAddress(b *browser, c *cluster) poolAddress {
	b.t.Helper()
	b.visit("/address")
	b.fill(map[string]string{"#UserPubKeyAddr": c.userPubKeyAddr()})
	b.submit(`form[action="/address"] button[type="submit"]`, "address submitted")
	b.mustSee("Your voting address is ready")
	b.visit("/address")
	pa := poolAddress{
		ticketAddr: b.fact("Ticket (P2SH) address"),
		feeAddr:    b.fact("Pool fee address"),
		fee:        strings.TrimSuffix(b.fact("Pool fee"), "%"),
	}
	if m := apiTokenRE.FindStringSubmatch(b.html()); m != nil {
		pa.apiToken = strings.TrimSpace(m[1])
	}
	if !strings.HasPrefix(pa.ticketAddr, "Sc") || !strings.HasPrefix(pa.feeAddr, "Ss") {
		b.t.Fatalf("address page shows ticket address %q and fee address %q", pa.ticketAddr, pa.feeAddr)
	}
	return pa
}

// buyTickets has the user wallet buy n tickets for the pool address, paying
// fee percent, exactly as the address page instructs.
func (c *cluster) buyTickets(pa poolAddress, n int, fee string) map[string]bool {
	c.t.Helper()
	f, err := strconv.ParseFloat(fee, 64)
	if err != nil {
		c.t.Fatal(err)
	}
	var hashes []string
	c.call(c.userWallet, &hashes, "purchaseticket", "default", 100, 1, pa.ticketAddr, n, pa.feeAddr, f)
	if len(hashes) != n {
		c.t.Fatalf("purchaseticket bought %d tickets, want %d", len(hashes), n)
	}
	ours := make(map[string]bool)
	for _, h := range hashes {
		ours[h] = true
	}
	return ours
}

// statusCounts counts the multisig address's tickets by status, as voting
// wallet i sees them.
func (c *cluster) statusCounts(i int, multisig string) map[string]int {
	counts := make(map[string]int)
	for _, tk := range c.poolTickets(i, multisig).Tickets {
		counts[tk.Status]++
	}
	return counts
}

// mineUntil mines one block at a time (voting as the pool must) until cond
// holds, at most max blocks.
func (c *cluster) mineUntil(max int, ours map[string]bool, what string, cond func() bool) {
	c.t.Helper()
	for i := 0; i < max; i++ {
		if cond() {
			return
		}
		c.mine(1, ours)
	}
	if !cond() {
		c.t.Fatalf("after %d blocks: %s has not happened", max, what)
	}
}

var sectionRE = regexp.MustCompile(`id="g-([a-z]+)">[^<(]+\((\d+)\)`)

// ticketSections reads the tickets page's section counts.
func ticketSections(b *browser) map[string]int {
	b.t.Helper()
	out := make(map[string]int)
	for _, m := range sectionRE.FindAllStringSubmatch(b.html(), -1) {
		n, _ := strconv.Atoi(m[2])
		out[m[1]] = n
	}
	return out
}

// waitTicketsPage reloads /tickets until its section counts satisfy ok.
func waitTicketsPage(b *browser, what string, ok func(n map[string]int) bool) {
	b.t.Helper()
	waitFor(b.t, 60*time.Second, "tickets page showing "+what, func() error {
		b.visit("/tickets")
		if got := ticketSections(b); !ok(got) {
			return fmt.Errorf("tickets page shows %v", got)
		}
		return nil
	})
}

// fillTicketPool has the user wallet buy n solo tickets (not the pool's) and
// mines them, so the pool's tickets are not all selected the moment they
// mature. Nobody votes these; they are simply missed.
func (c *cluster) fillTicketPool(n int) {
	c.t.Helper()
	var own string
	c.call(c.userWallet, &own, "getnewaddress")
	c.call(c.userWallet, nil, "purchaseticket", "default", 100, 1, own, n)
	c.mine((n+19)/20, nil) // at most 20 new tickets a block
}

// apiEnvelope is the API's answer wrapper.
type apiEnvelope struct {
	Status  string          `json:"status"`
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// api calls GET /api/v2/command with the bearer token (if any).
func (c *cluster) api(command, token string, data any) apiEnvelope {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.baseURL+"/api/v2/"+command, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("api %s: %v", command, err)
	}
	defer resp.Body.Close()
	var env apiEnvelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		c.t.Fatalf("api %s: HTTP %d, undecodable: %v", command, resp.StatusCode, err)
	}
	if env.Status != "success" {
		c.t.Fatalf("api %s: HTTP %d %+v", command, resp.StatusCode, env)
	}
	if data != nil {
		if err := json.Unmarshal(env.Data, data); err != nil {
			c.t.Fatalf("api %s data: %v", command, err)
		}
	}
	return env
}

// saveVotingChoices picks, for every agenda on the voting page, its first
// choice that is not abstain, saves, and returns the vote bits the page then
// shows.
func saveVotingChoices(b *browser) uint16 {
	b.t.Helper()
	b.visit("/voting")
	var ignored any
	b.run("choose", chromedp.Evaluate(`document.querySelectorAll('select[name^="agenda_"]').forEach(s => {
		for (const o of s.options) { if (o.value !== "") { s.value = o.value; break } }
	})`, &ignored))
	b.shot("voting choices")
	b.submit(`form[action="/voting"] button[type="submit"]`, "voting saved")
	m := regexp.MustCompile(`Current vote bits: <span class="mono">0x([0-9a-f]+)</span>`).FindStringSubmatch(b.html())
	if m == nil {
		b.t.Fatal("the voting page shows no vote bits")
	}
	bits, err := strconv.ParseUint(m[1], 16, 16)
	if err != nil {
		b.t.Fatal(err)
	}
	if bits == 1 {
		b.t.Fatal("vote bits are still the default 0x0001 after choosing")
	}
	return uint16(bits)
}
