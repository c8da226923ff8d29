package controllers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/models"
)

// meetingStore's CountUsers and meetingBackends' StakeInfo each wait for
// the other to have started (or give up after a while): they finish only
// when they run at the same time.
type meetingStore struct {
	Store
	counting, asking chan struct{}
	countErr         error
}

func (m *meetingStore) CountUsers(context.Context) (int64, int64, error) {
	close(m.counting)
	select {
	case <-m.asking:
	case <-time.After(5 * time.Second):
		return 0, 0, errors.New("the stake info was not asked for while the users were counted")
	}
	return 7, 3, m.countErr
}

func (m *meetingStore) AddedLowFeeTickets(context.Context) ([]models.LowFeeTicket, error) {
	return nil, nil
}

type meetingBackends struct {
	Backends
	counting, asking chan struct{}
}

func (m *meetingBackends) StakeInfo(context.Context) (stakepooldclient.StakeInfo, error) {
	close(m.asking)
	select {
	case <-m.counting:
	case <-time.After(5 * time.Second):
		return stakepooldclient.StakeInfo{}, errors.New("the users were not counted while the stake info was asked for")
	}
	return stakepooldclient.StakeInfo{BlockHeight: 42, Live: 5}, nil
}

func (m *meetingBackends) LowFeeTickets(context.Context, bool) ([]stakepooldclient.LowFeeTicket, error) {
	return nil, nil
}

// TestLoadStatsAsksAtOnce: a statistics refresh (which every page showing
// the figures waits for) counts the users in the database while it asks a
// backend for the stake info, not one after the other; a database error
// still fails the refresh.
func TestLoadStatsAsksAtOnce(t *testing.T) {
	for _, countErr := range []error{nil, errors.New("db down")} {
		counting, asking := make(chan struct{}), make(chan struct{})
		s := &Server{store: &meetingStore{counting: counting, asking: asking, countErr: countErr},
			backends: &meetingBackends{counting: counting, asking: asking}, log: slog.Disabled, now: time.Now}
		ps, err := s.loadStats(context.Background())
		if countErr != nil {
			if !errors.Is(err, countErr) {
				t.Errorf("count error %v: loadStats err %v", countErr, err)
			}
			continue
		}
		if err != nil || !ps.StakeOK || ps.Users != 7 || ps.ActiveUsers != 3 || ps.Stake.BlockHeight != 42 {
			t.Errorf("loadStats = %+v, %v", ps, err)
		}
	}
}
