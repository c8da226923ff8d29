package pprofserve

import (
	"net/http"
	"testing"
)

func TestStartServesProfilesUntilStopped(t *testing.T) {
	addr, stop, err := Start("127.0.0.1:0", func(err error) { t.Errorf("server stopped: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr.String() + "/debug/pprof/"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	stop()
	if resp, err := http.Get(url); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("GET %s after stop answered %s", url, resp.Status)
	}
}
