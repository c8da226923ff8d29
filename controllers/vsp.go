package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
)

// VSPConfig holds the settings of the VSP pages.
type VSPConfig struct {
	Params    *chaincfg.Params
	PoolFees  float64
	BaseURL   string // JWT issuer
	APISecret string // JWT HMAC key
	// MaxVotedTickets caps the voted tickets listed on /tickets (default 1000).
	MaxVotedTickets int
	// ExplorerURL is a block explorer base URL; tickets link to
	// ExplorerURL + "/tx/" + hash. Empty: no links.
	ExplorerURL string
	// StatsTTL is the oldest the statistics may be (default 5s); they are
	// also refreshed as soon as the backends report a new block.
	StatsTTL time.Duration
	// Metrics serves Prometheus /metrics to clients in adminips.
	Metrics bool
	// RepairEvery is how often backends are checked and repaired (default 10s).
	RepairEvery time.Duration
	// APITokenLifetime is how long a new API token works (0: no expiry).
	APITokenLifetime time.Duration
}

// AddressDeriver derives address index of an extended public key's external
// branch (xpub/0/index) as a P2PKH address.
type AddressDeriver interface {
	Address(index uint32) (string, error)
}

// VSPStore is the database as the VSP pages use it (*models.Store).
type VSPStore interface {
	UserByID(ctx context.Context, id int64) (*models.User, error)
	SetUserMultisig(ctx context.Context, userID int64, m models.MultisigInfo) error
	SetVoteBits(ctx context.Context, userID int64, bits uint16, version uint32) error
	SetAPIToken(ctx context.Context, userID int64, token string) error
	ResetStaleVoteBits(ctx context.Context, version uint32) (int64, error)
	PoolUsers(ctx context.Context) ([]models.User, error)
	LastPoolUser(ctx context.Context) (*models.User, error)
	CountUsers(ctx context.Context) (total, active int64, err error)
	ActiveLowFeeTickets(ctx context.Context, now int64) ([]models.LowFeeTicket, error)
	LowFeeTicketHistory(ctx context.Context, limit int) ([]models.LowFeeTicket, error)
	AddedLowFeeTickets(ctx context.Context) ([]models.LowFeeTicket, error)
	AddLowFeeTickets(ctx context.Context, ts []models.LowFeeTicket) (int, error)
	RemoveLowFeeTickets(ctx context.Context, hashes []string, userID, now int64) (int, error)
	Ping(ctx context.Context) error
}

// Backends is the stakepoold fan-out client (*stakepooldclient.Client).
type Backends interface {
	Start(ctx context.Context, src stakepooldclient.Source, require stakepooldclient.Version) error
	Watch(ctx context.Context, every time.Duration)
	CreateAddress(ctx context.Context, req stakepooldclient.AddressRequest) (stakepooldclient.AddressResult, error)
	StakeInfo(ctx context.Context) (stakepooldclient.StakeInfo, error)
	Agendas(ctx context.Context) (stakepooldclient.Agendas, error)
	UserTickets(ctx context.Context, multisigAddr string) (stakepooldclient.UserTickets, error)
	IgnoredLowFeeTickets(ctx context.Context) ([]stakepooldclient.Ticket, error)
	PushUserPrefs(ctx context.Context, p stakepooldclient.VotingPrefs) error
	PushAllPrefs(ctx context.Context, prefs []stakepooldclient.VotingPrefs) error
	PushAddedLowFeeTickets(ctx context.Context, ts []stakepooldclient.Ticket) error
	Health() (ok bool, reason string)
	Statuses() []stakepooldclient.BackendStatus
	Halted() (string, time.Time)
	Halt(reason string)
	Recheck(ctx context.Context, p *stakepooldclient.Probe) error
	VoteVersion() uint32
	FeeAddressLimit() uint32
}

// VSPDeps are the VSP feature's dependencies.
type VSPDeps struct {
	Config   VSPConfig
	Store    VSPStore
	Backends Backends
	// PoolKeys derives pool keys from votingwalletextpub; FeeKeys derives
	// fee addresses from coldwalletextpub.
	PoolKeys AddressDeriver
	FeeKeys  AddressDeriver
	Log      slog.Logger
	Now      func() time.Time
}

