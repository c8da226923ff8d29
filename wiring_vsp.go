package main

import (
	"context"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/models"
)

// vspFeatures builds the VSP features (stakepoold clients, address,
// tickets, voting, stats, admin, API, /status) on top of the web core and
// returns them with a function that releases their resources.
//
// OWNED BY helper "vsp": this file is the one place where the VSP features
// are wired into the program; webcore does not edit it after creating it.
func vspFeatures(ctx context.Context, cfg *config, app *controllers.Application, store *models.Store,
	logs *logging) ([]controllers.Feature, func(), error) {
	return nil, nil, nil
}
