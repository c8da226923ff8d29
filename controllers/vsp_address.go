package controllers

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// netInfo is what pages need to write commands for the pool's network.
type netInfo struct {
	Name string // chaincfg name: mainnet, testnet3, simnet
	// Prefix is the first letter of this network's addresses (D, T, S).
	Prefix string
	// CtlFlag is the eacrctl network flag ("", "--testnet ", "--simnet ").
	CtlFlag string
}

func networkInfo(p *chaincfg.Params) netInfo {
	n := netInfo{Name: p.Name, Prefix: p.AddressPrefix}
	if p.CLIFlag != "" {
		n.CtlFlag = p.CLIFlag + " "
	}
	return n
}

// validateUserAddress checks s is a secp256k1 pubkey address of the pool's
// network and returns it trimmed, or an invalid-input error saying what is
// wrong in words a user can act on.
func validateUserAddress(s string, p *chaincfg.Params) (string, error) {
	s = strings.TrimSpace(s)
	n := networkInfo(p)
	pk := n.Prefix + "k"
	switch {
	case s == "":
		return "", system.Ef(system.KindInvalid, "Enter the pubkey address (it starts with %q).", pk)
	case len(s) > 100:
		return "", system.Ef(system.KindInvalid, "That is too long to be an address: a pubkey address has 53 characters.")
	case !utf8.ValidString(s):
		return "", system.E(system.KindInvalid, "That is not an address: it is not valid text (invalid UTF-8).")
	}
	a, err := address.Decode(s, p)
	switch {
	case errors.Is(err, address.ErrWrongNetwork):
		return "", system.Ef(system.KindInvalid, "That address is for another network; this pool runs on %s. "+
			"Make sure your wallet runs on %s too.", n.Name, n.Name)
	case errors.Is(err, address.ErrChecksum):
		return "", system.E(system.KindInvalid, "That address has a typo: its checksum does not match. "+
			"Copy it again from your wallet.")
	case errors.Is(err, address.ErrInvalidFormat):
		return "", system.E(system.KindInvalid, "That is not an address: it contains characters addresses "+
			"never use, or is too short.")
	case errors.Is(err, address.ErrBadPoint):
		return "", system.E(system.KindInvalid, "That pubkey address does not hold a valid public key.")
	case err != nil:
		return "", system.Ef(system.KindInvalid, "That is not an address of this pool's network (%s).", n.Name)
	}
	if a.Kind() != address.KindPubKey {
		hint := ""
		if a.Kind() == address.KindP2PKH {
			hint = fmt.Sprintf(" You entered a regular %ss address: run validateaddress on it and use its "+
				"\"pubkeyaddr\" field.", n.Prefix)
		}
		return "", system.Ef(system.KindInvalid, "The address must be a secp256k1 pubkey address starting with %q.%s", pk, hint)
	}
	return s, nil
}

// maxUserIndex is the largest user id that can index a non-hardened child key.
const maxUserIndex = 1<<31 - 1

