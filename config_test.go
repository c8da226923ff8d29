package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var secrets = []string{"--apisecret=0123456789abcdef0123", "--cookiesecret=fedcba9876543210fedc"}

// TestSampleConfig: the sample parses, validates once the secrets are
// given, and documents every option.
func TestSampleConfig(t *testing.T) {
	cfg, err := loadConfig(append([]string{"-C", "sample-dcrstakepool.conf"}, secrets...))
	if err != nil {
		t.Fatalf("sample config: %v", err)
	}
	if cfg.network != "testnet3" || cfg.Designation != "YourVSP" || len(cfg.AdminIPs) != 2 {
		t.Errorf("sample values not read: %+v", cfg)
	}
	if cfg.StakepooldHosts[0] != "127.0.0.1:19113" {
		t.Errorf("default stakepoold port not added: %v", cfg.StakepooldHosts)
	}
	if !strings.HasSuffix(cfg.StakepooldCerts[0], filepath.Join(".dcrstakepool", "stakepoold.cert")) {
		t.Errorf("relative cert path not under the home folder: %v", cfg.StakepooldCerts)
	}
	sample, err := os.ReadFile("sample-dcrstakepool.conf")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(config{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := f.Tag.Get("long")
		if name == "" || f.Tag.Get("no-ini") != "" {
			continue
		}
		if !strings.Contains(string(sample), "\n"+name+"=") && !strings.Contains(string(sample), "; "+name+"=") {
			t.Errorf("option %q is not documented in sample-dcrstakepool.conf", name)
		}
	}
}

func minimalArgs(extra ...string) []string {
	base := append([]string{"--testnet", "--coldwalletextpub=tpubcold", "--votingwalletextpub=tpubvote",
		"--stakepooldhosts=10.0.0.1:1234", "--stakepooldcerts=/tmp/a.cert"}, secrets...)
	return append(base, extra...)
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // "" = valid
	}{
		{"minimal", nil, ""},
		{"both networks", []string{"--simnet"}, "cannot both be set"},
		{"short secret", []string{"--apisecret=short"}, "apisecret is required"},
		{"bad baseurl", []string{"--baseurl=ftp://x"}, "baseurl"},
		{"secure needs https", []string{"--cookiesecure"}, "not https"},
		{"fees range", []string{"--poolfees=0"}, "poolfees"},
		{"fees decimals", []string{"--poolfees=7.555"}, "two decimals"},
		{"cert count", []string{"--stakepooldcerts=/tmp/b.cert"}, "2 given for 1"},
		{"admin ip", []string{"--adminips=10.0.0.0/33"}, "not an IP address or CIDR"},
		{"admin id", []string{"--adminuserids=1,x"}, "adminuserids"},
		{"admin cidr ok", []string{"--adminips=10.0.0.0/8,::1", "--adminuserids=1,2"}, ""},
		{"smtp needs from", []string{"--smtphost=mail:25"}, "smtpfrom is required"},
		{"smtp host form", []string{"--smtphost=mail", "--smtpfrom=a@b.c"}, "host:port"},
		{"mysql password", []string{"--dbtype=mysql"}, "dbpassword is required"},
		{"mysql socket ok", []string{"--dbtype=mysql", "--dbhost=/run/mysqld/mysqld.sock"}, ""},
		{"bad dbtype", []string{"--dbtype=postgres"}, "dbtype"},
		{"min password", []string{"--minpasswordlength=4"}, "minpasswordlength"},
		{"listen", []string{"--listen=nonsense"}, "listen"},
		{"listen unix", []string{"--listen=/tmp/x.sock"}, ""},
		{"removed option", []string{"--wallethosts=x"}, "no longer exists"},
		{"unknown option", []string{"--nosuchoption=1"}, "unknown flag"},
		{"explorer", []string{"--explorerurl=javascript:alert(1)"}, "explorerurl"},
		{"client cert alone", []string{"--stakepooldclientcert=c.pem"}, "go together"},
		{"client cert pair", []string{"--stakepooldclientcert=c.pem", "--stakepooldclientkey=k.pem"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := minimalArgs(tc.args...)
			cfg, err := loadConfig(args)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("accepted, want error containing %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
			_ = cfg
		})
	}
}

func TestConfigMainnetNeedsTwoBackends(t *testing.T) {
	args := []string{"--coldwalletextpub=x", "--votingwalletextpub=y", "--stakepooldhosts=a", "--stakepooldcerts=/c"}
	_, err := loadConfig(append(args, secrets...))
	if err == nil || !strings.Contains(err.Error(), "at least 2 needed on mainnet") {
		t.Fatalf("err = %v", err)
	}
	cfg, err := loadConfig(append(args, append(secrets, "--stakepooldhosts=b,[::1]", "--stakepooldcerts=/d,/e")...))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a:9113", "b:9113", "[::1]:9113"}
	if !reflect.DeepEqual(cfg.StakepooldHosts, want) {
		t.Errorf("hosts = %v, want %v", cfg.StakepooldHosts, want)
	}
}

func TestConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(bad, []byte("[Application Options]\nrecaptchasecret=x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig([]string{"-C", bad}); err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Errorf("removed option in file: %v", err)
	}
	if _, err := loadConfig([]string{"-C", filepath.Join(dir, "missing.conf")}); err == nil {
		t.Error("an explicitly named missing config file was accepted")
	}
}
