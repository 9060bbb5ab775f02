package wrapper_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// exampleZoom stands in for zoom.us: a token endpoint and the report, with
// three sessions in March 2026 served two per page.
func exampleZoom() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"example-access-token","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /v2/report/chat/sessions", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":124,"message":"Invalid access token."}`)
			return
		}
		var all []map[string]any
		if r.URL.Query().Get("from") == "2026-03-01" {
			all = []map[string]any{
				{"id": "s1", "type": "Group", "name": "Launch", "status": "active"},
				{"id": "s2", "type": "1:1", "member_emails": []string{"ann@example.com", "bob@example.com"}},
				{"id": "s3", "type": "Group", "name": "Ops", "status": "deleted"},
			}
		}
		off, _ := strconv.Atoi(r.URL.Query().Get("next_page_token"))
		end, next := min(off+2, len(all)), ""
		if end < len(all) {
			next = strconv.Itoa(end)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"next_page_token": next, "sessions": append([]map[string]any{}, all[off:end]...)})
	})
	return httptest.NewServer(mux)
}

// today is the examples' clock, so the six-month rule is stable.
func today() time.Time { return time.Date(2026, 5, 27, 12, 0, 0, 0, time.UTC) }

// Server-to-Server OAuth: one token is fetched and reused for the whole pull.
func Example() {
	zoom := exampleZoom()
	defer zoom.Close()

	c, err := wrapper.New(
		wrapper.WithServerToServer("ACCOUNT_ID", "CLIENT_ID", "CLIENT_SECRET"),
		wrapper.WithBaseURL(zoom.URL+"/v2"),           // omit for https://api.zoom.us/v2
		wrapper.WithTokenURL(zoom.URL+"/oauth/token"), // omit for https://zoom.us/oauth/token
		wrapper.WithClock(today),                      // omit for time.Now
	)
	if err != nil {
		log.Fatal(err)
	}
	from, _ := wrapper.ParseDate("2026-02-15")
	to, _ := wrapper.ParseDate("2026-03-31")
	for s, err := range c.Sessions(context.Background(), from, to) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.ID, s.Type, s.Name, s.Status, s.MemberEmails)
	}
	st := c.Stats()
	fmt.Printf("windows %d, requests %d, token requests %d, sessions %d\n", st.Windows, st.Requests, st.TokenRequests, st.Sessions)
	// Output:
	// s1 Group Launch active []
	// s2 1:1   [ann@example.com bob@example.com]
	// s3 Group Ops deleted []
	// windows 2, requests 3, token requests 1, sessions 3
}

// A bearer token you already have (from your own OAuth flow) is sent as is.
func Example_staticToken() {
	zoom := exampleZoom()
	defer zoom.Close()

	c, err := wrapper.New(wrapper.WithToken("ACCESS_TOKEN"), wrapper.WithBaseURL(zoom.URL+"/v2"), wrapper.WithClock(today))
	if err != nil {
		log.Fatal(err)
	}
	march := wrapper.Date{Year: 2026, Month: time.March, Day: 1}
	n := 0
	for _, err := range c.Sessions(context.Background(), march, march.AddMonths(1).AddDays(-1)) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "sessions")

	// Printing a client never shows the token.
	def, _ := wrapper.New(wrapper.WithToken("ACCESS_TOKEN"))
	fmt.Printf("%+v\n", def)
	// Output:
	// 3 sessions
	// wrapper.Client{baseURL: "https://api.zoom.us/v2", auth: static token, pageSize: 300, concurrency: 7, rate: 20/s}
}

// Pages gives each page with its window and tokens: save a checkpoint when a
// window is done, and resume a later run from the day after it.
// (next_page_token expires after 15 minutes, so a window is the safe unit
// to resume from.)
func ExampleClient_Pages() {
	zoom := exampleZoom()
	defer zoom.Close()

	c, err := wrapper.New(wrapper.WithToken("ACCESS_TOKEN"), wrapper.WithBaseURL(zoom.URL+"/v2"), wrapper.WithClock(today))
	if err != nil {
		log.Fatal(err)
	}
	from, _ := wrapper.ParseDate("2026-02-20") // or: the day after the saved checkpoint
	to, _ := wrapper.ParseDate("2026-03-31")
	var checkpoint wrapper.Date
	for p, err := range c.Pages(context.Background(), from, to) {
		if err != nil {
			log.Fatalf("stopped; resume from %s: %v", checkpoint.AddDays(1), err)
		}
		fmt.Printf("%s page %d: %d sessions, next %q\n", p.Window, p.Number, len(p.Sessions), p.NextPageToken)
		if p.Last() {
			checkpoint = p.Window.To // persist this
		}
	}
	fmt.Println("done through", checkpoint)
	// Output:
	// 2026-02-20..2026-02-28 page 1: 0 sessions, next ""
	// 2026-03-01..2026-03-31 page 1: 2 sessions, next "2"
	// 2026-03-01..2026-03-31 page 2: 1 sessions, next ""
	// done through 2026-03-31
}

func ExampleParseDate() {
	d, err := wrapper.ParseDate("2024-02-29")
	fmt.Println(d, err)
	_, err = wrapper.ParseDate("2026-02-30")
	fmt.Println(err)
	// Output:
	// 2024-02-29 <nil>
	// invalid date "2026-02-30": no such day
}

func ExampleEarliestDay() {
	today, _ := wrapper.ParseDate("2026-08-31")
	fmt.Println(wrapper.EarliestDay(today)) // February has no 31st
	// Output:
	// 2026-02-28
}

func ExampleWindows() {
	from, _ := wrapper.ParseDate("2024-01-15")
	to, _ := wrapper.ParseDate("2024-03-10")
	ws, _ := wrapper.Windows(from, to)
	fmt.Println(ws)
	// Output:
	// [2024-01-15..2024-01-31 2024-02-01..2024-02-29 2024-03-01..2024-03-10]
}

// Stats for a progress or summary line, and the engine's bounds: how much
// fetched data may wait for the caller, how many pages a window may have,
// how long one attempt may hang.
func ExampleClient_Stats() {
	zoom := exampleZoom()
	defer zoom.Close()

	c, err := wrapper.New(
		wrapper.WithToken("ACCESS_TOKEN"),
		wrapper.WithBaseURL(zoom.URL+"/v2"),
		wrapper.WithClock(today),
		wrapper.WithMemoryBudget(32<<20),           // default wrapper.DefaultMemoryBudget
		wrapper.WithMaxPages(10_000),               // default wrapper.DefaultMaxPages
		wrapper.WithAttemptTimeout(20*time.Second), // default wrapper.DefaultAttemptTimeout
	)
	if err != nil {
		log.Fatal(err)
	}
	from, _ := wrapper.ParseDate("2026-03-01")
	to, _ := wrapper.ParseDate("2026-03-31")
	for _, err := range c.Sessions(context.Background(), from, to) {
		if err != nil {
			log.Fatal(err)
		}
	}
	st := c.Stats()
	fmt.Printf("%d sessions, %d requests, %d answered 429, %d retries, %d duplicates skipped, pacing %.0f/s\n",
		st.Sessions, st.Requests, st.RateLimited, st.Retries, st.Duplicates, st.Rate)
	// Output:
	// 3 sessions, 2 requests, 0 answered 429, 0 retries, 0 duplicates skipped, pacing 20/s
}
