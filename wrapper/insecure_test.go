package wrapper

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPlainHTTPRefused: New refuses a plain-http base or token URL whose
// host is not loopback, unless WithInsecureHTTP; loopback hosts and https
// need nothing. Messages never show a password.
func TestPlainHTTPRefused(t *testing.T) {
	plain := func(name, u string) string {
		return "wrapper: " + name + " " + u + " is plain http and not loopback: credentials would cross the network in clear text (use https, or WithInsecureHTTP to allow it)"
	}
	for _, tc := range []struct {
		base, token string
		insecure    bool
		want        string // "" when New succeeds
	}{
		{base: "http://localhost:8080/v2"},
		{base: "http://LOCALHOST/v2"},
		{base: "http://127.0.0.1:1/v2"},
		{base: "http://127.9.8.7/v2"},
		{base: "http://[::1]:8080/v2"},
		{base: "HTTP://127.0.0.1/v2"},
		{base: "https://192.0.2.2/v2"},
		{token: "http://127.0.0.1:9/oauth/token"},
		{base: "http://192.0.2.2/v2", want: plain("base URL", "http://192.0.2.2/v2")},
		{base: "http://192.0.2.2/v2", insecure: true},
		{base: "http://localhost.example.com/v2", want: plain("base URL", "http://localhost.example.com/v2")},
		{base: "http://127.0.0.1.example/v2", want: plain("base URL", "http://127.0.0.1.example/v2")},
		{base: "http://0.0.0.0/v2", want: plain("base URL", "http://0.0.0.0/v2")},
		{base: "http://[::ffff:192.0.2.2]/v2", want: plain("base URL", "http://[::ffff:192.0.2.2]/v2")},
		{base: "http://user:hunter2@192.0.2.2/v2", want: "wrapper: base URL http://user:xxxxx@192.0.2.2/v2 holds user info: pass credentials with WithServerToServer, WithToken or WithTokenSource"},
		{token: "https://user:hunter2@zoom.us/oauth/token", want: "wrapper: token URL https://user:xxxxx@zoom.us/oauth/token holds user info: pass credentials with WithServerToServer, WithToken or WithTokenSource"},
		{token: "http://192.0.2.2/oauth/token", want: plain("token URL", "http://192.0.2.2/oauth/token")},
		{token: "http://192.0.2.2/oauth/token", insecure: true},
		{base: "ftp://user:hunter2@192.0.2.2/v2", want: `wrapper: invalid base URL "ftp://user:xxxxx@192.0.2.2/v2": want an absolute http or https URL`},
		{base: "/v2", want: `wrapper: invalid base URL "/v2": want an absolute http or https URL`},
		{base: "http://user:hunter2@[::1/v2", want: "wrapper: invalid base URL: not a URL"},
	} {
		name := tc.base + tc.token
		if tc.insecure {
			name += " insecure"
		}
		t.Run(name, func(t *testing.T) {
			opts := []Option{WithToken("static-token-XYZ")}
			if tc.base != "" {
				opts = append(opts, WithBaseURL(tc.base))
			}
			if tc.token != "" {
				opts = append(opts, WithTokenURL(tc.token))
			}
			if tc.insecure {
				opts = append(opts, WithInsecureHTTP())
			}
			_, err := New(opts...)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Fatalf("New: got error %q\nwant %q", got, tc.want)
			}
		})
	}
}

// dialLog is a DialContext that records addresses and connects nowhere.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

func (d *dialLog) dial(_ context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, network+" "+addr)
	d.mu.Unlock()
	return nil, errors.New("test dialer: no network")
}

func (d *dialLog) get() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}

// TestPlainHTTPNoConnection: without WithInsecureHTTP a plain-http
// non-loopback base URL never gets a connection, for S2S credentials and a
// static token alike; with it the pull does dial that host (the opt-in
// works, and the dial log would catch a leak).
func TestPlainHTTPNoConnection(t *testing.T) {
	for _, creds := range []Option{WithToken("static-token-XYZ"), WithServerToServer("acct", "cid", "client-secret-XYZ")} {
		for _, insecure := range []bool{false, true} {
			dials := &dialLog{}
			opts := []Option{creds, WithBaseURL("http://192.0.2.2/v2"), WithTokenURL("http://192.0.2.2/oauth/token"),
				WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: dials.dial}}),
				WithRetryPolicy(RetryPolicy{MaxAttempts: 1}), WithClock(func() time.Time { return hostileNow })}
			if insecure {
				opts = append(opts, WithInsecureHTTP())
			}
			c, err := New(opts...)
			if err == nil {
				_, err = pullApril(t.Context(), c)
			}
			var want []string
			if insecure {
				want = []string{"tcp 192.0.2.2:80"}
			}
			if diff := cmp.Diff(want, dials.get()); diff != "" || err == nil {
				t.Errorf("insecure=%v: err %v; dials (-want +got):\n%s", insecure, err, diff)
			}
		}
	}
}
