package zoomtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/api"
)

// Default credentials of the fake's account. The token endpoint accepts them
// unless [WithCredentials] replaces them.
const (
	DefaultAccountID    = "zoomfake-account"
	DefaultClientID     = "zoomfake-client-id"
	DefaultClientSecret = "zoomfake-client-secret"
)

// Defaults of the fake's behaviour.
const (
	DefaultSessionsPerDay = 20
	DefaultSeed           = 1
	DefaultPageTokenTTL   = 15 * time.Minute
	DefaultTokenLifetime  = time.Hour
)

// Credentials are one Server-to-Server OAuth app on one account.
type Credentials struct {
	AccountID    string
	ClientID     string
	ClientSecret string
}

// Option configures a [Fake] or a [Server].
type Option func(*config)

type config struct {
	clock          func() time.Time
	seed           int64
	sessionsPerDay int
	sessions       []api.ChatSession
	ownSessions    bool
	pageTokenTTL   time.Duration
	tokenLifetime  time.Duration
	accounts       []Credentials
	ratePerSecond  int
	dailyLimit     int
	latency        time.Duration
	faults         []Fault
	faultFunc      func(n int, r *http.Request) Fault
	tb             testing.TB
	onViolation    func(Violation)
}

func defaultConfig() config {
	return config{
		clock:          time.Now,
		seed:           DefaultSeed,
		sessionsPerDay: DefaultSessionsPerDay,
		pageTokenTTL:   DefaultPageTokenTTL,
		tokenLifetime:  DefaultTokenLifetime,
		accounts:       []Credentials{{DefaultAccountID, DefaultClientID, DefaultClientSecret}},
	}
}

// WithClock sets the clock the fake reads for "today" (the six-month rule and
// which sessions exist yet), token and page-token expiry, and rate-limit
// windows. Added latency always uses real time.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithSeed sets the seed of the generated sessions (default [DefaultSeed]).
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithSessionsPerDay sets how many sessions are generated for each UTC day
// (default [DefaultSessionsPerDay]; 0 means none, values above 86400 are capped).
func WithSessionsPerDay(n int) Option {
	return func(c *config) { c.sessionsPerDay = max(0, min(n, 86400)) }
}

// WithSessions replaces the generated data with these sessions. A query
// returns those whose last_message_sent_time falls between from 00:00 and
// to 23:59:59 UTC, oldest first; sessions without a time are never returned.
func WithSessions(sessions []api.ChatSession) Option {
	return func(c *config) {
		c.sessions = append([]api.ChatSession(nil), sessions...)
		c.ownSessions = true
	}
}

// WithPageTokenTTL sets how long a next_page_token stays valid (default 15 minutes).
func WithPageTokenTTL(d time.Duration) Option { return func(c *config) { c.pageTokenTTL = d } }

// WithTokenLifetime sets the lifetime of access tokens from the token endpoint
// (default one hour; expires_in reports it in seconds).
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenLifetime = d } }

// WithCredentials replaces the default account's credentials.
func WithCredentials(cr Credentials) Option { return func(c *config) { c.accounts[0] = cr } }

// WithAccount adds another account with its own app credentials and its own rate limits.
func WithAccount(cr Credentials) Option {
	return func(c *config) { c.accounts = append(c.accounts, cr) }
}

// WithRateLimit limits each account to perSecond API requests per second
// (0, the default, means no limit). It is a token bucket on the fake's clock:
// it holds perSecond+½ requests and refills at perSecond per second. A burst of
// M requests at one instant gets exactly M−perSecond answers 429; a client
// that spaces its requests 1/perSecond apart (golang.org/x/time/rate at the
// same rate, burst 1) is never refused unless a request arrives over half a
// second late. A refusal is 429 {"code":429,"message":"You have reached the
// maximum per-second rate limit for this API. Try again later."} with
// X-RateLimit-Category: Medium, X-RateLimit-Type: QPS, X-RateLimit-Limit,
// X-RateLimit-Remaining: 0 and Retry-After, the whole second (ISO 8601, UTC)
// from which a request will be accepted again.
func WithRateLimit(perSecond int) Option {
	return func(c *config) { c.ratePerSecond = max(0, perSecond) }
}

// WithDailyLimit limits each account to n API requests per UTC day of the
// fake's clock (0, the default, means no limit). Requests refused with 429 do
// not count. A refusal is 429 with X-RateLimit-Type: Daily-limit and
// Retry-After at the next 00:00:00Z.
func WithDailyLimit(n int) Option { return func(c *config) { c.dailyLimit = max(0, n) } }

// WithLatency makes every API answer take d (real time, not the fake's
// clock) from the request's arrival, as a network and a server would. The
// fake's own work on the answer happens within d, not after it; only when
// that work takes longer than d does an answer take longer.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithFaults scripts faults by API request number (see [Fault]).
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithFaultFunc lets f choose a fault for every API request: n counts API
// requests from 1. A zero Fault means none. Faults from [WithFaults] for the
// same request number win.
func WithFaultFunc(f func(n int, r *http.Request) Fault) Option {
	return func(c *config) { c.faultFunc = f }
}

// WithT reports every contract violation with tb.Errorf, so it fails the test
// that caused it, and closes the server in tb.Cleanup.
func WithT(tb testing.TB) Option { return func(c *config) { c.tb = tb } }

// WithViolationFunc calls f for every contract violation (in the goroutine
// serving the request, before the answer is sent).
func WithViolationFunc(f func(Violation)) Option { return func(c *config) { c.onViolation = f } }
