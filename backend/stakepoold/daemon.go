package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/decred/slog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/eacred/dcrstakepool/backend/stakepoold/chain"
	"github.com/eacred/dcrstakepool/backend/stakepoold/metrics"
	"github.com/eacred/dcrstakepool/backend/stakepoold/netrules"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpcserver"
	"github.com/eacred/dcrstakepool/backend/stakepoold/store"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// daemon is the running stakepoold: the two daemon connections, the pool
// core, the gRPC server and the optional metrics listener.
type daemon struct {
	cfg    *config
	logs   *logs
	log    slog.Logger
	pool   *pool.Pool
	node   *rpcclient.Client
	wallet *rpcclient.Client
	ctx    context.Context
	wg     sync.WaitGroup

	reorgMu    sync.Mutex
	reorgTimer *time.Timer // pending ticket reload after a reorganization
}

// run starts everything and blocks until ctx ends or a fatal error.
func run(ctx context.Context, cfg *config, lg *logs) error {
	d := &daemon{cfg: cfg, logs: lg, log: lg.get(subMain), ctx: ctx}
	log := d.log
	log.Infof("stakepoold %s starting on %s", daemonVersion, cfg.params.Name)

	st, err := store.New(cfg.DataDir)
	if err != nil {
		return err
	}
	st.SetLogger(lg.get(subPool))
	// A damaged state file stops the daemon at once, before anything
	// slow; the pool is given what was read (the files are read once).
	stored, err := st.Load()
	if err != nil {
		return fmt.Errorf("load stored state: %w", err)
	}
	log.Infof("Deriving %d fee addresses from the cold wallet key", cfg.FeeAddresses)
	feeAddrs, err := netrules.FeeAddresses(cfg.ColdWalletExtPub, cfg.FeeAddresses, cfg.params)
	if err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	m := metrics.New()

	d.node, err = rpcclient.New(rpcclient.Config{Host: cfg.EcrdHost, User: cfg.EcrdUser, Pass: cfg.EcrdPassword,
		CertFile: cfg.EcrdCert, Handlers: d.handlers(), Log: lg.get(subNode)})
	if err != nil {
		return fmt.Errorf("ecrd connection: %w", err)
	}
	defer d.node.Close()
	d.wallet, err = rpcclient.New(rpcclient.Config{Host: cfg.WalletHost, User: cfg.WalletUser,
		Pass: cfg.WalletPassword, CertFile: cfg.WalletCert, Log: lg.get(subWallet)})
	if err != nil {
		return fmt.Errorf("wallet connection: %w", err)
	}
	defer d.wallet.Close()

	d.pool, err = pool.New(pool.Config{
		Node: chain.Node{C: d.node}, Wallet: chain.Wallet{C: d.wallet},
		Inspector: netrules.NewInspector(cfg.params, feeAddrs, cfg.PoolFees),
		Addresses: netrules.Addresses{Params: cfg.params}, Store: st, Loaded: &stored, Metrics: m,
		Log: lg.get(subPool), Agendas: cfg.params, Network: cfg.params.Name,
		VoteTimeout: cfg.VoteTimeout, PrefsWait: cfg.PrefsWait, PrefsGrace: cfg.PrefsGrace,
	})
	if err != nil {
		return err
	}

	servers, err := d.startGRPC()
	if err != nil {
		return err
	}
	defer func() {
		for _, s := range servers {
			s.GracefulStop()
		}
	}()
	// Safety first: a wallet that votes by itself would double vote. The
	// pool does not vote before this check passes; the gRPC server is
	// already up so that Health can say what stakepoold is waiting for.
	log.Infof("Waiting for the wallet at %s", cfg.WalletHost)
	if err := d.wallet.WaitConnected(ctx); err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	wi, err := d.pool.CheckWallet(ctx)
	if err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	log.Infof("Wallet: vote version %d, default vote bits %#04x, unlocked %v", wi.VoteVersion, wi.VoteBits, wi.Unlocked)

	if cfg.MetricsListen != "" {
		srv := &http.Server{Addr: cfg.MetricsListen, Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
		lis, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		log.Infof("Prometheus metrics on http://%s/metrics", lis.Addr())
		go func() {
			if err := srv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Errorf("metrics server: %v", err)
			}
		}()
		defer func() { _ = srv.Close() }() // shutting down: the listener goes with the process
	}

	if cfg.Profile != "" {
		stop, err := startProfile(cfg.Profile, log)
		if err != nil {
			return err
		}
		defer stop()
	}

	log.Infof("Waiting for ecrd at %s", cfg.EcrdHost)
	if err := d.node.WaitConnected(ctx); err != nil {
		return fmt.Errorf("ecrd: %w", err)
	}
	if err := d.subscribe(ctx); err != nil {
		return err
	}
	// The tip's winners were announced before we subscribed: ask for them
	// again so the current block is voted at once (unknown winners are
	// looked up in the wallet while the ticket load runs).
	d.rebroadcastWinners(ctx, "start-up")
	d.resync(ctx)
	d.wg.Add(2)
	go d.supervise(d.node, "ecrd")
	go d.supervise(d.wallet, "wallet")
	log.Infof("stakepoold is running")
	<-ctx.Done()
	log.Infof("Shutting down")
	d.wg.Wait()
	return nil
}

