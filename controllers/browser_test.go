package controllers_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// chromium starts a headless Chromium tab for the test (the test command
// installs Chromium; without it the test fails, it is not skipped).
func chromium(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("Chromium is not installed: apt-get install chromium (run_tests.sh installs it)")
	}
	profile, err := os.MkdirTemp("", "controllers-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(c, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// TestPasswordResetInBrowser asks for a reset, opens the mailed link and
// submits the new password in a real headless Chromium, then logs in with
// it. The link page used to send "Referrer-Policy: no-referrer", so
// Chromium posted the form with "Origin: null" and the CSRF check answered
// 403 every time (issue 14).
func TestPasswordResetInBrowser(t *testing.T) {
	env := webtest.New(t, webtest.Options{Config: func(c *controllersConfig) { c.NoCaptcha = true }})
	env.CreateUser("browser@example.com", "old password 1", true)
	ctx := chromium(t)
	base := env.Server.URL
	var body string
	run(t, ctx, "ask for a reset",
		chromedp.Navigate(base+"/passwordreset"),
		chromedp.SendKeys("#email", "browser@example.com", chromedp.ByQuery),
		chromedp.Submit("#email", chromedp.ByQuery),
		chromedp.WaitVisible("p.notice", chromedp.ByQuery),
		chromedp.Text("main", &body, chromedp.ByQuery))
	if !strings.Contains(body, "we have sent it a link") {
		t.Fatalf("reset request page: %s", body)
	}
	link := env.Mail.Link(t, "browser@example.com", "Password reset")
	run(t, ctx, "open the mailed link and set the password",
		chromedp.Navigate(link),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.SendKeys("#password", "new password 2", chromedp.ByQuery),
		chromedp.SendKeys("#passwordrepeat", "new password 2", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		chromedp.Sleep(100*time.Millisecond),
		chromedp.Text("main", &body, chromedp.ByQuery))
	if !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("after submitting the new password the browser shows:\n%s", body)
	}
	// Logged in: the page has the logout form (WaitVisible fails otherwise).
	run(t, ctx, "log in with the new password",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", "browser@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "new password 2", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("form.logout", chromedp.ByQuery))
}