// submitAddress runs the multisig flow for user u and stores the result.
// It returns the updated user. A closed pool (closepool) still takes the
// address of an account registered before it closed, as the original did:
// only new sign-ups are refused, so legacy wallets (which save the address
// on every settings change and expect code 6 "already submitted") and
// accounts that had not finished their setup keep working.
func (s *Server) submitAddress(ctx context.Context, u *models.User, raw string) (*models.User, error) {
	if u.UserPubKeyAddr != "" {
		return nil, system.E(system.KindExists, "This account already has a voting address: there is one "+
			"address per account.")
	}
	userAddr, err := validateUserAddress(raw, s.cfg.Params)
	if err != nil {
		return nil, err
	}
	if u.ID < 1 || u.ID > maxUserIndex {
		return nil, fmt.Errorf("user id %d cannot index a pool key", u.ID)
	}
	idx := uint32(u.ID)
	if lim := s.backends.FeeAddressLimit(); lim > 0 && idx >= lim {
		// Logged once, where the request ends, with the operator's part.
		return nil, system.Wrap(system.KindUnavailable, "The pool cannot take new voting addresses until the "+
			"operator enlarges it; the operator has been alerted. Please try again later.",
			fmt.Errorf("the stakepoolds only recognize fee addresses 0..%d: raise feeaddresses on every stakepoold", lim-1))
	}
	poolAddr, err := s.poolKeys.Address(idx)
	if err != nil {
		return nil, fmt.Errorf("derive pool key %d: %w", idx, err)
	}
	feeAddr, err := s.feeKeys.Address(idx)
	if err != nil {
		return nil, fmt.Errorf("derive fee address %d: %w", idx, err)
	}
	res, err := s.backends.CreateAddress(ctx, stakepooldclient.AddressRequest{
		Index: idx, PoolAddress: poolAddr, UserPubKeyAddr: userAddr,
		Verify: func(poolPubKeyAddr string, ms stakepooldclient.Multisig) error {
			return verifyMultisig(poolPubKeyAddr, ms, userAddr, s.cfg.Params)
		}})
	s.metrics.addressResult(err)
	if err != nil {
		return nil, backendError(err)
	}
	if len(res.Missed) > 0 {
		s.log.Infof("user %d: script not yet on %v (down); it is imported when they return", u.ID, res.Missed)
	}
	info := models.MultisigInfo{
		MultiSigAddress: res.Multisig.Address, MultiSigScript: res.Multisig.RedeemScript,
		PoolPubKeyAddr: res.PoolPubKeyAddr, UserPubKeyAddr: userAddr, UserFeeAddr: feeAddr,
		HeightRegistered: res.HeightRegistered, VoteBits: 1, VoteBitsVersion: int64(s.backends.VoteVersion()),
	}
	if err := s.store.SetUserMultisig(ctx, u.ID, info); err != nil {
		if errors.Is(err, models.ErrExists) {
			return nil, system.Wrap(system.KindExists, "This account already has a voting address.", err)
		}
		return nil, err
	}
	nu, err := s.store.UserByID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if err := s.backends.PushUserPrefs(ctx, nu.Prefs()); err != nil {
		s.log.Warnf("user %d: push voting preferences: %v (backends get them when repaired)", u.ID, err)
	}
	s.log.Infof("user %d: voting address %s created (height %d)", u.ID, info.MultiSigAddress, info.HeightRegistered)
	return nu, nil
}

// verifyMultisig checks what the backends agreed on is really the 1-of-2
// multisig of the pool key and the user's key, in that order, and that the
// P2SH address is the script's (stakepool.CheckVotingScript): a wallet must
// not be able to slip in a script the user's key cannot spend. The client
// runs it before any backend imports the script and halts address
// creation when it fails.
func verifyMultisig(poolPubKeyAddr string, ms stakepooldclient.Multisig, userAddr string, p *chaincfg.Params) error {
	poolKey, err := stakepool.PubKey(poolPubKeyAddr, p)
	if err != nil {
		return fmt.Errorf("pool pubkey address from the wallets: %w", err)
	}
	userKey, err := stakepool.PubKey(userAddr, p)
	if err != nil {
		return err
	}
	script, err := hex.DecodeString(ms.RedeemScript)
	if err != nil {
		return fmt.Errorf("redeem script is not hex: %w", err)
	}
	return stakepool.CheckVotingScript(script, ms.Address, poolKey, userKey, p)
}

// backendError turns a stakepooldclient error into a page error.
func backendError(err error) error {
	switch {
	case errors.Is(err, stakepooldclient.ErrRejected):
		return system.Wrap(system.KindInvalid, "The voting wallets refused this address. Check that you "+
			"copied the pubkey address of your own wallet.", err)
	case errors.Is(err, stakepooldclient.ErrHalted), errors.Is(err, stakepooldclient.ErrInconsistent),
		errors.Is(err, stakepooldclient.ErrNotMine), errors.Is(err, stakepooldclient.ErrMismatch):
		return system.Wrap(system.KindUnavailable, "The pool cannot create voting addresses right now; the "+
			"operator has been alerted. Your tickets, if any, keep being voted. Please try again later.", err)
	case errors.Is(err, stakepooldclient.ErrUnavailable):
		return system.Wrap(system.KindUnavailable, "The voting wallets cannot be reached right now. Please "+
			"try again in a few minutes.", err)
	}
	return err
}

