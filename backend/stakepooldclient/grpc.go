package stakepooldclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/pbconv"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// APIVersion is the stakepoold API version this client speaks.
var APIVersion = Version{Major: pb.APIMajor, Minor: pb.APIMinor, Patch: pb.APIPatch}

// MinAPIVersion is the oldest stakepoold API this client works with, what
// the front end passes to Start (which refuses servers with another major
// or an older minor). A 1.3 server's user tickets carry no wallet best
// block (UserTickets.TipHash ""); everything else is the same.
var MinAPIVersion = Version{Major: 1, Minor: 3}

// DialConfig says how to reach one stakepoold.
type DialConfig struct {
	// Host is host:port.
	Host string
	// CertFile is the stakepoold's TLS certificate (rpc.cert), trusted as
	// the only root.
	CertFile string
	// ServerName is the name checked in the certificate (default
	// "localhost", what stakepoold's generated certificate carries).
	ServerName string
	// ClientCertFile and ClientKeyFile are an optional client certificate
	// for stakepoolds that require one.
	ClientCertFile, ClientKeyFile string
	// Dialer replaces the network dialer (tests dial over bufconn).
	Dialer func(ctx context.Context, addr string) (net.Conn, error)
}

// MaxMessageSize bounds one gRPC message either way; it matches
// stakepoold's own limit (rpcserver.MaxMessageSize).
const MaxMessageSize = 64 << 20

// Dial returns the gRPC Backend for one stakepoold. The connection is made
// lazily; a backend that is down now is reported by its calls, not here.
// Errors are configuration errors (unreadable certificate, bad host).
func Dial(cfg DialConfig) (Backend, error) {
	pem, err := os.ReadFile(cfg.CertFile)
	if err != nil {
		return nil, fmt.Errorf("stakepoold %s: read certificate: %w", cfg.Host, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("stakepoold %s: %s holds no PEM certificate", cfg.Host, cfg.CertFile)
	}
	tc := &tls.Config{RootCAs: pool, ServerName: cfg.ServerName, MinVersion: tls.VersionTLS12}
	if tc.ServerName == "" {
		tc.ServerName = "localhost"
	}
	if cfg.ClientCertFile != "" || cfg.ClientKeyFile != "" {
		kp, err := tls.LoadX509KeyPair(cfg.ClientCertFile, cfg.ClientKeyFile)
		if err != nil {
			return nil, fmt.Errorf("stakepoold %s: client certificate: %w", cfg.Host, err)
		}
		tc.Certificates = []tls.Certificate{kp}
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(credentials.NewTLS(tc)),
		// At 100,000 users and 40,960 tickets answers (the wallet's
		// scripts, the live tickets, one big user's tickets) and pushes
		// pass gRPC's default 4 MiB; stakepoold accepts up to 64 MiB.
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageSize), grpc.MaxCallSendMsgSize(MaxMessageSize)),
		// A restarted stakepoold must be reached again within about a
		// second, not after gRPC's default backoff of up to two minutes.
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
			MinConnectTimeout: 2 * time.Second,
		}),
	}
	target := cfg.Host
	if cfg.Dialer != nil {
		opts = append(opts, grpc.WithContextDialer(cfg.Dialer))
		target = "passthrough:///" + cfg.Host
	}
	conn, err := grpc.NewClient(target, opts...)
	if err != nil {
		return nil, fmt.Errorf("stakepoold %s: %w", cfg.Host, err)
	}
	return NewGRPCBackend(cfg.Host, conn), nil
}

// NewGRPCBackend wraps an existing connection (tests use bufconn).
func NewGRPCBackend(name string, conn *grpc.ClientConn) Backend {
	return &grpcBackend{name: name, conn: conn, c: pb.NewStakepooldClient(conn)}
}

type grpcBackend struct {
	name string
	conn *grpc.ClientConn
	c    pb.StakepooldClient
}

// grpcErr maps a gRPC status to the Backend error kinds: the codes that mean
// "your request is wrong" are rejections, everything else means the backend
// could not do the work.
func grpcErr(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("%w: %v", ErrBackendDown, err)
	}
	switch st.Code() {
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.OutOfRange:
		return fmt.Errorf("%w: %s", ErrBackendRejected, st.Message())
	}
	return fmt.Errorf("%w: %s: %s", ErrBackendDown, st.Code(), st.Message())
}

