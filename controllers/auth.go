package controllers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
	"golang.org/x/crypto/bcrypt"
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
func (a *Application) renderForm(w http.ResponseWriter, page string, p *formPage, err error) error {
	if err == nil {
		return a.Templates.Render(w, http.StatusOK, page, p)
	}
	kind := system.KindOf(err)
	if kind == system.KindInternal || kind == system.KindTooLarge || kind == system.KindRateLimited {
		return err
	}
	p.Error = system.PublicMessage(err)
	return a.Templates.Render(w, kind.Status(), page, p)
}

// GET /login
func (a *Application) loginPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	return a.renderForm(w, "auth/login", &formPage{Base: a.Base(c, r, "Log in"), Next: safeNext(r.URL.Query().Get("next"))}, nil)
}

var errBadLogin = system.E(system.KindUnauthenticated, "Invalid email or password.")

// POST /login
func (a *Application) login(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := a.LoginLimit.Check(system.ClientIP(c), "Too many login attempts from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := &formPage{Base: a.Base(c, r, "Log in"), Next: safeNext(r.PostForm.Get("next"))}
	addr, err := email(r, "email")
	if err != nil {
		return a.renderForm(w, "auth/login", p, err)
	}
	p.Email = addr
	pw, err := password(r, "password", "Password")
	if err != nil {
		return a.renderForm(w, "auth/login", p, err)
	}
	u, err := a.Store.UserByEmail(r.Context(), addr)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if u == nil {
		bcrypt.CompareHashAndPassword(a.dummyHash, []byte(pw)) // same time as a real check
		return a.renderForm(w, "auth/login", p, errBadLogin)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) != nil {
		return a.renderForm(w, "auth/login", p, errBadLogin)
	}
	if !u.EmailVerified {
		if a.EmailLimit.Allow(system.ClientIP(c)) {
			if err := a.sendVerification(c, r, u); err != nil {
				return err
			}
		}
		return a.renderForm(w, "auth/login", p, system.E(system.KindPermission,
			"Your email address is not verified yet. We have sent a new verification link to it; open it, then log in."))
	}
	if err := a.Sessions.Start(r.Context(), &c, w, u.ID); err != nil {
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
func (a *Application) logout(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := a.Sessions.End(r.Context(), &c, w); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (a *Application) registerForm(c web.C, r *http.Request) *formPage {
	return &formPage{Base: a.Base(c, r, "Register"), CaptchaID: a.newCaptcha()}
}

// GET /register
func (a *Application) registerPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	return a.renderForm(w, "auth/register", a.registerForm(c, r), nil)
}

// POST /register. The answer is the same whether or not the address already
// has an account; the owner of an existing account gets a notice instead.
func (a *Application) register(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := a.registerForm(c, r)
	if a.Config.ClosePool {
		return a.renderForm(w, "auth/register", p, system.E(system.KindPermission, a.Config.ClosePoolMsg))
	}
	if err := a.EmailLimit.Check(system.ClientIP(c), "Too many requests from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := a.checkCaptcha(r); err != nil {
		return a.renderForm(w, "auth/register", p, err)
	}
	addr, err := email(r, "email")
	if err != nil {
		return a.renderForm(w, "auth/register", p, err)
	}
	p.Email = addr
	pw, err := a.newPassword(r, "password", "passwordrepeat")
	if err != nil {
		return a.renderForm(w, "auth/register", p, err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), a.Config.BcryptCost)
	if err != nil {
		return err
	}
	u := &models.User{Email: addr, PasswordHash: string(hash), CreatedAt: a.Now().Unix(), VoteBits: 1}
	err = a.Store.CreateUser(r.Context(), u)
	switch {
	case errors.Is(err, models.ErrExists):
		existing, lerr := a.Store.UserByEmail(r.Context(), addr)
		if lerr == nil {
			if err := a.sendAlreadyRegistered(c, r, existing); err != nil {
				return err
			}
		}
	case err != nil:
		return err
	default:
		if err := a.sendVerification(c, r, u); err != nil {
			return err
		}
	}
	done := &formPage{Base: a.Base(c, r, "Check your email"), Email: addr,
		Message: "We have sent an email to " + addr + ". Open the link in it to activate your account, then log in."}
	return a.renderForm(w, "auth/done", done, nil)
}

// newCaptcha creates a challenge for a form, or returns "" (no captcha
// shown) when captchas are switched off.
func (a *Application) newCaptcha() string {
	if a.Config.NoCaptcha {
		return ""
	}
	return a.Captcha.New()
}

// checkCaptcha verifies the captcha fields of a form (using the challenge up).
func (a *Application) checkCaptcha(r *http.Request) error {
	if a.Config.NoCaptcha {
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
	if !a.Captcha.Verify(id, sol) {
		return system.E(system.KindInvalid, "The captcha was not solved correctly. Type the digits of the new image.")
	}
	return nil
}

// GET /emailverify?t=
func (a *Application) emailVerify(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := &formPage{Base: a.Base(c, r, "Email verification")}
	t, err := linkToken(r)
	if err != nil {
		return a.renderForm(w, "auth/done", p, err)
	}
	tok, err := a.Store.ConsumeToken(r.Context(), hashSecret(t), models.PurposeEmailVerify, a.Now().Unix())
	if errors.Is(err, models.ErrNotFound) {
		return a.renderForm(w, "auth/done", p, system.E(system.KindNotFound,
			"This verification link is invalid, already used or expired. Log in to get a new one."))
	}
	if err != nil {
		return err
	}
	if err := a.Store.MarkEmailVerified(r.Context(), tok.UserID); err != nil {
		return err
	}
	p.Message = "Your email address is verified. You can log in now."
	return a.renderForm(w, "auth/done", p, nil)
}

// issueToken creates a link token for u and returns the full link.
func (a *Application) issueToken(r *http.Request, u *models.User, purpose, newEmail, path string) (string, error) {
	ttl := a.Config.ResetTokenTTL
	if purpose == models.PurposeEmailVerify {
		ttl = a.Config.VerifyTokenTTL
	}
	token, hash := newSecret()
	now := a.Now()
	err := a.Store.CreateToken(r.Context(), &models.Token{Hash: hash, Purpose: purpose, UserID: u.ID,
		NewEmail: newEmail, CreatedAt: now.Unix(), ExpiresAt: now.Add(ttl).Unix()})
	if err != nil {
		return "", err
	}
	return a.Config.BaseURL + path + "?t=" + token, nil
}

func (a *Application) sendVerification(c web.C, r *http.Request, u *models.User) error {
	link, err := a.issueToken(r, u, models.PurposeEmailVerify, "", "/emailverify")
	if err != nil {
		return err
	}
	return a.mail(r, u.Email, "Verify your email address", fmt.Sprintf(
		"Someone, hopefully you, created an account at %s with this address (request from %s).\n\n"+
			"To activate the account, open this link within %s:\n\n%s\n\n"+
			"If it was not you, ignore this message.\n",
		a.Config.BaseURL, system.ClientIP(c), humanDuration(a.Config.VerifyTokenTTL), link))
}

func (a *Application) sendAlreadyRegistered(c web.C, r *http.Request, u *models.User) error {
	if !u.EmailVerified {
		return a.sendVerification(c, r, u)
	}
	return a.mail(r, u.Email, "Registration attempt", fmt.Sprintf(
		"Someone tried to register a new account at %s with this address (request from %s), "+
			"but it already has an account.\n\nIf it was you, log in at %s/login, or reset your password at %s/passwordreset.\n"+
			"If it was not you, ignore this message.\n",
		a.Config.BaseURL, system.ClientIP(c), a.Config.BaseURL, a.Config.BaseURL))
}

// mail sends one message; a failure to queue it is a server fault.
func (a *Application) mail(r *http.Request, to, subject, body string) error {
	if err := a.Mailer.Send(r.Context(), system.Mail{To: to, Subject: subject, Body: body}); err != nil {
		return system.Wrap(system.KindUnavailable, "We could not send email right now. Please try again later.", err)
	}
	return nil
}
