package main

import (
	"strings"
	"testing"
	"time"
)

// TestConfigAPITokenLifetime: apitokenlifetime defaults to a year, takes 0
// (no expiry) and refuses negative or sub-hour values.
func TestConfigAPITokenLifetime(t *testing.T) {
	cfg, err := loadConfig(minimalArgs())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APITokenLifetime != 365*24*time.Hour {
		t.Errorf("default apitokenlifetime %v", cfg.APITokenLifetime)
	}
	if cfg, err = loadConfig(minimalArgs("--apitokenlifetime=0")); err != nil || cfg.APITokenLifetime != 0 {
		t.Errorf("apitokenlifetime=0: %v %v", cfg, err)
	}
	for _, bad := range []string{"-1h", "30m"} {
		if _, err := loadConfig(minimalArgs("--apitokenlifetime=" + bad)); err == nil || !strings.Contains(err.Error(), "apitokenlifetime") {
			t.Errorf("apitokenlifetime=%s: %v", bad, err)
		}
	}
}
