package system

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/decred/slog"
)

// Mail is one plain-text message.
type Mail struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends mail. Implementations must be safe for concurrent use.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// SMTPConfig describes the outgoing mail server.
type SMTPConfig struct {
	Host        string // host:port
	From        string
	Username    string // empty: no AUTH
	Password    string
	ImplicitTLS bool   // SMTPS (usually port 465); otherwise STARTTLS when offered
	CertFile    string // extra PEM CA certificate(s) to trust
	SkipVerify  bool   // do not verify the server certificate (testing only)
	Timeout     time.Duration
}

// SMTPMailer sends mail through an SMTP server.
type SMTPMailer struct {
	cfg  SMTPConfig
	from *mail.Address
	tls  *tls.Config
	host string
}

// NewSMTPMailer validates cfg and returns a mailer. It does not connect.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	host, _, err := net.SplitHostPort(cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("smtphost %q must be host:port: %w", cfg.Host, err)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtpfrom %q is not an email address: %w", cfg.From, err)
	}
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if cfg.CertFile != "" {
		pem, err := os.ReadFile(cfg.CertFile)
		if err != nil {
			return nil, fmt.Errorf("smtpcert: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("smtpcert %s: no PEM certificate found", cfg.CertFile)
		}
		tc.RootCAs = pool
	} else if cfg.SkipVerify {
		tc.InsecureSkipVerify = true
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPMailer{cfg: cfg, from: from, tls: tc, host: host}, nil
}

// Send delivers m, using TLS as configured.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) error {
	msg, rcpt, err := buildMessage(s.from, m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Host)
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", s.cfg.Host, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if s.cfg.ImplicitTLS {
		tconn := tls.Client(conn, s.tls)
		if err := tconn.HandshakeContext(ctx); err != nil {
			_ = conn.Close() // the handshake error is the one to report
			return fmt.Errorf("smtps handshake with %s: %w", s.cfg.Host, err)
		}
		conn = tconn
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		_ = conn.Close() // the greeting error is the one to report
		return fmt.Errorf("smtp greeting from %s: %w", s.cfg.Host, err)
	}
	defer func() { _ = c.Close() }() // only closes the connection: the error that matters (a command's, or Quit's) is returned
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("smtp hello: %w", err)
	}
	if !s.cfg.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tls); err != nil {
				return fmt.Errorf("smtp starttls: %w", err)
			}
		}
	}
	if s.cfg.Username != "" {
		// PlainAuth refuses to send the password without TLS unless the
		// server is on localhost.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("smtp RCPT TO %s: %w", rcpt, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end of data: %w", err)
	}
	return c.Quit()
}

// buildMessage renders headers and a quoted-printable UTF-8 body. It refuses
// header injection (line breaks in the address or subject).
func buildMessage(from *mail.Address, m Mail) ([]byte, string, error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, "", errors.New("mail: line break in recipient or subject")
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, "", fmt.Errorf("mail: bad recipient %q: %w", m.To, err)
	}
	var id [12]byte
	rand.Read(id[:])
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id[:]), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n"))); err != nil {
		return nil, "", err
	}
	if err := qp.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), to.Address, nil
}

// LogMailer writes mail to the log instead of sending it: the development
// setup when no SMTP host is configured, so the links can be followed.
type LogMailer struct{ Log slog.Logger }

// Send logs m.
func (l LogMailer) Send(_ context.Context, m Mail) error {
	l.Log.Infof("email not sent (no smtphost configured)\nTo: %s\nSubject: %s\n\n%s", m.To, m.Subject, m.Body)
	return nil
}

// AsyncMailer queues mail and sends it from a background goroutine so that
// requests neither wait for the mail server nor reveal by their timing
// whether a mail was sent. Failures are logged once, here.
type AsyncMailer struct {
	next  Mailer
	log   slog.Logger
	queue chan Mail
	wg    sync.WaitGroup
	once  sync.Once
}

// NewAsyncMailer starts the sender goroutine. Call Close to flush and stop.
func NewAsyncMailer(next Mailer, log slog.Logger, queueLen int) *AsyncMailer {
	a := &AsyncMailer{next: next, log: log, queue: make(chan Mail, queueLen)}
	a.wg.Add(1)
	go a.run()
	return a
}

func (a *AsyncMailer) run() {
	defer a.wg.Done()
	for m := range a.queue {
		if err := a.next.Send(context.Background(), m); err != nil {
			a.log.Errorf("send mail %q to %s: %v", m.Subject, m.To, err)
		}
	}
}

// Send queues m. It fails only when the queue is full.
func (a *AsyncMailer) Send(_ context.Context, m Mail) error {
	select {
	case a.queue <- m:
		return nil
	default:
		return errors.New("mail queue full")
	}
}

// Close sends what is queued and stops the sender.
func (a *AsyncMailer) Close() {
	a.once.Do(func() { close(a.queue) })
	a.wg.Wait()
}
