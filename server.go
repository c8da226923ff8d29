package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/public"
	"github.com/eacred/dcrstakepool/system"
	"github.com/eacred/dcrstakepool/views"
	"github.com/go-sql-driver/mysql"
)

// server is the wired application: every long-lived dependency, built in
// one place from the config.
type server struct {
	cfg       *config
	logs      *logging
	store     *models.Store
	templates *system.Templates
	sessions  *system.Sessions
	mailer    *system.AsyncMailer
	web       *controllers.Server
	handler   http.Handler
	closers   []func() // run in reverse order by close
}

// newServer connects to the database and to every stakepoold (through
// dial), loads templates, runs the start-up sync with the backends and
// builds the handler.
func newServer(ctx context.Context, cfg *config, logs *logging, dial dialFunc) (*server, error) {
	log := logs.Logger(subMain)
	s := &server{cfg: cfg, logs: logs}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()

	engine, dsn, err := cfg.database()
	if err != nil {
		return nil, err
	}
	s.store, err = models.Open(ctx, engine, dsn, models.WithQueryTimeout(cfg.DBTimeout))
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() {
		if err := s.store.Close(); err != nil {
			log.Warnf("close database: %v", err)
		}
	})
	v, _ := s.store.SchemaVersion(ctx)
	log.Infof("database: %s, schema version %d", engine, v)

	sysLog := logs.Logger(subSystem)
	s.templates, err = system.LoadTemplates(cfg.TemplatePath, views.FS, controllers.TemplateFuncs(), sysLog)
	if err != nil {
		return nil, err
	}

	var mailer system.Mailer = system.LogMailer{Log: sysLog}
	if cfg.SMTPHost != "" {
		if cfg.SMTPCert != "" && cfg.SMTPSkipVerify {
			log.Warnf("smtpskipverify is ignored because smtpcert is set")
		}
		m, err := system.NewSMTPMailer(system.SMTPConfig{Host: cfg.SMTPHost, From: cfg.SMTPFrom,
			Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, ImplicitTLS: cfg.UseSMTPS,
			CertFile: cfg.SMTPCert, SkipVerify: cfg.SMTPSkipVerify})
		if err != nil {
			return nil, err
		}
		mailer = m
	} else {
		log.Warnf("smtphost is not set: emails are written to the log instead of being sent")
	}
	s.mailer = system.NewAsyncMailer(mailer, sysLog, 1000)
	s.closers = append(s.closers, s.mailer.Close)

	s.sessions = system.NewSessions(s.store, cfg.CookieSecret, cfg.SessionMaxAge, cfg.CookieSecure, sysLog)
	admins, err := system.NewAdminPolicy(cfg.AdminIPs, cfg.AdminUserIDs)
	if err != nil {
		return nil, err
	}
	if len(cfg.AdminIPs) == 0 || len(cfg.AdminUserIDs) == 0 {
		log.Warnf("adminips or adminuserids is empty: nobody can open the admin pages")
	}
	ipres, err := system.NewIPResolver(cfg.RealIPHeader, cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	captcha := system.NewCaptcha()
	if cfg.NoCaptcha {
		log.Warnf("nocaptcha is set: forms have no captcha (do not run a public pool like this)")
	}

	params, err := chaincfg.ByName(cfg.network)
	if err != nil {
		return nil, err
	}
	poolKeys, err := hdkeychain.ParsePublicBranch(cfg.VotingWalletExtPub, hdkeychain.ExternalBranch, params)
	if err != nil {
		return nil, fmt.Errorf("votingwalletextpub: %w", err)
	}
	feeKeys, err := hdkeychain.ParsePublicBranch(cfg.ColdWalletExtPub, hdkeychain.ExternalBranch, params)
	if err != nil {
		return nil, fmt.Errorf("coldwalletextpub: %w", err)
	}
	backends, err := dialBackends(cfg, params, s.store, logs, dial)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() {
		if err := backends.Close(); err != nil {
			log.Warnf("close stakepoold connections: %v", err)
		}
	})

	s.web, err = controllers.New(controllers.Config{
		BaseURL: cfg.BaseURL, Params: params, Designation: cfg.Designation,
		Description: cfg.Description, PoolEmail: cfg.PoolEmail, PoolLink: cfg.PoolLink,
		PoolFees: cfg.PoolFees, ClosePool: cfg.ClosePool, ClosePoolMsg: cfg.ClosePoolMsg,
		MinPasswordLength: cfg.MinPasswordLength, NoCaptcha: cfg.NoCaptcha, VerifyTokenTTL: 48 * time.Hour,
		ResetTokenTTL: time.Hour, Version: version, APISecret: cfg.APISecret,
		MaxVotedTickets: cfg.MaxVotedTickets, ExplorerURL: cfg.ExplorerURL, Metrics: cfg.Metrics,
		APITokenLifetime: cfg.APITokenLifetime, RepairEvery: cfg.BackendPoll,
	}, controllers.Deps{
		Store: s.store, Templates: s.templates, Sessions: s.sessions, Mailer: s.mailer,
		Captcha: captcha, Static: system.StaticFiles(cfg.PublicPath, public.FS, sysLog), Admins: admins,
		LoginLimit: system.NewRateLimiter(6*time.Second, 10), // 10 at once, then 10 a minute
		EmailLimit: system.NewRateLimiter(time.Minute, 5),    // 5 at once, then 1 a minute
		Backends:   backends, PoolKeys: poolKeys, FeeKeys: feeKeys,
		Log: logs.Logger(subControllers),
	})
	if err != nil {
		return nil, err
	}
	// The start-up sync with the backends, then their repair loop.
	if err := s.web.Start(ctx); err != nil {
		return nil, err
	}

	csrfKey := sha256.Sum256([]byte("dcrstakepool csrf key\x00" + cfg.APISecret))
	rt := system.NewRouter(system.RouterConfig{
		Log: sysLog, IP: ipres, MaxBodyBytes: cfg.MaxBodyBytes, CSRFKey: csrfKey[:],
		Secure: cfg.CookieSecure, BaseURL: cfg.BaseURL, Sessions: s.sessions, OnError: s.web.RenderError,
	})
	s.sessions.OnError(s.web.RenderError)
	s.web.Install(rt)
	s.handler = requestDeadline(rt.Handler(), requestTimeout(cfg.DBTimeout))
	ok = true
	return s, nil
}

