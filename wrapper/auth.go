package wrapper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenProvider hands out access tokens.
type tokenProvider interface {
	token(ctx context.Context) (string, error)
	// invalidate drops bad from the cache; it reports whether asking again
	// may give a different token (false for a static token).
	invalidate(bad string) bool
	kind() string
}

type s2sCreds struct {
	accountID, clientID string
	clientSecret        secretText
}

// secretText holds a credential so that no fmt verb prints it, at any
// depth: fmt shows a func value as an address only, whereas it prints what
// a pointer points to under a verb such as %s or %x.
type secretText func() string

func seal(s string) secretText { return func() string { return s } }

// reveal returns the credential; "" for none.
func (s secretText) reveal() string {
	if s == nil {
		return ""
	}
	return s()
}

// newTokenProvider builds the provider for cfg's credential and teaches
// c's redactor its secrets. Providers keep tokens sealed (secretText).
func newTokenProvider(cfg *config, c *Client) tokenProvider {
	switch {
	case cfg.static != nil:
		c.redact.addSecret(cfg.static.reveal())
		return &staticToken{tok: cfg.static}
	case cfg.ts != nil:
		ts := cfg.ts
		return &cachedToken{name: "token source", client: c, fetch: func(context.Context) (*oauth2.Token, error) {
			return ts.Token()
		}}
	default:
		s := cfg.s2s
		c.redact.addSecret(s.clientSecret.reveal())
		c.redact.addBasicPair(s.clientID, s.clientSecret.reveal())
		cc := &clientcredentials.Config{
			ClientID:     s.clientID,
			ClientSecret: s.clientSecret.reveal(),
			TokenURL:     cfg.tokenURL,
			EndpointParams: url.Values{
				"grant_type": {"account_credentials"},
				"account_id": {s.accountID},
			},
			AuthStyle: oauth2.AuthStyleInHeader,
		}
		hc := c.httpClient
		return &cachedToken{name: "server-to-server", client: c, fetch: func(ctx context.Context) (*oauth2.Token, error) {
			// Config.Token makes a fresh, non-caching source per call: the
			// cache is ours, and nothing keeps the request's ctx.
			return cc.Token(context.WithValue(ctx, oauth2.HTTPClient, hc))
		}}
	}
}

type staticToken struct{ tok secretText }

func (s *staticToken) token(context.Context) (string, error) { return s.tok.reveal(), nil }
func (*staticToken) invalidate(string) bool                  { return false }
func (*staticToken) kind() string                            { return "static token" }

// maxTokenLen bounds a fetched token (Zoom's are JWTs of about 1 KiB): it
// is sent with every request and remembered by the redactor.
const maxTokenLen = 16 << 10

// tokenRenewMargin: a cached token is replaced this long before it expires.
const tokenRenewMargin = time.Minute

// minTokenLifetime is the shortest life a fetched token is cached for. A
// token said to expire sooner (a small expires_in) is kept as if it lasted
// this long, so that not every request fetches a token; should it expire
// before, Zoom answers 401 with code 124 and the token is renewed then.
const minTokenLifetime = tokenRenewMargin + 4*time.Minute

// cachedToken caches one token for every goroutine; one fetch at a time.
type cachedToken struct {
	name   string
	client *Client
	fetch  func(ctx context.Context) (*oauth2.Token, error)

	once   sync.Once
	lock   chan struct{} // held while reading the cache or fetching
	tok    secretText    // nil when nothing is cached
	expiry time.Time     // zero when the token does not expire
}

func (c *cachedToken) kind() string { return c.name }

func (c *cachedToken) acquire(ctx context.Context) error {
	c.once.Do(func() { c.lock = make(chan struct{}, 1) })
	select {
	case c.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (c *cachedToken) token(ctx context.Context) (string, error) {
	if err := c.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-c.lock }()
	if c.tok != nil && (c.expiry.IsZero() || time.Until(c.expiry) > tokenRenewMargin) {
		return c.tok.reveal(), nil
	}
	c.client.stats.tokens.Add(1)
	t, err := c.fetch(ctx)
	if err != nil {
		return "", c.client.tokenError(err)
	}
	if t == nil || t.AccessToken == "" {
		return "", &TokenError{Reason: "token endpoint returned no access_token"}
	}
	if len(t.AccessToken) > maxTokenLen || len(t.RefreshToken) > maxTokenLen {
		return "", &TokenError{Reason: fmt.Sprintf("token endpoint returned a token longer than %d bytes", maxTokenLen)}
	}
	c.client.redact.addToken(t.AccessToken)
	c.client.redact.addToken(t.RefreshToken)
	c.tok, c.expiry = seal(t.AccessToken), t.Expiry
	if floor := time.Now().Add(minTokenLifetime); !c.expiry.IsZero() && c.expiry.Before(floor) {
		c.expiry = floor
	}
	return t.AccessToken, nil
}

func (c *cachedToken) invalidate(bad string) bool {
	if c.acquire(context.Background()) == nil {
		if c.tok.reveal() == bad {
			c.tok = nil
		}
		<-c.lock
	}
	return true
}

// TokenError is a refusal from the token endpoint. It matches
// ErrUnauthorized for HTTP 400 and 401, and ErrRedirect for a 3xx. It
// never holds a secret: Code and Reason pass the Client's redactor (secrets
// replaced with REDACTED, control characters escaped, length bounded).
type TokenError struct {
	StatusCode int    // HTTP status of the token endpoint
	Code       string // OAuth "error", e.g. invalid_client
	Reason     string // Zoom's "reason" or the OAuth error_description
}

// Error describes the refusal.
func (e *TokenError) Error() string {
	s := "wrapper: access token request refused"
	if e.StatusCode != 0 {
		s += fmt.Sprintf(": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is matches ErrUnauthorized for 400 and 401 answers, ErrRedirect for a
// 3xx.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusBadRequest
	case ErrRedirect:
		return isRedirect(e.StatusCode)
	}
	return false
}

func (e *TokenError) retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// tokenError turns an oauth2 error into one that holds no secret.
func (c *Client) tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Code: re.ErrorCode, Reason: re.ErrorDescription}
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
			if isRedirect(te.StatusCode) {
				return &TokenError{StatusCode: te.StatusCode, Reason: c.redirectMessage(re.Response)}
			}
		}
		var body struct {
			Reason string `json:"reason"`
			Error  string `json:"error"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			if te.Reason == "" {
				te.Reason = body.Reason
			}
			if te.Code == "" {
				te.Code = body.Error
			}
		}
		te.Code, te.Reason = c.redact.text(te.Code, maxHeaderText), c.redact.text(te.Reason, maxMessageText)
		return te
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("wrapper: access token request: %w", err)
	}
	return &redactedError{msg: "wrapper: access token request: " + c.redact.apply(err.Error()), err: err}
}