// addressPageData is the data of the address page.
type addressPageData struct {
	Base
	Net      netInfo
	PoolFees float64
	APIToken string
	// APITokenExpiry is when the token stops working (zero: never).
	APITokenExpiry time.Time
	Submitted      bool
	// Input and Error: the rejected submission, shown back to the user.
	Input       string
	Error       string
	Multisig    string
	Script      string
	FeeAddr     string
	UserPubKey  string
	PurchaseCmd string
	ImportCmd   string
}

func (s *Server) addressData(c web.C, r *http.Request, u *models.User) addressPageData {
	n := networkInfo(s.cfg.Params)
	d := addressPageData{Base: s.Base(c, r, "Voting address"), Net: n, PoolFees: s.cfg.PoolFees,
		APIToken: u.APIToken, APITokenExpiry: s.jwt.Expiry(u.APIToken), Submitted: u.UserPubKeyAddr != ""}
	if d.Submitted {
		d.Multisig, d.Script, d.FeeAddr, d.UserPubKey = u.MultiSigAddress, u.MultiSigScript, u.UserFeeAddr, u.UserPubKeyAddr
		d.PurchaseCmd = fmt.Sprintf("eacrctl %s--wallet purchaseticket \"default\" 100 1 %s 1 %s %s",
			n.CtlFlag, u.MultiSigAddress, u.UserFeeAddr, formatFee(s.cfg.PoolFees))
		d.ImportCmd = fmt.Sprintf("eacrctl %s--wallet importscript %s", n.CtlFlag, u.MultiSigScript)
	}
	return d
}

// formatFee prints a fee percentage without trailing zeros (7.5, 2, 0.25).
func formatFee(f float64) string {
	s := strings.TrimRight(fmt.Sprintf("%.2f", f), "0")
	return strings.TrimSuffix(s, ".")
}

// ensureToken gives u an API token if it has none (never had one, or it
// was revoked by a password or email change) or if it has expired.
func (s *Server) ensureToken(ctx context.Context, u *models.User) error {
	if u.APIToken != "" {
		exp := s.jwt.Expiry(u.APIToken)
		if exp.IsZero() || s.now().Before(exp) {
			return nil
		}
	}
	tok, err := s.jwt.Issue(u.ID)
	if err != nil {
		return err
	}
	if err := s.store.SetAPIToken(ctx, u.ID, tok); err != nil {
		return err
	}
	u.APIToken = tok
	return nil
}

// GET /address
func (s *Server) addressPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if err := s.ensureToken(r.Context(), u); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Render(w, "address", s.addressData(c, r, u))
}

// POST /address
func (s *Server) addressPost(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if err := parseForm(r); err != nil {
		return err
	}
	raw := r.PostForm.Get("UserPubKeyAddr")
	_, err := s.submitAddress(r.Context(), u, raw)
	if err == nil {
		return s.Redirect(c, w, r, "/tickets", "Your voting address is ready. Buy tickets with the "+
			"instructions on the address page.")
	}
	kind := system.KindOf(err)
	if kind == system.KindInternal {
		return err
	}
	if kind.Status() >= 500 {
		s.log.Errorf("user %d: address submission: %v", u.ID, err)
	}
	d := s.addressData(c, r, u)
	d.Input, d.Error = echoInput(raw, 100), system.PublicMessage(err)
	w.Header().Set("Cache-Control", "no-store")
	return s.templates.Render(w, kind.Status(), "address", d)
}

// echoInput is a rejected form value made fit to show back in the form:
// trimmed, invalid UTF-8 replaced (pages must stay valid UTF-8) and cut to
// max characters.
func echoInput(raw string, max int) string {
	s := strings.ToValidUTF8(strings.TrimSpace(raw), "\uFFFD")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// POST /address/token — a new API token; the old one stops working.
func (s *Server) regenerateToken(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	tok, err := s.jwt.Issue(u.ID)
	if err != nil {
		return err
	}
	if err := s.store.SetAPIToken(r.Context(), u.ID, tok); err != nil {
		return err
	}
	s.log.Infof("user %d: API token regenerated", u.ID)
	return s.Redirect(c, w, r, "/address", "A new API token was created; the old one no longer works.")
}
