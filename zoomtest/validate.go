package zoomtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/zoomkit/chatsessions/api/apiserver"
)

// Violation is a request or response outside the contract embedded in package apiserver.
type Violation struct {
	Request int    // API request number at the fake; 0 from a ValidatingTransport
	Phase   string // "request" or "response"
	Method  string
	Path    string
	Err     error // what openapi3filter found
}

// Error describes the violation.
func (v Violation) Error() string {
	n := ""
	if v.Request > 0 {
		n = fmt.Sprintf(" #%d", v.Request)
	}
	return fmt.Sprintf("zoomtest: contract violation in %s%s %s %s: %v", v.Phase, n, v.Method, v.Path, v.Err)
}

// Unwrap returns the validation error.
func (v Violation) Unwrap() error { return v.Err }

// validator checks requests and responses against the embedded spec. The
// spec's server (https://api.zoom.us/v2) is dropped so that the spec's paths
// match the tail of any base URL.
type validator struct {
	router routers.Router
}

var loadValidator = sync.OnceValues(func() (*validator, error) {
	doc, err := apiserver.GetSpec()
	if err != nil {
		return nil, err
	}
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &validator{router: router}, nil
})

func mustValidator() *validator {
	v, err := loadValidator()
	if err != nil {
		panic("zoomtest: loading the embedded OpenAPI spec: " + err.Error())
	}
	return v
}

var filterOptions = &openapi3filter.Options{
	// The fake answers 401 itself, the Zoom way; the contract check accepts any credentials.
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:   true,
	IncludeResponseStatus: true,
	MultiError:            true,
}

// findRoute matches the spec's paths against the longest tail of the URL path.
func (v *validator) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	path := r.URL.Path
	for {
		u := *r.URL
		u.Path, u.RawPath = path, ""
		probe := &http.Request{Method: r.Method, URL: &u, Header: r.Header}
		route, params, err := v.router.FindRoute(probe)
		if err == nil {
			return route, params, nil
		}
		i := strings.IndexByte(path[1:], '/')
		if i < 0 {
			return nil, nil, fmt.Errorf("no operation in the spec for %s %s", r.Method, r.URL.Path)
		}
		path = path[i+1:]
	}
}

// request validates r (a clone: validation may touch the URL) and returns the
// input for validating its response, nil when no operation matched.
func (v *validator) request(r *http.Request) (*openapi3filter.RequestValidationInput, error) {
	clone := r.Clone(r.Context())
	clone.Body = http.NoBody
	route, params, err := v.findRoute(clone)
	if err != nil {
		return nil, err
	}
	in := &openapi3filter.RequestValidationInput{Request: clone, PathParams: params, Route: route, Options: filterOptions}
	return in, openapi3filter.ValidateRequest(r.Context(), in)
}

func (v *validator) response(ctx context.Context, in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Options:                filterOptions,
	}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(ctx, out)
}

func (f *Fake) checkRequest(n int, r *http.Request) *openapi3filter.RequestValidationInput {
	in, err := f.validator.request(r)
	if err != nil {
		f.report(Violation{Request: n, Phase: "request", Method: r.Method, Path: r.URL.Path, Err: err})
	}
	return in
}

func (f *Fake) checkResponse(n int, in *openapi3filter.RequestValidationInput, rec *recorder) {
	if err := f.validator.response(in.Request.Context(), in, rec.status, rec.header, rec.body.Bytes()); err != nil {
		f.report(Violation{Request: n, Phase: "response", Method: in.Request.Method, Path: in.Request.URL.Path, Err: err})
	}
}

func (f *Fake) report(v Violation) {
	f.mu.Lock()
	f.violations = append(f.violations, v)
	f.mu.Unlock()
	if f.cfg.tb != nil {
		f.cfg.tb.Errorf("%v", v)
	}
	if f.cfg.onViolation != nil {
		f.cfg.onViolation(v)
	}
}

// ValidatingTransport returns an http.RoundTripper for a test's client that
// checks every request and response against the spec embedded in package apiserver
// and reports violations with tb.Errorf. base nil means http.DefaultTransport.
// See [ValidatingTransportFunc] for what is checked.
func ValidatingTransport(base http.RoundTripper, tb testing.TB) http.RoundTripper {
	tb.Helper()
	return ValidatingTransportFunc(base, func(err error) { tb.Errorf("%v", err) })
}

// ValidatingTransportFunc returns an http.RoundTripper that checks every
// request before sending it and every response before returning it against
// the spec embedded in package apiserver, and calls report with a [Violation] for
// each mismatch; the traffic itself is never changed. Operations are found by
// the tail of the URL path, so any base URL works (real Zoom, a [Server], a
// proxy). Requests to an .../oauth/token path are passed through unchecked,
// and so are 5xx responses that are not JSON (load balancers send HTML).
func ValidatingTransportFunc(base http.RoundTripper, report func(error)) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &validatingTransport{base: base, report: report, v: mustValidator()}
}

type validatingTransport struct {
	base   http.RoundTripper
	report func(error)
	v      *validator
}

func (t *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, TokenPath) {
		return t.base.RoundTrip(req)
	}
	in, err := t.v.request(req)
	if err != nil {
		t.report(Violation{Phase: "request", Method: req.Method, Path: req.URL.Path, Err: err})
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || in == nil {
		return resp, err
	}
	if resp.StatusCode >= 500 && !isJSON(resp.Header.Get("Content-Type")) {
		return resp, nil
	}
	body, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if readErr != nil {
		// A cut-off body is the server's or the network's failure, not a
		// contract violation: hand the client the same failure.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{readErr}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := t.v.response(req.Context(), in, resp.StatusCode, resp.Header, body); err != nil {
		t.report(Violation{Phase: "response", Method: req.Method, Path: req.URL.Path, Err: err})
	}
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
