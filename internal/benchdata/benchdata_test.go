package benchdata

import "testing"

func TestShapes(t *testing.T) {
	p := New(1000, 4096)
	if len(p.Users) != 1000 || len(p.Tickets) != 4096 {
		t.Fatalf("%d users, %d tickets", len(p.Users), len(p.Tickets))
	}
	seen := map[string]bool{}
	sum := 0
	for _, n := range p.PerUser {
		sum += n
	}
	if sum != 4096 {
		t.Fatalf("per-user counts add up to %d", sum)
	}
	for _, tk := range p.Tickets {
		if len(tk.Hash) != 64 || seen[tk.Hash] {
			t.Fatalf("bad or repeated hash %q", tk.Hash)
		}
		seen[tk.Hash] = true
	}
	u := p.Users[7]
	if len(u.MultisigAddress) != 35 || len(u.RedeemScript) != 142 || u.ID != 8 {
		t.Fatalf("user %+v", u)
	}
	if got := len(p.TicketsOf(p.Largest)); got != p.PerUser[p.Largest] || got < 4096/20 {
		t.Fatalf("largest user has %d tickets (counted %d)", got, p.PerUser[p.Largest])
	}
	q := New(1000, 4096)
	if q.Largest != p.Largest || q.Tickets[100] != p.Tickets[100] {
		t.Fatal("two builds differ")
	}
}

func TestSizes(t *testing.T) {
	if u, tk := sizes(""); u != 100_000 || tk != 40_960 {
		t.Fatalf("full size %d users, %d tickets", u, tk)
	}
	if u, tk := sizes("10000"); u != 10_000 || tk != 4096 {
		t.Fatalf("BENCH_POOL_USERS=10000: %d users, %d tickets", u, tk)
	}
	for _, bad := range []string{"999", "x", "-5", "1e5"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("BENCH_POOL_USERS=%q accepted", bad)
				}
			}()
			sizes(bad)
		}()
	}
}
