package controllers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// formPage is the data of the account forms (login, register, reset, ...).
type formPage struct {
	Base
	Error     string // what was wrong with the last submission
	Message   string // a neutral outcome ("check your email")
	Email     string
	Next      string
	Token     string
	CaptchaID string
}

// renderForm shows a form page. With a client error (4xx) it shows the
// message in the form and answers with that status; server errors go to the
// error page.
func (s *Server) renderForm(w http.ResponseWriter, page string, p *formPage, err error) error {
	if err == nil {
		return s.templates.Render(w, http.StatusOK, page, p)
	}
	kind := system.KindOf(err)
	if kind == system.KindInternal || kind == system.KindTooLarge || kind == system.KindRateLimited {
		return err
	}
	p.Error = system.PublicMessage(err)
	return s.templates.Render(w, kind.Status(), page, p)
}

// GET /login
func (s *Server) loginPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, "auth/login", &formPage{Base: s.Base(c, r, "Log in"), Next: safeNext(r.URL.Query().Get("next"))}, nil)
}

var errBadLogin = system.E(system.KindUnauthenticated, "Invalid email or password.")

// POST /login
func (s *Server) login(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := s.loginLimit.Check(system.ClientIP(c), "Too many login attempts from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := &formPage{Base: s.Base(c, r, "Log in"), Next: safeNext(r.PostForm.Get("next"))}
	addr, err := email(r, "email")
	if err != nil {
		return s.renderForm(w, "auth/login", p, err)
	}
	p.Email = addr
	pw, err := password(r, "password", "Password")
	if err != nil {
		return s.renderForm(w, "auth/login", p, err)
	}
	u, err := s.store.UserByEmail(r.Context(), addr)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if !s.passwordMatches(u, pw) {
		return s.renderForm(w, "auth/login", p, errBadLogin)
	}
	if !u.EmailVerified {
		if s.emailLimit.Allow(system.ClientIP(c)) {
			if err := s.sendVerification(c, r, u); err != nil {
				return err
			}
		}
		return s.renderForm(w, "auth/login", p, system.E(system.KindPermission,
			"Your email address is not verified yet. We have sent a new verification link to it; open it, then log in."))
	}
	if err := s.sessions.Start(r.Context(), &c, w, u.ID); err != nil {
		return err
	}
	system.SetCurrentUser(&c, u)
	dest := p.Next
	if dest == "" {
		dest = "/address"
		if u.HasMultiSig() {
			dest = "/tickets"
		}
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}

// POST /logout
func (s *Server) logout(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.End(r.Context(), &c, w); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *Server) registerForm(c web.C, r *http.Request) *formPage {
	return &formPage{Base: s.Base(c, r, "Register"), CaptchaID: s.newCaptcha()}
}

// GET /register
func (s *Server) registerPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, "auth/register", s.registerForm(c, r), nil)
}

// POST /register. The answer is the same whether or not the address already
// has an account; the owner of an existing account gets a notice instead.
func (s *Server) register(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := s.registerForm(c, r)
	if s.cfg.ClosePool {
		return s.renderForm(w, "auth/register", p, system.E(system.KindPermission, s.cfg.ClosePoolMsg))
	}
	if err := s.emailLimit.Check(system.ClientIP(c), "Too many requests from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.checkCaptcha(r); err != nil {
		return s.renderForm(w, "auth/register", p, err)
	}
	addr, err := email(r, "email")
	if err != nil {
		return s.renderForm(w, "auth/register", p, err)
	}
	p.Email = addr
	pw, err := s.newPassword(r, "password", "passwordrepeat")
	if err != nil {
		return s.renderForm(w, "auth/register", p, err)
	}
	hash, err := s.hashPassword(pw)
	if err != nil {
		return err
	}
	u := &models.User{Email: addr, PasswordHash: hash, CreatedAt: s.now().Unix(), VoteBits: 1}
	err = s.store.CreateUser(r.Context(), u)
	switch {
	case errors.Is(err, models.ErrExists):
		existing, lerr := s.store.UserByEmail(r.Context(), addr)
		if lerr == nil {
			if err := s.sendAlreadyRegistered(c, r, existing); err != nil {
				return err
			}
		}
	case err != nil:
		return err
	default:
		if err := s.sendVerification(c, r, u); err != nil {
			return err
		}
	}
	done := &formPage{Base: s.Base(c, r, "Check your email"), Email: addr,
		Message: "We have sent an email to " + addr + ". Open the link in it to activate your account, then log in."}
	return s.renderForm(w, "auth/done", done, nil)
}