// requestTimeout is the deadline of one request: room for a few database
// queries at their bound and for the backends' calls, and well inside the
// server's WriteTimeout.
func requestTimeout(db time.Duration) time.Duration {
	return min(max(30*time.Second, 3*db), 50*time.Second)
}

// requestDeadline gives every request a deadline: a database or backend
// that hangs makes the request fail (503) instead of holding it, and its
// connection, for as long as the hang lasts.
func requestDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// database returns the engine and DSN the config asks for.
func (c *config) database() (models.Engine, string, error) {
	if c.DBType == "sqlite" {
		if err := os.MkdirAll(filepath.Dir(c.DBPath), 0o700); err != nil {
			return "", "", fmt.Errorf("create database folder: %w", err)
		}
		return models.SQLite, c.DBPath, nil
	}
	mc := mysql.NewConfig()
	mc.User, mc.Passwd, mc.DBName = c.DBUser, c.DBPassword, c.DBName
	if filepath.IsAbs(c.DBHost) {
		mc.Net, mc.Addr = "unix", c.DBHost
	} else {
		mc.Net, mc.Addr = "tcp", net.JoinHostPort(c.DBHost, c.DBPort)
	}
	mc.Params = map[string]string{"charset": "utf8mb4"}
	// Arguments are escaped by the driver (safe with utf8mb4): a query is
	// one round trip instead of prepare, execute and close, and the server
	// parses it once.
	mc.InterpolateParams = true
	// A killed server refuses at once; a frozen one (or a dead network)
	// would otherwise hold a connection read or write for as long as TCP
	// retries. Every query is also bounded by dbtimeout through its
	// context (models.WithQueryTimeout).
	mc.Timeout = min(c.DBTimeout, 10*time.Second)
	mc.ReadTimeout, mc.WriteTimeout = c.DBTimeout, c.DBTimeout
	return models.MySQL, mc.FormatDSN(), nil
}

// run serves until ctx ends, then shuts down gracefully.
func (s *server) run(ctx context.Context) error {
	log := s.logs.Logger(subMain)
	if s.cfg.listenNet == "unix" {
		os.Remove(s.cfg.Listen) // a stale socket from a crash
	}
	ln, err := net.Listen(s.cfg.listenNet, s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return s.serve(ctx, ln, log)
}

func (s *server) serve(ctx context.Context, ln net.Listener, log interface{ Infof(string, ...any) }) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.sessions.RunCleanup(ctx, 10*time.Minute)
	go s.cleanTokens(ctx, time.Hour)

	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-usr1:
				_ = s.templates.Reload() // logs its own outcome
			}
		}
	}()

	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Infof("listening on %s (%s)", ln.Addr(), s.cfg.BaseURL)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Infof("shutting down: finishing requests in flight")
	sctx, scancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// cleanTokens deletes expired email-link tokens every interval until ctx ends.
func (s *server) cleanTokens(ctx context.Context, every time.Duration) {
	log := s.logs.Logger(subModels)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.store.DeleteExpiredTokens(ctx, time.Now().Unix()); err != nil && ctx.Err() == nil {
			log.Errorf("token cleanup: %v", err)
		} else if n > 0 {
			log.Debugf("removed %d expired tokens", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// close releases everything newServer acquired, newest first.
func (s *server) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// dialFunc connects to one stakepoold (stakepooldclient.Dial; tests
// substitute fakes).
type dialFunc func(stakepooldclient.DialConfig) (stakepooldclient.Backend, error)

// dialBackends connects to every stakepoold and returns the fan-out client
// over them; its voting preferences come from the database.
func dialBackends(cfg *config, params *chaincfg.Params, store *models.Store, logs *logging,
	dial dialFunc) (*stakepooldclient.Client, error) {
	backends := make([]stakepooldclient.Backend, 0, len(cfg.StakepooldHosts))
	closeAll := func() {
		for _, b := range backends {
			if err := b.Close(); err != nil {
				logs.Logger(subBackend).Warnf("close stakepoold connection: %v", err)
			}
		}
	}
	for i, host := range cfg.StakepooldHosts {
		b, err := dial(stakepooldclient.DialConfig{Host: host, CertFile: cfg.StakepooldCerts[i],
			ClientCertFile: cfg.StakepooldClientCert, ClientKeyFile: cfg.StakepooldClientKey})
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("stakepooldhosts/stakepooldcerts: %w", err)
		}
		backends = append(backends, b)
	}
	client, err := stakepooldclient.New(backends, stakepooldclient.Options{
		ColdWalletExtPub: cfg.ColdWalletExtPub, Network: params.Name, PoolFees: cfg.PoolFees,
		Log:   logs.Logger(subBackend),
		Prefs: store.PoolPrefs,
	})
	if err != nil {
		closeAll()
		return nil, err
	}
	return client, nil
}
