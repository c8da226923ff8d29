// Command dcrstakepool is the web front end of an Eacred voting service
// provider (VSP, "stake pool"): accounts, voting addresses, tickets, voting
// preferences, stats, admin pages and the JSON API. It stores users in
// SQLite (default) or MySQL/MariaDB and talks to the voting wallets only
// through stakepoold.
//
// Configuration: ~/.dcrstakepool/dcrstakepool.conf and the command line
// (run with -h for every option; sample-dcrstakepool.conf explains them).
// Signals: SIGINT/SIGTERM shut down gracefully, SIGUSR1 reloads templates.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	flags "github.com/jessevdk/go-flags"
)

// version is the program's version (set at build time with -ldflags).
var version = "1.6.0-pre"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// realMain is run with the process's standard streams.
func realMain(args []string) int { return run(args, os.Stdin, os.Stdout, os.Stderr) }

// run is the program. The server logs to stdout (and the log file). The
// --createuser command writes only its result, the user id, to stdout and
// logs to stderr (and the log file), so scripts can capture the id with
// id=$(dcrstakepool ... --createuser=...).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(args)
	if err != nil {
		var fe *flags.Error
		switch {
		case errors.Is(err, errShowVersion):
			fmt.Fprintln(stdout, "dcrstakepool version", version)
			return 0
		case errors.As(err, &fe) && fe.Type == flags.ErrHelp:
			fmt.Fprintln(stdout, err)
			return 0
		}
		fmt.Fprintln(stderr, "dcrstakepool:", err)
		return 1
	}
	if cfg.DebugLevel == "show" {
		fmt.Fprintln(stdout, "subsystems:", sortedSubsystems())
		return 0
	}
	logOut := stdout
	if cfg.CreateUser != "" {
		logOut = stderr // stdout carries only the id
	}
	logs, err := newLogging(logOut, cfg.LogDir, cfg.DebugLevel)
	if err != nil {
		fmt.Fprintln(stderr, "dcrstakepool:", err)
		return 1
	}
	defer logs.Close()
	log := logs.Logger(subMain)
	log.Infof("dcrstakepool %s on %s", version, cfg.network)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.CreateUser != "" {
		id, created, err := createUser(ctx, cfg, stdin)
		if err != nil {
			log.Criticalf("%v", err)
			return 1
		}
		what := "created"
		if !created {
			what = "already existed: password reset, address marked verified"
		}
		log.Infof("user %d (%s) %s", id, cfg.CreateUser, what)
		fmt.Fprintln(stdout, id)
		return 0
	}
	s, err := newServer(ctx, cfg, logs, stakepooldclient.Dial)
	if err != nil {
		log.Criticalf("start-up failed: %v", err)
		return 1
	}
	defer s.close()
	if err := s.run(ctx); err != nil {
		log.Criticalf("%v", err)
		return 1
	}
	log.Infof("stopped")
	return 0
}
