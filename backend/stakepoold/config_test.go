package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	flags "github.com/jessevdk/go-flags"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

// testXpub returns a valid account xpub for p.
func testXpub(t *testing.T, p *chaincfg.Params) string {
	t.Helper()
	seed := make([]byte, 32)
	seed[0] = 7
	m, err := hdkeychain.NewMaster(seed, p)
	if err != nil {
		t.Fatal(err)
	}
	return m.Neuter().String()
}

func required(xpub string) []string {
	return []string{"--coldwalletextpub=" + xpub, "--ecrdhost=127.0.0.1", "--ecrduser=u", "--ecrdpassword=p",
		"--wallethost=127.0.0.1", "--walletuser=u", "--walletpassword=p"}
}

// TestSampleConfig checks that every option in sample-stakepoold.conf,
// uncommented, is an option stakepoold knows and that the file parses.
func TestSampleConfig(t *testing.T) {
	b, err := os.ReadFile("../../sample-stakepoold.conf")
	if err != nil {
		t.Fatal(err)
	}
	opt := regexp.MustCompile(`^; ([a-z]+)=(.*)$`)
	var lines []string
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if m := opt.FindStringSubmatch(l); m != nil {
			if m[1] == "testnet" || m[1] == "simnet" || m[1] == "coldwalletextpub" {
				continue // network choice is tested below
			}
			l = m[1] + "=" + m[2]
			n++
		}
		lines = append(lines, l)
	}
	if n < 15 {
		t.Fatalf("only %d options found in the sample", n)
	}
	var cfg config
	p := flags.NewParser(&cfg, flags.Default)
	if err := flags.NewIniParser(p).Parse(strings.NewReader(strings.Join(lines, "\n"))); err != nil {
		t.Fatalf("sample with options uncommented: %v", err)
	}
	if cfg.PoolFees != 7.5 || cfg.FeeAddresses != 10000 || len(cfg.RPCListen) != 2 {
		t.Fatalf("sample values: %+v", cfg)
	}
	// The sample as shipped (all commented) parses as a config file.
	dir := t.TempDir()
	args := append([]string{"-A", dir, "-C", "../../sample-stakepoold.conf", "--simnet"}, required(testXpub(t, chaincfg.SimNetParams()))...)
	if _, err := loadConfig(args); err != nil {
		t.Fatalf("shipped sample: %v", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	dir := t.TempDir()
	cfg, err := loadConfig(append([]string{"--appdata=" + dir, "--testnet"}, required(testXpub(t, chaincfg.TestNet3Params()))...))
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"datadir":    {cfg.DataDir, filepath.Join(dir, "data", "testnet3")},
		"logdir":     {cfg.LogDir, filepath.Join(dir, "logs", "testnet3")},
		"rpccert":    {cfg.RPCCert, filepath.Join(dir, "rpc.cert")},
		"rpckey":     {cfg.RPCKey, filepath.Join(dir, "rpc.key")},
		"configfile": {cfg.ConfigFile, filepath.Join(dir, "stakepoold.conf")},
		"ecrdhost":   {cfg.EcrdHost, "127.0.0.1:19109"},
		"wallethost": {cfg.WalletHost, "127.0.0.1:19110"},
		"rpclisten":  {cfg.RPCListen[0], "localhost:19113"},
		"ecrdcert":   {cfg.EcrdCert, filepath.Join(dir, "ecrd.cert")},
		"walletcert": {cfg.WalletCert, filepath.Join(dir, "wallet.cert")},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: got %s, want %s", name, c[0], c[1])
		}
	}
	if cfg.PoolFees != 7.5 || cfg.FeeAddresses != 10000 || cfg.DebugLevel != "info" {
		t.Errorf("poolfees %v feeaddresses %d debuglevel %s", cfg.PoolFees, cfg.FeeAddresses, cfg.DebugLevel)
	}
	if cfg.VoteTimeout != 10*time.Second || cfg.PrefsWait != 0 {
		t.Errorf("testnet votetimeout %v prefswait %v, want 10s and 0 (the pool's default)", cfg.VoteTimeout, cfg.PrefsWait)
	}
}

// TestVoteTimeoutDefaults: half a block, between 2 s and 10 s; an explicit
// value wins.
func TestVoteTimeoutDefaults(t *testing.T) {
	for _, tc := range []struct {
		net  string
		xpub *chaincfg.Params
		args []string
		want time.Duration
	}{
		{"--simnet", chaincfg.SimNetParams(), nil, 2 * time.Second},
		{"--testnet", chaincfg.TestNet3Params(), nil, 10 * time.Second},
		{"--simnet", chaincfg.SimNetParams(), []string{"--votetimeout=750ms"}, 750 * time.Millisecond},
	} {
		args := append(append([]string{"-A", t.TempDir(), tc.net}, tc.args...), required(testXpub(t, tc.xpub))...)
		cfg, err := loadConfig(args)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.VoteTimeout != tc.want {
			t.Errorf("%s %v: votetimeout %v, want %v", tc.net, tc.args, cfg.VoteTimeout, tc.want)
		}
	}
	if d := defaultVoteTimeout(5 * time.Minute); d != 10*time.Second {
		t.Errorf("mainnet: %v", d)
	}
}

