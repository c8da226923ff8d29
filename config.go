package main

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	flags "github.com/jessevdk/go-flags"
)

const (
	defaultConfigName   = "dcrstakepool.conf"
	defaultListen       = ":8000"
	defaultBaseURL      = "http://127.0.0.1:8000"
	defaultClosePoolMsg = "The voting service is temporarily closed to new signups."
	defaultPoolEmail    = "admin@example.com"
	defaultPoolFees     = 7.5
	defaultPoolLink     = ""
	defaultMaxVoted     = 1000
	defaultMinPassword  = 8
	defaultSessionAge   = 6 * time.Hour
	defaultMaxBody      = 1 << 20
	// defaultAPITokenLifetime: a year, the longest lifetime mature
	// services (GitLab, GitHub fine-grained tokens) allow by default.
	defaultAPITokenLifetime = 365 * 24 * time.Hour
	minSecretLength         = 16
)

// defaultHomeDir is ~/.dcrstakepool; everything defaults to live under it.
func defaultHomeDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".dcrstakepool")
}

// config is every option, from the config file and the command line (which
// wins). Values after loadConfig are validated and normalized; derived
// values are the unexported fields at the end.
type config struct {
	ShowVersion bool   `short:"V" long:"version" description:"Print the version and exit" no-ini:"true"`
	ConfigFile  string `short:"C" long:"configfile" description:"Path to the configuration file" no-ini:"true"`
	LogDir      string `long:"logdir" description:"Log folder; the network name is appended"`
	DebugLevel  string `short:"d" long:"debuglevel" description:"Log level for all subsystems {trace, debug, info, warn, error, critical}, or SUBSYS=level,... for some; 'show' lists the subsystems"`
	Listen      string `long:"listen" description:"Address to listen on: host:port for TCP, or a path starting with / or . for a unix socket"`
	TestNet     bool   `long:"testnet" description:"Use the test network"`
	SimNet      bool   `long:"simnet" description:"Use the simulation test network"`

	APISecret    string `long:"apisecret" description:"Secret for API tokens (JWT) and CSRF tokens (REQUIRED; openssl rand -hex 32)"`
	CookieSecret string `long:"cookiesecret" description:"Secret for session cookies (REQUIRED; openssl rand -hex 32)"`
	CookieSecure bool   `long:"cookiesecure" description:"Send cookies only over HTTPS (set when TLS is in place)"`
	BaseURL      string `long:"baseurl" description:"Public URL of the site, used in email links and as the API token issuer (no trailing slash)"`

	ColdWalletExtPub     string        `long:"coldwalletextpub" description:"Extended public key of the cold wallet account receiving pool fees (REQUIRED)"`
	VotingWalletExtPub   string        `long:"votingwalletextpub" description:"Extended public key of the voting wallets' default account (REQUIRED)"`
	StakepooldHosts      []string      `long:"stakepooldhosts" description:"stakepoold hosts, comma separated or repeated; the network's default port is added when missing (REQUIRED)"`
	StakepooldCerts      []string      `long:"stakepooldcerts" description:"TLS certificates of the stakepoolds, in the same order; relative paths are under the home folder (REQUIRED)"`
	StakepooldClientCert string        `long:"stakepooldclientcert" description:"Client certificate (PEM) presented to every stakepoold that requires one (its clientcafile)"`
	StakepooldClientKey  string        `long:"stakepooldclientkey" description:"Private key (PEM) of stakepooldclientcert"`
	PoolFees             float64       `long:"poolfees" description:"Pool fee in percent (0.01-100, two decimals); must match the voting wallets and stakepoold"`
	MaxVotedTickets      int           `long:"maxvotedtickets" description:"Newest voted tickets shown on the tickets page"`
	ExplorerURL          string        `long:"explorerurl" description:"Block explorer base URL for ticket links (/tx/<hash> is appended); empty shows no links"`
	Metrics              bool          `long:"metrics" description:"Serve Prometheus metrics at /metrics to adminips"`
	APITokenLifetime     time.Duration `long:"apitokenlifetime" description:"How long a new API token works (e.g. 8760h); 0: tokens do not expire"`
	BackendPoll          time.Duration `long:"backendpoll" description:"How often each stakepoold's health and state digest are checked (a lost connection is noticed at once regardless)"`

	ClosePool    bool   `long:"closepool" description:"Close the pool to new sign-ups (registered users can still submit their voting address)"`
	ClosePoolMsg string `long:"closepoolmsg" description:"Message shown while the pool is closed"`
	PoolEmail    string `long:"poolemail" description:"Support email address shown on the site and in the API"`
	PoolLink     string `long:"poollink" description:"Link for the 'more about this pool' button"`
	Description  string `long:"description" description:"One or two sentences about the pool, shown on the home page"`
	Designation  string `long:"designation" description:"Code name shown next to the VSP logo (Alpha, Bravo, ...)"`

	DBType     string        `long:"dbtype" description:"Database engine: sqlite (a file, needs nothing installed) or mysql (MySQL/MariaDB)" choice:"sqlite" choice:"mysql"`
	DBPath     string        `long:"dbpath" description:"SQLite database file (dbtype=sqlite)"`
	DBHost     string        `long:"dbhost" description:"MySQL host, or the path of its unix socket (dbtype=mysql)"`
	DBPort     string        `long:"dbport" description:"MySQL port (dbtype=mysql)"`
	DBName     string        `long:"dbname" description:"MySQL database name (dbtype=mysql)"`
	DBUser     string        `long:"dbuser" description:"MySQL user (dbtype=mysql)"`
	DBPassword string        `long:"dbpassword" description:"MySQL password (dbtype=mysql)"`
	DBTimeout  time.Duration `long:"dbtimeout" description:"Longest a database query may take; a page or API call that hits it answers 503 (database unavailable)"`

	PublicPath   string `long:"publicpath" description:"Folder of the static files (the built-in copy is used when missing)"`
	TemplatePath string `long:"templatepath" description:"Folder of the HTML templates (the built-in copy is used when missing); SIGUSR1 reloads them"`

	RealIPHeader   string   `long:"realipheader" description:"Header holding the client address set by the reverse proxy (e.g. X-Real-IP); empty uses the connection address"`
	TrustedProxies []string `long:"trustedproxies" description:"Addresses or CIDR ranges of reverse proxies whose realipheader is believed (default: loopback)"`
	AdminIPs       []string `long:"adminips" description:"Addresses or CIDR ranges allowed to open admin pages"`
	AdminUserIDs   []string `long:"adminuserids" description:"User ids allowed to open admin pages (they must also come from adminips)"`

	SMTPHost       string `long:"smtphost" description:"Mail server host:port; empty writes mails to the log instead (development only)"`
	SMTPFrom       string `long:"smtpfrom" description:"From address of the mails"`
	SMTPUsername   string `long:"smtpusername" description:"Mail server user name (optional)"`
	SMTPPassword   string `long:"smtppassword" description:"Mail server password (optional)"`
	UseSMTPS       bool   `long:"usesmtps" description:"Connect with implicit TLS (SMTPS, usually port 465) instead of STARTTLS"`
	SMTPSkipVerify bool   `long:"smtpskipverify" description:"Do not verify the mail server's certificate (testing only)"`
	SMTPCert       string `long:"smtpcert" description:"PEM certificate to trust for the mail server (self-signed servers)"`

	NoCaptcha         bool          `long:"nocaptcha" description:"Show no captcha on register, password reset and email change (private pools and tests only)"`
	MinPasswordLength int           `long:"minpasswordlength" description:"Shortest password accepted (8-72)"`
	SessionMaxAge     time.Duration `long:"sessionmaxage" description:"How long a login lasts without activity; a request in its last half extends it, up to 7 days after login"`
	MaxBodyBytes      int64         `long:"maxbodybytes" description:"Largest request body accepted, in bytes"`

	CreateUser         string `long:"createuser" description:"Create (or reset the password of) a verified account with this email, print its id and exit" no-ini:"true"`
	CreateUserPassword string `long:"createuserpassword" description:"Password for --createuser; '-' reads it from the first line of standard input" no-ini:"true"`

	homeDir   string
	network   string // mainnet, testnet3 or simnet
	listenNet string // tcp or unix
}

