package stakepooldclient_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestMessagesAboveFourMiB pushes scripts and reads them back through the
// real gRPC server and client in messages above gRPC's default limit of
// 4 MiB: at 100,000 users the full push of scripts (~7 MB) and of
// preferences (~5 MB) is that big, and a stakepoold that lost its state
// could never be repaired.
func TestMessagesAboveFourMiB(t *testing.T) {
	d := startReal(t, "big:19560")
	ctx := context.Background()
	var scripts []string
	for i := 0; i < 600; i++ { // 600 scripts of 8 KiB: ~4.9 MB each way
		// ASCII bytes: the fake wallet makes the address from them.
		scripts = append(scripts, fmt.Sprintf("%x", fmt.Sprintf("%08d", i))+strings.Repeat("61", 8*1024-8))
	}
	if err := d.b.ImportScripts(ctx, scripts, 100); err != nil {
		t.Fatalf("import of ~4.9 MB of scripts: %v", err)
	}
	got, err := d.b.ImportedAddresses(ctx)
	if err != nil {
		t.Fatalf("list of ~10 MB of scripts: %v", err)
	}
	if len(got) != len(scripts) {
		t.Fatalf("%d scripts listed, want %d", len(got), len(scripts))
	}
}
