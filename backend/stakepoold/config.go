package main

import (
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	flags "github.com/jessevdk/go-flags"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

const (
	defaultConfigName   = "stakepoold.conf"
	defaultRPCCertName  = "rpc.cert"
	defaultRPCKeyName   = "rpc.key"
	defaultStateDirName = "data"
	defaultLogDirName   = "logs"
	logFileName         = "stakepoold.log"
)

// config is stakepoold's configuration: INI file + command line. Paths left
// empty are derived from AppData after parsing, so appdata moves every
// default (config, data, logs, certificates) wherever it is set.
type config struct {
	ShowVersion bool   `short:"V" long:"version" description:"Display version information and exit"`
	CheckState  string `long:"checkstate" description:"Load the state files in this directory (a data directory or a backup of one) as at start-up, print what they hold and exit; non-zero when there is no state.json or stakepoold would refuse the files (nothing else is read or started)"`
	AppData     string `short:"A" long:"appdata" description:"Application data directory (moves the config, data, logs and rpc certificate defaults)"`
	ConfigFile  string `short:"C" long:"configfile" description:"Path to the configuration file (default <appdata>/stakepoold.conf)"`
	DataDir     string `short:"b" long:"datadir" description:"Directory for stored preferences and tickets (default <appdata>/data; the network name is appended)"`
	LogDir      string `long:"logdir" description:"Directory for log files (default <appdata>/logs; the network name is appended)"`
	TestNet     bool   `long:"testnet" description:"Use the test network"`
	SimNet      bool   `long:"simnet" description:"Use the simulation test network"`
	DebugLevel  string `short:"d" long:"debuglevel" default:"info" description:"Logging level for all subsystems {trace, debug, info, warn, error, critical} -- or SUBSYS=level,SUBSYS2=level (subsystems: STPK POOL GRPC ECRD WLLT)"`

	ColdWalletExtPub string  `long:"coldwalletextpub" description:"Extended public key of the cold wallet account that receives pool fees (required)"`
	PoolFees         float64 `long:"poolfees" default:"7.5" description:"Pool fee in percent (0.01 to 100); must match the front end and the wallets (the front end's default is 7.5 too)"`
	FeeAddresses     uint32  `long:"feeaddresses" default:"10000" description:"Number of fee addresses to derive from coldwalletextpub (external branch, indexes 0..n-1)"`

	EcrdHost     string `long:"ecrdhost" description:"ecrd RPC host[:port] (default port per network: 9109, 19109, 19556)"`
	EcrdUser     string `long:"ecrduser" description:"ecrd RPC user name"`
	EcrdPassword string `long:"ecrdpassword" default-mask:"-" description:"ecrd RPC password"`
	EcrdCert     string `long:"ecrdcert" description:"ecrd RPC certificate (default <appdata>/ecrd.cert; relative paths are inside appdata)"`

	WalletHost     string `long:"wallethost" description:"eacrwallet RPC host[:port] (default port per network: 9110, 19110, 19557)"`
	WalletUser     string `long:"walletuser" description:"eacrwallet RPC user name"`
	WalletPassword string `long:"walletpassword" default-mask:"-" description:"eacrwallet RPC password"`
	WalletCert     string `long:"walletcert" description:"eacrwallet RPC certificate (default <appdata>/wallet.cert; relative paths are inside appdata)"`

	RPCListen     []string `long:"rpclisten" description:"Listen for gRPC on this interface[:port] (default localhost; port 9113, 19113 or 19560)"`
	RPCCert       string   `long:"rpccert" description:"gRPC TLS certificate (generated with rpckey if missing; default <appdata>/rpc.cert)"`
	RPCKey        string   `long:"rpckey" description:"gRPC TLS key (default <appdata>/rpc.key)"`
	ClientCAFile  string   `long:"clientcafile" description:"PEM file of CAs for client certificates; when set, gRPC clients must present a certificate"`
	MetricsListen string   `long:"metricslisten" description:"Serve Prometheus metrics on this host:port at /metrics (off when empty)"`
	Profile       string   `long:"profile" description:"Serve Go's pprof handlers (/debug/pprof/) on this host:port, with block and mutex profiling on; keep it on loopback (off when empty)"`

	VoteTimeout time.Duration `long:"votetimeout" description:"Deadline for voting one block's winners, from the winningtickets notification; a wallet or ecrd call still running then is abandoned (default: half the network's block time, between 2s and 10s: 10s on mainnet and testnet, 2s on simnet)"`
	PrefsWait   time.Duration `long:"prefswait" description:"After start-up, how long each vote waits for the front end's first push of the users' preferences (the stored ones may be stale or missing) before it is voted with the stored bits, or the wallet's default for an unknown user (default min(2s, votetimeout/4); 0 keeps the default, negative disables)"`
	PrefsGrace  time.Duration `long:"prefsgrace" description:"Stop waiting for the front end's first push this long after start-up (the front end is down); votes then use the stored preferences at once (default 30s)"`

	params *chaincfg.Params
}

// defaultAppData is ~/.stakepoold.
func defaultAppData() string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".stakepoold")
}

