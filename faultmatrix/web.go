package faultmatrix

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// User is one pool account.
type User struct {
	ID              int64
	Email, Password string
	Token           string // API token
	TicketAddr      string // 1-of-2 multisig voting address
	FeeAddr         string
	VoteBits        uint16 // the choices set at start (ticket users)
}

var (
	csrfRE     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	apiTokenRE = regexp.MustCompile(`(?s)id="api-h">API token</h2>.*?<pre[^>]*>([^<]+)</pre>`)
)

// ticketUserBits are the fixed choices of the ticket users: distinct, valid
// for the simulator's vote version (one agenda on bits 1-2), and never the
// wallets' default 0x0001, so a vote cast with the default or another
// user's bits is seen.
var ticketUserBits = []uint16{0x0003, 0x0005, 0x0003, 0x0005}

// writerBits are the values the writers cycle through.
var writerBits = []uint16{0x0001, 0x0003, 0x0005}

// login signs u in through the form and returns the client holding the
// session.
func (c *Cluster) login(u *User) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(c.BaseURL + "/login")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("login page (%d) has no CSRF field", resp.StatusCode)
	}
	form := url.Values{"email": {u.Email}, "password": {u.Password}, "csrf_token": {html.UnescapeString(string(m[1]))}}
	resp, err = hc.PostForm(c.BaseURL+"/login", form)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // only the status matters
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: HTTP %d", u.Email, resp.StatusCode)
	}
	return hc, nil
}

// setUpUsers logs every user in, reads the API token off the address page,
// submits a pubkey address of the user wallet through the API and sets the
// ticket users' vote bits.
func (c *Cluster) setUpUsers() error {
	for i, u := range c.Users {
		hc, err := c.login(u)
		if err != nil {
			return err
		}
		resp, err := hc.Get(c.BaseURL + "/address")
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := apiTokenRE.FindSubmatch(body)
		if m == nil {
			return fmt.Errorf("address page of %s (%d) shows no API token", u.Email, resp.StatusCode)
		}
		u.Token = strings.TrimSpace(html.UnescapeString(string(m[1])))
		var addr string
		if err := Call(c.UserWallet, true, &addr, "getnewaddress"); err != nil {
			return err
		}
		var v struct {
			PubKeyAddr string `json:"pubkeyaddr"`
		}
		if err := Call(c.UserWallet, true, &v, "validateaddress", addr); err != nil {
			return err
		}
		if _, err := c.API(u, "address", url.Values{"UserPubKeyAddr": {v.PubKeyAddr}}, nil, 30*time.Second); err != nil {
			return err
		}
		var info struct{ PoolAddress, TicketAddress string }
		if _, err := c.API(u, "getpurchaseinfo", nil, &info, 30*time.Second); err != nil {
			return err
		}
		u.TicketAddr, u.FeeAddr = info.TicketAddress, info.PoolAddress
		u.VoteBits = 1
		if i < c.opt.TicketUsers {
			u.VoteBits = ticketUserBits[i%len(ticketUserBits)]
			if err := c.SetVoteBits(u, u.VoteBits, 30*time.Second); err != nil {
				return err
			}
		}
	}
	return nil
}

// SetVoteBits changes u's choices through the API; nil means the front end
// acknowledged the change.
func (c *Cluster) SetVoteBits(u *User, bits uint16, timeout time.Duration) error {
	_, err := c.API(u, "voting", url.Values{"VoteBits": {strconv.Itoa(int(bits))}}, nil, timeout)
	return err
}

// API calls /api/v2/command as u (GET without form, POST with it) and
// returns an error unless the answer is a success envelope.
func (c *Cluster) API(u *User, command string, form url.Values, data any, timeout time.Duration) (int, error) {
	method, body := http.MethodGet, io.Reader(nil)
	if form != nil {
		method, body = http.MethodPost, strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.BaseURL+"/api/v2/"+command, body)
	if err != nil {
		return 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	resp, err := (&http.Client{Timeout: timeout}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var env struct {
		Status  string          `json:"status"`
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &env); err != nil {
		return resp.StatusCode, fmt.Errorf("api %s: HTTP %d %.200q", command, resp.StatusCode, b)
	}
	if resp.StatusCode != http.StatusOK || env.Status != "success" {
		return resp.StatusCode, fmt.Errorf("api %s: HTTP %d code %d %s", command, resp.StatusCode, env.Code, env.Message)
	}
	if data != nil {
		if err := json.Unmarshal(env.Data, data); err != nil {
			return resp.StatusCode, fmt.Errorf("api %s data: %w", command, err)
		}
	}
	return resp.StatusCode, nil
}

// Status fetches /status: its code (0 when there was no answer) and the
// first line of its body (or the error).
func (c *Cluster) Status(timeout time.Duration) (int, string) {
	resp, err := (&http.Client{Timeout: timeout}).Get(c.BaseURL + "/status")
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "connection refused"):
			msg = "connection refused"
		case strings.Contains(msg, "Timeout") || strings.Contains(msg, "deadline"):
			msg = "no answer in " + timeout.String()
		}
		return 0, msg
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	return resp.StatusCode, strings.TrimSpace(string(b))
}
