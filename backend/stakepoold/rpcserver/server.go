// Package rpcserver is stakepoold's gRPC edge: a thin adapter that converts
// stakepoolrpc messages to calls on the core and back (through Core, the
// interface it declares; *pool.Pool implements it), maps
// the core's error kinds to gRPC status codes in one table, and adds the
// transport concerns — TLS (optionally requiring client certificates), a
// per-call timeout, panic recovery and one log line per call.
//
// Validation of the requests' content lives in the core, which returns
// KindInvalid errors (InvalidArgument here); this package only checks what
// the protobuf types cannot express for the core (numbers out of range).
package rpcserver

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"time"

	"github.com/decred/slog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/pbconv"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// DefaultTimeout bounds each call.
const DefaultTimeout = 10 * time.Second

// Core is what the server needs from the pool core (*pool.Pool): one
// method per RPC that needs the wallet, the node or the pool's state.
type Core interface {
	Health(ctx context.Context) pool.Health
	// The address flow (API 1.3) and the repair.
	PrepareUserScript(ctx context.Context, index uint32, poolAddr, userPubKeyAddr string) (pool.UserScript, error)
	ImportUserScript(ctx context.Context, index uint32, script []byte, multisig string) (int64, error)
	ImportScripts(ctx context.Context, scripts [][]byte, scanFrom int64) error
	ListScripts(ctx context.Context) ([]pool.Script, error)
	WalletTickets(ctx context.Context, includeImmature bool) ([]string, error)
	AddMissingTicket(ctx context.Context, hash string) error
	// What the front end pushes.
	SetUserPrefs(ctx context.Context, users []pool.UserPrefs) error
	SetUserPref(ctx context.Context, u pool.UserPrefs) error
	SetAddedTickets(ctx context.Context, ts []pool.PoolTicketID) error
	// What the pages read.
	LiveTickets() []pool.PoolTicketID
	LowFeeTickets(includeEnded bool) []pool.LowFeeTicket
	AddedTickets() []pool.PoolTicketID
	StakePoolUserInfo(ctx context.Context, multisig string) (pool.UserInfo, error)
	StakeInfo(ctx context.Context) (pool.StakeInfo, error)
	Agendas(ctx context.Context) (votebits.VoteInfo, error)
	deprecatedCore
}

// Config configures the server.
type Config struct {
	Pool          Core
	DaemonVersion string
	ColdXPub      string
	Network       string
	PoolFees      float64
	FeeAddrCount  uint32
	Timeout       time.Duration // DefaultTimeout when zero
	Log           slog.Logger
}

// Server implements stakepoolrpc.StakepooldServer.
type Server struct {
	pb.UnimplementedStakepooldServer
	cfg  Config
	pool Core
	log  slog.Logger
}

// New returns the service implementation.
func New(cfg Config) *Server {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.Disabled
	}
	return &Server{cfg: cfg, pool: cfg.Pool, log: cfg.Log}
}

// MaxMessageSize bounds one request or response. gRPC's default of 4 MiB
// is too small for a pool of 100,000 users: the full push of their
// preferences is about 5 MB and their scripts about 7 MB. 64 MiB holds
// pool.MaxUsers preferences (about 50 bytes each) and pool.MaxImportBatch
// scripts.
const MaxMessageSize = 64 << 20

// NewGRPCServer returns a grpc.Server with the service registered, the
// interceptor installed and MaxMessageSize set; opts add transport options
// such as TLS credentials.
func NewGRPCServer(s *Server, opts ...grpc.ServerOption) *grpc.Server {
	opts = append(opts, grpc.ChainUnaryInterceptor(s.intercept),
		grpc.MaxRecvMsgSize(MaxMessageSize), grpc.MaxSendMsgSize(MaxMessageSize))
	g := grpc.NewServer(opts...)
	pb.RegisterStakepooldServer(g, s)
	return g
}

