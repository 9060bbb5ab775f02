package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	url2 "net/url"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// benchPages renders n pages of 300 sessions each (the last one with no
// next_page_token): a mix of Group and 1:1 sessions shaped like Zoom's.
func benchPages(n int) [][]byte {
	pages := make([][]byte, n)
	for p := range pages {
		type sess struct {
			ID                  string   `json:"id"`
			Type                string   `json:"type"`
			Name                string   `json:"name"`
			ChannelID           string   `json:"channel_id,omitempty"`
			MemberEmails        []string `json:"member_emails,omitempty"`
			Status              string   `json:"status,omitempty"`
			HasExternalMember   bool     `json:"has_external_member"`
			LastMessageSentTime string   `json:"last_message_sent_time"`
		}
		var ss []sess
		for i := range 300 {
			id := fmt.Sprintf("%064x", p*300+i)
			if i%3 == 0 {
				ss = append(ss, sess{ID: id, Type: "1:1", MemberEmails: []string{"john.doe+123@example.com", "jane.roe+321@example.com"}, HasExternalMember: i%2 == 0, LastMessageSentTime: "2026-03-18T10:16:13Z"})
			} else {
				ss = append(ss, sess{ID: id, Type: "Group", Name: "Channel " + strconv.Itoa(i), ChannelID: id[:22], Status: "active", LastMessageSentTime: "2026-03-18T10:16:13Z"})
			}
		}
		next := ""
		if p+1 < n {
			next = "tok" + strconv.Itoa(p+1)
		}
		b, _ := json.Marshal(map[string]any{"from": "2026-04-01", "to": "2026-04-30", "page_size": 300, "next_page_token": next, "sessions": ss})
		pages[p] = b
	}
	return pages
}

func benchServer(b *testing.B, pages [][]byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := 0
		if t := r.URL.Query().Get("next_page_token"); t != "" {
			i, _ = strconv.Atoi(t[3:])
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(pages[i])
	}))
	b.Cleanup(srv.Close)
	return srv
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const benchPagesN = 20 // 6000 sessions an op

// baselinePull is the yardstick: a plain net/http + encoding/json loop into
// typed structs, against the same server. It returns the sessions read.
func baselinePull(b *testing.B, hc *http.Client, url string) int {
	type page struct {
		NextPageToken string       `json:"next_page_token"`
		Sessions      []refSession `json:"sessions"`
	}
	n, token := 0, ""
	for {
		v := url2.Values{"from": {"2026-04-01"}, "to": {"2026-04-30"}, "page_size": {"300"}}
		if token != "" {
			v.Set("next_page_token", token)
		}
		req, _ := http.NewRequest("GET", url+"/v2/report/chat/sessions?"+v.Encode(), nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var p page
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err, resp.Status)
		}
		for i := range p.Sessions {
			if p.Sessions[i].ID != "" {
				n++
			}
		}
		if token = p.NextPageToken; token == "" {
			return n
		}
	}
}

// BenchmarkCPUPerSession pulls the same 6,000 sessions with the plain loop
// and with Client.Sessions in every iteration, and reports each one's CPU
// time per session (user+system of the process, the server's share
// included, which is the same for both) and wrapper/baseline: a ratio from
// the same run, so a busy machine moves both.
func BenchmarkCPUPerSession(b *testing.B) {
	for _, raw := range []bool{false, true} {
		name := "typed"
		if raw {
			name = "raw" // WithRawJSON, as for ndjson output
		}
		b.Run(name, func(b *testing.B) {
			srv := benchServer(b, benchPages(benchPagesN))
			hc := &http.Client{}
			c, err := New(WithBaseURL(srv.URL+"/v2"), WithToken("t"), WithRateLimit(inf), WithRawJSON(raw),
				WithClock(func() time.Time { return fixedNow }))
			if err != nil {
				b.Fatal(err)
			}
			from, to := d("2026-04-01"), d("2026-04-30")
			var base, wrap time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := cpuTime()
				if n := baselinePull(b, hc, srv.URL); n != benchPagesN*300 {
					b.Fatal(n)
				}
				t1 := cpuTime()
				n := 0
				for s, err := range c.Sessions(b.Context(), from, to) {
					if err != nil {
						b.Fatal(err)
					}
					if s.ID != "" {
						n++
					}
				}
				if n != benchPagesN*300 {
					b.Fatal(n)
				}
				base, wrap = base+t1-t0, wrap+cpuTime()-t1
			}
			per := float64(b.N * benchPagesN * 300)
			b.ReportMetric(float64(base.Nanoseconds())/per, "baseline-cpu-ns/session")
			b.ReportMetric(float64(wrap.Nanoseconds())/per, "wrapper-cpu-ns/session")
			b.ReportMetric(float64(wrap)/float64(base), "wrapper/baseline")
		})
	}
}

