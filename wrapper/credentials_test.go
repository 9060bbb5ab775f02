package wrapper

// Access tokens on API requests: 401 handling and the Server-to-Server token request.

import (
	"encoding/base64"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestUnauthorized(t *testing.T) {
	t.Run("static token returned at once", func(t *testing.T) {
		f := newFake(t)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			zoomErr(w, 401, 124, "Invalid access token.")
			return true
		})
		c, ws := f.client(t)
		_, err := collect(t, c, "2026-04-01", "2026-04-30")
		if !errors.Is(err, ErrUnauthorized) || len(f.requests()) != 1 || len(ws.get()) != 0 {
			t.Fatalf("err %v, %d requests", err, len(f.requests()))
		}
	})
	t.Run("s2s renews once", func(t *testing.T) {
		f := newFake(t).set("2026-04-01..2026-04-30", 2)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.Header.Get("Authorization") == "Bearer access-1" {
				zoomErr(w, 401, 124, "Access token is expired.")
				return true
			}
			return false
		})
		c, err := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct", "cid", "csecret"),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
		if err != nil {
			t.Fatal(err)
		}
		got, err := collect(t, c, "2026-04-01", "2026-04-30")
		if err != nil || len(got) != 2 {
			t.Fatalf("got %q, err %v", got, err)
		}
		if f.tokenCount() != 2 || !slices.Equal(f.authHeaders(), []string{"Bearer access-1", "Bearer access-2"}) {
			t.Fatalf("%d token requests, auths %q", f.tokenCount(), f.authHeaders())
		}
	})
	t.Run("s2s second 401 returned", func(t *testing.T) {
		f := newFake(t)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			zoomErr(w, 401, 124, "Invalid access token.")
			return true
		})
		c, _ := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct", "cid", "csecret"),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
		_, err := collect(t, c, "2026-04-01", "2026-04-30")
		if !errors.Is(err, ErrUnauthorized) || len(f.requests()) != 2 || f.tokenCount() != 2 {
			t.Fatalf("err %v, %d requests, %d token requests", err, len(f.requests()), f.tokenCount())
		}
	})
	t.Run("missing scopes not renewed", func(t *testing.T) {
		f := newFake(t)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			zoomErr(w, 401, 4711, "Invalid access token, does not contain scopes:[report:read:list_chat_sessions:admin]")
			return true
		})
		c, _ := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct", "cid", "csecret"),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
		_, err := collect(t, c, "2026-04-01", "2026-04-30")
		if !errors.Is(err, ErrUnauthorized) || len(f.requests()) != 1 || f.tokenCount() != 1 {
			t.Fatalf("err %v, %d requests, %d token requests", err, len(f.requests()), f.tokenCount())
		}
	})
}

func TestS2STokenRequestShapeAndCaching(t *testing.T) {
	f := newFake(t).set("2026-02-01..2026-02-28", 700).set("2026-03-01..2026-03-31", 10).set("2026-04-01..2026-04-30", 301)
	c, err := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct-1", "client-id", "client-secret"),
		WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf), WithConcurrency(3))
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(t, c, "2026-02-01", "2026-04-30")
	if err != nil || len(got) != 1011 {
		t.Fatalf("%d sessions, err %v", len(got), err)
	}
	if f.tokenCount() != 1 {
		t.Fatalf("token requests: %d", f.tokenCount())
	}
	tr := f.tokenReq(0)
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:client-secret"))
	if tr.method != "POST" || tr.auth != wantAuth || tr.contentType != "application/x-www-form-urlencoded" ||
		!reflect.DeepEqual(map[string][]string(tr.form), map[string][]string{"grant_type": {"account_credentials"}, "account_id": {"acct-1"}}) {
		t.Fatalf("token request %+v", tr)
	}
	if len(f.authHeaders()) != 6 {
		t.Fatalf("requests %d", len(f.auths))
	}
	for _, a := range f.authHeaders() {
		if a != "Bearer access-1" {
			t.Fatalf("auth %q", a)
		}
	}
	if st := c.Stats(); st.TokenRequests != 1 || st.Requests != 6 {
		t.Fatalf("%+v", st)
	}
}
