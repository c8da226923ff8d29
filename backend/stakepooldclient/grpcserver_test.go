package stakepooldclient_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// pbServer serves a fake backend over the real generated gRPC interface, so
// the client's gRPC adapter is exercised end to end (until stakepoold's own
// server is available, and alongside it).
type pbServer struct {
	pb.UnimplementedStakepooldServer
	f       *fakebackend.Backend
	version *pb.VersionResponse
}

func code(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, spc.ErrBackendRejected):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, spc.ErrBackendDown):
		return status.Error(codes.Unavailable, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

func (s *pbServer) Version(context.Context, *pb.VersionRequest) (*pb.VersionResponse, error) {
	return s.version, nil
}

func (s *pbServer) Health(ctx context.Context, _ *pb.HealthRequest) (*pb.HealthResponse, error) {
	h, err := s.f.Health(ctx)
	if err != nil {
		return nil, code(err)
	}
	return &pb.HealthResponse{EcrdConnected: h.EcrdConnected, WalletConnected: h.WalletConnected,
		WalletUnlocked: h.WalletUnlocked, WalletVoting: h.WalletVoting, VoteVersion: h.VoteVersion,
		BestHeight: h.BestHeight, Ready: h.Ready(), Problems: h.Problems, Network: "simnet"}, nil
}

func (s *pbServer) GetColdWalletExtPub(ctx context.Context, _ *pb.GetColdWalletExtPubRequest) (*pb.GetColdWalletExtPubResponse, error) {
	pc, err := s.f.PoolConfig(ctx)
	if err != nil {
		return nil, code(err)
	}
	return &pb.GetColdWalletExtPubResponse{ColdWalletExtPub: pc.ColdWalletExtPub, Network: pc.Network,
		PoolFees: pc.PoolFees, FeeAddressCount: pc.FeeAddressCount}, nil
}

func (s *pbServer) PrepareUserScript(ctx context.Context, r *pb.PrepareUserScriptRequest) (*pb.PrepareUserScriptResponse, error) {
	us, err := s.f.PrepareUserScript(ctx, spc.AddressRequest{Index: r.GetUserIndex(), PoolAddress: r.GetPoolAddress(),
		UserPubKeyAddr: r.GetUserPubkeyAddress()})
	if err != nil {
		return nil, code(err)
	}
	b, _ := hex.DecodeString(us.Multisig.RedeemScript)
	return &pb.PrepareUserScriptResponse{PoolKeyMine: us.PoolKeyMine, PoolPubkeyAddress: us.PoolPubKeyAddr,
		RedeemScript: b, MultisigAddress: us.Multisig.Address}, nil
}

func (s *pbServer) ImportUserScript(ctx context.Context, r *pb.ImportUserScriptRequest) (*pb.ImportUserScriptResponse, error) {
	h, err := s.f.ImportUserScript(ctx, r.GetUserIndex(), spc.Multisig{Address: r.GetMultisigAddress(),
		RedeemScript: hex.EncodeToString(r.GetRedeemScript())})
	if err != nil {
		return nil, code(err)
	}
	return &pb.ImportUserScriptResponse{HeightImported: h}, nil
}

func (s *pbServer) ImportScripts(ctx context.Context, r *pb.ImportScriptsRequest) (*pb.ImportScriptsResponse, error) {
	var ss []string
	for _, b := range r.GetScripts() {
		ss = append(ss, hex.EncodeToString(b))
	}
	return &pb.ImportScriptsResponse{}, code(s.f.ImportScripts(ctx, ss, r.GetRescanHeight()))
}

func (s *pbServer) ListScripts(ctx context.Context, _ *pb.ListScriptsRequest) (*pb.ListScriptsResponse, error) {
	as, err := s.f.ImportedAddresses(ctx)
	if err != nil {
		return nil, code(err)
	}
	out := &pb.ListScriptsResponse{}
	for _, a := range as {
		out.Scripts = append(out.Scripts, &pb.Script{Address: a})
	}
	return out, nil
}

func (s *pbServer) GetWalletTickets(ctx context.Context, _ *pb.GetWalletTicketsRequest) (*pb.GetWalletTicketsResponse, error) {
	hs, err := s.f.WalletTickets(ctx)
	if err != nil {
		return nil, code(err)
	}
	return &pb.GetWalletTicketsResponse{Hashes: hs}, nil
}

func (s *pbServer) AddMissingTicket(ctx context.Context, r *pb.AddMissingTicketRequest) (*pb.AddMissingTicketResponse, error) {
	return &pb.AddMissingTicketResponse{}, code(s.f.AddMissingTicket(ctx, r.GetHash()))
}

func fromPB(u *pb.UserVotingPrefs) spc.VotingPrefs {
	return spc.VotingPrefs{UserID: u.GetUserId(), MultisigAddress: u.GetMultisigAddress(),
		VoteBits: uint16(u.GetVoteBits()), VoteBitsVersion: u.GetVoteBitsVersion()}
}

func (s *pbServer) SetUserVotingPrefs(ctx context.Context, r *pb.SetUserVotingPrefsRequest) (*pb.SetUserVotingPrefsResponse, error) {
	var ps []spc.VotingPrefs
	for _, u := range r.GetUsers() {
		ps = append(ps, fromPB(u))
	}
	return &pb.SetUserVotingPrefsResponse{Stored: uint32(len(ps))}, code(s.f.SetVotingPrefs(ctx, ps))
}

func (s *pbServer) SetUserVotingPref(ctx context.Context, r *pb.SetUserVotingPrefRequest) (*pb.SetUserVotingPrefResponse, error) {
	return &pb.SetUserVotingPrefResponse{}, code(s.f.SetUserVotingPrefs(ctx, fromPB(r.GetUser())))
}

func (s *pbServer) SetAddedLowFeeTickets(ctx context.Context, r *pb.SetAddedLowFeeTicketsRequest) (*pb.SetAddedLowFeeTicketsResponse, error) {
	var ts []spc.Ticket
	for _, t := range r.GetTickets() {
		ts = append(ts, spc.Ticket{Hash: t.GetHash(), MultisigAddress: t.GetMultisigAddress()})
	}
	return &pb.SetAddedLowFeeTicketsResponse{}, code(s.f.SetAddedLowFeeTickets(ctx, ts))
}

func toPBTickets(ts []spc.Ticket, err error) (*pb.TicketsResponse, error) {
	if err != nil {
		return nil, code(err)
	}
	out := &pb.TicketsResponse{}
	for _, t := range ts {
		out.Tickets = append(out.Tickets, &pb.Ticket{Hash: t.Hash, MultisigAddress: t.MultisigAddress})
	}
	return out, nil
}

func (s *pbServer) GetIgnoredLowFeeTickets(ctx context.Context, r *pb.GetIgnoredLowFeeTicketsRequest) (*pb.TicketsResponse, error) {
	ts, err := s.f.LowFeeTickets(ctx, r.GetIncludeEnded())
	if err != nil {
		return nil, code(err)
	}
	out := &pb.TicketsResponse{}
	for _, t := range ts {
		out.Tickets = append(out.Tickets, &pb.Ticket{Hash: t.Hash, MultisigAddress: t.MultisigAddress, State: t.State,
			MinedHeight: t.MinedHeight, StateHeight: t.StateHeight})
	}
	return out, nil
}

func (s *pbServer) GetAddedLowFeeTickets(ctx context.Context, _ *pb.GetAddedLowFeeTicketsRequest) (*pb.TicketsResponse, error) {
	return toPBTickets(s.f.AddedLowFeeTickets(ctx))
}

func (s *pbServer) GetLiveTickets(ctx context.Context, _ *pb.GetLiveTicketsRequest) (*pb.TicketsResponse, error) {
	return toPBTickets(s.f.LiveTickets(ctx))
}

func (s *pbServer) StakePoolUserInfo(ctx context.Context, r *pb.StakePoolUserInfoRequest) (*pb.StakePoolUserInfoResponse, error) {
	ut, err := s.f.UserTickets(ctx, r.GetMultisigAddress())
	if err != nil {
		return nil, code(err)
	}
	out := &pb.StakePoolUserInfoResponse{InvalidTickets: ut.Invalid}
	if s.version.GetMinor() >= 4 { // the wallet's best block (API 1.4)
		out.WalletBestHeight, out.WalletBestHash = ut.TipHeight, ut.TipHash
	}
	for _, t := range ut.Tickets {
		out.Tickets = append(out.Tickets, &pb.UserTicket{Hash: t.Hash, Status: string(t.Status),
			TicketHeight: t.TicketHeight, SpentBy: t.SpentBy, SpentByHeight: t.SpentByHeight})
	}
	return out, nil
}

func (s *pbServer) GetStakeInfo(ctx context.Context, _ *pb.GetStakeInfoRequest) (*pb.GetStakeInfoResponse, error) {
	si, err := s.f.StakeInfo(ctx)
	if err != nil {
		return nil, code(err)
	}
	return &pb.GetStakeInfoResponse{BlockHeight: si.BlockHeight, DifficultyAtoms: si.DifficultyAtoms,
		Live: si.Live, Voted: si.Voted, ProportionLive: si.ProportionLive, PoolSize: si.PoolSize}, nil
}

func (s *pbServer) GetAgendas(ctx context.Context, _ *pb.GetAgendasRequest) (*pb.GetAgendasResponse, error) {
	as, err := s.f.Agendas(ctx)
	if err != nil {
		return nil, code(err)
	}
	out := &pb.GetAgendasResponse{VoteVersion: as.VoteVersion}
	for _, a := range as.Agendas {
		pa := &pb.Agenda{Id: a.ID, Description: a.Description, Mask: uint32(a.Mask), Status: as.Status[a.ID],
			StartTime: int64(a.StartTime)}
		for _, c := range a.Choices {
			pa.Choices = append(pa.Choices, &pb.AgendaChoice{Id: c.ID, Description: c.Description,
				Bits: uint32(c.Bits), IsAbstain: c.IsAbstain, IsNo: c.IsNo})
		}
		out.Agendas = append(out.Agendas, pa)
	}
	return out, nil
}

// testCert writes a self-signed certificate for "localhost" into dir and
// returns the paths and a server TLS config.
func testCert(t testing.TB, dir string) (certFile string, cfg *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kb, _ := x509.MarshalECPrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	certFile = filepath.Join(dir, "rpc.cert")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	kp, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return certFile, &tls.Config{Certificates: []tls.Certificate{kp}}
}

// serveFake starts a TLS gRPC server over bufconn for f and returns a
// Backend dialled through the real Dial path.
func serveFake(t *testing.T, f *fakebackend.Backend) spc.Backend {
	t.Helper()
	return serveGRPC(t, f.Name(), &pbServer{f: f, version: &pb.VersionResponse{
		VersionString: "1.0.0", Major: pb.APIMajor, Minor: pb.APIMinor, Patch: pb.APIPatch}})
}

// serveGRPC starts a TLS gRPC server over bufconn with server and returns a
// Backend named host dialled through the real Dial path; both end with the
// test.
func serveGRPC(t *testing.T, host string, server pb.StakepooldServer) spc.Backend {
	t.Helper()
	certFile, tcfg := testCert(t, t.TempDir())
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(tcfg)))
	pb.RegisterStakepooldServer(srv, server)
	go func() {
		_ = srv.Serve(lis) // returns when the test stops the server
	}()
	t.Cleanup(srv.Stop)
	b, err := spc.Dial(spc.DialConfig{Host: host, CertFile: certFile,
		Dialer: func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}

func TestGRPCEndToEnd(t *testing.T) {
	fs := newFakes(3)
	fs[0].Ignored = []spc.Ticket{{Hash: "aa", MultisigAddress: "ScA"}}
	fs[1].Tickets["ScA"] = spc.UserTickets{Tickets: []spc.UserTicket{{Hash: "t1", Status: spc.StatusVoted,
		TicketHeight: 10, SpentBy: "v1", SpentByHeight: 30}}, Invalid: []string{"t9"}, TipHeight: 31, TipHash: "b31"}
	fs[0].SetDown(true) // reads must skip it
	var bs []spc.Backend
	for _, f := range fs {
		bs = append(bs, serveFake(t, f))
	}
	c, err := spc.New(bs, spc.Options{ColdWalletExtPub: coldXpub, Network: "simnet", PoolFees: 7.5})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	src := &memSource{users: []spc.PoolUser{userFor(1, "Ss1", "Sk1", "seed", 50)}}
	if err := c.Start(ctx, src, spc.APIVersion); err != nil {
		t.Fatalf("Start over gRPC: %v", err)
	}
	if fs[1].Imported[src.users[0].Prefs.MultisigAddress] == "" {
		t.Error("start-up sync did not import the script over gRPC")
	}
	ut, from, err := c.UserTicketsFrom(ctx, "ScA")
	if err != nil || len(ut.Tickets) != 1 || ut.Tickets[0].SpentByHeight != 30 || ut.Invalid[0] != "t9" ||
		ut.TipHeight != 31 || ut.TipHash != "b31" || from != fs[1].Name() {
		t.Fatalf("UserTicketsFrom = %+v, %q, %v", ut, from, err)
	}
	res, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 2, PoolAddress: "Ss2", UserPubKeyAddr: "Sk2"})
	if err != nil {
		t.Fatalf("CreateAddress over gRPC: %v", err)
	}
	if len(res.Missed) != 1 || res.Missed[0] != fs[0].Name() {
		t.Errorf("Missed = %v", res.Missed)
	}
	// Rejections come back as rejections, not as "down".
	_, err = c.CreateAddress(ctx, spc.AddressRequest{Index: 3, PoolAddress: "bad", UserPubKeyAddr: "Sk3"})
	if !errors.Is(err, spc.ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	// The down backend returns and is repaired over gRPC.
	fs[0].SetDown(false)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health: %s", why)
	}
	if len(fs[0].Imported) != 1 {
		t.Errorf("repaired backend has %d scripts", len(fs[0].Imported))
	}
	ign, err := c.IgnoredLowFeeTickets(ctx)
	if err != nil || len(ign) != 1 {
		t.Fatalf("ignored %v %v", ign, err)
	}
	st := c.Statuses()
	if st[0].Conn != "READY" || st[0].Version.Major != pb.APIMajor {
		t.Errorf("status %+v", st[0])
	}
}

