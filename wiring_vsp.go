package main

import (
	"context"
	"fmt"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/models"
)

// networkParams maps the configured network to its chain parameters.
func networkParams(network string) (*chaincfg.Params, error) {
	switch network {
	case "mainnet":
		return chaincfg.MainNetParams(), nil
	case "testnet3":
		return chaincfg.TestNet3Params(), nil
	case "simnet":
		return chaincfg.SimNetParams(), nil
	}
	return nil, fmt.Errorf("unknown network %q", network)
}

// dialFunc connects to one stakepoold (stakepooldclient.Dial; tests
// substitute fakes).
type dialFunc func(stakepooldclient.DialConfig) (stakepooldclient.Backend, error)

// vspFeatures builds the VSP feature (address, tickets, voting, stats,
// admin, API and /status pages over the stakepoold fan-out client), runs
// its start-up sync with the backends and returns it with a function that
// closes the backend connections.
func vspFeatures(ctx context.Context, cfg *config, app *controllers.Application, store *models.Store,
	logs *logging, dial dialFunc) ([]controllers.Feature, func(), error) {
	params, err := networkParams(cfg.network)
	if err != nil {
		return nil, nil, err
	}
	poolKeys, err := controllers.NewXpubDeriver(cfg.VotingWalletExtPub, params)
	if err != nil {
		return nil, nil, fmt.Errorf("votingwalletextpub: %w", err)
	}
	feeKeys, err := controllers.NewXpubDeriver(cfg.ColdWalletExtPub, params)
	if err != nil {
		return nil, nil, fmt.Errorf("coldwalletextpub: %w", err)
	}
	grpcLog := logs.Logger(subBackend)
	backends := make([]stakepooldclient.Backend, 0, len(cfg.StakepooldHosts))
	closeAll := func() {
		for _, b := range backends {
			b.Close()
		}
	}
	for i, host := range cfg.StakepooldHosts {
		b, err := dial(stakepooldclient.DialConfig{Host: host, CertFile: cfg.StakepooldCerts[i],
			ClientCertFile: cfg.StakepooldClientCert, ClientKeyFile: cfg.StakepooldClientKey})
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("stakepooldhosts/stakepooldcerts: %w", err)
		}
		backends = append(backends, b)
	}
	client, err := stakepooldclient.New(backends, stakepooldclient.Options{
		ColdWalletExtPub: cfg.ColdWalletExtPub, Network: params.Name, PoolFees: cfg.PoolFees, Log: grpcLog,
		Prefs: func(ctx context.Context) ([]stakepooldclient.VotingPrefs, error) {
			ps, err := store.PoolPrefs(ctx)
			if err != nil {
				return nil, err
			}
			out := make([]stakepooldclient.VotingPrefs, len(ps))
			for i, p := range ps {
				out[i] = stakepooldclient.VotingPrefs{UserID: p.UserID, MultisigAddress: p.MultisigAddress,
					VoteBits: uint16(p.VoteBits), VoteBitsVersion: uint32(p.VoteBitsVersion)}
			}
			return out, nil
		},
	})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closeClient := func() { client.Close() }
	vsp, err := controllers.NewVSP(app, controllers.VSPDeps{
		Config: controllers.VSPConfig{
			Params: params, PoolFees: cfg.PoolFees, BaseURL: cfg.BaseURL, APISecret: cfg.APISecret,
			MaxVotedTickets: cfg.MaxVotedTickets, ExplorerURL: cfg.ExplorerURL, Metrics: cfg.Metrics,
			APITokenLifetime: cfg.APITokenLifetime,
			RepairEvery:      cfg.BackendPoll,
		},
		Store: store, Backends: client, PoolKeys: poolKeys, FeeKeys: feeKeys, Log: logs.Logger(subControllers),
	})
	if err != nil {
		closeClient()
		return nil, nil, err
	}
	if err := vsp.Start(ctx); err != nil {
		closeClient()
		return nil, nil, err
	}
	return []controllers.Feature{vsp}, closeClient, nil
}
