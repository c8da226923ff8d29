package controllers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// API result codes: the gRPC status codes the original API used.
const (
	apiOK                 = 0
	apiInvalidArgument    = 3
	apiAlreadyExists      = 6
	apiFailedPrecondition = 9
	apiUnimplemented      = 12
	apiInternal           = 13
	apiUnavailable        = 14
	apiUnauthenticated    = 16
)

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

// apiCommand is one API command: the HTTP method it takes and whether it
// needs a token.
type apiCommand struct {
	method string
	auth   bool
	// errCtx prefixes error messages ("purchaseinfo error - ...").
	errCtx string
	run    func(v *Server, r *http.Request, u *models.User) apiResponse
}

var apiCommands = map[string]apiCommand{
	"getpurchaseinfo": {http.MethodGet, true, "purchaseinfo error", (*Server).apiPurchaseInfo},
	"stats":           {http.MethodGet, false, "stats error", (*Server).apiStats},
	"address":         {http.MethodPost, true, "address error", (*Server).apiAddress},
	"voting":          {http.MethodPost, true, "voting error", (*Server).apiVoting},
}

func apiFail(code int, context, msg string) apiResponse {
	return apiResponse{Status: "error", Code: code, Message: context + " - " + msg}
}

func writeAPI(w http.ResponseWriter, status int, resp apiResponse) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}

// api serves /api/v1/:command and /api/v2/:command.
func (s *Server) api(c web.C, w http.ResponseWriter, r *http.Request) {
	ver, name := c.URLParams["version"], c.URLParams["command"]
	cmd, ok := apiCommands[name]
	if (ver != "v1" && ver != "v2") || !ok {
		writeAPI(w, http.StatusNotFound, apiResponse{Status: "error", Code: apiInvalidArgument,
			Message: "invalid API command or version"})
		return
	}
	if r.Method != cmd.method && !(cmd.method == http.MethodGet && r.Method == http.MethodHead) {
		allow := cmd.method
		if cmd.method == http.MethodGet {
			allow = "GET, HEAD"
		}
		w.Header().Set("Allow", allow)
		writeAPI(w, http.StatusMethodNotAllowed, apiFail(apiUnimplemented, cmd.errCtx,
			"method "+r.Method+" not allowed, use "+cmd.method))
		return
	}
	// Read the whole form first: a body over the limit (even one sent
	// without a Content-Length) is refused with 413, never half-read into
	// an empty field.
	if cmd.method == http.MethodPost {
		if err := parseForm(r); err != nil {
			// Known commands answer 200 with the code; a body over the
			// limit is the one exception (413), as HTTP clients expect.
			status := http.StatusOK
			if system.KindOf(err) == system.KindTooLarge {
				status = http.StatusRequestEntityTooLarge
			}
			msg := strings.TrimSuffix(strings.ToLower(system.PublicMessage(err)), ".")
			writeAPI(w, status, apiFail(apiInvalidArgument, cmd.errCtx, msg))
			return
		}
	}
	var u *models.User
	if cmd.auth {
		var err error
		if u, err = s.apiUser(r); err != nil {
			if errors.Is(err, models.ErrUnavailable) { // a database outage is not a bad token
				s.log.Errorf("api %s: %v", name, err)
				writeAPI(w, http.StatusServiceUnavailable, apiFail(apiUnavailable, cmd.errCtx,
					"database unavailable, try again in a minute"))
				return
			}
			if !errors.Is(err, errNoToken) && !errors.Is(err, errBadToken) && !errors.Is(err, errRevokedToken) &&
				!errors.Is(err, errExpiredToken) {
				s.log.Errorf("api %s: %v", name, err)
				writeAPI(w, http.StatusOK, apiFail(apiInternal, cmd.errCtx, "internal error"))
				return
			}
			s.log.Debugf("api %s from %s: %v", name, system.ClientIP(c), err)
			writeAPI(w, http.StatusOK, apiFail(apiUnauthenticated, cmd.errCtx, err.Error()))
			return
		}
	}
	writeAPI(w, http.StatusOK, cmd.run(s, r, u))
}

// apiUser authenticates the bearer token: signed by us, issued by this
// pool, and still the user's current token.
func (s *Server) apiUser(r *http.Request) (*models.User, error) {
	tok, err := bearer(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	id, err := s.jwt.Parse(tok)
	if errors.Is(err, errExpiredToken) {
		return nil, err
	}
	if err != nil {
		return nil, errBadToken
	}
	u, err := s.store.UserByID(r.Context(), id)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, errBadToken
		}
		return nil, err
	}
	if !sameToken(tok, u.APIToken) {
		return nil, errRevokedToken
	}
	return u, nil
}