func TestGRPCVersionMismatch(t *testing.T) {
	f := fakebackend.New("x:1", "seed", coldXpub)
	b := serveGRPC(t, "x:1", &pbServer{f: f, version: &pb.VersionResponse{Major: pb.APIMajor + 1}})
	c, _ := spc.New([]spc.Backend{b}, spc.Options{ColdWalletExtPub: coldXpub})
	if err := c.Start(context.Background(), &memSource{}, spc.APIVersion); !errors.Is(err, spc.ErrMismatch) {
		t.Fatalf("err = %v, want ErrMismatch", err)
	}
}

func TestDialErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("not a cert"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []spc.DialConfig{
		{Host: "h:1", CertFile: filepath.Join(dir, "missing")},
		{Host: "h:1", CertFile: bad},
	} {
		if _, err := spc.Dial(cfg); err == nil {
			t.Errorf("Dial(%+v) succeeded", cfg)
		}
	}
}

// api12Server is a stakepoold of API 1.2 over real gRPC: it has no
// PrepareUserScript or ImportUserScript.
type api12Server struct {
	pb.UnimplementedStakepooldServer
	s *pbServer
}

func (a api12Server) Version(ctx context.Context, r *pb.VersionRequest) (*pb.VersionResponse, error) {
	return a.s.Version(ctx, r)
}