// intercept applies the timeout, turns panics into Internal errors, maps
// errors to status codes and logs each call once.
func (s *Server) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			s.log.Errorf("%s: panic: %v\n%s", info.FullMethod, r, debug.Stack())
			resp, err = nil, status.Error(codes.Internal, "internal error")
		}
		who := "unknown"
		if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
			who = p.Addr.String()
		}
		if err != nil {
			st := status.Convert(err)
			if st.Code() == codes.Internal || st.Code() == codes.Unknown {
				s.log.Errorf("%s by %s failed after %v: %v", info.FullMethod, who, time.Since(start), st.Message())
			} else {
				s.log.Debugf("%s by %s: %v: %v", info.FullMethod, who, st.Code(), st.Message())
			}
			return
		}
		s.log.Debugf("%s by %s processed in %v", info.FullMethod, who, time.Since(start))
	}()
	resp, err = handler(ctx, req)
	return resp, toStatus(err)
}

// Version implements the Version RPC.
func (s *Server) Version(ctx context.Context, _ *pb.VersionRequest) (*pb.VersionResponse, error) {
	return &pb.VersionResponse{
		VersionString: fmt.Sprintf("%d.%d.%d", pb.APIMajor, pb.APIMinor, pb.APIPatch),
		Major:         pb.APIMajor, Minor: pb.APIMinor, Patch: pb.APIPatch,
		DaemonVersion: s.cfg.DaemonVersion,
	}, nil
}

// Health implements the Health RPC.
func (s *Server) Health(ctx context.Context, _ *pb.HealthRequest) (*pb.HealthResponse, error) {
	h := s.pool.Health(ctx)
	return &pb.HealthResponse{
		EcrdConnected: h.NodeConnected, WalletConnected: h.WalletConnected,
		WalletDaemonConnected: h.WalletDaemonConnected, WalletUnlocked: h.WalletUnlocked,
		WalletVoting: h.WalletVoting, VoteVersion: h.VoteVersion,
		BestHeight: h.Best.Height, BestHash: h.Best.Hash,
		ProcessedHeight: h.ProcessedHeight, LagBlocks: h.LagBlocks,
		Ready: h.Ready, Problems: h.Problems,
		LiveTickets: uint32(h.Live), IgnoredTickets: uint32(h.Ignored), AddedTickets: uint32(h.Added),
		Users: uint32(h.Users), Network: h.Network, StateDigest: h.StateDigest,
	}, nil
}

// PrepareUserScript implements the PrepareUserScript RPC (API 1.3).
func (s *Server) PrepareUserScript(ctx context.Context, r *pb.PrepareUserScriptRequest) (*pb.PrepareUserScriptResponse, error) {
	us, err := s.pool.PrepareUserScript(ctx, r.GetUserIndex(), r.GetPoolAddress(), r.GetUserPubkeyAddress())
	if err != nil {
		return nil, err
	}
	return &pb.PrepareUserScriptResponse{PoolKeyMine: us.PoolKeyMine, PoolPubkeyAddress: us.PoolPubKeyAddr,
		RedeemScript: us.RedeemScript, MultisigAddress: us.MultisigAddress}, nil
}

// ImportUserScript implements the ImportUserScript RPC (API 1.3).
func (s *Server) ImportUserScript(ctx context.Context, r *pb.ImportUserScriptRequest) (*pb.ImportUserScriptResponse, error) {
	h, err := s.pool.ImportUserScript(ctx, r.GetUserIndex(), r.GetRedeemScript(), r.GetMultisigAddress())
	if err != nil {
		return nil, err
	}
	return &pb.ImportUserScriptResponse{HeightImported: h}, nil
}

// ImportScripts implements the ImportScripts RPC.
func (s *Server) ImportScripts(ctx context.Context, r *pb.ImportScriptsRequest) (*pb.ImportScriptsResponse, error) {
	if err := s.pool.ImportScripts(ctx, r.GetScripts(), r.GetRescanHeight()); err != nil {
		return nil, err
	}
	return &pb.ImportScriptsResponse{}, nil
}

// ListScripts implements the ListScripts RPC.
func (s *Server) ListScripts(ctx context.Context, _ *pb.ListScriptsRequest) (*pb.ListScriptsResponse, error) {
	ss, err := s.pool.ListScripts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*pb.Script, len(ss))
	for i, sc := range ss {
		out[i] = &pb.Script{Address: sc.Address, RedeemScript: sc.RedeemScript}
	}
	return &pb.ListScriptsResponse{Scripts: out}, nil
}