func (s *Server) apiPurchaseInfo(r *http.Request, u *models.User) apiResponse {
	if !u.HasMultiSig() {
		return apiFail(apiFailedPrecondition, "purchaseinfo error", "no address submitted")
	}
	return apiResponse{Status: "success", Code: apiOK, Data: purchaseInfo{
		PoolAddress: u.UserFeeAddr, PoolFees: s.cfg.PoolFees, Script: u.MultiSigScript,
		TicketAddress: u.MultiSigAddress, VoteBits: uint16(u.VoteBits), VoteBitsVersion: uint32(u.VoteBitsVersion),
	}}
}

func (s *Server) apiStats(r *http.Request, _ *models.User) apiResponse {
	ps, err := s.stats.Get(r.Context())
	if err != nil {
		s.log.Errorf("api stats: %v", err)
		return apiFail(apiInternal, "stats error", "database error")
	}
	if !ps.StakeOK {
		return apiFail(apiUnavailable, "stats error", "RPC server error")
	}
	st := ps.Stake
	status := "Open"
	if s.cfg.ClosePool {
		status = "Closed"
	}
	return apiResponse{Status: "success", Code: apiOK, Data: apiStats{
		AllMempoolTix: st.AllMempoolTix, APIVersionsSupported: []int{1, 2}, BlockHeight: st.BlockHeight,
		Difficulty: atomsToCoins(st.DifficultyAtoms), Expired: st.Expired, Immature: st.Immature, Live: st.Live,
		Missed: st.Missed, OwnMempoolTix: st.OwnMempoolTix, PoolSize: st.PoolSize, ProportionLive: st.ProportionLive,
		ProportionMissed: st.ProportionMissed, Revoked: st.Revoked, TotalSubsidy: atomsToCoins(st.TotalSubsidyAtoms),
		Voted: st.Voted, Network: s.cfg.Params.Name, PoolEmail: s.cfg.PoolEmail,
		PoolFees: s.cfg.PoolFees, PoolStatus: status, UserCount: ps.Users, UserCountActive: ps.ActiveUsers,
		Version: s.cfg.Version,
	}}
}

func (s *Server) apiAddress(r *http.Request, u *models.User) apiResponse {
	_, err := s.submitAddress(r.Context(), u, r.PostForm.Get("UserPubKeyAddr"))
	if err == nil {
		return apiResponse{Status: "success", Code: apiOK, Message: "address successfully imported"}
	}
	switch system.KindOf(err) {
	case system.KindExists:
		return apiFail(apiAlreadyExists, "address error", "address already submitted")
	case system.KindInvalid:
		return apiFail(apiInvalidArgument, "address error", system.PublicMessage(err))
	case system.KindPermission:
		return apiFail(apiFailedPrecondition, "address error", system.PublicMessage(err))
	case system.KindUnavailable:
		s.log.Errorf("api address, user %d: %v", u.ID, err)
		return apiFail(apiUnavailable, "system error", "unable to process wallet commands")
	}
	s.log.Errorf("api address, user %d: %v", u.ID, err)
	return apiFail(apiInternal, "system error", "internal error")
}

func (s *Server) apiVoting(r *http.Request, u *models.User) apiResponse {
	if !u.HasMultiSig() {
		return apiFail(apiFailedPrecondition, "voting error", "no address submitted")
	}
	raw := strings.TrimSpace(r.PostForm.Get("VoteBits"))
	n, err := strconv.ParseUint(raw, 10, 16)
	if err != nil {
		return apiFail(apiInvalidArgument, "voting error", "VoteBits must be a whole number from 1 to 65535")
	}
	ag, err := s.agendas.Get(r.Context())
	if err != nil {
		s.log.Errorf("api voting: %v", err)
		return apiFail(apiUnavailable, "system error", "unable to process wallet commands")
	}
	bits := uint16(n)
	if err := validateVoteBits(bits, ag.Agendas); err != nil {
		return apiFail(apiInvalidArgument, "voting error", "invalid VoteBits: "+err.Error())
	}
	if uint16(u.VoteBits) != bits || uint32(u.VoteBitsVersion) != ag.VoteVersion {
		if err := s.saveVoteBits(r.Context(), u.ID, bits, ag.VoteVersion); err != nil {
			s.log.Errorf("api voting, user %d: %v", u.ID, err)
			return apiFail(apiInternal, "voting error", "failed to store the voting preferences")
		}
	}
	return apiResponse{Status: "success", Code: apiOK, Message: "successfully updated voting preferences"}
}
