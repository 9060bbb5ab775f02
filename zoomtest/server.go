package zoomtest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/zoomkit/chatsessions/api/apiserver"
)

// Paths the fake serves.
const (
	// APIPath is the base path of the API: the spec's server is https://api.zoom.us/v2.
	APIPath = "/v2"
	// TokenPath is the OAuth token endpoint, as at https://zoom.us/oauth/token.
	TokenPath = "/oauth/token"
)

// Fake is the fake Zoom as an http.Handler, with its state: data, tokens,
// rate limits, faults, the request log and contract violations. All its
// methods are safe for concurrent use. [NewServer] runs one on a loopback
// port; cmd/zoomfake serves one with net/http.
type Fake struct {
	cfg       config
	data      *dataSet
	pages     pageTokens
	auth      *authority
	limits    *rateLimiter
	validator *validator
	api       http.Handler

	mu         sync.Mutex
	n          int // API requests so far
	faults     map[int]Fault
	log        []Request
	stats      Stats
	violations []Violation
}

// NewFake returns a fake Zoom configured by opts.
func NewFake(opts ...Option) *Fake {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	f := &Fake{
		cfg:    cfg,
		data:   newDataSet(cfg),
		pages:  newPageTokens(cfg.seed, cfg.pageTokenTTL),
		auth:   newAuthority(cfg),
		limits: newRateLimiter(cfg.ratePerSecond, cfg.dailyLimit),
		faults: map[int]Fault{},
		stats:  Stats{Windows: map[Window]int{}},
	}
	f.validator = mustValidator()
	for _, ft := range cfg.faults {
		f.faults[ft.Request] = ft
	}
	mux := http.NewServeMux()
	strict := apiserver.NewStrictHandlerWithOptions(reportHandler{f}, nil, apiserver.StrictHTTPServerOptions{
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeZoomError(w, r, http.StatusInternalServerError, 500, "Internal error: "+err.Error(), nil)
		},
	})
	f.api = apiserver.HandlerWithOptions(strict, apiserver.StdHTTPServerOptions{
		BaseURL:          APIPath,
		BaseRouter:       mux,
		ErrorHandlerFunc: parameterError,
	})
	return f
}

// ServeHTTP serves the token endpoint at [TokenPath] and the API under [APIPath].
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == TokenPath:
		f.serveToken(w, r)
	case strings.HasPrefix(r.URL.Path, APIPath+"/"):
		f.serveAPI(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveAPI numbers the request, validates it, applies faults, and answers
// through a buffer so the answer is validated before the client sees it.
//
// Latency from [WithLatency] is measured from the request's arrival: the
// fake builds and validates its answer within it, so an answer takes the
// configured latency, not the latency plus the fake's own work (a few
// milliseconds for a page of 300, which would otherwise add to every
// request of a chain). A [FaultLatency] is a hang: it comes first, before
// any work, as a server that stopped answering.
func (f *Fake) serveAPI(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	entry := f.begin(r)
	in := f.checkRequest(entry.N, r)
	fault := f.faultFor(entry.N, r)
	entry.Fault = fault.Kind
	if fault.Kind != FaultNone {
		f.countFault()
	}
	if d := fault.latency(); d > 0 && !sleepUntil(r.Context(), arrived.Add(d)) {
		f.finish(entry, 0)
		return
	}
	due := arrived.Add(f.cfg.latency + fault.latency())

	// The answer, built now (none for the faults that are not Zoom's own)
	// and sent at due.
	var rec *recorder
	if fault.Kind != FaultHTML5xx && fault.Kind != FaultDropConnection {
		rec = newRecorder()
		trackingID := entry.trackingID()
		r = r.WithContext(context.WithValue(r.Context(), trackingKey{}, trackingID))
		entry.Account = f.answer(rec, r, fault)
		rec.ensureTrackingID(trackingID)
		if in != nil {
			f.checkResponse(entry.N, in, rec)
		}
	}
	if !sleepUntil(r.Context(), due) {
		f.finish(entry, 0)
		return
	}
	switch fault.Kind {
	case FaultHTML5xx:
		status := fault.status()
		f.finish(entry, status)
		serveHTML5xx(w, status)
	case FaultDropConnection:
		f.finish(entry, 0)
		dropConnection(w)
	case FaultTruncatedBody:
		f.finish(entry, rec.status)
		writeTruncated(w, rec)
	default:
		f.finish(entry, rec.status)
		rec.copyTo(w)
	}
}

// sleepUntil waits for the real time t; it reports false if ctx ended first
// (the client left).
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// answer applies authentication, rate limits and Zoom-shaped faults, then
// the generated handler; it returns the account of the token, if any.
func (f *Fake) answer(w http.ResponseWriter, r *http.Request, fault Fault) string {
	account, problem := f.auth.check(r, fault.Kind == FaultTokenExpired)
	if problem != "" {
		resp := apiserver.ReportChatSessions401JSONResponse{Body: zoomError(124, problem, nil)}
		resp.Headers.XZmTrackingid = trackingIDFrom(r)
		_ = resp.VisitReportChatSessionsResponse(w)
		return account
	}
	if resp, limited := f.limits.take(account, f.cfg.clock()); limited {
		f.countRateLimited()
		resp.Headers.XZmTrackingid = trackingIDFrom(r)
		_ = resp.VisitReportChatSessionsResponse(w)
		return account
	}
	if fault.Kind == FaultPageTokenExpired {
		writeZoomError(w, r, http.StatusBadRequest, 300, msgPageToken, nil)
		return account
	}
	f.api.ServeHTTP(w, r)
	return account
}

// Server is a [Fake] listening on a loopback port.
type Server struct {
	*Fake
	ts        *httptest.Server
	closeOnce sync.Once
}

// NewServer starts a fake Zoom on 127.0.0.1 and a free port.
func NewServer(opts ...Option) *Server {
	s := &Server{Fake: NewFake(opts...)}
	s.ts = httptest.NewServer(s.Fake)
	if s.cfg.tb != nil {
		s.cfg.tb.Cleanup(s.Close)
	}
	return s
}

// URL returns the API base URL, like https://api.zoom.us/v2: it ends in /v2.
func (s *Server) URL() string { return s.ts.URL + APIPath }

// TokenURL returns the OAuth token endpoint, like https://zoom.us/oauth/token.
func (s *Server) TokenURL() string { return s.ts.URL + TokenPath }

// Close shuts the server down and waits for requests in flight. It may be called more than once.
func (s *Server) Close() { s.closeOnce.Do(s.ts.Close) }

type trackingKey struct{}

func trackingIDFrom(r *http.Request) *string {
	if id, ok := r.Context().Value(trackingKey{}).(string); ok {
		return &id
	}
	return nil
}

// recorder buffers an answer so that it can be validated before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(p []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(p)
}

func (rec *recorder) ensureTrackingID(id string) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.header.Get("x-zm-trackingid") == "" {
		rec.header.Set("x-zm-trackingid", id)
	}
}

func (rec *recorder) copyTo(w http.ResponseWriter) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}
