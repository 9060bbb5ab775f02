package zoomtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// Start the fake and fetch one page with net/http and the static token.
func ExampleNewServer() {
	clock := func() time.Time { return time.Date(2026, 5, 15, 12, 0, 0, 0, time.UTC) }
	srv := zoomtest.NewServer(zoomtest.WithClock(clock), zoomtest.WithSessionsPerDay(10))
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/report/chat/sessions?from=2026-05-01&to=2026-05-02&page_size=15", nil)
	req.Header.Set("Authorization", "Bearer "+srv.AccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page api.ChatSessionsReport
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, *page.PageSize, len(*page.Sessions), *page.NextPageToken != "")
	fmt.Println((*page.Sessions)[0].LastMessageSentTime.Format(time.RFC3339))
	fmt.Println(srv.Stats().Requests, len(srv.Violations()))
	// Output:
	// 200 15 15 true
	// 2026-05-01T00:33:19Z
	// 1 0
}

// Put ValidatingTransportFunc (or ValidatingTransport with a test's t) under
// the client: requests and responses outside the contract are reported.
func ExampleValidatingTransportFunc() {
	srv := zoomtest.NewServer()
	defer srv.Close()
	client := &http.Client{Transport: zoomtest.ValidatingTransportFunc(nil, func(err error) {
		v := err.(zoomtest.Violation)
		fmt.Println("violation in", v.Phase)
	})}
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/report/chat/sessions?to=2026-05-02", nil)
	req.Header.Set("Authorization", "Bearer "+srv.AccessToken())
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// violation in request
	// 400
}

// Script faults by request number: here the second request meets a load
// balancer's HTML error page.
func ExampleWithFaults() {
	srv := zoomtest.NewServer(zoomtest.WithFaults(zoomtest.Fault{Request: 2, Kind: zoomtest.FaultHTML5xx, Status: 503}))
	defer srv.Close()
	day := time.Now().UTC().Format(time.DateOnly)
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/report/chat/sessions?from="+day+"&to="+day, nil)
		req.Header.Set("Authorization", "Bearer "+srv.AccessToken())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	fmt.Println(srv.Stats().FaultsServed)
	// Output:
	// 200 application/json
	// 503 text/html
	// 200 application/json
	// 1
}

// A Clock shared by the fake and the client moves them together: here past
// the 15 minutes a page token lives, without waiting.
func ExampleClock() {
	clock := zoomtest.NewClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	fake := zoomtest.NewServer(zoomtest.WithClock(clock.Now))
	defer fake.Close()
	// ... and wrapper.WithClock(clock.Now) for the client under test.
	clock.Advance(15*time.Minute + time.Second)
	fmt.Println(clock.Now().Format(time.RFC3339))
	// Output: 2026-11-27T12:15:01Z
}
