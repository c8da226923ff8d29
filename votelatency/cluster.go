package votelatency

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// Public, simulated-network-only seeds.
const (
	userSeed = "7777777777777777777777777777777777777777777777777777777777777777"
	poolSeed = "8888888888888888888888888888888888888888888888888888888888888888"
	coldSeed = "9999999999999999999999999999999999999999999999999999999999999999"
	rpcUser  = "user"
	rpcPass  = "pass"
	poolFees = "5"
)

// chainArgs shorten the maturities (node and wallets alike); the stake
// validation height and the ticket pool size stay simnet's, since the pool
// fee formula depends on them.
var chainArgs = []string{"--ticketmaturity", "4", "--coinbasematurity", "4"}

// Build compiles simnet, stakepoold and votefloor into dir.
func Build(dir string) error {
	return proctest.Build(dir+string(os.PathSeparator), false, "github.com/eacred/dcrstakepool/simnet",
		"github.com/eacred/dcrstakepool/backend/stakepoold", "github.com/eacred/dcrstakepool/votelatency/cmd/votefloor")
}

// proc is one daemon.
type proc struct {
	proctest.Proc
	role    string // simulator role ("node", "wallet"); "" for other programs
	addr    string // listen address
	profile string // --profile address ("" = none)
}

func (c *cluster) newProc(name, bin, sub string) *proc {
	dir := filepath.Join(c.opt.Dir, sub)
	return &proc{Proc: proctest.Proc{Name: name, Bin: filepath.Join(c.opt.BinDir, bin), Dir: dir, OutFile: "proc.log",
		Env: []string{"HOME=" + dir}}}
}

// startSim starts a simulator role and waits for its RPC listener.
func (c *cluster) startSim(p *proc, args ...string) error {
	p.Args = append([]string{p.role, "--datadir", p.Dir, "--rpclisten", "127.0.0.1:0", "--rpcuser", rpcUser,
		"--rpcpass", rpcPass}, args...)
	logPath := filepath.Join(p.Dir, p.role+".log")
	offset := proctest.FileSize(logPath)
	if err := p.Start(); err != nil {
		return err
	}
	addr, err := p.WaitListen(logPath, offset, 60*time.Second)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, p.Tail(2000))
	}
	p.addr = addr
	return nil
}

// waitOutput waits until p's output after offset contains line.
func waitOutput(p *proc, offset int, line string, timeout time.Duration) error {
	return proctest.Wait(timeout, 25*time.Millisecond, func() error {
		out := p.Output()
		if !p.Running() {
			return fmt.Errorf("%s exited (%v):\n%s", p.Name, p.ExitErr(), p.Tail(2000))
		}
		if len(out) >= offset && strings.Contains(out[offset:], line) {
			return nil
		}
		return fmt.Errorf("%s did not say %q in %v:\n%s", p.Name, line, timeout, p.Tail(2000))
	})
}

// stop asks p to exit (SIGTERM) and kills it after 20 s.
func stop(p *proc) error {
	if err := p.Stop(syscall.SIGTERM, 20*time.Second); err != nil {
		return fmt.Errorf("stop %s: %w", p.Name, err)
	}
	return nil
}

// freeAddr is a loopback address whose port was free a moment ago.
func freeAddr() string {
	a, err := proctest.PickAddr()
	if err != nil {
		return "127.0.0.1:0"
	}
	return a
}

func (p *proc) cert() string { return filepath.Join(p.Dir, "rpc.cert") }

// dialRPC opens a websocket JSON-RPC client to a simulator process.
func dialRPC(ctx context.Context, p *proc) (*rpcclient.Client, error) {
	c, err := rpcclient.Dial(ctx, rpcclient.Config{Host: p.addr, CertFile: p.cert(), User: rpcUser, Pass: rpcPass})
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", p.Name, err)
	}
	return c, nil
}

// dialStakepoold opens a gRPC client trusting the daemon's rpc.cert.
func dialStakepoold(p *proc) (pb.StakepooldClient, *grpc.ClientConn, error) {
	var pem []byte
	err := proctest.Wait(30*time.Second, 50*time.Millisecond, func() error {
		var err error
		if pem, err = os.ReadFile(p.cert()); err == nil && len(pem) == 0 {
			err = fmt.Errorf("%s is empty", p.cert())
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	conn, err := grpc.NewClient(p.addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots,
		ServerName: "localhost"})))
	if err != nil {
		return nil, nil, err
	}
	return pb.NewStakepooldClient(conn), conn, nil
}

// accountXpub is the simnet account-0 extended public key of a hex seed
// (what a simulator wallet started with --seed reports).
func accountXpub(seedHex string) (*hdkeychain.ExtendedKey, error) {
	seed, err := hex.DecodeString(seedHex)
	if err != nil {
		return nil, err
	}
	p := chaincfg.SimNetParams()
	m, err := hdkeychain.NewMaster(seed, p)
	if err != nil {
		return nil, err
	}
	acct, err := m.DerivePath(hdkeychain.HardenedKeyStart+44, hdkeychain.HardenedKeyStart+p.SLIP0044CoinType,
		hdkeychain.HardenedKeyStart)
	if err != nil {
		return nil, err
	}
	return acct.Neuter(), nil
}

// addrAt is the external-branch P2PKH address at index.
func addrAt(xpub *hdkeychain.ExtendedKey, index uint32) (string, error) {
	a, err := hdkeychain.AddressAt(xpub, 0, index, chaincfg.SimNetParams())
	if err != nil {
		return "", err
	}
	return a.String(), nil
}