// VSP is the stake pool feature: address, tickets, voting, stats, admin and
// API pages on top of the web core. Install registers its routes.
//
// The database is the source of truth for what the backends must hold:
// every user's multisig script and vote bits, and the admin-added low-fee
// tickets. Pages write the database first, then push to every stakepoold
// through Backends; a backend that misses a push is repaired from the
// database (Source) when it is reachable again. A user's voting address is
// the 1-of-2 multisig of the pool key votingwalletextpub/0/userID and the
// user's pubkey address; the fee address is coldwalletextpub/0/userID. When
// the backends disagree, or agree on a script that is not that multisig,
// address creation halts (see stakepooldclient) and /status answers 500.
type VSP struct {
	VSPDeps
	app      *Application
	stats    *statsCache
	agendas  *agendaCache
	metrics  *vspMetrics
	jwt      *apiTokens
	subsidy  *subsidy.Cache
	lastView atomic.Pointer[statsView]
}

// NewVSP builds the VSP feature.
func NewVSP(app *Application, d VSPDeps) (*VSP, error) {
	switch {
	case app == nil:
		return nil, errors.New("vsp: no application")
	case d.Config.Params == nil:
		return nil, errors.New("vsp: no network parameters")
	case d.Store == nil || d.Backends == nil || d.PoolKeys == nil || d.FeeKeys == nil:
		return nil, errors.New("vsp: store, backends and key derivers are required")
	case d.Config.APISecret == "":
		return nil, errors.New("vsp: apisecret is required")
	}
	if d.Config.MaxVotedTickets <= 0 {
		d.Config.MaxVotedTickets = 1000
	}
	if d.Config.StatsTTL <= 0 {
		d.Config.StatsTTL = 5 * time.Second
	}
	if d.Config.RepairEvery <= 0 {
		d.Config.RepairEvery = 10 * time.Second
	}
	if d.Log == nil {
		d.Log = slog.Disabled
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	v := &VSP{VSPDeps: d, app: app}
	v.subsidy = subsidy.NewCache(d.Config.Params)
	v.stats = newStatsCache(v.loadStats, d.Config.StatsTTL, d.Now, v.backendTip)
	v.agendas = newAgendaCache(d.Backends, time.Minute, d.Now)
	v.metrics = newVSPMetrics(d.Backends)
	v.jwt = &apiTokens{secret: []byte(d.Config.APISecret), issuer: d.Config.BaseURL,
		lifetime: d.Config.APITokenLifetime, now: d.Now}
	return v, nil
}

// Start runs the start-up sync with the backends (after resetting vote bits
// of an older vote version) and keeps repairing returning backends until
// ctx ends. An error means a backend's configuration does not match ours.
func (v *VSP) Start(ctx context.Context) error {
	if err := v.Backends.Start(ctx, v.Source(), stakepooldclient.APIVersion); err != nil {
		return fmt.Errorf("stakepoold start-up checks: %w", err)
	}
	if vv := v.Backends.VoteVersion(); vv != 0 {
		n, err := v.Store.ResetStaleVoteBits(ctx, vv)
		if err != nil {
			return err
		}
		if n > 0 {
			v.Log.Infof("vote version is now %d: reset the vote bits of %s to 1", vv, system.Plural(n, "user", "users"))
			// The backends got the old bits during Start; send the new ones.
			if err := v.pushAllPrefs(ctx); err != nil {
				v.Log.Warnf("push reset preferences: %v", err)
			}
		}
	}
	if lim := v.Backends.FeeAddressLimit(); lim > 0 {
		if u, err := v.Store.LastPoolUser(ctx); err == nil && u.ID >= int64(lim)-int64(lim)/10 {
			v.Log.Warnf("user ids reach %d of the %d fee addresses the stakepoolds derive: raise feeaddresses "+
				"on every stakepoold before new users run out", u.ID, lim)
		}
	}
	go v.Backends.Watch(ctx, v.Config.RepairEvery)
	return nil
}

// Source is the database view the backends are repaired from.
func (v *VSP) Source() stakepooldclient.Source { return vspSource{v} }

type vspSource struct{ v *VSP }

func (s vspSource) PoolUsers(ctx context.Context) ([]stakepooldclient.PoolUser, error) {
	us, err := s.v.Store.PoolUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]stakepooldclient.PoolUser, len(us))
	for i := range us {
		out[i] = stakepooldclient.PoolUser{Prefs: prefsOf(&us[i]), RedeemScript: us[i].MultiSigScript,
			HeightRegistered: us[i].HeightRegistered}
	}
	return out, nil
}

