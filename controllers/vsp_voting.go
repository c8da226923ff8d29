package controllers

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// defaultVoteBits votes "previous block valid" and abstains on every agenda.
const defaultVoteBits uint16 = 1

// validateVoteBits checks bits against the agendas of a vote version with
// eacred/votebits, the one rule stakepoold applies too: bit 0 (previous
// block valid) must be set, each agenda's masked bits must be one of its
// choices (or abstain), and no other bit may be set. The error says what is
// wrong.
func validateVoteBits(bits uint16, agendas []chaincfg.Agenda) error {
	return votebits.Validate(bits, agendas)
}

// choiceOf returns the id of the choice bits select for agenda a ("" for
// abstain or when none matches).
func choiceOf(bits uint16, a chaincfg.Agenda) string {
	got := bits & a.Mask
	if got == 0 {
		return ""
	}
	for _, c := range a.Choices {
		if c.Bits == got {
			return c.ID
		}
	}
	return ""
}

// agendaSource is what the agenda cache needs from the backends.
type agendaSource interface {
	Agendas(ctx context.Context) (votebits.VoteInfo, error)
}

// agendaCache keeps the backends' agendas for a while.
type agendaCache struct {
	b   agendaSource
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	val votebits.VoteInfo
	at  time.Time
}

func newAgendaCache(b agendaSource, ttl time.Duration, now func() time.Time) *agendaCache {
	return &agendaCache{b: b, ttl: ttl, now: now}
}

// Get returns the cached agendas, refreshing them when stale; when the
// backends do not answer, the last good copy is used if there is one.
func (ac *agendaCache) Get(ctx context.Context) (votebits.VoteInfo, error) {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if !ac.at.IsZero() && ac.now().Sub(ac.at) < ac.ttl {
		return ac.val, nil
	}
	v, err := ac.b.Agendas(ctx)
	if err != nil {
		if !ac.at.IsZero() {
			return ac.val, nil
		}
		return v, err
	}
	ac.val, ac.at = v, ac.now()
	return v, nil
}

// votingAgenda is one agenda on the voting page: what the page shows of a
// chaincfg.Agenda, as fields of its own (a template finds those at once,
// while a field of an embedded struct is searched for on every use).
type votingAgenda struct {
	ID          string
	Description string
	Choices     []chaincfg.Choice
	Status      string // deployment status as the node reports it ("" if unknown)
	Selected    string // choice id currently chosen
}

// votingPageData is the data of the voting page.
type votingPageData struct {
	Base
	VoteVersion uint32
	Agendas     []votingAgenda
	VoteBits    uint16
	Error       string
}

// userBits returns the user's vote bits for vote version vv: their stored
// bits if saved for that version and still valid, else the default.
func userBits(bits int64, version int64, ag votebits.VoteInfo) uint16 {
	if version != int64(ag.VoteVersion) || bits < 0 || bits > 0xffff {
		return defaultVoteBits
	}
	b := uint16(bits)
	if validateVoteBits(b, ag.Agendas) != nil {
		return defaultVoteBits
	}
	return b
}

func (s *Server) votingData(c web.C, r *http.Request, ag votebits.VoteInfo, bits uint16) votingPageData {
	d := votingPageData{Base: s.Base(c, r, "Voting preferences"), VoteVersion: ag.VoteVersion, VoteBits: bits}
	for _, a := range ag.Agendas {
		d.Agendas = append(d.Agendas, votingAgenda{ID: a.ID, Description: a.Description, Choices: a.Choices,
			Status: ag.Status[a.ID], Selected: choiceOf(bits, a)})
	}
	return d
}

// GET /voting
func (s *Server) votingPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if !u.HasMultiSig() {
		http.Redirect(w, r, "/address", http.StatusSeeOther)
		return nil
	}
	ag, err := s.agendas.Get(r.Context())
	if err != nil {
		return system.Wrap(system.KindUnavailable, "The agendas cannot be loaded right now because the voting "+
			"wallets do not answer. Please try again in a few minutes.", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.Render(w, "voting", s.votingData(c, r, ag, userBits(u.VoteBits, u.VoteBitsVersion, ag)))
}

// POST /voting: one field per agenda, "agenda_<id>" = choice id.
func (s *Server) votingPost(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if !u.HasMultiSig() {
		return system.E(system.KindInvalid, "Submit a voting address first.")
	}
	ag, err := s.agendas.Get(r.Context())
	if err != nil {
		return system.Wrap(system.KindUnavailable, "The agendas cannot be loaded right now. Please try again later.", err)
	}
	if err := parseForm(r); err != nil {
		return err
	}
	bits := defaultVoteBits
	for _, a := range ag.Agendas {
		id := r.PostForm.Get("agenda_" + a.ID)
		if id == "" {
			continue // abstain
		}
		found := false
		for _, ch := range a.Choices {
			if ch.ID == id {
				bits |= ch.Bits
				found = true
				break
			}
		}
		if !found {
			return system.Ef(system.KindInvalid, "%q is not a choice of agenda %q.", echoInput(id, 40), a.ID)
		}
	}
	if err := validateVoteBits(bits, ag.Agendas); err != nil {
		return system.Wrap(system.KindInvalid, "Those choices do not make a valid vote: "+err.Error(), err)
	}
	if err := s.saveVoteBits(r.Context(), u, bits, ag.VoteVersion); err != nil {
		return err
	}
	return s.Redirect(c, w, r, "/voting", "Your voting preferences are saved and sent to the voting wallets.")
}

// saveVoteBits stores a user's vote bits and pushes them to every backend.
// The database is the source of truth: a backend that misses the push gets
// it when it is repaired.
func (s *Server) saveVoteBits(ctx context.Context, u *models.User, bits uint16, version uint32) error {
	p := u.Prefs()
	p.VoteBits, p.VoteBitsVersion = bits, version
	if err := s.store.SetVotingPrefs(ctx, p); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := s.backends.PushUserPrefs(ctx, u.Prefs()); err != nil {
		s.log.Warnf("user %d: push voting preferences: %v (backends get them when repaired)", u.ID, err)
	}
	return nil
}
