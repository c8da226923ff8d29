package controllers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/eacred/dcrstakepool/system"
	"golang.org/x/crypto/bcrypt"
)

// cpuTime is the CPU time (user+system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // fails only for a bad "who" or pointer, neither possible here
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLogin measures full logins (POST /login through the router:
// CSRF check, user lookup, bcrypt at the default cost, new session row,
// cookie) per second. It is bcrypt-bound by design.
func BenchmarkLogin(b *testing.B) {
	env := webtest.New(b, webtest.Options{LoginLimit: system.NewRateLimiter(time.Nanosecond, 1<<30)})
	h, _ := bcrypt.GenerateFromPassword([]byte("password123"), bcrypt.DefaultCost)
	if err := env.Store.CreateUser(bg, &models.User{Email: "bench@example.com", PasswordHash: string(h),
		EmailVerified: true, VoteBits: 1}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		c := env.Client()
		page := c.Get("/login")
		tok := regexpCSRF.FindStringSubmatch(page.Body)[1]
		body := url.Values{"email": {"bench@example.com"}, "password": {"password123"},
			system.CSRFFieldName: {strings.ReplaceAll(tok, "&#43;", "+")}}.Encode()
		for pb.Next() {
			req, _ := http.NewRequest("POST", env.Server.URL+"/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := c.HTTP.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				b.Errorf("login status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
	b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "logins/cpu-s")
}

// BenchmarkLoggedInPage measures a logged-in page render (session and user
// loaded from the database, navigation for the user, template executed; no
// backend calls) per second, on MariaDB and on SQLite.
func BenchmarkLoggedInPage(b *testing.B) {
	for _, engine := range []models.Engine{models.MySQL, models.SQLite} {
		b.Run(string(engine), func(b *testing.B) {
			env := webtest.New(b, webtest.Options{Engine: engine})
			env.CreateUser("page@example.com", "password123", true)
			var db0 time.Duration
			if engine == models.MySQL {
				db0 = dbtest.MariaDB(b).CPUTime()
			}
			b.ResetTimer()
			cpu0 := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				c := env.Client()
				c.Login("page@example.com", "password123")
				for pb.Next() {
					resp, err := c.HTTP.Get(env.Server.URL + "/")
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || n < 1000 {
						b.Errorf("status %d, %d bytes", resp.StatusCode, n)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			// CPU seconds used by this process (server and load client) plus
			// the MariaDB server: a measure that does not depend on how busy
			// the shared machine is. 2 cores give at most 2x this per second.
			cpu := cpuTime() - cpu0
			if engine == models.MySQL {
				cpu += dbtest.MariaDB(b).CPUTime() - db0
			}
			b.ReportMetric(float64(b.N)/cpu.Seconds(), "req/cpu-s")
		})
	}
}
