package zoomtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/zoomkit/chatsessions/zoomtest"
)

func postToken(t *testing.T, tokenURL, id, secret string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestTokenEndpointErrors(t *testing.T) {
	s, _ := startServer(t)
	good := q("grant_type", "account_credentials", "account_id", zoomtest.DefaultAccountID)
	tests := []struct {
		name, id, secret string
		form             url.Values
		status           int
		body             string
	}{
		{"wrong secret", zoomtest.DefaultClientID, "wrong", good,
			401, `{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`},
		{"no client auth", "", "", good,
			401, `{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`},
		{"wrong grant type", zoomtest.DefaultClientID, zoomtest.DefaultClientSecret,
			q("grant_type", "client_credentials", "account_id", zoomtest.DefaultAccountID),
			400, `{"reason":"unsupported grant type","error":"unsupported_grant_type"}`},
		{"no account_id", zoomtest.DefaultClientID, zoomtest.DefaultClientSecret,
			q("grant_type", "account_credentials"),
			400, `{"reason":"Missing account_id","error":"invalid_request"}`},
		{"other account_id", zoomtest.DefaultClientID, zoomtest.DefaultClientSecret,
			q("grant_type", "account_credentials", "account_id", "someone-else"),
			400, `{"reason":"Invalid account_id","error":"invalid_request"}`},
	}
	for _, tt := range tests {
		status, body := postToken(t, s.TokenURL(), tt.id, tt.secret, tt.form)
		if status != tt.status || body != tt.body {
			t.Errorf("%s: got %d %s, want %d %s", tt.name, status, body, tt.status, tt.body)
		}
	}
	if n := s.Stats().TokensIssued; n != 0 {
		t.Errorf("%d tokens issued", n)
	}
}

func TestTokenEndpointIssues(t *testing.T) {
	s, clk := startServer(t, zoomtest.WithTokenLifetime(30*time.Minute))
	status, body := postToken(t, s.TokenURL(), zoomtest.DefaultClientID, zoomtest.DefaultClientSecret,
		q("grant_type", "account_credentials", "account_id", zoomtest.DefaultAccountID))
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "bearer" || tok.ExpiresIn != 1800 || tok.Scope != zoomtest.Scope || tok.AccessToken == "" {
		t.Errorf("%+v", tok)
	}
	query := q("from", "2026-05-01", "to", "2026-05-01")
	if a := get(t, nil, s.URL(), tok.AccessToken, query); a.Status != 200 {
		t.Errorf("fresh token: %d %s", a.Status, a.Body)
	}
	clk.Advance(30*time.Minute - time.Second)
	if a := get(t, nil, s.URL(), tok.AccessToken, query); a.Status != 200 {
		t.Errorf("token about to expire: %d %s", a.Status, a.Body)
	}
	clk.Advance(time.Second)
	a := get(t, nil, s.URL(), tok.AccessToken, query)
	if a.Status != 401 || strings.TrimSpace(a.Body) != `{"code":124,"message":"Access token is expired."}` {
		t.Errorf("expired token: %d %s", a.Status, a.Body)
	}
	if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != 200 {
		t.Errorf("the static token does not expire: %d %s", a.Status, a.Body)
	}
	if n := s.Stats().TokensIssued; n != 1 {
		t.Errorf("%d tokens issued", n)
	}
}

// golang.org/x/oauth2/clientcredentials, set up as Zoom's docs say, works
// with the fake's token endpoint (query parameters count as well as the form).
func TestTokenEndpointWithOAuth2(t *testing.T) {
	s, _ := startServer(t, zoomtest.WithCredentials(zoomtest.Credentials{AccountID: "acct", ClientID: "id", ClientSecret: "secret"}))
	cc := clientcredentials.Config{
		ClientID:       "id",
		ClientSecret:   "secret",
		TokenURL:       s.TokenURL(),
		EndpointParams: url.Values{"grant_type": {"account_credentials"}, "account_id": {"acct"}},
		AuthStyle:      oauth2.AuthStyleInHeader,
	}
	client := cc.Client(context.Background())
	resp, err := client.Get(s.URL() + "/report/chat/sessions?from=2026-05-01&to=2026-05-02")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || !reqs[0].HasToken || reqs[0].Account != "acct" {
		t.Errorf("log %+v", reqs)
	}
}