// GetWalletTickets implements the GetWalletTickets RPC.
func (s *Server) GetWalletTickets(ctx context.Context, r *pb.GetWalletTicketsRequest) (*pb.GetWalletTicketsResponse, error) {
	t, err := s.pool.WalletTickets(ctx, r.GetIncludeImmature())
	if err != nil {
		return nil, err
	}
	return &pb.GetWalletTicketsResponse{Hashes: t}, nil
}

// AddMissingTicket implements the AddMissingTicket RPC.
func (s *Server) AddMissingTicket(ctx context.Context, r *pb.AddMissingTicketRequest) (*pb.AddMissingTicketResponse, error) {
	if err := s.pool.AddMissingTicket(ctx, r.GetHash()); err != nil {
		return nil, err
	}
	return &pb.AddMissingTicketResponse{}, nil
}

func userPrefs(i int, m *pb.UserVotingPrefs) (pool.UserPrefs, error) {
	u, err := pbconv.UserFromPB(m)
	if err != nil {
		return pool.UserPrefs{}, invalid("user %d: %v", i, err)
	}
	return u, nil
}

// SetUserVotingPrefs implements the SetUserVotingPrefs RPC.
func (s *Server) SetUserVotingPrefs(ctx context.Context, r *pb.SetUserVotingPrefsRequest) (*pb.SetUserVotingPrefsResponse, error) {
	users := make([]pool.UserPrefs, len(r.GetUsers()))
	for i, u := range r.GetUsers() {
		var err error
		if users[i], err = userPrefs(i, u); err != nil {
			return nil, err
		}
	}
	if err := s.pool.SetUserPrefs(ctx, users); err != nil {
		return nil, err
	}
	return &pb.SetUserVotingPrefsResponse{Stored: uint32(len(users))}, nil
}

// SetUserVotingPref implements the SetUserVotingPref RPC.
func (s *Server) SetUserVotingPref(ctx context.Context, r *pb.SetUserVotingPrefRequest) (*pb.SetUserVotingPrefResponse, error) {
	u, err := userPrefs(0, r.GetUser())
	if err != nil {
		return nil, err
	}
	if err := s.pool.SetUserPref(ctx, u); err != nil {
		return nil, err
	}
	return &pb.SetUserVotingPrefResponse{}, nil
}

// SetAddedLowFeeTickets implements the SetAddedLowFeeTickets RPC.
func (s *Server) SetAddedLowFeeTickets(ctx context.Context, r *pb.SetAddedLowFeeTicketsRequest) (*pb.SetAddedLowFeeTicketsResponse, error) {
	ts := make([]pool.PoolTicketID, len(r.GetTickets()))
	for i, t := range r.GetTickets() {
		if t == nil {
			return nil, invalid("ticket %d: missing", i)
		}
		ts[i] = pool.PoolTicketID{Hash: t.GetHash(), MultisigAddress: t.GetMultisigAddress()}
	}
	if err := s.pool.SetAddedTickets(ctx, ts); err != nil {
		return nil, err
	}
	return &pb.SetAddedLowFeeTicketsResponse{}, nil
}

func tickets(ts []pool.PoolTicketID) *pb.TicketsResponse {
	out := make([]*pb.Ticket, len(ts))
	for i, t := range ts {
		out[i] = &pb.Ticket{Hash: t.Hash, MultisigAddress: t.MultisigAddress}
	}
	return &pb.TicketsResponse{Tickets: out}
}

// GetLiveTickets implements the GetLiveTickets RPC.
func (s *Server) GetLiveTickets(ctx context.Context, _ *pb.GetLiveTicketsRequest) (*pb.TicketsResponse, error) {
	return tickets(s.pool.LiveTickets()), nil
}

// GetIgnoredLowFeeTickets implements the GetIgnoredLowFeeTickets RPC.
func (s *Server) GetIgnoredLowFeeTickets(ctx context.Context, r *pb.GetIgnoredLowFeeTicketsRequest) (*pb.TicketsResponse, error) {
	ts := s.pool.LowFeeTickets(r.GetIncludeEnded())
	out := make([]*pb.Ticket, len(ts))
	for i, t := range ts {
		out[i] = &pb.Ticket{Hash: t.Hash, MultisigAddress: t.MultisigAddress, State: t.State,
			MinedHeight: t.MinedHeight, StateHeight: t.StateHeight}
	}
	return &pb.TicketsResponse{Tickets: out}, nil
}

