package controllers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

func TestAdminLowFeeTickets(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, _ *models.Store) {
		h1 := strings.Repeat("a1", 32)
		h2 := strings.Repeat("b2", 32)
		ve := newVSPEnv(t, vspOptions{Engine: engineOf(t), Prepare: func(fs []*fakebackend.Backend) {
			fs[0].Ignored = []stakepooldclient.Ticket{{Hash: h1, MultisigAddress: "ScOne"}}
			fs[1].Ignored = []stakepooldclient.Ticket{{Hash: h2, MultisigAddress: "ScTwo"}}
		}})
		admin := ve.Env.Client()
		admin.IP = "10.9.9.9"
		ve.CreateUser("admin@example.com", "password123", true) // id 1 = admin
		admin.Login("admin@example.com", "password123")
		_, user := ve.user(t, "plain@example.com")

		// Non-admins (wrong user, or the admin from another IP) get 403.
		if p := user.Get("/admintickets"); p.Status != http.StatusForbidden {
			t.Errorf("user GET /admintickets = %d", p.Status)
		}
		if p := user.Get("/admin/status"); p.Status != http.StatusForbidden {
			t.Errorf("user GET /admin/status = %d", p.Status)
		}
		elsewhere := ve.Env.Client()
		elsewhere.IP = "192.0.2.77"
		elsewhere.Login("admin@example.com", "password123")
		if p := elsewhere.Get("/admintickets"); p.Status != http.StatusForbidden {
			t.Errorf("admin from another IP = %d", p.Status)
		}

		p := admin.Get("/admintickets")
		if p.Status != http.StatusOK {
			t.Fatalf("GET /admintickets = %d", p.Status)
		}
		mustContain(t, "admin tickets", p.Body, "Ignored tickets (2)", h1, h2, "ScOne", "No added tickets")

		for _, bad := range []url.Values{
			{"action": {"add"}},
			{"action": {"add"}, "tickets": {"zz"}},
			{"action": {"add"}, "tickets": {strings.Repeat("g", 64)}},
			{"action": {"add"}, "tickets": {"<script>alert(1)</script>"}},
			{"action": {"explode"}, "tickets": {h1}},
		} {
			p := admin.Submit("/admintickets", "/admintickets", bad)
			if p.Status != http.StatusBadRequest {
				t.Errorf("POST %v = %d", bad, p.Status)
			}
			if strings.Contains(p.Body, "<script>alert") {
				t.Error("input reflected unescaped")
			}
		}

		p = admin.Submit("/admintickets", "/admintickets", url.Values{"action": {"add"},
			"tickets": {h1, strings.ToUpper(h2), strings.Repeat("c3", 32)}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("add = %d\n%s", p.Status, p.Body)
		}
		p = admin.Get("/admintickets")
		mustContain(t, "after add", p.Body, "Added 2 tickets.", "no longer in the ignored list", "Added tickets (2)", "user 1")
		for _, f := range ve.Fakes {
			f.Do(func(b *fakebackend.Backend) {
				if len(b.Added) != 2 {
					t.Errorf("%s: added list %v", b.Name(), b.Added)
				}
			})
		}
		act, _ := ve.Store.ActiveLowFeeTickets(vbg, 0)
		if len(act) != 2 || act[0].AddedBy != 1 || act[0].ExpiresAt <= act[0].AddedAt {
			t.Fatalf("stored %+v", act)
		}

		p = admin.Submit("/admintickets", "/admintickets", url.Values{"action": {"remove"}, "tickets": {h1}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("remove = %d", p.Status)
		}
		mustContain(t, "after remove", admin.Get("/admintickets").Body, "Removed 1 ticket.", "Added tickets (1)")
		for _, f := range ve.Fakes {
			f.Do(func(b *fakebackend.Backend) {
				if len(b.Added) != 1 || b.Added[0].Hash != h2 {
					t.Errorf("%s: removal not pushed: %v", b.Name(), b.Added)
				}
			})
		}
		hist, _ := ve.Store.LowFeeTicketHistory(vbg, 10)
		removed := 0
		for _, h := range hist {
			if h.RemovedBy == 1 {
				removed++
			}
		}
		if len(hist) != 2 || removed != 1 {
			t.Errorf("history %+v", hist)
		}
		// A backend down during an add: still stored, the others updated, a clear message.
		ve.Fakes[1].SetDown(true)
		p = admin.Submit("/admintickets", "/admintickets", url.Values{"action": {"add"}, "tickets": {h1}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("add with a backend down = %d", p.Status)
		}
		if len(ve.Fakes[0].Added) != 2 {
			t.Errorf("healthy backend not updated: %v", ve.Fakes[0].Added)
		}
		ve.Fakes[1].SetDown(false)
		if err := ve.Backends.RepairAll(vbg); err != nil {
			t.Fatal(err)
		}
		if len(ve.Fakes[1].Added) != 2 {
			t.Errorf("returning backend not repaired: %v", ve.Fakes[1].Added)
		}
	})
}
