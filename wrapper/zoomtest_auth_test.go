package wrapper_test

// Against zoomtest: credentials the fake refuses (helpers in zoomtest_helpers_test.go).

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// 7. Credentials the fake refuses: no secret in the error.
func TestZoomtestUnauthorized(t *testing.T) {
	t.Parallel()
	t.Run("unknown static token", func(t *testing.T) {
		t.Parallel()
		const token = "zf.unknown-token-4f1c9ad2e7"
		srv := startZoom(t)
		c := zClient(t, srv, wrapper.WithToken(token))
		_, err := pullSessions(t, c, "2026-10-01", "2026-10-31")
		var ae *wrapper.APIError
		if !errors.Is(err, wrapper.ErrUnauthorized) || !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != 124 || ae.Message != "Invalid access token." {
			t.Fatalf("err %v, want 401 code 124", err)
		}
		if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%+v %#v", err, c), token) {
			t.Errorf("token in %q", err)
		}
		reqs := srv.Requests()
		if len(reqs) != 1 || reqs[0].Status != 401 || !reqs[0].HasToken || reqs[0].Account != "" {
			t.Errorf("requests %+v, want one refused", reqs)
		}
		if cs := c.Stats(); cs.Requests != 1 || cs.Retries != 0 {
			t.Errorf("client stats %+v", cs)
		}
		checkNoViolations(t, srv)
	})
	t.Run("wrong client secret", func(t *testing.T) {
		t.Parallel()
		const secret = "wrong-secret-8d2e7b31"
		srv := startZoom(t)
		c := zClient(t, srv, wrapper.WithServerToServer(zoomtest.DefaultAccountID, zoomtest.DefaultClientID, secret))
		_, err := pullSessions(t, c, "2026-10-01", "2026-10-31")
		var te *wrapper.TokenError
		if !errors.Is(err, wrapper.ErrUnauthorized) || !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
			t.Fatalf("err %v, want the token endpoint's 401 invalid_client", err)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, c), secret) {
			t.Errorf("secret in %q", err)
		}
		if st := srv.Stats(); st.Requests != 0 || st.TokensIssued != 0 {
			t.Errorf("fake stats %+v, want no API request", st)
		}
		if cs := c.Stats(); cs.Requests != 0 || cs.TokenRequests != 1 {
			t.Errorf("client stats %+v, want one token request", cs)
		}
	})
}