// TestAppDataInConfigFile checks that appdata set only in the config file
// also moves the data, log and certificate defaults.
func TestAppDataInConfigFile(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "elsewhere")
	conf := filepath.Join(dir, "sp.conf")
	if err := os.WriteFile(conf, []byte("appdata="+app+"\nfeeaddresses=20000\npoolfees=3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(append([]string{"-C", conf, "--simnet"}, required(testXpub(t, chaincfg.SimNetParams()))...))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != filepath.Join(app, "data", "simnet") || cfg.RPCKey != filepath.Join(app, "rpc.key") ||
		cfg.FeeAddresses != 20000 || cfg.PoolFees != 3 || cfg.EcrdHost != "127.0.0.1:19556" {
		t.Fatalf("got %+v", cfg)
	}
}

// TestCommandLineWinsOverFile checks the precedence: defaults < file <
// command line.
func TestCommandLineWinsOverFile(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "sp.conf")
	if err := os.WriteFile(conf, []byte("poolfees=3\nfeeaddresses=500\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(append([]string{"-A", dir, "-C", conf, "--simnet", "--poolfees=4"}, required(testXpub(t, chaincfg.SimNetParams()))...))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PoolFees != 4 || cfg.FeeAddresses != 500 || cfg.DebugLevel != "info" {
		t.Fatalf("poolfees %v feeaddresses %d debuglevel %s", cfg.PoolFees, cfg.FeeAddresses, cfg.DebugLevel)
	}
}

func TestConfigErrors(t *testing.T) {
	sim := testXpub(t, chaincfg.SimNetParams())
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"both networks", append([]string{"--simnet", "--testnet"}, required(sim)...), "cannot be used together"},
		{"no xpub", []string{"--simnet", "--ecrdhost=h", "--ecrduser=u", "--ecrdpassword=p", "--wallethost=h", "--walletuser=u", "--walletpassword=p"}, "coldwalletextpub is required"},
		{"xpub of another network", append([]string{"--testnet"}, required(sim)...), "not a valid extended public key for testnet3"},
		{"garbage xpub", append([]string{"--simnet"}, required("spubgarbage")...), "not a valid extended public key"},
		{"fees too low", append([]string{"--simnet", "--poolfees=0.001"}, required(sim)...), "poolfees"},
		{"fees too high", append([]string{"--simnet", "--poolfees=100.5"}, required(sim)...), "poolfees"},
		{"no fee addresses", append([]string{"--simnet", "--feeaddresses=0"}, required(sim)...), "feeaddresses"},
		{"no wallet password", []string{"--simnet", "--coldwalletextpub=" + sim, "--ecrdhost=h", "--ecrduser=u", "--ecrdpassword=p", "--wallethost=h", "--walletuser=u"}, "walletpassword is required"},
		{"bad level", append([]string{"--simnet", "-d", "loud"}, required(sim)...), "unknown level"},
		{"bad subsystem", append([]string{"--simnet", "-d", "FOO=debug"}, required(sim)...), "unknown subsystem"},
		{"missing config file", append([]string{"--simnet", "-C", "/nonexistent/x.conf"}, required(sim)...), "config file"},
		{"bad metrics", append([]string{"--simnet", "--metricslisten=nope"}, required(sim)...), "metricslisten"},
		{"unknown flag", []string{"--bogus"}, "unknown flag"},
		{"vote timeout too short", append([]string{"--simnet", "--votetimeout=10ms"}, required(sim)...), "votetimeout"},
		{"prefs wait past the vote timeout", append([]string{"--simnet", "--votetimeout=3s", "--prefswait=3s"}, required(sim)...), "prefswait"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(append([]string{"-A", t.TempDir()}, tc.args...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseDebugLevel(t *testing.T) {
	lg := newLogsTo(os.Stderr)
	if err := parseDebugLevel("POOL=debug,GRPC=warn", lg.loggers); err != nil {
		t.Fatal(err)
	}
	if lg.get(subPool).Level().String() != "DBG" || lg.get(subGRPC).Level().String() != "WRN" || lg.get(subMain).Level().String() != "INF" {
		t.Fatalf("levels: %v %v %v", lg.get(subPool).Level(), lg.get(subGRPC).Level(), lg.get(subMain).Level())
	}
}

// TestHelpShowsDefaults checks that -h names the default of every option
// the daemon fills in itself, so operators need not read the code.
func TestHelpShowsDefaults(t *testing.T) {
	_, err := loadConfig([]string{"-h"})
	var fe *flags.Error
	if !errors.As(err, &fe) || fe.Type != flags.ErrHelp {
		t.Fatalf("-h: %v", err)
	}
	help := strings.Join(strings.Fields(fe.Message), " ") // undo line wrapping
	for _, want := range []string{
		"<appdata>/stakepoold.conf", "<appdata>/data", "<appdata>/logs", "(default: info)",
		"(default: 7.5)", "(default: 10000)", "9109, 19109, 19556", "<appdata>/ecrd.cert",
		"9110, 19110, 19557", "<appdata>/wallet.cert", "default localhost; port 9113, 19113 or 19560",
		"<appdata>/rpc.cert", "<appdata>/rpc.key", "off when empty",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help does not mention %q", want)
		}
	}
}
