package rpcserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
)

// TestTLSClientCerts serves over TLS on loopback and checks that, with a
// client CA configured, a client without a certificate is refused and one
// with a certificate signed by that CA is served.
func TestTLSClientCerts(t *testing.T) {
	dir := t.TempDir()
	srvCert, srvKey := filepath.Join(dir, "rpc.cert"), filepath.Join(dir, "rpc.key")
	cliCert, cliKey := filepath.Join(dir, "client.cert"), filepath.Join(dir, "client.key")
	if err := GenerateCertPair(srvCert, srvKey, "stakepoold test", nil); err != nil {
		t.Fatal(err)
	}
	if err := GenerateCertPair(cliCert, cliKey, "front end test", nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(srvKey); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi, err)
	}
	tlsCfg, err := TLSConfig(srvCert, srvKey, cliCert)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pool.New(pool.Config{Node: pooltest.NewNode(pool.BlockRef{}), Wallet: pooltest.NewWallet(),
		Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}})
	if err != nil {
		t.Fatal(err)
	}
	g := NewGRPCServer(New(Config{Pool: p}), grpc.Creds(credentials.NewTLS(tlsCfg)))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = g.Serve(lis) // returns when the test stops the server
	}()
	defer g.Stop()

	roots := x509.NewCertPool()
	pem, _ := os.ReadFile(srvCert)
	roots.AppendCertsFromPEM(pem)
	call := func(certs []tls.Certificate) error {
		creds := credentials.NewTLS(&tls.Config{RootCAs: roots, ServerName: "localhost", Certificates: certs})
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(creds))
		if err != nil {
			return err
		}
		defer func() {
			if err := conn.Close(); err != nil {
				t.Error(err)
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = pb.NewStakepooldClient(conn).Version(ctx, &pb.VersionRequest{})
		return err
	}
	if err := call(nil); err == nil {
		t.Fatal("client without a certificate was served")
	}
	kp, err := tls.LoadX509KeyPair(cliCert, cliKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := call([]tls.Certificate{kp}); err != nil {
		t.Fatalf("client with a certificate: %v", err)
	}
	if _, err := TLSConfig(srvCert, srvKey, filepath.Join(dir, "missing.pem")); err == nil {
		t.Fatal("missing client CA file accepted")
	}
}
