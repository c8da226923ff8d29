package controllers_test

import (
	"bytes"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/system"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEmailFlowsWithoutSMTP: with no smtphost the mails go to the log
// (original-features.md §14.12: the original crashed); registration,
// verification and password reset work and the logged links can be followed.
func TestEmailFlowsWithoutSMTP(t *testing.T) {
	var buf syncBuffer
	log := slog.NewBackend(&buf).Logger("MAIL")
	log.SetLevel(slog.LevelInfo)
	env := webtest.New(t, webtest.Options{Mailer: system.LogMailer{Log: log}})
	c := env.Client()
	p := c.Submit("/register", "/register", url.Values{"email": {"nosmtp@example.com"},
		"password": {"password123"}, "passwordrepeat": {"password123"}})
	wantStatus(t, "register", p, 200)
	link := regexp.MustCompile(`(http://\S+/emailverify\?t=\S+)`).FindStringSubmatch(buf.String())
	if link == nil {
		t.Fatalf("no verification link in the log:\n%s", buf.String())
	}
	wantStatus(t, "verify via logged link", c.Get(link[1]), 200)
	c.Login("nosmtp@example.com", "password123")

	p = env.Client().Submit("/passwordreset", "/passwordreset", url.Values{"email": {"nosmtp@example.com"}})
	wantStatus(t, "reset", p, 200)
	if !regexp.MustCompile(`/passwordupdate\?t=\S+`).MatchString(buf.String()) {
		t.Errorf("no reset link in the log:\n%s", buf.String())
	}
	if len(env.Mail.Messages()) != 0 {
		t.Error("mail reached the SMTP sink")
	}
}