func (s vspSource) Probe(ctx context.Context) (*stakepooldclient.Probe, error) {
	return s.v.keyProbe(ctx)
}

// keyProbe is the newest user with an address as stored, for checking that
// a backend derives the same keys; nil when there is none.
func (v *VSP) keyProbe(ctx context.Context) (*stakepooldclient.Probe, error) {
	u, err := v.Store.LastPoolUser(ctx)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	poolAddr, err := v.PoolKeys.Address(uint32(u.ID))
	if err != nil {
		return nil, err
	}
	return &stakepooldclient.Probe{Index: uint32(u.ID), PoolAddress: poolAddr, PoolPubKeyAddr: u.PoolPubKeyAddr,
		UserPubKeyAddr: u.UserPubKeyAddr, RedeemScript: u.MultiSigScript, MultisigAddress: u.MultiSigAddress}, nil
}

func (s vspSource) AddedLowFeeTickets(ctx context.Context) ([]stakepooldclient.Ticket, error) {
	return s.v.activeLowFee(ctx)
}

func (v *VSP) activeLowFee(ctx context.Context) ([]stakepooldclient.Ticket, error) {
	ts, err := v.Store.ActiveLowFeeTickets(ctx, v.Now().Unix())
	if err != nil {
		return nil, err
	}
	out := make([]stakepooldclient.Ticket, len(ts))
	for i, t := range ts {
		out[i] = stakepooldclient.Ticket{Hash: t.TicketHash, MultisigAddress: t.MultisigAddress}
	}
	return out, nil
}

func prefsOf(u *models.User) stakepooldclient.VotingPrefs {
	return stakepooldclient.VotingPrefs{UserID: u.ID, MultisigAddress: u.MultiSigAddress,
		VoteBits: uint16(u.VoteBits), VoteBitsVersion: uint32(u.VoteBitsVersion)}
}

func (v *VSP) pushAllPrefs(ctx context.Context) error {
	us, err := v.Store.PoolUsers(ctx)
	if err != nil {
		return err
	}
	prefs := make([]stakepooldclient.VotingPrefs, len(us))
	for i := range us {
		prefs[i] = prefsOf(&us[i])
	}
	return v.Backends.PushAllPrefs(ctx, prefs)
}

// Install registers the VSP routes (implements Feature).
func (v *VSP) Install(rt *system.Router) {
	h := rt
	a := v.app
	h.Get("/", a.H(v.home))
	h.Get("/stats", a.H(v.statsPage))
	h.Get("/address", a.H(a.RequireLogin(v.addressPage)))
	h.Post("/address", a.H(a.RequireLogin(v.addressPost)))
	h.Post("/address/token", a.H(a.RequireLogin(v.regenerateToken)))
	h.Get("/tickets", a.H(a.RequireLogin(v.ticketsPage)))
	h.Get("/voting", a.H(a.RequireLogin(v.votingPage)))
	h.Post("/voting", a.H(a.RequireLogin(v.votingPost)))
	h.Get("/admin/status", a.H(a.RequireAdmin(v.adminStatus)))
	h.Post("/admin/recheck", a.H(a.RequireAdmin(v.adminRecheck)))
	h.Get("/admintickets", a.H(a.RequireAdmin(v.adminTickets)))
	h.Post("/admintickets", a.H(a.RequireAdmin(v.adminTicketsPost)))

	rt.RootGet("/status", v.status)
	if v.Config.Metrics {
		rt.RootGet("/metrics", v.metricsHandler())
	}
	rt.Root.Use(v.metrics.middleware)
	v.installAPI(rt)
}