func (d *daemon) subscribe(ctx context.Context) error {
	for _, sub := range []func(context.Context) error{d.node.NotifyBlocks, d.node.NotifyWinningTickets,
		d.node.NotifyNewTickets, d.node.NotifySpentAndMissedTickets} {
		if err := sub(ctx); err != nil {
			return fmt.Errorf("subscribe to ecrd notifications: %w", err)
		}
	}
	return nil
}

// resync re-checks the wallet and the node's rules and reloads the
// tickets, retrying every second or so until it succeeds or ctx ends.
func (d *daemon) resync(ctx context.Context) {
	for ctx.Err() == nil {
		_, err := d.pool.CheckWallet(ctx)
		if err == nil {
			if _, rerr := d.pool.CheckRules(ctx); rerr != nil {
				d.log.Warnf("Could not ask ecrd whether automatic revocations are active: %v", rerr)
			}
			_, err = d.pool.LoadTickets(ctx)
		}
		if err == nil {
			return
		}
		wait := retryDelay()
		if pool.KindOf(err) == pool.KindPrecondition {
			d.log.Criticalf("NOT VOTING: %v", err)
		} else {
			d.log.Warnf("Ticket sync failed (retrying in %v): %v", wait, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// retryDelay is the wait between re-sync attempts: about a second, with
// jitter, so a returning daemon is used within a second or two.
func retryDelay() time.Duration {
	return 800*time.Millisecond + rand.N(400*time.Millisecond)
}

// rebroadcastWinners asks ecrd to announce the current tip's winners
// again (to every subscriber): called whenever stakepoold may have missed
// them, at start-up and after ecrd or the wallet reconnects.
func (d *daemon) rebroadcastWinners(ctx context.Context, why string) {
	if d.node.State() != rpcclient.StateConnected {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, d.cfg.VoteTimeout)
	defer cancel()
	if err := d.node.RebroadcastWinners(rctx); err != nil {
		d.log.Warnf("ecrd rebroadcastwinners (%s): %v", why, err)
		return
	}
	d.log.Infof("Asked ecrd for the current tip's winners again (%s)", why)
}

// supervise watches one connection. After it comes back (the client has
// already re-registered the notifications) the tip's winners are asked
// for again, since they may have been announced while stakepoold could not
// vote them, and the tickets are re-synced, since notifications sent while
// it was down are lost.
func (d *daemon) supervise(c *rpcclient.Client, name string) {
	defer d.wg.Done()
	states, cancel := c.WatchState()
	defer cancel()
	up := true
	for {
		select {
		case <-d.ctx.Done():
			return
		case s := <-states:
			switch {
			case s == rpcclient.StateConnected && !up:
				up = true
				d.log.Infof("Reconnected to %s; voting the current tip and re-syncing tickets", name)
				if name == "wallet" {
					// The wallet's settings first: votes need them.
					if _, err := d.pool.CheckWallet(d.ctx); err != nil {
						d.log.Warnf("Wallet check after reconnecting: %v", err)
					}
				}
				d.rebroadcastWinners(d.ctx, name+" reconnected")
				d.resync(d.ctx)
			case s != rpcclient.StateConnected && up:
				up = false
				d.pool.MarkUnsynced()
				d.log.Warnf("Lost the connection to %s (%v); reconnecting", name, s)
			}
		}
	}
}

func (d *daemon) handlers() rpcclient.NotificationHandlers {
	return rpcclient.NotificationHandlers{
		OnWinningTickets: func(block chainhash.Hash, height int64, tickets []chainhash.Hash) {
			received := time.Now()
			ref := pool.BlockRef{Hash: block.String(), Height: height}
			go d.pool.ProcessWinningTickets(d.ctx, ref, hashStrings(tickets), received)
		},
		OnNewTickets: func(block chainhash.Hash, height, _ int64, tickets []chainhash.Hash) {
			ref := pool.BlockRef{Hash: block.String(), Height: height}
			go d.pool.HandleNewTickets(d.ctx, ref, hashStrings(tickets))
		},
		OnSpentAndMissedTickets: func(block chainhash.Hash, height, _ int64, spent, missed []chainhash.Hash) {
			m := make(map[string]string, len(spent)+len(missed))
			for _, h := range spent {
				m[h.String()] = "spent"
			}
			for _, h := range missed {
				m[h.String()] = "missed"
			}
			d.pool.HandleSpentAndMissed(pool.BlockRef{Hash: block.String(), Height: height}, m)
		},
		OnBlockConnected: func(header []byte, _ [][]byte) {
			h, err := wire.NewBlockHeaderFromBytes(header)
			if err != nil {
				return
			}
			ref := pool.BlockRef{Hash: h.BlockHash().String(), Height: int64(h.Height)}
			d.pool.BlockConnected(ref)
			// The pool's low-fee tickets mined in the block are listed
			// for the admin at once (not only when they mature).
			go d.pool.ExamineMinedTickets(d.ctx, ref)
		},
		OnBlockDisconnected: func(header []byte) {
			h, err := wire.NewBlockHeaderFromBytes(header)
			if err != nil {
				d.log.Warnf("Undecodable blockdisconnected header: %v", err)
				return
			}
			if !d.pool.HandleBlockDisconnected(pool.BlockRef{Hash: h.BlockHash().String(), Height: int64(h.Height)}) {
				d.reloadAfterReorg()
			}
		},
	}
}

// reorgReloadDelay is how long after the last disconnected block of a
// reorganization the tickets are reloaded from the wallet, giving the
// wallet time to follow the reorganization.
const reorgReloadDelay = 2 * time.Second

// reloadAfterReorg reloads the tickets from the wallet once a
// reorganization has settled; called when a disconnected block is one this
// process never saw connected, so it cannot tell which tickets it gave
// back. Winners are voted meanwhile (an unknown winner is looked up in the
// wallet), so this only corrects the live list.
func (d *daemon) reloadAfterReorg() {
	d.reorgMu.Lock()
	defer d.reorgMu.Unlock()
	if d.reorgTimer != nil {
		d.reorgTimer.Reset(reorgReloadDelay)
		return
	}
	d.reorgTimer = time.AfterFunc(reorgReloadDelay, func() {
		d.reorgMu.Lock()
		d.reorgTimer = nil
		d.reorgMu.Unlock()
		if d.ctx.Err() != nil {
			return
		}
		d.log.Infof("Reloading the tickets from the wallet after a reorganization")
		if _, err := d.pool.LoadTickets(d.ctx); err != nil {
			d.log.Warnf("Ticket reload after a reorganization: %v", err)
		}
	})
}

func hashStrings(hs []chainhash.Hash) []string {
	out := make([]string, len(hs))
	for i := range hs {
		out[i] = hs[i].String()
	}
	return out
}

// startGRPC serves the API on every rpclisten address with TLS, creating a
// self-signed certificate pair first if the key is missing.
func (d *daemon) startGRPC() ([]*grpc.Server, error) {
	cfg := d.cfg
	if _, err := os.Stat(cfg.RPCKey); errors.Is(err, os.ErrNotExist) {
		d.log.Infof("Generating a TLS certificate pair %s, %s", cfg.RPCCert, cfg.RPCKey)
		if err := rpcserver.GenerateCertPair(cfg.RPCCert, cfg.RPCKey, "stakepoold autogenerated cert", nil); err != nil {
			return nil, fmt.Errorf("generate gRPC certificate: %w", err)
		}
	}
	tlsCfg, err := rpcserver.TLSConfig(cfg.RPCCert, cfg.RPCKey, cfg.ClientCAFile)
	if err != nil {
		return nil, err
	}
	svc := rpcserver.New(rpcserver.Config{Pool: d.pool, DaemonVersion: daemonVersion, ColdXPub: cfg.ColdWalletExtPub,
		Network: cfg.params.Name, PoolFees: cfg.PoolFees, FeeAddrCount: cfg.FeeAddresses, Log: d.logs.get(subGRPC)})
	var servers []*grpc.Server
	for _, addr := range cfg.RPCListen {
		lis, err := net.Listen("tcp", addr)
		if err != nil {
			for _, s := range servers {
				s.Stop()
			}
			return nil, fmt.Errorf("gRPC listener %s: %w", addr, err)
		}
		g := rpcserver.NewGRPCServer(svc, grpc.Creds(credentials.NewTLS(tlsCfg)))
		d.log.Infof("gRPC server listening on %s (client certificates required: %v)", lis.Addr(), cfg.ClientCAFile != "")
		go func() {
			if err := g.Serve(lis); err != nil {
				d.logs.get(subGRPC).Errorf("gRPC server %s: %v", lis.Addr(), err)
			}
		}()
		servers = append(servers, g)
	}
	return servers, nil
}