func (g *grpcBackend) Name() string      { return g.name }
func (g *grpcBackend) ConnState() string { return g.conn.GetState().String() }
func (g *grpcBackend) Close() error      { return g.conn.Close() }

// watchConn implements connWatcher: notify runs after every connectivity
// change. An idle connection (gRPC drops to Idle when the server goes
// away) is asked to reconnect at once, so a returning server is noticed
// without waiting for the next call.
func (g *grpcBackend) watchConn(ctx context.Context, notify func(state string)) {
	for {
		st := g.conn.GetState()
		if st == connectivity.Idle {
			g.conn.Connect()
		}
		if st == connectivity.Shutdown || !g.conn.WaitForStateChange(ctx, st) {
			return
		}
		notify(g.conn.GetState().String())
	}
}

func (g *grpcBackend) Version(ctx context.Context) (Version, error) {
	r, err := g.c.Version(ctx, &pb.VersionRequest{})
	if err != nil {
		return Version{}, grpcErr(err)
	}
	text := r.GetVersionString()
	if d := r.GetDaemonVersion(); d != "" {
		text += " (stakepoold " + d + ")"
	}
	return Version{Major: r.GetMajor(), Minor: r.GetMinor(), Patch: r.GetPatch(), Text: text}, nil
}

func (g *grpcBackend) Health(ctx context.Context) (Health, error) {
	r, err := g.c.Health(ctx, &pb.HealthRequest{})
	if err != nil {
		return Health{}, grpcErr(err)
	}
	h := Health{
		EcrdConnected:         r.GetEcrdConnected(),
		WalletConnected:       r.GetWalletConnected(),
		WalletDaemonConnected: r.GetWalletDaemonConnected(),
		WalletUnlocked:        r.GetWalletUnlocked(),
		WalletVoting:          r.GetWalletVoting(),
		VoteVersion:           r.GetVoteVersion(),
		BestHeight:            r.GetBestHeight(),
		BestHash:              r.GetBestHash(),
		ProcessedHeight:       r.GetProcessedHeight(),
		Lag:                   r.GetLagBlocks(),
		Problems:              r.GetProblems(),
		LiveTickets:           r.GetLiveTickets(),
		IgnoredTickets:        r.GetIgnoredTickets(),
		AddedTickets:          r.GetAddedTickets(),
		Users:                 r.GetUsers(),
		Network:               r.GetNetwork(),
		StateDigest:           r.GetStateDigest(),
	}
	if !r.GetReady() && len(h.Problems) == 0 {
		h.Problems = []string{"not ready"}
	}
	return h, nil
}

func (g *grpcBackend) PoolConfig(ctx context.Context) (PoolConfig, error) {
	r, err := g.c.GetColdWalletExtPub(ctx, &pb.GetColdWalletExtPubRequest{})
	if err != nil {
		return PoolConfig{}, grpcErr(err)
	}
	return PoolConfig{ColdWalletExtPub: r.GetColdWalletExtPub(), Network: r.GetNetwork(),
		PoolFees: r.GetPoolFees(), FeeAddressCount: r.GetFeeAddressCount()}, nil
}

func (g *grpcBackend) PrepareUserScript(ctx context.Context, req AddressRequest) (UserScript, error) {
	r, err := g.c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: req.Index,
		PoolAddress: req.PoolAddress, UserPubkeyAddress: req.UserPubKeyAddr})
	if err != nil {
		return UserScript{}, grpcErr(err)
	}
	return UserScript{PoolKeyMine: r.GetPoolKeyMine(), PoolPubKeyAddr: r.GetPoolPubkeyAddress(),
		Multisig: Multisig{Address: r.GetMultisigAddress(), RedeemScript: hex.EncodeToString(r.GetRedeemScript())}}, nil
}

func decodeScript(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: script is not hex: %v", ErrBackendRejected, err)
	}
	return b, nil
}

func (g *grpcBackend) ImportUserScript(ctx context.Context, index uint32, ms Multisig) (int64, error) {
	b, err := decodeScript(ms.RedeemScript)
	if err != nil {
		return 0, err
	}
	r, err := g.c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: index, RedeemScript: b,
		MultisigAddress: ms.Address})
	if err != nil {
		return 0, grpcErr(err)
	}
	return r.GetHeightImported(), nil
}