// GetAddedLowFeeTickets implements the GetAddedLowFeeTickets RPC.
func (s *Server) GetAddedLowFeeTickets(ctx context.Context, _ *pb.GetAddedLowFeeTicketsRequest) (*pb.TicketsResponse, error) {
	return tickets(s.pool.AddedTickets()), nil
}

// StakePoolUserInfo implements the StakePoolUserInfo RPC; the answer
// carries the wallet's best block read before the list (API 1.4).
func (s *Server) StakePoolUserInfo(ctx context.Context, r *pb.StakePoolUserInfoRequest) (*pb.StakePoolUserInfoResponse, error) {
	ui, err := s.pool.StakePoolUserInfo(ctx, r.GetMultisigAddress())
	if err != nil {
		return nil, err
	}
	out := &pb.StakePoolUserInfoResponse{Tickets: make([]*pb.UserTicket, len(ui.Tickets)), InvalidTickets: ui.Invalid,
		WalletBestHeight: ui.TipHeight, WalletBestHash: ui.TipHash}
	for i, t := range ui.Tickets {
		out.Tickets[i] = &pb.UserTicket{Hash: t.Hash, Status: string(t.Status), TicketHeight: t.TicketHeight,
			SpentBy: t.SpentBy, SpentByHeight: t.SpentByHeight}
	}
	return out, nil
}

// GetStakeInfo implements the GetStakeInfo RPC.
func (s *Server) GetStakeInfo(ctx context.Context, _ *pb.GetStakeInfoRequest) (*pb.GetStakeInfoResponse, error) {
	si, err := s.pool.StakeInfo(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.GetStakeInfoResponse{
		BlockHeight: si.BlockHeight, DifficultyAtoms: si.DifficultyAtoms, TotalSubsidyAtoms: si.TotalSubsidyAtoms,
		OwnMempoolTix: si.OwnMempoolTix, Immature: si.Immature, Unspent: si.Unspent, Voted: si.Voted,
		Revoked: si.Revoked, UnspentExpired: si.UnspentExpired, PoolSize: si.PoolSize,
		AllMempoolTix: si.AllMempoolTix, Live: si.Live, ProportionLive: si.ProportionLive,
		Missed: si.Missed, ProportionMissed: si.ProportionMissed, Expired: si.Expired,
	}, nil
}

// GetColdWalletExtPub implements the GetColdWalletExtPub RPC.
func (s *Server) GetColdWalletExtPub(ctx context.Context, _ *pb.GetColdWalletExtPubRequest) (*pb.GetColdWalletExtPubResponse, error) {
	return &pb.GetColdWalletExtPubResponse{ColdWalletExtPub: s.cfg.ColdXPub, Network: s.cfg.Network,
		PoolFees: s.cfg.PoolFees, FeeAddressCount: s.cfg.FeeAddrCount}, nil
}

// GetAgendas implements the GetAgendas RPC.
func (s *Server) GetAgendas(ctx context.Context, _ *pb.GetAgendasRequest) (*pb.GetAgendasResponse, error) {
	vi, err := s.pool.Agendas(ctx)
	if err != nil {
		return nil, err
	}
	out := &pb.GetAgendasResponse{VoteVersion: vi.VoteVersion, Agendas: make([]*pb.Agenda, len(vi.Agendas))}
	for i, a := range vi.Agendas {
		pa := &pb.Agenda{Id: a.ID, Description: a.Description, Mask: uint32(a.Mask), StartTime: clampInt64(a.StartTime),
			ExpireTime: clampInt64(a.ExpireTime), Status: vi.Status[a.ID], Choices: make([]*pb.AgendaChoice, len(a.Choices))}
		for j, c := range a.Choices {
			pa.Choices[j] = &pb.AgendaChoice{Id: c.ID, Description: c.Description, Bits: uint32(c.Bits),
				IsAbstain: c.IsAbstain, IsNo: c.IsNo}
		}
		out.Agendas[i] = pa
	}
	return out, nil
}

// clampInt64 converts a chaincfg time (seconds, "never" is MaxInt64 or
// more) to the wire's int64.
func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}
