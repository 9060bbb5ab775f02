package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// New refuses a plain-http URL to a host that is not loopback: the
// credentials would cross the network in clear text. A caller who knows
// better (a TLS-terminating proxy on a trusted network) opts in.
func ExampleWithInsecureHTTP() {
	_, err := wrapper.New(wrapper.WithToken("access-token"), wrapper.WithBaseURL("http://zoom-proxy.internal/v2"))
	fmt.Println(err)

	_, err = wrapper.New(wrapper.WithToken("access-token"), wrapper.WithBaseURL("http://zoom-proxy.internal/v2"), wrapper.WithInsecureHTTP())
	fmt.Println(err)
	// Output:
	// wrapper: base URL http://zoom-proxy.internal/v2 is plain http and not loopback: credentials would cross the network in clear text (use https, or WithInsecureHTTP to allow it)
	// <nil>
}

// A redirect is never followed, so the access token goes nowhere but the
// configured origin; the error names where Zoom's stand-in pointed.
func ExampleErrRedirect() {
	srv := httptest.NewServer(http.RedirectHandler("https://elsewhere.example:8443/steal?x=1", http.StatusFound))
	defer srv.Close()
	c, err := wrapper.New(wrapper.WithToken("access-token"), wrapper.WithBaseURL(srv.URL+"/v2"),
		wrapper.WithClock(func() time.Time { return time.Date(2026, 5, 27, 0, 0, 0, 0, time.UTC) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	from, _ := wrapper.ParseDate("2026-04-01")
	to, _ := wrapper.ParseDate("2026-04-30")
	for _, err := range c.Sessions(context.Background(), from, to) {
		var ae *wrapper.APIError
		if errors.Is(err, wrapper.ErrRedirect) && errors.As(err, &ae) {
			fmt.Println(ae.StatusCode, ae.Message)
		}
		break
	}
	// Output:
	// 302 redirect to https://elsewhere.example:8443 refused: Zoom does not redirect this call
}
