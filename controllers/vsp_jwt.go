package controllers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// apiTokens issues and checks the API's bearer tokens: HS256 JWTs signed
// with apisecret, issuer = baseurl, claim loggedInAs = user id (the claim
// name wallets and the original pool use). A token is only accepted while
// it is the one stored for the user, so issuing a new one revokes the old
// (and clearing it, on a password or email change, revokes it too). With a
// lifetime the token carries an "exp" claim and stops working then.
type apiTokens struct {
	secret   []byte
	issuer   string
	lifetime time.Duration // 0: no expiry
	now      func() time.Time
}

// Errors of Verify.
var (
	errNoToken  = errors.New("no API token: send the header \"Authorization: Bearer <token>\"")
	errBadToken = errors.New("invalid API token")
	// errRevokedToken: correctly signed but no longer the user's token.
	errRevokedToken = errors.New("API token revoked: get the current one from the address page")
	// errExpiredToken: correctly signed but past its lifetime (an
	// errBadToken too).
	errExpiredToken = fmt.Errorf("%w: expired, get a new one from the address page", errBadToken)
)

// Issue returns a new token for userID.
func (t *apiTokens) Issue(userID int64) (string, error) {
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return "", fmt.Errorf("token nonce: %w", err)
	}
	now := t.now()
	claims := jwt.MapClaims{
		"iat":        now.Unix(),
		"iss":        t.issuer,
		"loggedInAs": userID,
		"jti":        hex.EncodeToString(nonce[:]),
	}
	if t.lifetime > 0 {
		claims["exp"] = now.Add(t.lifetime).Unix()
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("sign API token: %w", err)
	}
	return s, nil
}

// bearer extracts the token from an Authorization header value.
func bearer(h string) (string, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return "", errNoToken
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", fmt.Errorf("%w: the Authorization header must be \"Bearer <token>\"", errBadToken)
	}
	return strings.TrimSpace(tok), nil
}

// Parse checks a token's signature, algorithm and issuer and returns the
// user id it names. The caller must still compare it with the stored token.
func (t *apiTokens) Parse(tok string) (int64, error) {
	if len(tok) > 2048 {
		return 0, fmt.Errorf("%w: too long", errBadToken)
	}
	var claims jwt.MapClaims
	_, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(t.issuer), jwt.WithIssuedAt(),
		jwt.WithTimeFunc(t.now))
	if errors.Is(err, jwt.ErrTokenExpired) {
		return 0, errExpiredToken
	}
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errBadToken, err)
	}
	f, ok := claims["loggedInAs"].(float64)
	if !ok || f < 1 || f > math.MaxInt32 || f != math.Trunc(f) {
		return 0, fmt.Errorf("%w: no valid loggedInAs claim", errBadToken)
	}
	return int64(f), nil
}

// sameToken compares a presented token with the stored one in constant time.
func sameToken(presented, stored string) bool {
	return stored != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(stored)) == 1
}

// Expiry returns when a token we issued stops working (zero: never, or not
// a token of ours). The signature is checked, the expiry itself is not.
func (t *apiTokens) Expiry(tok string) time.Time {
	var claims jwt.MapClaims
	_, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		return time.Time{}
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return time.Time{}
	}
	return exp.Time.UTC()
}
