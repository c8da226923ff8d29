package system

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/eacred/dcrstakepool/models"
)

// Kind classifies an error for the client: it decides the HTTP status and
// whether the message may be shown.
type Kind int

// Error kinds. Internal is the zero value so an unclassified error is never
// mistaken for the client's fault.
const (
	KindInternal        Kind = iota // a bug or an outage on our side: 500, logged
	KindInvalid                     // bad input: 400
	KindUnauthenticated             // needs login: 401
	KindPermission                  // logged in but not allowed: 403
	KindNotFound                    // no such page or object: 404
	KindMethod                      // wrong HTTP method: 405
	KindExists                      // conflicts with existing data: 409
	KindTooLarge                    // request body over the limit: 413
	KindRateLimited                 // too many attempts: 429
	KindUnavailable                 // a backend is down: 503
)

// kindInfo is the one table from kinds to answers: the HTTP status of a
// page, and the result code of the JSON API (the gRPC status codes the
// original API used; its HTTP status is APIStatus).
var kindInfo = map[Kind]struct {
	status int
	api    int
	name   string
}{
	KindInternal:        {http.StatusInternalServerError, 13, "internal"},   // Internal
	KindInvalid:         {http.StatusBadRequest, 3, "invalid"},              // InvalidArgument
	KindUnauthenticated: {http.StatusUnauthorized, 16, "unauthenticated"},   // Unauthenticated
	KindPermission:      {http.StatusForbidden, 9, "permission"},            // FailedPrecondition: not now (no address yet, pool closed)
	KindNotFound:        {http.StatusNotFound, 3, "not found"},              // InvalidArgument: no such command
	KindMethod:          {http.StatusMethodNotAllowed, 12, "method"},        // Unimplemented
	KindExists:          {http.StatusConflict, 6, "exists"},                 // AlreadyExists
	KindTooLarge:        {http.StatusRequestEntityTooLarge, 3, "too large"}, // InvalidArgument
	KindRateLimited:     {http.StatusTooManyRequests, 8, "rate limited"},    // ResourceExhausted
	KindUnavailable:     {http.StatusServiceUnavailable, 14, "unavailable"}, // Unavailable
}

// Status is the HTTP status for the kind.
func (k Kind) Status() int {
	if i, ok := kindInfo[k]; ok {
		return i.status
	}
	return http.StatusInternalServerError
}

// APICode is the JSON API's result code for the kind.
func (k Kind) APICode() int {
	if i, ok := kindInfo[k]; ok {
		return i.api
	}
	return kindInfo[KindInternal].api
}

// APIStatus is the HTTP status of a JSON API failure. Known commands answer
// 200 with the result code, as the original API did, except where HTTP
// itself has the answer: no such command (404), wrong method (405), a body
// over the limit (413), and a database outage (503, so clients retry).
func APIStatus(err error) int {
	switch k := KindOf(err); {
	case k == KindNotFound || k == KindMethod || k == KindTooLarge:
		return k.Status()
	case k == KindUnavailable && errors.Is(err, models.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

// Label is the message err was labelled with where it arose (the
// outermost *Error's), whatever its kind, or "" when it has none. The
// pages show PublicMessage instead, which hides internal errors' labels;
// the API shows its own short labels (system.E(KindInternal, "database
// error")).
func Label(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

func (k Kind) String() string {
	if i, ok := kindInfo[k]; ok {
		return i.name
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is an error with a kind and a message safe to show to the user.
// Err, if set, is the cause and is only logged.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return e.Message + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error with a user-facing message.
func E(kind Kind, msg string) error { return &Error{Kind: kind, Message: msg} }

// Ef is E with formatting.
func Ef(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap attaches a kind and user-facing message to a cause.
func Wrap(kind Kind, msg string, err error) error { return &Error{Kind: kind, Message: msg, Err: err} }

// KindOf reports the kind of err: the kind of the outermost *Error in its
// chain, KindTooLarge for a body over the size limit, KindInternal otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return KindTooLarge
	}
	if errors.Is(err, models.ErrUnavailable) {
		return KindUnavailable // the database is down or frozen: 503, not a bug
	}
	return KindInternal
}

// PublicMessage is the text shown to the user for err: its message unless
// the error is internal, whose details are never shown.
func PublicMessage(err error) string {
	kind := KindOf(err)
	var e *Error
	if kind != KindInternal && errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	switch {
	case kind == KindUnavailable && errors.Is(err, models.ErrUnavailable):
		return "The database is not answering. Please try again in a minute."
	}
	switch kind {
	case KindTooLarge:
		return "The request is too large."
	case KindInternal:
		return "Something went wrong on our side. Please try again later; if it keeps happening, contact the operator."
	}
	return http.StatusText(kind.Status())
}
