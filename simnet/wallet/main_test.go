package wallet

import (
	"flag"
	"strings"
	"testing"
)

func TestParseColdExtKey(t *testing.T) {
	tests := []struct {
		in      string
		xpub    string
		n       uint32
		wantErr bool
	}{
		{"spubABC:10000", "spubABC", 10000, false},
		{"spubABC:0", "spubABC", 0, false},
		{"spubABC", "", 0, true},
		{"spubABC:", "", 0, true},
		{"spubABC:-1", "", 0, true},
		{"spubABC:99999999999", "", 0, true},
	}
	for _, tc := range tests {
		xpub, n, err := ParseColdExtKey(tc.in)
		if (err != nil) != tc.wantErr || xpub != tc.xpub || n != tc.n {
			t.Errorf("ParseColdExtKey(%q) = %q, %d, %v", tc.in, xpub, n, err)
		}
	}
}

func TestConfigFlags(t *testing.T) {
	dir := t.TempDir()
	parse := func(args ...string) (Config, error) {
		fs := flag.NewFlagSet("wallet", flag.ContinueOnError)
		var f flags
		f.add(fs)
		if err := fs.Parse(append([]string{"--datadir", dir}, args...)); err != nil {
			return Config{}, err
		}
		if err := f.Prepare(); err != nil {
			return Config{}, err
		}
		return f.config()
	}
	tests := []struct {
		name string
		args []string
		err  string // "" = success
	}{
		{"no seed yet", nil, "--seed is required"},
		{"seed not hex", []string{"--seed", "xyz"}, "not hex"},
		{"seed too short", []string{"--seed", "0102"}, "16 to 64 bytes"},
		{"pool mode without fees", []string{"--seed", testSeed, "--stakepoolcoldextkey", "spubX:10"}, "--poolfees"},
		{"bad pool fees", []string{"--seed", testSeed, "--poolfees", "101"}, "--poolfees"},
		{"bad votebits", []string{"--seed", testSeed, "--votebits", "70000"}, "--votebits"},
		{"bad txfee", []string{"--seed", testSeed, "--txfee", "0"}, "--txfee"},
		{"creates the wallet", []string{"--seed", testSeed}, ""},
		{"restart without seed", nil, ""},
		{"other seed", []string{"--seed", strings.Repeat("ab", 32)}, "different seed"},
	}
	for _, tc := range tests {
		cfg, err := parse(tc.args...)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && (len(cfg.Seed) != 32 || cfg.VoteVersion != cfg.Params.WalletVoteVersion || cfg.RelayFee != 10000):
			t.Errorf("%s: config %+v", tc.name, cfg)
		}
	}
}
