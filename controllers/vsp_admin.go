package controllers

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// adminStatusData is the data of the admin status page.
type adminStatusData struct {
	Base
	Backends   []stakepooldclient.BackendStatus
	Healthy    bool
	Reason     string
	HaltReason string
	HaltAt     time.Time
	DBError    string
}

// GET /admin/status
func (s *Server) adminStatus(c web.C, w http.ResponseWriter, r *http.Request) error {
	d := adminStatusData{Base: s.Base(c, r, "Status"), Backends: s.backends.Statuses()}
	d.Healthy, d.Reason = s.backends.Health()
	d.HaltReason, d.HaltAt = s.backends.Halted()
	if err := s.store.Ping(r.Context()); err != nil {
		d.DBError = err.Error()
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Render(w, "admin/status", d)
}

// POST /admin/recheck — the operator says the wallets are fixed: check them
// against the newest stored address and lift the halt if they agree.
func (s *Server) adminRecheck(c web.C, w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	probe, err := s.keyProbe(ctx)
	if err != nil {
		return err
	}
	admin := system.CurrentUser(c)
	if err := s.backends.Recheck(ctx, probe); err != nil {
		s.log.Warnf("admin %d: re-check failed: %v", admin.ID, err)
		return s.Redirect(c, w, r, "/admin/status", "Re-check failed: "+err.Error())
	}
	s.log.Infof("admin %d: re-check passed, address creation resumed", admin.ID)
	return s.Redirect(c, w, r, "/admin/status", "Re-check passed: the wallets agree and address creation is on.")
}

// lowFeeRow is one ticket on the admin tickets page.
type lowFeeRow struct {
	Hash            string
	Short           string
	MultisigAddress string
	Link            string
	AddedBy         int64
	AddedAt         time.Time
	ExpiresAt       time.Time
	RemovedBy       int64
	RemovedAt       time.Time
	// State and MinedHeight of an ignored ticket; VotableUntil is when it
	// expires if never selected (estimated from the mined height).
	State        string
	MinedHeight  int64
	VotableUntil time.Time
}

// adminTicketsData is the data of the low-fee tickets page.
type adminTicketsData struct {
	Base
	Ignored      []lowFeeRow
	Added        []lowFeeRow
	History      []lowFeeRow
	BackendError string
}

func unixTime(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func (s *Server) lowFeeRow(t models.LowFeeTicket) lowFeeRow {
	row := newTicketRow(t.TicketHash, strings.TrimRight(s.cfg.ExplorerURL, "/"))
	return lowFeeRow{Hash: t.TicketHash, Short: row.Short, Link: row.Link, MultisigAddress: t.MultisigAddress,
		AddedBy: t.AddedBy, AddedAt: unixTime(t.AddedAt), ExpiresAt: unixTime(t.ExpiresAt),
		RemovedBy: t.RemovedBy, RemovedAt: unixTime(t.RemovedAt)}
}

// GET /admintickets
func (s *Server) adminTickets(c web.C, w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := adminTicketsData{Base: s.Base(c, r, "Low-fee tickets")}
	ign, err := s.backends.LowFeeTickets(ctx, false)
	if err != nil {
		d.BackendError = "The voting wallets do not answer, so the ignored tickets cannot be listed: " + err.Error()
	}
	tip := s.tipHeight(ctx)
	for _, t := range ign {
		row := s.lowFeeRow(models.LowFeeTicket{TicketHash: t.Hash, MultisigAddress: t.MultisigAddress})
		row.State, row.MinedHeight = stateWord(t.State), t.MinedHeight
		row.VotableUntil = s.expiresAt(t, tip, s.now())
		d.Ignored = append(d.Ignored, row)
	}
	act, err := s.store.ActiveLowFeeTickets(ctx, s.now().Unix())
	if err != nil {
		return err
	}
	for _, t := range act {
		d.Added = append(d.Added, s.lowFeeRow(t))
	}
	hist, err := s.store.LowFeeTicketHistory(ctx, 200)
	if err != nil {
		return err
	}
	for _, t := range hist {
		d.History = append(d.History, s.lowFeeRow(t))
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Render(w, "admin/tickets", d)
}

// parseTicketHashes validates the submitted ticket hashes (64 hex
// characters each, at most 1000).
func parseTicketHashes(vals []string) ([]string, error) {
	if len(vals) == 0 {
		return nil, system.E(system.KindInvalid, "Select at least one ticket.")
	}
	if len(vals) > 1000 {
		return nil, system.E(system.KindInvalid, "Select at most 1000 tickets at a time.")
	}
	seen := make(map[string]bool, len(vals))
	out := make([]string, 0, len(vals))
	for _, h := range vals {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, err := hex.DecodeString(h); err != nil || len(h) != 64 {
			show := h
			if len(show) > 70 {
				show = show[:70] + "..."
			}
			return nil, system.Ef(system.KindInvalid, "%q is not a ticket hash (64 hexadecimal characters).", show)
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// POST /admintickets: action=add|remove, tickets=<hash>...
func (s *Server) adminTicketsPost(c web.C, w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := parseForm(r); err != nil {
		return err
	}
	hashes, err := parseTicketHashes(r.PostForm["tickets"])
	if err != nil {
		return err
	}
	admin := system.CurrentUser(c)
	now := s.now()
	var msg string
	switch r.PostForm.Get("action") {
	case "add":
		ign, err := s.backends.LowFeeTickets(ctx, false)
		if err != nil {
			return system.Wrap(system.KindUnavailable, "The voting wallets do not answer; try again later.", err)
		}
		byHash := lowFeeByHash(ign)
		tip := s.tipHeight(ctx)
		var rows []models.LowFeeTicket
		var gone []string
		for _, h := range hashes {
			t, ok := byHash[h]
			if !ok {
				gone = append(gone, h[:16])
				continue
			}
			rows = append(rows, models.LowFeeTicket{TicketHash: h, MultisigAddress: t.MultisigAddress, AddedBy: admin.ID,
				AddedAt: now.Unix(), ExpiresAt: s.expiresAt(t, tip, now).Unix()})
		}
		n, err := s.store.AddLowFeeTickets(ctx, rows)
		if err != nil {
			return err
		}
		msg = "Added " + system.Plural(int64(n), "ticket", "tickets") + "."
		if len(gone) > 0 {
			verb := "are"
			if len(gone) == 1 {
				verb = "is"
			}
			msg += fmt.Sprintf(" %s %s no longer in the ignored list: %s.", system.Plural(int64(len(gone)), "ticket", "tickets"),
				verb, strings.Join(gone, ", "))
		}
	case "remove":
		n, err := s.store.RemoveLowFeeTickets(ctx, hashes, admin.ID, now.Unix())
		if err != nil {
			return err
		}
		msg = "Removed " + system.Plural(int64(n), "ticket", "tickets") + "."
	default:
		return system.E(system.KindInvalid, "Unknown action: choose add or remove.")
	}
	s.log.Infof("admin %d: low-fee tickets %s %v", admin.ID, r.PostForm.Get("action"), hashes)
	active, err := s.activeLowFee(ctx)
	if err != nil {
		return err
	}
	err = s.backends.PushAddedLowFeeTickets(ctx, active)
	s.tix.reset() // the wallets' ticket lists changed without a block
	if err != nil {
		s.log.Warnf("push low-fee tickets: %v", err)
		msg += " The voting wallets could not all be reached; they receive the list when they return."
	}
	return s.Redirect(c, w, r, "/admintickets", msg)
}
