package rpcserver

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// kindCodes is the one place pool error kinds become gRPC codes.
var kindCodes = map[pool.Kind]codes.Code{
	pool.KindInternal:     codes.Internal,
	pool.KindInvalid:      codes.InvalidArgument,
	pool.KindNotFound:     codes.NotFound,
	pool.KindUnavailable:  codes.Unavailable,
	pool.KindPrecondition: codes.FailedPrecondition,
	pool.KindDuplicate:    codes.AlreadyExists,
}

// toStatus converts a core error into a gRPC status error; nil stays nil and
// an error that already is a status passes through.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	}
	code, ok := kindCodes[pool.KindOf(err)]
	if !ok {
		code = codes.Internal
	}
	return status.Error(code, err.Error())
}

func invalid(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, format, args...)
}
