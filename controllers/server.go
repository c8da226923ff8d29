package controllers

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/votebits"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"golang.org/x/crypto/bcrypt"
)

// Config holds every setting the web server reads.
type Config struct {
	BaseURL           string // scheme://host[:port], no trailing slash; email links and the API token issuer
	Params            *chaincfg.Params
	Designation       string
	Description       string
	PoolEmail         string
	PoolLink          string
	PoolFees          float64
	ClosePool         bool
	ClosePoolMsg      string
	MinPasswordLength int
	NoCaptcha         bool          // no captcha on forms (private pools, browser tests)
	BcryptCost        int           // bcrypt.DefaultCost in production
	VerifyTokenTTL    time.Duration // email verification links
	ResetTokenTTL     time.Duration // password reset and email change links
	Version           string
	APISecret         string // API token HMAC key
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

// Store is the database as the handlers use it (*models.Store).
type Store interface {
	system.SessionStore
	CreateUser(ctx context.Context, u *models.User) error
	UserByID(ctx context.Context, id int64) (*models.User, error)
	UserByEmail(ctx context.Context, email string) (*models.User, error)
	EmailInUse(ctx context.Context, email string) (bool, error)
	UpdateUser(ctx context.Context, u *models.User) error
	SetPassword(ctx context.Context, userID int64, hash string) error
	MarkEmailVerified(ctx context.Context, userID int64) error
	ChangeEmail(ctx context.Context, userID int64, email string) error
	DeleteUser(ctx context.Context, userID int64, now int64) error
	CreateToken(ctx context.Context, t *models.Token) error
	PeekToken(ctx context.Context, hash, purpose string, now int64) (*models.Token, error)
	ConsumeToken(ctx context.Context, hash, purpose string, now int64) (*models.Token, error)
	SetUserMultisig(ctx context.Context, userID int64, m models.MultisigInfo) error
	SetVotingPrefs(ctx context.Context, p poolapi.User) error
	SetAPIToken(ctx context.Context, userID int64, token string) error
	ResetStaleVoteBits(ctx context.Context, version uint32) (int64, error)
	PoolScripts(ctx context.Context) ([]poolapi.UserScript, error)
	PoolPrefs(ctx context.Context) ([]poolapi.User, error)
	LastPoolUser(ctx context.Context) (*models.User, error)
	CountUsers(ctx context.Context) (total, active int64, err error)
	ActiveLowFeeTickets(ctx context.Context, now int64) ([]models.LowFeeTicket, error)
	LowFeeTicketHistory(ctx context.Context, limit int) ([]models.LowFeeTicket, error)
	AddedLowFeeTickets(ctx context.Context) ([]models.LowFeeTicket, error)
	AddLowFeeTickets(ctx context.Context, ts []models.LowFeeTicket) (int, error)
	RemoveLowFeeTickets(ctx context.Context, hashes []string, userID, now int64) (int, error)
	Ping(ctx context.Context) error
}

// AddressDeriver derives address index of an extended public key's external
// branch (xpub/0/index) as a P2PKH address.
type AddressDeriver interface {
	Address(index uint32) (string, error)
}

// Backends is the stakepoold fan-out client (*stakepooldclient.Client).
type Backends interface {
	Start(ctx context.Context, src stakepooldclient.Source, require stakepooldclient.Version) error
	Watch(ctx context.Context, every time.Duration)
	CreateAddress(ctx context.Context, req stakepooldclient.AddressRequest) (stakepooldclient.AddressResult, error)
	StakeInfo(ctx context.Context) (stakepooldclient.StakeInfo, error)
	Agendas(ctx context.Context) (votebits.VoteInfo, error)
	UserTicketsFrom(ctx context.Context, multisigAddr string) (stakepooldclient.UserTickets, string, error)
	LowFeeTickets(ctx context.Context, includeEnded bool) ([]stakepooldclient.LowFeeTicket, error)
	PushUserPrefs(ctx context.Context, p stakepooldclient.VotingPrefs) error
	PushAllPrefs(ctx context.Context, prefs []stakepooldclient.VotingPrefs) error
	PushAddedLowFeeTickets(ctx context.Context, ts []stakepooldclient.Ticket) error
	Health() (ok bool, reason string)
	Statuses() []stakepooldclient.BackendStatus
	Halted() (string, time.Time)
	Recheck(ctx context.Context, p *stakepooldclient.Probe) error
	VoteVersion() uint32
	FeeAddressLimit() uint32
}

// Deps are the Server's dependencies.
type Deps struct {
	Store      Store
	Templates  *system.Templates
	Sessions   *system.Sessions
	Mailer     system.Mailer
	Captcha    *system.Captcha
	Static     fs.FS // the site's assets, served under /assets/ (system.StaticFiles)
	Admins     *system.AdminPolicy
	LoginLimit *system.RateLimiter // per client IP, login attempts
	EmailLimit *system.RateLimiter // per client IP, forms that send email
	Backends   Backends
	// PoolKeys derives pool keys from votingwalletextpub; FeeKeys derives
	// fee addresses from coldwalletextpub.
	PoolKeys AddressDeriver
	FeeKeys  AddressDeriver
	Log      slog.Logger      // nil: disabled
	Now      func() time.Time // nil: time.Now
}

// Server is the web front end of the stake pool: every page, form and API
// command is one of its methods, and Install (routes.go) registers them
// all.
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
type Server struct {
	cfg        Config
	store      Store
	templates  *system.Templates
	sessions   *system.Sessions
	mailer     system.Mailer
	captcha    *system.Captcha
	static     fs.FS
	admins     *system.AdminPolicy
	loginLimit *system.RateLimiter
	emailLimit *system.RateLimiter
	backends   Backends
	poolKeys   AddressDeriver
	feeKeys    AddressDeriver
	log        slog.Logger
	now        func() time.Time

	dummyHash []byte // compared against when an email is unknown, so timing does not tell
	stats     *statsCache
	agendas   *agendaCache
	metrics   *vspMetrics
	jwt       *apiTokens
	subsidy   *subsidy.Cache
	lastView  atomic.Pointer[statsView]
	tix       *ticketCache // users' ticket views per best block (vsp_ticketcache.go)
}

// New builds the Server from its config and dependencies.
func New(cfg Config, d Deps) (*Server, error) {
	switch {
	case cfg.Params == nil:
		return nil, errors.New("web server: no network parameters")
	case d.Store == nil || d.Templates == nil || d.Sessions == nil || d.Mailer == nil || d.Captcha == nil ||
		d.Static == nil || d.Admins == nil || d.LoginLimit == nil || d.EmailLimit == nil:
		return nil, errors.New("web server: store, templates, sessions, mailer, captcha, static files, admin policy and rate limiters are required")
	case d.Backends == nil || d.PoolKeys == nil || d.FeeKeys == nil:
		return nil, errors.New("web server: backends and key derivers are required")
	case cfg.APISecret == "":
		return nil, errors.New("web server: apisecret is required")
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.MaxVotedTickets <= 0 {
		cfg.MaxVotedTickets = 1000
	}
	if cfg.StatsTTL <= 0 {
		cfg.StatsTTL = 5 * time.Second
	}
	if cfg.RepairEvery <= 0 {
		cfg.RepairEvery = 10 * time.Second
	}
	if d.Log == nil {
		d.Log = slog.Disabled
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	h, err := bcrypt.GenerateFromPassword([]byte("not a real password"), cfg.BcryptCost)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: d.Store, templates: d.Templates, sessions: d.Sessions, mailer: d.Mailer,
		captcha: d.Captcha, static: d.Static, admins: d.Admins, loginLimit: d.LoginLimit, emailLimit: d.EmailLimit,
		backends: d.Backends, poolKeys: d.PoolKeys, feeKeys: d.FeeKeys, log: d.Log, now: d.Now, dummyHash: h}
	s.subsidy = subsidy.NewCache(cfg.Params)
	s.stats = newStatsCache(s.loadStats, cfg.StatsTTL, d.Now, s.backendTip)
	s.tix = newTicketCache(ticketCacheSettle, ticketCacheMaxAge, ticketCacheMaxTickets, d.Now)
	s.agendas = newAgendaCache(d.Backends, time.Minute, d.Now)
	s.metrics = newVSPMetrics(d.Backends)
	s.jwt = &apiTokens{secret: []byte(cfg.APISecret), issuer: cfg.BaseURL,
		lifetime: cfg.APITokenLifetime, now: d.Now}
	return s, nil
}

// Start runs the start-up sync with the backends (after resetting vote bits
// of an older vote version) and keeps repairing returning backends until
// ctx ends. An error means a backend's configuration does not match ours.
func (s *Server) Start(ctx context.Context) error {
	if err := s.backends.Start(ctx, s.Source(), stakepooldclient.MinAPIVersion); err != nil {
		return fmt.Errorf("stakepoold start-up checks: %w", err)
	}
	if vv := s.backends.VoteVersion(); vv != 0 {
		n, err := s.store.ResetStaleVoteBits(ctx, vv)
		if err != nil {
			return err
		}
		if n > 0 {
			s.log.Infof("vote version is now %d: reset the vote bits of %s to 1", vv, system.Plural(n, "user", "users"))
			// The backends got the old bits during Start; send the new ones.
			if err := s.pushAllPrefs(ctx); err != nil {
				s.log.Warnf("push reset preferences: %v", err)
			}
		}
	}
	if lim := s.backends.FeeAddressLimit(); lim > 0 {
		if u, err := s.store.LastPoolUser(ctx); err == nil && u.ID >= int64(lim)-int64(lim)/10 {
			s.log.Warnf("user ids reach %d of the %d fee addresses the stakepoolds derive: raise feeaddresses "+
				"on every stakepoold before new users run out", u.ID, lim)
		}
	}
	go s.backends.Watch(ctx, s.cfg.RepairEvery)
	return nil
}

// Source is the database view the backends are repaired from.
func (s *Server) Source() stakepooldclient.Source { return dbSource{s} }

type dbSource struct{ s *Server }

func (d dbSource) PoolUsers(ctx context.Context) ([]stakepooldclient.PoolUser, error) {
	// Only the columns a repair needs: at 100,000 users reading whole
	// rows (emails, password hashes, tokens) took several times longer.
	return d.s.store.PoolScripts(ctx)
}

func (d dbSource) Probe(ctx context.Context) (*stakepooldclient.Probe, error) {
	return d.s.keyProbe(ctx)
}

func (d dbSource) AddedLowFeeTickets(ctx context.Context) ([]stakepooldclient.Ticket, error) {
	return d.s.activeLowFee(ctx)
}

// keyProbe is the newest user with an address as stored, for checking that
// a backend derives the same keys; nil when there is none.
func (s *Server) keyProbe(ctx context.Context) (*stakepooldclient.Probe, error) {
	u, err := s.store.LastPoolUser(ctx)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	poolAddr, err := s.poolKeys.Address(uint32(u.ID))
	if err != nil {
		return nil, err
	}
	return &stakepooldclient.Probe{Index: uint32(u.ID), PoolAddress: poolAddr, PoolPubKeyAddr: u.PoolPubKeyAddr,
		UserPubKeyAddr: u.UserPubKeyAddr, RedeemScript: u.MultiSigScript, MultisigAddress: u.MultiSigAddress}, nil
}

func (s *Server) activeLowFee(ctx context.Context) ([]stakepooldclient.Ticket, error) {
	ts, err := s.store.ActiveLowFeeTickets(ctx, s.now().Unix())
	if err != nil {
		return nil, err
	}
	out := make([]stakepooldclient.Ticket, len(ts))
	for i, t := range ts {
		out[i] = stakepooldclient.Ticket{Hash: t.TicketHash, MultisigAddress: t.MultisigAddress}
	}
	return out, nil
}

func (s *Server) pushAllPrefs(ctx context.Context) error {
	prefs, err := s.store.PoolPrefs(ctx)
	if err != nil {
		return err
	}
	return s.backends.PushAllPrefs(ctx, prefs)
}