// loadConfig parses the command line (args, without the program name) and
// the config file, fills derived defaults and validates. A help request
// returns a *flags.Error of type ErrHelp.
func loadConfig(args []string) (*config, error) {
	// Pass 1: the command line alone, to find appdata and the config file.
	pre := config{}
	preParser := flags.NewParser(&pre, flags.HelpFlag|flags.PassDoubleDash)
	if _, err := preParser.ParseArgs(args); err != nil {
		return nil, err
	}
	if pre.ShowVersion || pre.CheckState != "" {
		return &pre, nil
	}
	appData := pre.AppData
	if appData == "" {
		appData = defaultAppData()
	}
	appData = expandHome(appData)
	cfgFile := pre.ConfigFile
	if cfgFile == "" {
		cfgFile = filepath.Join(appData, defaultConfigName)
	}
	cfgFile = expandHome(cfgFile)

	// Pass 2: defaults, then the file, then the command line again so it
	// wins over the file.
	// Defaults come from the `default:` tags (shown by --help).
	cfg := config{}
	parser := flags.NewParser(&cfg, flags.HelpFlag|flags.PassDoubleDash)
	if err := flags.NewIniParser(parser).ParseFile(cfgFile); err != nil {
		var pe *os.PathError
		if !errors.As(err, &pe) || pre.ConfigFile != "" {
			return nil, fmt.Errorf("config file %s: %w", cfgFile, err)
		}
		// A missing default config file is fine.
	}
	if _, err := parser.ParseArgs(args); err != nil {
		return nil, err
	}
	cfg.ConfigFile = cfgFile
	if cfg.AppData == "" {
		cfg.AppData = appData
	}
	cfg.AppData = expandHome(cfg.AppData)
	if err := cfg.finish(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// finish derives defaults from appdata and the network, and validates.
func (c *config) finish() error {
	switch {
	case c.TestNet && c.SimNet:
		return errors.New("testnet and simnet cannot be used together")
	case c.TestNet:
		c.params = chaincfg.TestNet3Params()
	case c.SimNet:
		c.params = chaincfg.SimNetParams()
	default:
		c.params = chaincfg.MainNetParams()
	}
	netName := c.params.Name
	inApp := func(p, def string) string {
		if p == "" {
			return filepath.Join(c.AppData, def)
		}
		p = expandHome(p)
		if !filepath.IsAbs(p) {
			return filepath.Join(c.AppData, p)
		}
		return p
	}
	c.DataDir = filepath.Join(inApp(c.DataDir, defaultStateDirName), netName)
	c.LogDir = filepath.Join(inApp(c.LogDir, defaultLogDirName), netName)
	c.RPCCert = inApp(c.RPCCert, defaultRPCCertName)
	c.RPCKey = inApp(c.RPCKey, defaultRPCKeyName)
	c.EcrdCert = inApp(c.EcrdCert, "ecrd.cert")
	c.WalletCert = inApp(c.WalletCert, "wallet.cert")
	if c.ClientCAFile != "" {
		c.ClientCAFile = inApp(c.ClientCAFile, "")
	}

	if err := parseDebugLevel(c.DebugLevel, nil); err != nil {
		return err
	}
	if c.ColdWalletExtPub == "" {
		return errors.New("coldwalletextpub is required: the extended public key of the cold wallet account that receives pool fees")
	}
	if k, err := hdkeychain.Parse(c.ColdWalletExtPub, c.params); err != nil {
		return fmt.Errorf("coldwalletextpub is not a valid extended public key for %s: %w", c.params.Name, err)
	} else if k.IsPrivate() {
		return errors.New("coldwalletextpub is a PRIVATE extended key: give the cold wallet account's public key")
	}
	if !validPoolFees(c.PoolFees) {
		return fmt.Errorf("poolfees %v is not a valid pool fee: it must be between 0.01 and 100.00 percent", c.PoolFees)
	}
	if c.FeeAddresses == 0 {
		return errors.New("feeaddresses must be at least 1")
	}
	var err error
	for _, r := range []struct {
		name string
		val  *string
	}{{"ecrdhost", &c.EcrdHost}, {"ecrduser", &c.EcrdUser}, {"ecrdpassword", &c.EcrdPassword},
		{"wallethost", &c.WalletHost}, {"walletuser", &c.WalletUser}, {"walletpassword", &c.WalletPassword}} {
		if *r.val == "" {
			return fmt.Errorf("%s is required", r.name)
		}
	}
	if c.EcrdHost, err = withPort(c.EcrdHost, c.params.NodeRPCPort); err != nil {
		return fmt.Errorf("ecrdhost: %w", err)
	}
	if c.WalletHost, err = withPort(c.WalletHost, c.params.WalletRPCPort); err != nil {
		return fmt.Errorf("wallethost: %w", err)
	}
	if len(c.RPCListen) == 0 {
		c.RPCListen = []string{"localhost"}
	}
	for i, l := range c.RPCListen {
		if c.RPCListen[i], err = withPort(l, c.params.StakepooldRPCPort); err != nil {
			return fmt.Errorf("rpclisten: %w", err)
		}
	}
	if c.VoteTimeout == 0 {
		c.VoteTimeout = defaultVoteTimeout(c.params.TargetTimePerBlock)
	}
	if c.VoteTimeout < 100*time.Millisecond {
		return fmt.Errorf("votetimeout %v is too short (at least 100ms; votes take milliseconds, a wallet under load more)", c.VoteTimeout)
	}
	if c.PrefsWait >= c.VoteTimeout {
		return fmt.Errorf("prefswait %v must be shorter than votetimeout %v (a held vote must still be cast in time)", c.PrefsWait, c.VoteTimeout)
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			return fmt.Errorf("metricslisten %q: want host:port: %w", c.MetricsListen, err)
		}
	}
	if c.Profile != "" {
		if _, _, err := net.SplitHostPort(c.Profile); err != nil {
			return fmt.Errorf("profile %q: want host:port: %w", c.Profile, err)
		}
	}
	return nil
}

// defaultVoteTimeout is half the network's block time, kept between 2 s
// (a slow machine still votes) and 10 s.
func defaultVoteTimeout(block time.Duration) time.Duration {
	return min(max(block/2, 2*time.Second), 10*time.Second)
}

// validPoolFees reports whether p percent is a pool fee the wallets accept
// (hundredths of a percent in 1..10000).
func validPoolFees(p float64) bool {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return false
	}
	h := math.Floor(p * 100)
	return h >= 1 && h <= 10000
}

// withPort appends the default port to a host without one.
func withPort(hostport string, port uint16) (string, error) {
	if hostport == "" {
		return "", errors.New("empty address")
	}
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport, nil
	}
	host := strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
	if strings.ContainsAny(host, "[]") {
		return "", fmt.Errorf("malformed address %q", hostport)
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port))), nil
}

// expandHome replaces a leading ~ with the home directory.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}