// removedOptions were dropped from dcrstakepool long ago; name them clearly.
var removedOptions = []string{"wallethosts", "walletusers", "walletpasswords", "walletcerts", "enablestakepoold",
	"maxvotedage", "minservers", "datadir", "recaptchasecret", "recaptchasitekey", "profile", "cpuprofile", "memprofile"}

func defaultConfig() config {
	home := defaultHomeDir()
	return config{
		ConfigFile:        filepath.Join(home, defaultConfigName),
		LogDir:            filepath.Join(home, "logs"),
		DebugLevel:        "info",
		Listen:            defaultListen,
		BaseURL:           defaultBaseURL,
		PoolFees:          defaultPoolFees,
		MaxVotedTickets:   defaultMaxVoted,
		APITokenLifetime:  defaultAPITokenLifetime,
		ClosePoolMsg:      defaultClosePoolMsg,
		PoolEmail:         defaultPoolEmail,
		PoolLink:          defaultPoolLink,
		DBType:            "sqlite",
		DBHost:            "localhost",
		DBPort:            "3306",
		DBName:            "stakepool",
		DBUser:            "stakepool",
		PublicPath:        "public",
		TemplatePath:      "views",
		MinPasswordLength: defaultMinPassword,
		SessionMaxAge:     defaultSessionAge,
		BackendPoll:       time.Second,
		DBTimeout:         5 * time.Second,
		MaxBodyBytes:      defaultMaxBody,
		homeDir:           home,
	}
}