func (g *grpcBackend) ImportScripts(ctx context.Context, scripts []string, rescanFrom int64) error {
	req := &pb.ImportScriptsRequest{RescanHeight: rescanFrom}
	for _, s := range scripts {
		b, err := decodeScript(s)
		if err != nil {
			return err
		}
		req.Scripts = append(req.Scripts, b)
	}
	_, err := g.c.ImportScripts(ctx, req)
	return grpcErr(err)
}

func (g *grpcBackend) ImportedAddresses(ctx context.Context) ([]string, error) {
	r, err := g.c.ListScripts(ctx, &pb.ListScriptsRequest{})
	if err != nil {
		return nil, grpcErr(err)
	}
	out := make([]string, 0, len(r.GetScripts()))
	for _, s := range r.GetScripts() {
		out = append(out, s.GetAddress())
	}
	return out, nil
}

func (g *grpcBackend) WalletTickets(ctx context.Context) ([]string, error) {
	r, err := g.c.GetWalletTickets(ctx, &pb.GetWalletTicketsRequest{IncludeImmature: true})
	if err != nil {
		return nil, grpcErr(err)
	}
	return r.GetHashes(), nil
}

func (g *grpcBackend) AddMissingTicket(ctx context.Context, hash string) error {
	_, err := g.c.AddMissingTicket(ctx, &pb.AddMissingTicketRequest{Hash: hash})
	return grpcErr(err)
}

func (g *grpcBackend) SetVotingPrefs(ctx context.Context, prefs []VotingPrefs) error {
	req := &pb.SetUserVotingPrefsRequest{Users: make([]*pb.UserVotingPrefs, len(prefs))}
	for i, p := range prefs {
		req.Users[i] = pbconv.UserToPB(p)
	}
	_, err := g.c.SetUserVotingPrefs(ctx, req)
	return grpcErr(err)
}

func (g *grpcBackend) SetUserVotingPrefs(ctx context.Context, p VotingPrefs) error {
	_, err := g.c.SetUserVotingPref(ctx, &pb.SetUserVotingPrefRequest{User: pbconv.UserToPB(p)})
	return grpcErr(err)
}

func (g *grpcBackend) SetAddedLowFeeTickets(ctx context.Context, ts []Ticket) error {
	req := &pb.SetAddedLowFeeTicketsRequest{Tickets: make([]*pb.Ticket, len(ts))}
	for i, t := range ts {
		req.Tickets[i] = &pb.Ticket{Hash: t.Hash, MultisigAddress: t.MultisigAddress}
	}
	_, err := g.c.SetAddedLowFeeTickets(ctx, req)
	return grpcErr(err)
}

func fromPBTickets(r *pb.TicketsResponse, err error) ([]Ticket, error) {
	if err != nil {
		return nil, grpcErr(err)
	}
	out := make([]Ticket, len(r.GetTickets()))
	for i, t := range r.GetTickets() {
		out[i] = Ticket{Hash: t.GetHash(), MultisigAddress: t.GetMultisigAddress()}
	}
	return out, nil
}

func (g *grpcBackend) AddedLowFeeTickets(ctx context.Context) ([]Ticket, error) {
	return fromPBTickets(g.c.GetAddedLowFeeTickets(ctx, &pb.GetAddedLowFeeTicketsRequest{}))
}

func (g *grpcBackend) LowFeeTickets(ctx context.Context, includeEnded bool) ([]LowFeeTicket, error) {
	r, err := g.c.GetIgnoredLowFeeTickets(ctx, &pb.GetIgnoredLowFeeTicketsRequest{IncludeEnded: includeEnded})
	if err != nil {
		return nil, grpcErr(err)
	}
	out := make([]LowFeeTicket, len(r.GetTickets()))
	for i, t := range r.GetTickets() {
		out[i] = LowFeeTicket{Hash: t.GetHash(), MultisigAddress: t.GetMultisigAddress(), State: t.GetState(),
			MinedHeight: t.GetMinedHeight(), StateHeight: t.GetStateHeight()}
	}
	return out, nil
}

