package zoomtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Scope is the scope string the token endpoint grants.
const Scope = "report:read:list_chat_sessions:admin report_chat:read:admin imchat:read:admin"

// authority issues and checks access tokens.
type authority struct {
	accounts []Credentials
	lifetime time.Duration
	clock    func() time.Time
	key      []byte
	static   string

	mu     sync.Mutex
	issued int
	tokens map[string]*accessToken
}

type accessToken struct {
	account string
	expires time.Time // zero: never
	revoked bool      // expired by a fault
}

func newAuthority(cfg config) *authority {
	key := sha256.Sum256([]byte(fmt.Sprintf("zoomtest access tokens %d", cfg.seed)))
	a := &authority{
		accounts: cfg.accounts,
		lifetime: cfg.tokenLifetime,
		clock:    cfg.clock,
		key:      key[:],
		tokens:   map[string]*accessToken{},
	}
	a.static = a.mint("static", cfg.accounts[0].AccountID)
	a.tokens[a.static] = &accessToken{account: cfg.accounts[0].AccountID}
	return a
}

func (a *authority) mint(parts ...any) string {
	m := hmac.New(sha256.New, a.key)
	fmt.Fprintf(m, "%v", parts)
	return "zf." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:24])
}

// AccessToken returns a valid access token of the default account that never
// expires by time (only a [FaultTokenExpired] expires it): for tests that
// send "Authorization: Bearer <token>" themselves.
func (f *Fake) AccessToken() string { return f.auth.static }

// check returns the account of the request's bearer token, or Zoom's 401
// message. With expire set, a valid token is expired now and for good.
func (a *authority) check(r *http.Request, expire bool) (account, problem string) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", msgInvalidToken
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.tokens[token]
	if !ok {
		return "", msgInvalidToken
	}
	if expire {
		t.revoked = true
	}
	if t.revoked || (!t.expires.IsZero() && !a.clock().Before(t.expires)) {
		return t.account, msgExpiredToken
	}
	return t.account, ""
}

// tokenResponse is Zoom's answer to a successful token request.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// serveToken is POST /oauth/token for Server-to-Server OAuth: Basic client
// authentication, grant_type=account_credentials and account_id, in the form
// body or the query. Client authentication is checked first (401), then the
// grant type and the account (400). Errors are Zoom's {"reason","error"}.
func (f *Fake) serveToken(w http.ResponseWriter, r *http.Request) {
	a := f.auth
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeTokenError(w, http.StatusMethodNotAllowed, "Method Not Allowed", "invalid_request")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeTokenError(w, http.StatusBadRequest, "Invalid request", "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	var cred *Credentials
	for i := range a.accounts {
		c := &a.accounts[i]
		if ok && hmac.Equal([]byte(id), []byte(c.ClientID)) && hmac.Equal([]byte(secret), []byte(c.ClientSecret)) {
			cred = c
			break
		}
	}
	if cred == nil {
		writeTokenError(w, http.StatusUnauthorized, "Invalid client_id or client_secret", "invalid_client")
		return
	}
	switch grant := r.Form.Get("grant_type"); {
	case grant != "account_credentials":
		writeTokenError(w, http.StatusBadRequest, "unsupported grant type", "unsupported_grant_type")
		return
	case r.Form.Get("account_id") == "":
		writeTokenError(w, http.StatusBadRequest, "Missing account_id", "invalid_request")
		return
	case r.Form.Get("account_id") != cred.AccountID:
		writeTokenError(w, http.StatusBadRequest, "Invalid account_id", "invalid_request")
		return
	}
	now := a.clock()
	a.mu.Lock()
	a.issued++
	token := a.mint("issued", a.issued, cred.AccountID)
	a.tokens[token] = &accessToken{account: cred.AccountID, expires: now.Add(a.lifetime)}
	a.mu.Unlock()
	f.countToken()

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(tokenResponse{
		AccessToken: token,
		TokenType:   "bearer",
		ExpiresIn:   int(a.lifetime / time.Second),
		Scope:       Scope,
	})
}

func writeTokenError(w http.ResponseWriter, status int, reason, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Reason string `json:"reason"`
		Error  string `json:"error"`
	}{reason, code})
}
