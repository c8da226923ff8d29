package controllers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// apiOK is the result code of success; failures take their code from the
// error's kind (system.Kind.APICode).
const apiOK = 0

// apiResponse is the API envelope. Known commands always answer HTTP 200;
// success or failure is in Status and Code.
type apiResponse struct {
	Status  string `json:"status"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// purchaseInfo is the data of getpurchaseinfo (field names as the original
// API, which wallets parse).
type purchaseInfo struct {
	PoolAddress     string
	PoolFees        float64
	Script          string
	TicketAddress   string
	VoteBits        uint16
	VoteBitsVersion uint32
}

// apiStats is the data of stats.
type apiStats struct {
	AllMempoolTix        uint32
	APIVersionsSupported []int
	BlockHeight          int64
	Difficulty           float64
	Expired              uint32
	Immature             uint32
	Live                 uint32
	Missed               uint32
	OwnMempoolTix        uint32
	PoolSize             uint32
	ProportionLive       float64
	ProportionMissed     float64
	Revoked              uint32
	TotalSubsidy         float64
	Voted                uint32
	Network              string
	PoolEmail            string
	PoolFees             float64
	PoolStatus           string
	UserCount            int64
	UserCountActive      int64
	Version              string
}

// apiCommand is one API command: the HTTP method it takes, whether it
// needs a token, and how its failures are worded.
type apiCommand struct {
	method string
	auth   bool
	// errCtx prefixes error messages ("purchaseinfo error - ...").
	errCtx string
	run    func(s *Server, r *http.Request, u *models.User) (apiResult, error)
	// failures words the answer to an error of a kind, as the original
	// API did ("system error - unable to process wallet commands"); any
	// other error answers errCtx + " - " + its message.
	failures map[system.Kind]string
}

// apiResult is what a command answers on success.
type apiResult struct {
	Message string
	Data    any
}

var apiCommands = map[string]apiCommand{
	"getpurchaseinfo": {method: http.MethodGet, auth: true, errCtx: "purchaseinfo error", run: (*Server).apiPurchaseInfo},
	"stats":           {method: http.MethodGet, errCtx: "stats error", run: (*Server).apiStats},
	"address": {method: http.MethodPost, auth: true, errCtx: "address error", run: (*Server).apiAddress,
		failures: map[system.Kind]string{
			system.KindExists:      "address error - address already submitted",
			system.KindUnavailable: "system error - unable to process wallet commands",
			system.KindInternal:    "system error - internal error",
		}},
	"voting": {method: http.MethodPost, auth: true, errCtx: "voting error", run: (*Server).apiVoting,
		failures: map[system.Kind]string{
			system.KindUnavailable: "system error - unable to process wallet commands",
		}},
}

// errNoAPICommand answers every path under /api/ that is not a command.
var errNoAPICommand = system.E(system.KindNotFound, "invalid API command or version")

// noAPICommand serves /api/* paths that name no command.
func (s *Server) noAPICommand(c web.C, w http.ResponseWriter, r *http.Request) {
	s.apiFailure(c, w, r, system.SafeForLog(r.URL.Path), apiCommand{}, nil, errNoAPICommand)
}

func writeAPI(w http.ResponseWriter, status int, resp apiResponse) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp) // the client went away: nothing left to tell it
}

// apiFailure is the API's one error path, as RenderError is the pages':
// the error's kind gives the result code and the HTTP status (the table in
// system/errors.go), the command words the message, and the error is
// logged here, once: server faults as errors, the client's as debug.
func (s *Server) apiFailure(c web.C, w http.ResponseWriter, r *http.Request, name string, cmd apiCommand,
	u *models.User, err error) {
	kind := system.KindOf(err)
	who := "from " + system.ClientIP(c)
	if u != nil {
		who = fmt.Sprintf("user %d", u.ID)
	}
	switch {
	case system.IsLogged(err):
	case kind == system.KindInternal || kind == system.KindUnavailable:
		s.log.Errorf("api %s, %s: %v", name, who, err)
	default:
		s.log.Debugf("api %s, %s: %v", name, who, err)
	}
	if allowed := system.AllowedMethods(err); allowed != nil {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
	}
	msg, ok := cmd.failures[kind]
	if !ok {
		msg = system.Label(err)
		if msg == "" {
			msg = "internal error"
		}
		if cmd.errCtx != "" {
			msg = cmd.errCtx + " - " + msg
		}
	}
	writeAPI(w, system.APIStatus(err), apiResponse{Status: "error", Code: kind.APICode(), Message: msg})
}

// api serves /api/v1/:command and /api/v2/:command.
func (s *Server) api(c web.C, w http.ResponseWriter, r *http.Request) {
	ver, name := c.URLParams["version"], c.URLParams["command"]
	cmd, ok := apiCommands[name]
	if (ver != "v1" && ver != "v2") || !ok {
		s.noAPICommand(c, w, r)
		return
	}
	res, u, err := s.runAPI(r, cmd)
	if err != nil {
		s.apiFailure(c, w, r, name, cmd, u, err)
		return
	}
	writeAPI(w, http.StatusOK, apiResponse{Status: "success", Code: apiOK, Message: res.Message, Data: res.Data})
}

// runAPI checks the method, reads the form, authenticates and runs cmd.
func (s *Server) runAPI(r *http.Request, cmd apiCommand) (apiResult, *models.User, error) {
	if r.Method != cmd.method && !(cmd.method == http.MethodGet && r.Method == http.MethodHead) {
		allow := []string{cmd.method}
		if cmd.method == http.MethodGet {
			allow = []string{http.MethodGet, http.MethodHead}
		}
		return apiResult{}, nil, &system.Error{Kind: system.KindMethod,
			Message: "method " + r.Method + " not allowed, use " + cmd.method, Err: &system.MethodAllowedError{Allowed: allow}}
	}
	// Read the whole form first: a body over the limit (even one sent
	// without a Content-Length) is refused with 413, never half-read into
	// an empty field.
	if cmd.method == http.MethodPost {
		if err := parseForm(r); err != nil {
			return apiResult{}, nil, system.Wrap(system.KindOf(err),
				strings.TrimSuffix(strings.ToLower(system.PublicMessage(err)), "."), err)
		}
	}
	var u *models.User
	if cmd.auth {
		var err error
		if u, err = s.apiUser(r); err != nil {
			return apiResult{}, nil, err
		}
	}
	res, err := cmd.run(s, r, u)
	return res, u, err
}

// apiUser authenticates the bearer token: signed by us, issued by this
// pool, and still the user's current token. Its errors are labelled for
// the API: a database outage is not a bad token.
func (s *Server) apiUser(r *http.Request) (*models.User, error) {
	unauthenticated := func(err error) error { return system.E(system.KindUnauthenticated, err.Error()) }
	tok, err := bearer(r.Header.Get("Authorization"))
	if err != nil {
		return nil, unauthenticated(err)
	}
	id, err := s.jwt.Parse(tok)
	if errors.Is(err, errExpiredToken) {
		return nil, unauthenticated(err)
	}
	if err != nil {
		return nil, unauthenticated(errBadToken)
	}
	u, err := s.store.UserByID(r.Context(), id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil, unauthenticated(errBadToken)
	case errors.Is(err, models.ErrUnavailable):
		return nil, system.Wrap(system.KindUnavailable, "database unavailable, try again in a minute", err)
	case err != nil:
		return nil, err
	}
	if !sameToken(tok, u.APIToken) {
		return nil, unauthenticated(errRevokedToken)
	}
	return u, nil
}

// errNoAddress answers the commands that need the user's voting address.
var errNoAddress = system.E(system.KindPermission, "no address submitted")

func (s *Server) apiPurchaseInfo(r *http.Request, u *models.User) (apiResult, error) {
	if !u.HasMultiSig() {
		return apiResult{}, errNoAddress
	}
	return apiResult{Data: purchaseInfo{
		PoolAddress: u.UserFeeAddr, PoolFees: s.cfg.PoolFees, Script: u.MultiSigScript,
		TicketAddress: u.MultiSigAddress, VoteBits: uint16(u.VoteBits), VoteBitsVersion: uint32(u.VoteBitsVersion),
	}}, nil
}

func (s *Server) apiStats(r *http.Request, _ *models.User) (apiResult, error) {
	ps, err := s.stats.Get(r.Context())
	if err != nil {
		return apiResult{}, system.Wrap(system.KindInternal, "database error", err)
	}
	if !ps.StakeOK {
		return apiResult{}, system.E(system.KindUnavailable, "RPC server error")
	}
	st := ps.Stake
	status := "Open"
	if s.cfg.ClosePool {
		status = "Closed"
	}
	return apiResult{Data: apiStats{
		AllMempoolTix: st.AllMempoolTix, APIVersionsSupported: []int{1, 2}, BlockHeight: st.BlockHeight,
		Difficulty: atomsToCoins(st.DifficultyAtoms), Expired: st.Expired, Immature: st.Immature, Live: st.Live,
		Missed: st.Missed, OwnMempoolTix: st.OwnMempoolTix, PoolSize: st.PoolSize, ProportionLive: st.ProportionLive,
		ProportionMissed: st.ProportionMissed, Revoked: st.Revoked, TotalSubsidy: atomsToCoins(st.TotalSubsidyAtoms),
		Voted: st.Voted, Network: s.cfg.Params.Name, PoolEmail: s.cfg.PoolEmail,
		PoolFees: s.cfg.PoolFees, PoolStatus: status, UserCount: ps.Users, UserCountActive: ps.ActiveUsers,
		Version: s.cfg.Version,
	}}, nil
}

func (s *Server) apiAddress(r *http.Request, u *models.User) (apiResult, error) {
	if _, err := s.submitAddress(r.Context(), u, r.PostForm.Get("UserPubKeyAddr")); err != nil {
		return apiResult{}, err
	}
	return apiResult{Message: "address successfully imported"}, nil
}

func (s *Server) apiVoting(r *http.Request, u *models.User) (apiResult, error) {
	if !u.HasMultiSig() {
		return apiResult{}, errNoAddress
	}
	raw := strings.TrimSpace(r.PostForm.Get("VoteBits"))
	n, err := strconv.ParseUint(raw, 10, 16)
	if err != nil {
		return apiResult{}, system.E(system.KindInvalid, "VoteBits must be a whole number from 1 to 65535")
	}
	ag, err := s.agendas.Get(r.Context())
	if err != nil {
		return apiResult{}, system.Wrap(system.KindUnavailable, "unable to process wallet commands", err)
	}
	bits := uint16(n)
	if err := validateVoteBits(bits, ag.Agendas); err != nil {
		return apiResult{}, system.E(system.KindInvalid, "invalid VoteBits: "+err.Error())
	}
	if uint16(u.VoteBits) != bits || uint32(u.VoteBitsVersion) != ag.VoteVersion {
		if err := s.saveVoteBits(r.Context(), u, bits, ag.VoteVersion); err != nil {
			return apiResult{}, system.Wrap(system.KindInternal, "failed to store the voting preferences", err)
		}
	}
	return apiResult{Message: "successfully updated voting preferences"}, nil
}
