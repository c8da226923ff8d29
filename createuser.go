package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"golang.org/x/crypto/bcrypt"
)

// createUser is the --createuser operator command: it creates a verified
// account, or sets a new password (and verifies the address) when the
// account exists, and returns its id. It opens (and migrates) the database
// but starts nothing else.
func createUser(ctx context.Context, cfg *config, stdin io.Reader) (id int64, created bool, err error) {
	email, err := controllers.ValidEmail(strings.TrimSpace(cfg.CreateUser))
	if err != nil {
		return 0, false, fmt.Errorf("createuser: %s", system.PublicMessage(err))
	}
	pw := cfg.CreateUserPassword
	if pw == "-" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, false, fmt.Errorf("createuserpassword: read standard input: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if err := controllers.CheckNewPassword(pw, cfg.MinPasswordLength); err != nil {
		return 0, false, fmt.Errorf("createuserpassword: %s", system.PublicMessage(err))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return 0, false, err
	}
	engine, dsn, err := cfg.database()
	if err != nil {
		return 0, false, err
	}
	store, err := models.Open(ctx, engine, dsn)
	if err != nil {
		return 0, false, err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}()

	u, err := store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		u = &models.User{Email: email, PasswordHash: string(hash), EmailVerified: true,
			CreatedAt: time.Now().Unix(), VoteBits: 1}
		if err := store.CreateUser(ctx, u); err != nil {
			return 0, false, err
		}
		return u.ID, true, nil
	case err != nil:
		return 0, false, err
	}
	if err := store.SetPassword(ctx, u.ID, string(hash)); err != nil { // also ends its sessions
		return 0, false, err
	}
	if err := store.MarkEmailVerified(ctx, u.ID); err != nil {
		return 0, false, err
	}
	return u.ID, false, nil
}
