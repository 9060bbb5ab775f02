package wrapper

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// elsewhere is a server a redirect points to; it counts what reaches it.
type elsewhere struct {
	srv  *httptest.Server
	hits atomic.Int64
}

func newElsewhere(t *testing.T, tls bool) *elsewhere {
	e := &elsewhere{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		onePage(w, r, "") // what the old client accepted
	})
	if tls {
		e.srv = httptest.NewTLSServer(h)
	} else {
		e.srv = httptest.NewServer(h)
	}
	t.Cleanup(e.srv.Close)
	return e
}

// redirectTo answers with status and a Location on target, keeping the
// request's path and query as a relaying proxy would.
func redirectTo(target string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.RequestURI(), status)
	}
}

// TestAPIRedirectRefused: a 3xx from the API to the same host on another
// port is not followed: nothing reaches the other port, the pull ends with
// an APIError naming the Location's origin, and it is not retried.
func TestAPIRedirectRefused(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			other := newElsewhere(t, false)
			h := newHostile(t, redirectTo(other.srv.URL, status), nil)
			c := newClient(t, h.options(WithServerToServer("acct", "cid", "client-secret-XYZ"), WithRetryPolicy(DefaultRetryPolicy))...)
			ids, err := pullApril(t.Context(), c)
			if !errors.Is(err, ErrRedirect) || len(ids) != 0 {
				t.Fatalf("ids %v, err %v; want ErrRedirect", ids, err)
			}
			want := &APIError{StatusCode: status, Message: "redirect to " + other.srv.URL + " refused: Zoom does not redirect this call"}
			if diff := cmp.Diff(want, asAPIError(err)); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if n := other.hits.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests", n)
			}
			api, _ := h.requests()
			if len(api) != 1 {
				t.Errorf("%d API requests, want 1 (a redirect is not retried)", len(api))
			}
		})
	}
}

// TestTokenRedirectRefused: a 3xx from the token endpoint is not followed:
// the Basic credentials reach nothing else and the API is never called.
func TestTokenRedirectRefused(t *testing.T) {
	other := newElsewhere(t, false)
	h := newHostile(t, nil, redirectTo(other.srv.URL, http.StatusTemporaryRedirect))
	c := newClient(t, h.options(WithServerToServer("acct", "cid", "client-secret-XYZ"), WithRetryPolicy(DefaultRetryPolicy))...)
	_, err := pullApril(t.Context(), c)
	want := &TokenError{StatusCode: 307, Reason: "redirect to " + other.srv.URL + " refused: Zoom does not redirect this call"}
	if diff := cmp.Diff(want, asTokenError(err)); diff != "" || !errors.Is(err, ErrRedirect) || errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err %v; TokenError (-want +got):\n%s", err, diff)
	}
	api, token := h.requests()
	if len(api) != 0 || len(token) != 1 || other.hits.Load() != 0 {
		t.Fatalf("%d API requests, %d token requests, %d at the target; want 0, 1, 0", len(api), len(token), other.hits.Load())
	}
}

// TestHTTPSToHTTPRedirectRefused: an https API and token endpoint
// redirecting to plain http on the same host. The caller's client (the
// test server's, with Go's default redirect policy) gets the refusal too,
// and is itself left unchanged.
func TestHTTPSToHTTPRedirectRefused(t *testing.T) {
	plain := newElsewhere(t, false)
	for _, path := range []string{"/v2/report/chat/sessions", "/oauth/token"} {
		t.Run(path, func(t *testing.T) {
			secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case path:
					redirectTo(plain.srv.URL, http.StatusFound)(w, r)
				case "/oauth/token":
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"access_token":"access-token-0123456789","expires_in":3600}`))
				default:
					onePage(w, r, "")
				}
			}))
			t.Cleanup(secure.Close)
			hc := secure.Client()
			c := newClient(t, WithBaseURL(secure.URL+"/v2"), WithTokenURL(secure.URL+"/oauth/token"), WithHTTPClient(hc),
				WithServerToServer("acct", "cid", "client-secret-XYZ"), WithClock(func() time.Time { return hostileNow }))
			_, err := pullApril(t.Context(), c)
			if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "redirect to "+plain.srv.URL+" refused") {
				t.Fatalf("err %v", err)
			}
			if n := plain.hits.Load(); n != 0 {
				t.Fatalf("the plain-http target got %d requests", n)
			}
			if hc.CheckRedirect != nil {
				t.Fatal("the caller's http.Client was modified")
			}
		})
	}
}

// TestCallerRedirectPolicyKept: a caller's http.Client with its own
// CheckRedirect decides: here it follows, as documented on WithHTTPClient.
func TestCallerRedirectPolicyKept(t *testing.T) {
	other := newElsewhere(t, false)
	h := newHostile(t, redirectTo(other.srv.URL, http.StatusFound), nil)
	var asked atomic.Int64
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { asked.Add(1); return nil }}
	c := newClient(t, h.options(WithToken("static-token-XYZ"), WithHTTPClient(hc))...)
	ids, err := pullApril(t.Context(), c)
	if err != nil || len(ids) != 1 || asked.Load() != 1 || other.hits.Load() != 1 {
		t.Fatalf("ids %v, err %v, policy asked %d times, target hit %d times; want 1 session, nil, 1, 1", ids, err, asked.Load(), other.hits.Load())
	}
}

// TestRedirectNamesOriginOnly: the error names the Location's scheme, host
// and port, never its path, query or user info, which may carry anything.
func TestRedirectNamesOriginOnly(t *testing.T) {
	for _, tc := range []struct{ location, want string }{
		{"https://evil.example:8443/steal/client-secret-XYZ?token=abc#frag", "redirect to https://evil.example:8443 refused"},
		{"http://user:pass@evil.example/x", "redirect to http://evil.example refused"},
		{"/v2/elsewhere?next=1", "redirect to SELF refused"},
		{"", "redirect refused (no usable Location)"},
	} {
		t.Run(tc.location, func(t *testing.T) {
			h := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.location != "" {
					w.Header()["Location"] = []string{tc.location}
				}
				w.WriteHeader(http.StatusFound)
			}, nil)
			c := newClient(t, h.options(WithToken("static-token-XYZ"))...)
			_, err := pullApril(t.Context(), c)
			want := strings.ReplaceAll(tc.want, "SELF", h.srv.URL) + ": Zoom does not redirect this call"
			if ae := asAPIError(err); ae == nil || ae.Message != want {
				t.Fatalf("err %v\nwant message %q", err, want)
			}
			for _, s := range []string{"steal", "abc", "frag", "pass", "elsewhere", "next="} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error shows %q: %v", s, err)
				}
			}
		})
	}
}

// TestUnparseableLocation: Go's client fails on a Location it cannot parse
// before any redirect policy is asked, so the pull ends with that transport
// error (scrubbed like every error) after one request, following nothing.
func TestUnparseableLocation(t *testing.T) {
	h := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{"http://[::1/static-token-XYZ"}
		w.WriteHeader(http.StatusFound)
	}, nil)
	c := newClient(t, h.options(WithToken("static-token-XYZ"))...)
	ids, err := pullApril(t.Context(), c)
	api, _ := h.requests()
	if err == nil || len(ids) != 0 || len(api) != 1 || strings.Contains(err.Error(), "static-token-XYZ") {
		t.Fatalf("ids %v, %d requests, err %v", ids, len(api), err)
	}
}
