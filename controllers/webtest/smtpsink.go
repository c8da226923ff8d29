package webtest

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one mail received by the sink, decoded.
type Message struct {
	From, To string
	Subject  string
	Body     string
}

// Sink is an in-process SMTP server that keeps every message it receives.
type Sink struct {
	Addr string
	srv  *smtp.Server
	mu   sync.Mutex
	msgs []Message
}

// StartSink starts the sink on a loopback port; it stops when the test ends.
func StartSink(tb testing.TB) *Sink {
	tb.Helper()
	s := &Sink{}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr, s.srv = ln.Addr().String(), srv
	go func() { _ = srv.Serve(ln) }() // returns when Cleanup closes it
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("close the SMTP sink: %v", err)
		}
	})
	return s
}

// NewSession implements smtp.Backend.
func (s *Sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }

type sinkSession struct {
	sink     *Sink
	from, to string
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error { ss.from = from; return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error   { ss.to = to; return nil }
func (ss *sinkSession) Reset()                                      {}
func (ss *sinkSession) Logout() error                               { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	ss.sink.mu.Lock()
	ss.sink.msgs = append(ss.sink.msgs, Message{From: ss.from, To: ss.to, Subject: subj,
		Body: strings.ReplaceAll(string(b), "\r\n", "\n")})
	ss.sink.mu.Unlock()
	return nil
}

// Messages returns a copy of everything received so far.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// To returns the messages sent to addr.
func (s *Sink) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

var linkRE = regexp.MustCompile(`https?://[^\s]+`)

// Link returns the first token link (a URL with ?t=) in the newest message to addr whose subject
// contains subject. It fails the test if there is none.
func (s *Sink) Link(tb testing.TB, addr, subject string) string {
	tb.Helper()
	msgs := s.To(addr)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Subject, subject) {
			for _, l := range linkRE.FindAllString(msgs[i].Body, -1) {
				if strings.Contains(l, "?t=") {
					return l
				}
			}
			tb.Fatalf("mail %q to %s has no link:\n%s", msgs[i].Subject, addr, msgs[i].Body)
		}
	}
	tb.Fatalf("no mail %q to %s; got %+v", subject, addr, msgs)
	return ""
}

// Reset forgets the messages received so far.
func (s *Sink) Reset() {
	s.mu.Lock()
	s.msgs = nil
	s.mu.Unlock()
}
