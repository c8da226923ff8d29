package controllers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// TestStatusNamesEveryUnhealthyBackend: /status is 500 naming every
// unhealthy backend, and says so first when no backend can vote.
func TestStatusNamesEveryUnhealthyBackend(t *testing.T) {
	ve := newVSPEnv(t, vspOptions{Backends: 3})
	c := ve.Env.Client()
	if p := c.Get("/status"); p.Status != http.StatusOK {
		t.Fatalf("/status = %d %q", p.Status, p.Body)
	}
	ve.Fakes[0].SetDown(true)
	ve.Fakes[2].Do(func(b *fakebackend.Backend) { b.HealthValue.EcrdConnected = false })
	if err := ve.Backends.RepairAll(vbg); err != nil {
		t.Fatal(err)
	}
	p := c.Get("/status")
	body := strings.TrimSpace(p.Body)
	if p.Status != http.StatusInternalServerError || !strings.Contains(body, "backend 1 of 3 is down") ||
		!strings.Contains(body, "backend 3 of 3 is down (ecrd not connected)") || strings.Contains(body, "2 of 3") ||
		strings.Contains(body, "can vote") || strings.Contains(body, "\n") {
		t.Fatalf("/status with backends 1 and 3 down = %d %q", p.Status, p.Body)
	}
	ve.Fakes[1].SetDown(true)
	if err := ve.Backends.RepairAll(vbg); err != nil {
		t.Fatal(err)
	}
	p = c.Get("/status")
	body = strings.TrimSpace(p.Body)
	if p.Status != http.StatusInternalServerError || !strings.HasPrefix(body, "no stakepoold backend can vote") ||
		strings.Count(body, " of 3 is down") != 3 {
		t.Fatalf("/status with every backend down = %d %q", p.Status, p.Body)
	}
}
