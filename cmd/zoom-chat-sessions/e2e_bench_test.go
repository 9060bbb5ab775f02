package main

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// BenchmarkEndToEnd pulls six months with the real binary from a loopback
// fake Zoom (package zoomtest, as cmd/zoomfake serves it) that has latency
// and a per-second rate limit, and reports wall time against the physical
// bound, in the same run:
//
//   - at Zoom's limit (the client's --rate equal to the fake's): the bound is
//     max(requests / rate, longest window's pages × latency); target 1.1;
//   - under a budget shared with other apps (the fake allows less than the
//     client's default 20/s): the bound is pages / allowed rate; target 1.3,
//     with 429s at most 15% of the pages.
//
// The fake answers each request the latency after it arrived, its own work
// on the page (building, encoding and validating it against the contract)
// inside that time. What the bound does not count is the rest of a round
// trip on this machine: loopback, the client's decoding, the scheduling of
// two processes on shared cores. So the at-limit cases also report
// wall/floor: the floor is max(requests / rate, the longest window fetched
// alone, unpaced, by the same binary from the same fake), measured in the
// same iteration: what this machine can do at best.
//
// Every run must exit 0 with every session of the fake exactly once. Run:
//
//	go test -run '^$' -bench EndToEnd -benchtime 1x ./cmd/zoom-chat-sessions/
func BenchmarkEndToEnd(b *testing.B) {
	bin := binary(b)
	for _, tc := range []struct {
		name     string
		perDay   int
		latency  time.Duration
		allowed  int    // the fake's requests per second
		cliRate  string // --rate; "" for the default
		atLimits bool   // the client's rate is the fake's: the first bound
	}{
		{"at-limit/100-a-day/50ms/60rps", 100, 50 * time.Millisecond, 60, "60", true},
		{"at-limit/1000-a-day/100ms/60rps", 1000, 100 * time.Millisecond, 60, "60", true},
		{"shared/100-a-day/7rps", 100, 0, 7, "", false},
		{"shared/100-a-day/3rps", 100, 0, 3, "", false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			// Up to yesterday: today's sessions grow while the benchmark
			// runs, and the count must not.
			today := wrapper.DateOf(time.Now().UTC())
			from, to := today.AddMonths(-6).String(), today.AddDays(-1).String()
			want := fakeSessions(b, tc.perDay, from, to)
			var ratio, floorRatio, limited, pages float64
			for b.Loop() {
				srv := zoomtest.NewServer(zoomtest.WithSessionsPerDay(tc.perDay), zoomtest.WithLatency(tc.latency), zoomtest.WithRateLimit(tc.allowed))
				args := []string{"--from", from, "--to", to}
				if tc.cliRate != "" {
					args = append(args, "--rate", tc.cliRate)
				}
				stdout, wall := runTimed(b, bin, srv, args...)
				st := srv.Stats()
				srv.Close()
				if got := csvIDs(b, stdout); got != want {
					b.Fatalf("%d distinct sessions (or a repeated one), want %d each once", got, want)
				}
				ok := float64(st.Requests - st.RateLimited)
				bound := ok / float64(tc.allowed)
				if tc.atLimits {
					longest := 0
					for _, n := range st.Windows {
						longest = max(longest, n)
					}
					bound = max(float64(st.Requests)/float64(tc.allowed), float64(longest)*tc.latency.Seconds())
					// The floor: the longest window alone, unpaced.
					var w zoomtest.Window
					for k, n := range st.Windows {
						if n == longest {
							w = k
						}
					}
					alone := zoomtest.NewServer(zoomtest.WithSessionsPerDay(tc.perDay), zoomtest.WithLatency(tc.latency))
					_, chain := runTimed(b, bin, alone, "--from", w.From, "--to", w.To, "--rate", strconv.Itoa(maxRate))
					alone.Close()
					floor := max(float64(st.Requests)/float64(tc.allowed), chain.Seconds())
					floorRatio += wall.Seconds() / floor
				}
				ratio += wall.Seconds() / bound
				limited += float64(st.RateLimited)
				pages += ok
			}
			n := float64(b.N)
			b.ReportMetric(ratio/n, "wall/bound")
			if tc.atLimits {
				b.ReportMetric(floorRatio/n, "wall/floor")
			}
			b.ReportMetric(limited/pages, "429s/page")
			b.ReportMetric(pages/n, "pages")
		})
	}
}

// runTimed runs the binary against srv with S2S credentials, csv on
// stdout and no progress, and returns stdout and the wall time; a non-zero
// exit fails b.
func runTimed(b *testing.B, bin string, srv *zoomtest.Server, args ...string) (*bytes.Buffer, time.Duration) {
	cmd := exec.Command(bin, append([]string{"--format", "csv", "--no-progress"}, args...)...)
	cmd.Env = append(os.Environ(), "ZOOM_BASE_URL="+srv.URL(), "ZOOM_TOKEN_URL="+srv.TokenURL(),
		"ZOOM_ACCOUNT_ID="+zoomtest.DefaultAccountID, "ZOOM_CLIENT_ID="+zoomtest.DefaultClientID, "ZOOM_CLIENT_SECRET="+zoomtest.DefaultClientSecret)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.String())
	}
	return &stdout, wall
}

// fakeSessions is how many sessions a fake with perDay sessions a day
// holds from..to now: what a pull must yield.
func fakeSessions(b *testing.B, perDay int, from, to string) int {
	srv := zoomtest.NewServer(zoomtest.WithSessionsPerDay(perDay))
	defer srv.Close()
	c, err := wrapper.New(wrapper.WithBaseURL(srv.URL()), wrapper.WithToken(srv.AccessToken()), wrapper.WithRateLimit(math.Inf(1)))
	if err != nil {
		b.Fatal(err)
	}
	f, _ := wrapper.ParseDate(from)
	t, _ := wrapper.ParseDate(to)
	n := 0
	for _, err := range c.Sessions(b.Context(), f, t) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// csvIDs counts the rows of a csv output whose ID was not seen before; a
// repeated ID fails b.
func csvIDs(b *testing.B, out *bytes.Buffer) int {
	seen := map[string]bool{}
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	sc.Scan() // header
	for sc.Scan() {
		id, _, _ := strings.Cut(sc.Text(), ",")
		if seen[id] {
			b.Fatalf("session %s repeated", id)
		}
		seen[id] = true
	}
	return len(seen)
}