// BenchmarkSixMonthWallTime pulls six months (7 calendar windows, 14
// requests, longest window 4 pages) from a server with latency L per
// request and reports wall time over max(requests/rate, longest×L).
func BenchmarkSixMonthWallTime(b *testing.B) {
	const L = 50 * time.Millisecond
	pagesPer := map[string]int{"2025-11": 1, "2025-12": 3, "2026-01": 2, "2026-02": 4, "2026-03": 2, "2026-04": 1, "2026-05": 1}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(L)
		q := r.URL.Query()
		n := pagesPer[q.Get("from")[:7]]
		i := 0
		if t := q.Get("next_page_token"); t != "" {
			i, _ = strconv.Atoi(t)
		}
		next := ""
		if i+1 < n {
			next = strconv.Itoa(i + 1)
		}
		fmt.Fprintf(w, `{"next_page_token":%q,"sessions":[{"id":"%s-%d"}]}`, next, q.Get("from"), i)
	}))
	b.Cleanup(srv.Close)
	const requests, longest = 14, 4
	for _, tc := range []struct {
		name string
		rate float64
		conc int
	}{{"rate-bound/rate=20,c=7", 20, 7}, {"latency-bound/rate=100,c=7", 100, 7}, {"sequential/rate=20,c=1", 20, 1}} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				c, _ := New(WithBaseURL(srv.URL+"/v2"), WithToken("t"), WithRateLimit(tc.rate), WithConcurrency(tc.conc),
					WithClock(func() time.Time { return fixedNow }))
				start := time.Now()
				n := 0
				for _, err := range c.Sessions(b.Context(), d("2025-11-27"), d("2026-05-27")) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				total += time.Since(start)
				if n != requests || c.Stats().Requests != requests {
					b.Fatalf("%d sessions, %+v", n, c.Stats())
				}
			}
			ideal := max(time.Duration(float64(requests)/tc.rate*float64(time.Second)), longest*L)
			wall := total / time.Duration(b.N)
			b.ReportMetric(wall.Seconds(), "wall-s")
			b.ReportMetric(ideal.Seconds(), "ideal-s")
			b.ReportMetric(float64(wall)/float64(ideal), "wall/ideal")
		})
	}
}

// BenchmarkHeap1M iterates 1,000,000 sessions (7 windows at once, the
// default) and reports HeapInuse (after GC) at 100,000 sessions, its peak
// over the pull, and the growth between them: the shared budget bounds the
// pages queued; the IDs of each window (for exactly once) grow with it.
func BenchmarkHeap1M(b *testing.B) {
	pages := benchPages(10)
	const perWindow = 477 // pages per window: 7 × 477 × 300 ≥ 1,000,000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := 0
		if t := r.URL.Query().Get("next_page_token"); t != "" {
			i, _ = strconv.Atoi(t)
		}
		// reuse the rendered pages, swapping in our token and making the
		// IDs unique within the window (the client skips repeated ones)
		var p map[string]json.RawMessage
		_ = json.Unmarshal(pages[i%10], &p)
		ss := bytes.Clone(p["sessions"])
		prefix := []byte(fmt.Sprintf("%08x", i))
		for at := 0; ; {
			j := bytes.Index(ss[at:], []byte(`"id":"`))
			if j < 0 {
				break
			}
			at += j + len(`"id":"`)
			copy(ss[at:], prefix)
		}
		p["sessions"] = ss
		next := ""
		if i+1 < perWindow {
			next = strconv.Itoa(i + 1)
		}
		p["next_page_token"], _ = json.Marshal(next)
		p["from"], _ = json.Marshal(r.URL.Query().Get("from")) // the answer is for the range asked
		p["to"], _ = json.Marshal(r.URL.Query().Get("to"))
		_ = json.NewEncoder(w).Encode(p)
	}))
	b.Cleanup(srv.Close)
	for b.Loop() {
		c, _ := New(WithBaseURL(srv.URL+"/v2"), WithToken("t"), WithRateLimit(inf),
			WithClock(func() time.Time { return fixedNow }))
		var ms runtime.MemStats
		var first, peak uint64
		n := 0
		for _, err := range c.Sessions(b.Context(), d("2025-11-27"), d("2026-05-27")) {
			if err != nil {
				b.Fatal(err)
			}
			n++
			if n%100_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				if n == 100_000 {
					first = ms.HeapInuse
				}
				peak = max(peak, ms.HeapInuse)
			}
			if n == 1_000_000 {
				break
			}
		}
		if n != 1_000_000 {
			b.Fatal(n)
		}
		b.ReportMetric(float64(first)/(1<<20), "heapinuse-100k-MiB")
		b.ReportMetric(float64(peak)/(1<<20), "heapinuse-peak-MiB")
		b.ReportMetric(float64(int64(peak)-int64(first))/(1<<20), "growth-MiB")
	}
}