func (a api12Server) Health(ctx context.Context, r *pb.HealthRequest) (*pb.HealthResponse, error) {
	return a.s.Health(ctx, r)
}

func (a api12Server) GetColdWalletExtPub(ctx context.Context, r *pb.GetColdWalletExtPubRequest) (*pb.GetColdWalletExtPubResponse, error) {
	return a.s.GetColdWalletExtPub(ctx, r)
}

// TestAPI12BackendRefused: this front end creates addresses with the RPCs
// of API 1.3, so a stakepoold of API 1.2 makes Start fail with an error
// that names both versions and says to upgrade the stakepoold (no fallback
// to the 1.2 wallet calls). An up-to-date backend next to it does not
// change that.
func TestAPI12BackendRefused(t *testing.T) {
	if spc.MinAPIVersion.Major != 1 || spc.MinAPIVersion.Minor < 3 {
		t.Fatalf("client API version %+v: this test is about a client that needs 1.3", spc.MinAPIVersion)
	}
	f := fakebackend.New("old:1", "seed", coldXpub)
	old := serveGRPC(t, "old:1", api12Server{s: &pbServer{f: f, version: &pb.VersionResponse{
		VersionString: "1.2.0", Major: 1, Minor: 2}}})
	cur := serveFake(t, fakebackend.New("new:1", "seed", coldXpub))
	ctx := context.Background()
	// What a 1.3 client would meet without the check: 1.2 has no such RPC.
	if _, err := old.PrepareUserScript(ctx, spc.AddressRequest{Index: 1, PoolAddress: "Ss1", UserPubKeyAddr: "Sk1"}); !errors.Is(err, spc.ErrBackendDown) {
		t.Fatalf("PrepareUserScript on a 1.2 server: %v, want a down backend (Unimplemented)", err)
	}
	c, err := spc.New([]spc.Backend{cur, old}, spc.Options{ColdWalletExtPub: coldXpub, Network: "simnet", PoolFees: 7.5})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Start(ctx, &memSource{}, spc.MinAPIVersion)
	want := fmt.Sprintf("old:1: backend configuration mismatch: API version 1.2.0 is not compatible with the required 1.%d.%d; upgrade this stakepoold",
		spc.MinAPIVersion.Minor, spc.MinAPIVersion.Patch)
	if !errors.Is(err, spc.ErrMismatch) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Start = %v, want ErrMismatch containing %q", err, want)
	}
}