func (g *grpcBackend) LiveTickets(ctx context.Context) ([]Ticket, error) {
	return fromPBTickets(g.c.GetLiveTickets(ctx, &pb.GetLiveTicketsRequest{}))
}

func (g *grpcBackend) UserTickets(ctx context.Context, addr string) (UserTickets, error) {
	r, err := g.c.StakePoolUserInfo(ctx, &pb.StakePoolUserInfoRequest{MultisigAddress: addr})
	if err != nil {
		return UserTickets{}, grpcErr(err)
	}
	out := UserTickets{Tickets: make([]UserTicket, len(r.GetTickets())), Invalid: r.GetInvalidTickets(),
		TipHeight: r.GetWalletBestHeight(), TipHash: r.GetWalletBestHash()}
	for i, t := range r.GetTickets() {
		out.Tickets[i] = UserTicket{Hash: t.GetHash(), Status: TicketStatus(t.GetStatus()),
			TicketHeight: t.GetTicketHeight(), SpentBy: t.GetSpentBy(), SpentByHeight: t.GetSpentByHeight()}
	}
	return out, nil
}

func (g *grpcBackend) StakeInfo(ctx context.Context) (StakeInfo, error) {
	r, err := g.c.GetStakeInfo(ctx, &pb.GetStakeInfoRequest{})
	if err != nil {
		return StakeInfo{}, grpcErr(err)
	}
	return StakeInfo{
		BlockHeight: r.GetBlockHeight(), DifficultyAtoms: r.GetDifficultyAtoms(),
		TotalSubsidyAtoms: r.GetTotalSubsidyAtoms(), OwnMempoolTix: r.GetOwnMempoolTix(),
		Immature: r.GetImmature(), Unspent: r.GetUnspent(), Voted: r.GetVoted(), Revoked: r.GetRevoked(),
		UnspentExpired: r.GetUnspentExpired(), PoolSize: r.GetPoolSize(), AllMempoolTix: r.GetAllMempoolTix(),
		Live: r.GetLive(), ProportionLive: r.GetProportionLive(), Missed: r.GetMissed(),
		ProportionMissed: r.GetProportionMissed(), Expired: r.GetExpired(),
	}, nil
}

func (g *grpcBackend) Agendas(ctx context.Context) (votebits.VoteInfo, error) {
	r, err := g.c.GetAgendas(ctx, &pb.GetAgendasRequest{})
	if err != nil {
		return votebits.VoteInfo{}, grpcErr(err)
	}
	out := votebits.VoteInfo{VoteVersion: r.GetVoteVersion(), Agendas: make([]chaincfg.Agenda, 0, len(r.GetAgendas())),
		Status: make(map[string]string, len(r.GetAgendas()))}
	for _, a := range r.GetAgendas() {
		if a.GetMask() > 0xffff {
			return votebits.VoteInfo{}, fmt.Errorf("%w: agenda %q has mask %#x wider than 16 bits", ErrBackendDown, a.GetId(), a.GetMask())
		}
		ag := chaincfg.Agenda{ID: a.GetId(), Description: a.GetDescription(), Mask: uint16(a.GetMask()),
			StartTime: unixOrZero(a.GetStartTime()), ExpireTime: unixOrZero(a.GetExpireTime())}
		for _, ch := range a.GetChoices() {
			if ch.GetBits() > 0xffff {
				return votebits.VoteInfo{}, fmt.Errorf("%w: agenda %q choice %q has bits %#x wider than 16 bits",
					ErrBackendDown, a.GetId(), ch.GetId(), ch.GetBits())
			}
			ag.Choices = append(ag.Choices, chaincfg.Choice{ID: ch.GetId(), Description: ch.GetDescription(),
				Bits: uint16(ch.GetBits()), IsAbstain: ch.GetIsAbstain(), IsNo: ch.GetIsNo()})
		}
		out.Agendas = append(out.Agendas, ag)
		if st := a.GetStatus(); st != "" {
			out.Status[ag.ID] = st
		}
	}
	return out, nil
}

// unixOrZero converts a wire time (Unix seconds) to chaincfg's, 0 for none.
func unixOrZero(s int64) uint64 {
	if s <= 0 {
		return 0
	}
	return uint64(s)
}
