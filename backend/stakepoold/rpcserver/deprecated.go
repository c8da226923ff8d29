package rpcserver

import (
	"context"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
)

// deprecatedCore serves the four wallet RPCs of the address flow of API 1.2
// (ValidateAddress, AccountSyncAddressIndex, CreateMultisig, ImportScript).
// A 1.3 front end calls PrepareUserScript and ImportUserScript instead; these
// stay for 1.2 front ends while the stakepoolds are upgraded first, and go
// with this file in API 2.0.
type deprecatedCore interface {
	ValidateAddress(ctx context.Context, addr string) (pool.AddressInfo, error)
	AccountSyncAddressIndex(ctx context.Context, account string, branch, index uint32) error
	CreateMultisig(ctx context.Context, addrs []string) (pool.Multisig, error)
	ImportScript(ctx context.Context, script []byte, rescan bool, scanFrom int64) (int64, error)
}

// ValidateAddress implements the ValidateAddress RPC.
func (s *Server) ValidateAddress(ctx context.Context, r *pb.ValidateAddressRequest) (*pb.ValidateAddressResponse, error) {
	ai, err := s.pool.ValidateAddress(ctx, r.GetAddress())
	if err != nil {
		return nil, err
	}
	return &pb.ValidateAddressResponse{IsValid: ai.IsValid, IsMine: ai.IsMine, PubkeyAddr: ai.PubKeyAddr,
		Account: ai.Account, IsScript: ai.IsScript}, nil
}

// AccountSyncAddressIndex implements the AccountSyncAddressIndex RPC.
func (s *Server) AccountSyncAddressIndex(ctx context.Context, r *pb.AccountSyncAddressIndexRequest) (*pb.AccountSyncAddressIndexResponse, error) {
	if err := s.pool.AccountSyncAddressIndex(ctx, r.GetAccount(), r.GetBranch(), r.GetIndex()); err != nil {
		return nil, err
	}
	return &pb.AccountSyncAddressIndexResponse{}, nil
}

// CreateMultisig implements the CreateMultisig RPC.
func (s *Server) CreateMultisig(ctx context.Context, r *pb.CreateMultisigRequest) (*pb.CreateMultisigResponse, error) {
	ms, err := s.pool.CreateMultisig(ctx, r.GetAddresses())
	if err != nil {
		return nil, err
	}
	return &pb.CreateMultisigResponse{RedeemScript: ms.RedeemScript, Address: ms.Address}, nil
}

// ImportScript implements the ImportScript RPC.
func (s *Server) ImportScript(ctx context.Context, r *pb.ImportScriptRequest) (*pb.ImportScriptResponse, error) {
	h, err := s.pool.ImportScript(ctx, r.GetScript(), r.GetRescan(), r.GetRescanHeight())
	if err != nil {
		return nil, err
	}
	return &pb.ImportScriptResponse{HeightImported: h}, nil
}