// errShowVersion asks main to print the version and exit successfully.
var errShowVersion = errors.New("show version")

// loadConfig reads the config file named on the command line (or the
// default one, if it exists), then the command line over it, and validates.
func loadConfig(args []string) (*config, error) {
	cfg := defaultConfig()

	// First pass: only -C and -V.
	pre := cfg
	pp := flags.NewParser(&pre, flags.HelpFlag|flags.PassDoubleDash|flags.IgnoreUnknown)
	if _, err := pp.ParseArgs(args); err != nil {
		var fe *flags.Error
		if errors.As(err, &fe) && fe.Type == flags.ErrHelp {
			return nil, err
		}
	}
	if pre.ShowVersion {
		return nil, errShowVersion
	}

	p := flags.NewParser(&cfg, flags.HelpFlag|flags.PassDoubleDash)
	cfgFile := expandHome(pre.ConfigFile)
	if _, err := os.Stat(cfgFile); err == nil {
		if err := flags.NewIniParser(p).ParseFile(cfgFile); err != nil {
			return nil, explainRemoved(fmt.Errorf("config file %s: %w", cfgFile, err))
		}
	} else if pre.ConfigFile != defaultConfig().ConfigFile {
		return nil, fmt.Errorf("config file %s: %w", cfgFile, err)
	}
	if _, err := p.ParseArgs(args); err != nil {
		return nil, explainRemoved(err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func explainRemoved(err error) error {
	msg := err.Error()
	for _, name := range removedOptions {
		if strings.Contains(msg, "unknown option: "+name) || strings.Contains(msg, "unknown flag `"+name+"'") {
			return fmt.Errorf("%w (option %q no longer exists: remove it)", err, name)
		}
	}
	return err
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// splitList flattens repeated and comma-separated list values.
func splitList(in []string) []string {
	var out []string
	for _, v := range in {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// validate checks every option and fills the derived fields. Each error
// names the option and says what is expected.
func (c *config) validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	switch {
	case c.TestNet && c.SimNet:
		bad("testnet and simnet cannot both be set")
	case c.TestNet:
		c.network = "testnet3"
	case c.SimNet:
		c.network = "simnet"
	default:
		c.network = "mainnet"
	}
	c.LogDir = filepath.Join(expandHome(c.LogDir), c.network)

	if c.Listen == "" {
		bad("listen is empty")
	} else if strings.HasPrefix(c.Listen, "/") || strings.HasPrefix(c.Listen, ".") {
		c.listenNet = "unix"
	} else if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen %q: want host:port (e.g. 127.0.0.1:8000) or a unix socket path", c.Listen)
	} else {
		c.listenNet = "tcp"
	}

	for name, v := range map[string]string{"apisecret": c.APISecret, "cookiesecret": c.CookieSecret} {
		if len(v) < minSecretLength {
			bad("%s is required and must be at least %d characters (generate one with: openssl rand -hex 32)", name, minSecretLength)
		}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" {
		bad("baseurl %q: want http(s)://host[:port][/path] with no trailing slash", c.BaseURL)
	} else if c.CookieSecure && u.Scheme != "https" {
		bad("cookiesecure is set but baseurl %q is not https: browsers would drop the cookies", c.BaseURL)
	}

	if c.ColdWalletExtPub == "" {
		bad("coldwalletextpub is required (the fee wallet's account xpub, without the :10000 suffix)")
	}
	if c.VotingWalletExtPub == "" {
		bad("votingwalletextpub is required (getmasterpubkey default on a voting wallet)")
	}
	c.StakepooldHosts = splitList(c.StakepooldHosts)
	c.StakepooldCerts = splitList(c.StakepooldCerts)
	minHosts := 1
	if c.network == "mainnet" {
		minHosts = 2
	}
	if len(c.StakepooldHosts) < minHosts {
		bad("stakepooldhosts: %d given, at least %d needed on %s", len(c.StakepooldHosts), minHosts, c.network)
	}
	if len(c.StakepooldCerts) != len(c.StakepooldHosts) {
		bad("stakepooldcerts: %d given for %d stakepooldhosts; give one certificate per host, in the same order",
			len(c.StakepooldCerts), len(c.StakepooldHosts))
	}
	port := map[string]string{"mainnet": "9113", "testnet3": "19113", "simnet": "19560"}[c.network]
	for i, h := range c.StakepooldHosts {
		if _, _, err := net.SplitHostPort(h); err != nil {
			c.StakepooldHosts[i] = net.JoinHostPort(strings.Trim(h, "[]"), port)
		}
	}
	for i, p := range c.StakepooldCerts {
		p = expandHome(p)
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.homeDir, p)
		}
		c.StakepooldCerts[i] = p
	}

	if (c.StakepooldClientCert == "") != (c.StakepooldClientKey == "") {
		bad("stakepooldclientcert and stakepooldclientkey go together: set both or neither")
	}
	for _, p := range []*string{&c.StakepooldClientCert, &c.StakepooldClientKey} {
		if *p != "" {
			*p = expandHome(*p)
			if !filepath.IsAbs(*p) {
				*p = filepath.Join(c.homeDir, *p)
			}
		}
	}
	if c.PoolFees < 0.01 || c.PoolFees > 100 || math.Abs(c.PoolFees*100-math.Round(c.PoolFees*100)) > 1e-9 {
		bad("poolfees %v: want a percentage from 0.01 to 100 with at most two decimals", c.PoolFees)
	}
	c.ExplorerURL = strings.TrimRight(c.ExplorerURL, "/")
	if c.ExplorerURL != "" {
		if u, err := url.Parse(c.ExplorerURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("explorerurl %q: want http(s)://host[/path]", c.ExplorerURL)
		}
	}
	if c.MaxVotedTickets < 1 {
		bad("maxvotedtickets must be at least 1")
	}
	if c.APITokenLifetime < 0 || (c.APITokenLifetime > 0 && c.APITokenLifetime < time.Hour) {
		bad("apitokenlifetime %v: want 0 (no expiry) or at least 1h", c.APITokenLifetime)
	}

	switch c.DBType {
	case "sqlite":
		if c.DBPath == "" {
			c.DBPath = filepath.Join(c.homeDir, "data", c.network, "dcrstakepool.db")
		}
		c.DBPath = expandHome(c.DBPath)
	case "mysql":
		if c.DBName == "" || c.DBUser == "" {
			bad("dbname and dbuser are required with dbtype=mysql")
		}
		if c.DBPassword == "" && !strings.HasPrefix(c.DBHost, "/") {
			bad("dbpassword is required with dbtype=mysql over TCP")
		}
		if p, err := strconv.Atoi(c.DBPort); err != nil || p < 1 || p > 65535 {
			bad("dbport %q is not a port number", c.DBPort)
		}
	}

	c.TrustedProxies = splitList(c.TrustedProxies)
	c.AdminIPs = splitList(c.AdminIPs)
	c.AdminUserIDs = splitList(c.AdminUserIDs)
	for _, ip := range append(append([]string{}, c.TrustedProxies...), c.AdminIPs...) {
		if _, _, err := net.ParseCIDR(ip); err != nil && net.ParseIP(ip) == nil {
			bad("%q in adminips/trustedproxies is not an IP address or CIDR range", ip)
		}
	}
	for _, id := range c.AdminUserIDs {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n < 1 {
			bad("adminuserids: %q is not a user id (a positive whole number)", id)
		}
	}

	if c.SMTPHost != "" {
		if _, _, err := net.SplitHostPort(c.SMTPHost); err != nil {
			bad("smtphost %q: want host:port (e.g. smtp.example.com:587)", c.SMTPHost)
		}
		if c.SMTPFrom == "" {
			bad("smtpfrom is required when smtphost is set")
		}
	}
	if c.SMTPCert != "" {
		c.SMTPCert = expandHome(c.SMTPCert)
	}

	if c.CreateUser != "" && c.CreateUserPassword == "" {
		bad("createuser needs createuserpassword (or createuserpassword=- to read it from standard input)")
	}
	if c.MinPasswordLength < 8 || c.MinPasswordLength > 72 {
		bad("minpasswordlength %d: want 8 to 72", c.MinPasswordLength)
	}
	if c.SessionMaxAge < time.Minute {
		bad("sessionmaxage %s: want at least 1m", c.SessionMaxAge)
	}
	if c.BackendPoll < 100*time.Millisecond || c.BackendPoll > time.Minute {
		bad("backendpoll %s: want 100ms to 1m", c.BackendPoll)
	}
	if c.DBTimeout < 100*time.Millisecond || c.DBTimeout > 5*time.Minute {
		bad("dbtimeout %s: want 100ms to 5m", c.DBTimeout)
	}
	if c.MaxBodyBytes < 1024 {
		bad("maxbodybytes %d: want at least 1024", c.MaxBodyBytes)
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid configuration:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return nil
}