// newCaptcha creates a challenge for a form, or returns "" (no captcha
// shown) when captchas are switched off.
func (s *Server) newCaptcha() string {
	if s.cfg.NoCaptcha {
		return ""
	}
	return s.captcha.New()
}

// checkCaptcha verifies the captcha fields of a form (using the challenge up).
func (s *Server) checkCaptcha(r *http.Request) error {
	if s.cfg.NoCaptcha {
		return nil
	}
	id, err := field(r, "captcha_id", "Captcha id", 40, false)
	if err != nil {
		return err
	}
	sol, err := field(r, "captcha_solution", "Captcha", 20, false)
	if err != nil {
		return err
	}
	if !s.captcha.Verify(id, sol) {
		return system.E(system.KindInvalid, "The captcha was not solved correctly. Type the digits of the new image.")
	}
	return nil
}

var errBadVerifyLink = system.E(system.KindNotFound,
	"This verification link is invalid, already used or expired. Log in to get a new one.")

// GET /emailverify?t=
func (s *Server) emailVerify(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := &formPage{Base: s.Base(c, r, "Email verification")}
	t, err := linkToken(r)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	tok, err := s.useLink(r, t, models.PurposeEmailVerify, errBadVerifyLink)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	if err := s.store.MarkEmailVerified(r.Context(), tok.UserID); err != nil {
		return err
	}
	p.Message = "Your email address is verified. You can log in now."
	return s.renderForm(w, "auth/done", p, nil)
}

// issueToken creates a link token for u and returns the full link.
func (s *Server) issueToken(r *http.Request, u *models.User, purpose, newEmail, path string) (string, error) {
	ttl := s.cfg.ResetTokenTTL
	if purpose == models.PurposeEmailVerify {
		ttl = s.cfg.VerifyTokenTTL
	}
	token, hash := newSecret()
	now := s.now()
	err := s.store.CreateToken(r.Context(), &models.Token{Hash: hash, Purpose: purpose, UserID: u.ID,
		NewEmail: newEmail, CreatedAt: now.Unix(), ExpiresAt: now.Add(ttl).Unix()})
	if err != nil {
		return "", err
	}
	return s.cfg.BaseURL + path + "?t=" + token, nil
}

func (s *Server) sendVerification(c web.C, r *http.Request, u *models.User) error {
	link, err := s.issueToken(r, u, models.PurposeEmailVerify, "", "/emailverify")
	if err != nil {
		return err
	}
	return s.mail(r, u.Email, "Verify your email address", fmt.Sprintf(
		"Someone, hopefully you, created an account at %s with this address (request from %s).\n\n"+
			"To activate the account, open this link within %s:\n\n%s\n\n"+
			"If it was not you, ignore this message.\n",
		s.cfg.BaseURL, system.ClientIP(c), humanDuration(s.cfg.VerifyTokenTTL), link))
}

func (s *Server) sendAlreadyRegistered(c web.C, r *http.Request, u *models.User) error {
	if !u.EmailVerified {
		return s.sendVerification(c, r, u)
	}
	return s.mail(r, u.Email, "Registration attempt", fmt.Sprintf(
		"Someone tried to register a new account at %s with this address (request from %s), "+
			"but it already has an account.\n\nIf it was you, log in at %s/login, or reset your password at %s/passwordreset.\n"+
			"If it was not you, ignore this message.\n",
		s.cfg.BaseURL, system.ClientIP(c), s.cfg.BaseURL, s.cfg.BaseURL))
}

// mail sends one message; a failure to queue it is a server fault.
func (s *Server) mail(r *http.Request, to, subject, body string) error {
	if err := s.mailer.Send(r.Context(), system.Mail{To: to, Subject: subject, Body: body}); err != nil {
		return system.Wrap(system.KindUnavailable, "We could not send email right now. Please try again later.", err)
	}
	return nil
}
