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

// resetSent is the answer to a reset request, whether or not the address
// has an account.
func (s *Server) resetSent() string {
	return "If an account uses that address, we have sent it a link to choose a new password. " +
		"The link works once, for " + humanDuration(s.cfg.ResetTokenTTL) + "."
}

// GET /passwordreset
func (s *Server) resetPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, "auth/passwordreset",
		&formPage{Base: s.Base(c, r, "Reset password"), CaptchaID: s.newCaptcha()}, nil)
}

// POST /passwordreset. The answer does not say whether the address has an
// account, and the mail goes out asynchronously so the timing does not either.
func (s *Server) reset(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := s.emailLimit.Check(system.ClientIP(c), "Too many requests from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := &formPage{Base: s.Base(c, r, "Reset password"), CaptchaID: s.newCaptcha()}
	if err := s.checkCaptcha(r); err != nil {
		return s.renderForm(w, "auth/passwordreset", p, err)
	}
	addr, err := email(r, "email")
	if err != nil {
		return s.renderForm(w, "auth/passwordreset", p, err)
	}
	u, err := s.store.UserByEmail(r.Context(), addr)
	switch {
	case errors.Is(err, models.ErrNotFound):
	case err != nil:
		return err
	default:
		link, err := s.issueToken(r, u, models.PurposePasswordReset, "", "/passwordupdate")
		if err != nil {
			return err
		}
		if err := s.mail(r, u.Email, "Password reset", fmt.Sprintf(
			"Someone, hopefully you, asked to reset the password of your account at %s (request from %s).\n\n"+
				"To choose a new password, open this link within %s (it works once):\n\n%s\n\n"+
				"If it was not you, ignore this message; your password stays as it is.\n",
			s.cfg.BaseURL, system.ClientIP(c), humanDuration(s.cfg.ResetTokenTTL), link)); err != nil {
			return err
		}
	}
	done := &formPage{Base: s.Base(c, r, "Check your email"), Message: s.resetSent()}
	return s.renderForm(w, "auth/done", done, nil)
}

var errBadResetLink = system.E(system.KindNotFound,
	"This password reset link is invalid, already used or expired. Ask for a new one.")

// GET /passwordupdate?t=
func (s *Server) passwordUpdatePage(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := &formPage{Base: s.Base(c, r, "Choose a new password")}
	t, err := linkToken(r)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	if err := s.peekLink(r, t, models.PurposePasswordReset, errBadResetLink); err != nil {
		return s.linkFailed(w, p, err)
	}
	// The token is in this page's URL. The site-wide policy (same-origin)
	// already keeps it from other sites; "no-referrer" here would make
	// Chromium send "Origin: null" with the form, which the CSRF check
	// refuses, so the reset could never be completed in a browser.
	p.Token = t
	return s.renderForm(w, "auth/passwordupdate", p, nil)
}

// POST /passwordupdate: sets the password, ends every session of the user.
func (s *Server) passwordUpdate(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := &formPage{Base: s.Base(c, r, "Choose a new password")}
	t, err := linkToken(r)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	p.Token = t
	pw, err := s.newPassword(r, "password", "passwordrepeat")
	if err != nil {
		return s.renderForm(w, "auth/passwordupdate", p, err)
	}
	hash, err := s.hashPassword(pw)
	if err != nil {
		return err
	}
	tok, err := s.useLink(r, t, models.PurposePasswordReset, errBadResetLink)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	if err := s.store.SetPassword(r.Context(), tok.UserID, hash); err != nil {
		return err
	}
	// Opening the emailed link proves the address works.
	if err := s.store.MarkEmailVerified(r.Context(), tok.UserID); err != nil {
		return err
	}
	if err := s.sessions.End(r.Context(), &c, w); err != nil {
		return err
	}
	if u, err := s.store.UserByID(r.Context(), tok.UserID); err == nil {
		s.notifyPasswordChanged(c, r, u)
	}
	done := &formPage{Base: s.Base(c, r, "Password changed"),
		Message: "Your password has been changed, every session has been logged out and your API token " +
			"was revoked. Log in with the new password; the address page has a new token for your wallets."}
	return s.renderForm(w, "auth/done", done, nil)
}

func (s *Server) notifyPasswordChanged(c web.C, r *http.Request, u *models.User) {
	err := s.mail(r, u.Email, "Your password was changed", fmt.Sprintf(
		"The password of your account at %s was changed (request from %s): all sessions were logged out\n"+
			"and the API token was revoked (the address page shows a new one).\n\n"+
			"If this was not you, reset your password at %s/passwordreset and contact %s.\n",
		s.cfg.BaseURL, system.ClientIP(c), s.cfg.BaseURL, s.cfg.PoolEmail))
	if err != nil {
		s.log.Errorf("password change notice for user %d: %v", u.ID, err)
	}
}

// hashPassword is how every password is stored: bcrypt at the configured
// cost.
func (s *Server) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.cfg.BcryptCost)
	return string(h), err
}

// passwordMatches reports whether pw is u's password. With no user it
// compares against a dummy hash, so the time taken does not tell whether
// an account exists.
func (s *Server) passwordMatches(u *models.User, pw string) bool {
	if u == nil {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(pw)) // for the time it takes; the answer is no
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
}

// useLink uses up the one-time token t of an emailed link for purpose. A
// token that is unknown, already used or expired gives invalid.
func (s *Server) useLink(r *http.Request, t, purpose string, invalid error) (*models.Token, error) {
	tok, err := s.store.ConsumeToken(r.Context(), hashSecret(t), purpose, s.now().Unix())
	if errors.Is(err, models.ErrNotFound) {
		return nil, invalid
	}
	return tok, err
}

// peekLink checks the one-time token t like useLink, without using it up
// (a form that uses it comes next).
func (s *Server) peekLink(r *http.Request, t, purpose string, invalid error) error {
	_, err := s.store.PeekToken(r.Context(), hashSecret(t), purpose, s.now().Unix())
	if errors.Is(err, models.ErrNotFound) {
		return invalid
	}
	return err
}

// linkFailed answers an emailed link that cannot be used: an incomplete
// link, or one unknown, used or expired, gets the done page with the
// reason; anything else (the database failing) takes the error path.
func (s *Server) linkFailed(w http.ResponseWriter, p *formPage, err error) error {
	switch system.KindOf(err) {
	case system.KindInvalid, system.KindNotFound:
		return s.renderForm(w, "auth/done", p, err)
	}
	return err
}
