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

// submitAndWait submits the form of sel and waits until the browser has
// loaded the answer, returning its HTTP status.
func submitAndWait(t *testing.T, ctx context.Context, what, sel string) int64 {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(c, chromedp.Submit(sel, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
	if resp == nil {
		t.Fatalf("browser: %s: no response", what)
	}
	return resp.Status
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
	run(t, ctx, "open the reset form", chromedp.Navigate(base+"/passwordreset"),
		chromedp.SendKeys("#email", "browser@example.com", chromedp.ByQuery))
	if st := submitAndWait(t, ctx, "ask for a reset", "#email"); st != 200 {
		t.Fatalf("reset request answered %d", st)
	}
	run(t, ctx, "read the answer", chromedp.Text("main", &body, chromedp.ByQuery))
	if !strings.Contains(body, "we have sent it a link") {
		t.Fatalf("reset request page: %s", body)
	}
	link := env.Mail.Link(t, "browser@example.com", "Password reset")
	run(t, ctx, "open the mailed link", chromedp.Navigate(link),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.SendKeys("#password", "new password 2", chromedp.ByQuery),
		chromedp.SendKeys("#passwordrepeat", "new password 2", chromedp.ByQuery))
	st := submitAndWait(t, ctx, "set the new password", "#password")
	run(t, ctx, "read the answer", chromedp.Text("main", &body, chromedp.ByQuery))
	if st != 200 || !strings.Contains(body, "Your password has been changed") {
		t.Fatalf("after submitting the new password the browser got %d:\n%s", st, body)
	}
	run(t, ctx, "log in with the new password", chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", "browser@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "new password 2", chromedp.ByQuery))
	submitAndWait(t, ctx, "log in", "#password")
	// Logged in: the page has the logout form.
	var n int
	run(t, ctx, "check the login", chromedp.Evaluate(`document.querySelectorAll("form.logout").length`, &n))
	if n != 1 {
		t.Error("not logged in with the new password")
	}
}
