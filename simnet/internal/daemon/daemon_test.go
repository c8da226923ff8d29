package daemon

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state.json")
	for _, content := range []string{"first", "second, longer content", ""} {
		if err := WriteFileAtomic(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Fatalf("got %q want %q", got, content)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x"), nil, 0o600); err == nil {
		t.Fatal("expected error for missing directory")
	}
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"debug", true}, {"INFO", true}, {"warn", true}, {"error", true}, {"loud", false}} {
		if _, err := ParseLevel(tc.in); (err == nil) != tc.ok {
			t.Errorf("%s: err=%v", tc.in, err)
		}
	}
}
