package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// The CPU a pull costs, end to end: the real binary against a loopback
// server that serves the same pre-rendered pages to every client, compared
// in the same run with a plain typed net/http + encoding/json loop (the
// yardstick: what a developer would write by hand, printing nothing). CPU is
// the child process's user+system time, so the server's share is not
// counted, less each program's start-up CPU (the CLI's --version, the
// yardstick's test binary running nothing), measured in the same loop.
// Run with:
//
//	go test -run '^$' -bench CLICPU ./cmd/zoom-chat-sessions/
//
// and read csv/baseline and ndjson/baseline (target: at most 0.9 each).

const cpuBenchPages = 40 // 12,000 sessions a run

// cpuBenchRange is a window the six-month rule allows today: the current
// month up to today, in UTC.
func cpuBenchRange() (from, to string) {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), now.Format(time.DateOnly)
}

// cpuBenchServer serves cpuBenchPages pages of 300 sessions shaped like
// Zoom's for the range from..to, following next_page_token "tokN".
func cpuBenchServer(b *testing.B, from, to string) *httptest.Server {
	pages := make([][]byte, cpuBenchPages)
	for p := range pages {
		ss := make([]map[string]any, 300)
		for i := range ss {
			id := fmt.Sprintf("%064x", p*300+i)
			if i%3 == 0 {
				ss[i] = map[string]any{"id": id, "type": "1:1", "member_emails": []string{"john.doe+123@example.com", "jane.roe+321@example.com"},
					"has_external_member": i%2 == 0, "last_message_sent_time": "2026-03-18T10:16:13Z"}
			} else {
				ss[i] = map[string]any{"id": id, "type": "Group", "name": "Channel " + strconv.Itoa(i), "channel_id": id[:22],
					"status": "active", "has_external_member": false, "last_message_sent_time": "2026-03-18T10:16:13Z"}
			}
		}
		next := ""
		if p+1 < len(pages) {
			next = "tok" + strconv.Itoa(p+1)
		}
		pages[p], _ = json.Marshal(map[string]any{"from": from, "to": to, "page_size": 300, "next_page_token": next, "sessions": ss})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := 0
		if t := r.URL.Query().Get("next_page_token"); t != "" {
			i, _ = strconv.Atoi(t[3:])
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(pages[i])
	}))
	b.Cleanup(srv.Close)
	return srv
}

// childCPU runs cmd to completion and returns its user+system time.
func childCPU(b *testing.B, cmd *exec.Cmd) time.Duration {
	b.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd.Args[0], err, out)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func BenchmarkCLICPU(b *testing.B) {
	bin := binary(b)
	from, to := cpuBenchRange()
	srv := cpuBenchServer(b, from, to)
	cli := func(format string) *exec.Cmd {
		cmd := exec.Command(bin, "--format", format, "--from", from, "--to", to, "--base-url", srv.URL+"/v2",
			"--rate", "1000", "--no-progress")
		cmd.Env = append(os.Environ(), "ZOOM_ACCESS_TOKEN=bench-token")
		cmd.Stdout = nil // /dev/null: what is measured is the CLI's work, not a pipe reader's
		return cmd
	}
	baseline := func(url string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPlainLoopHelper$")
		cmd.Env = append(os.Environ(), "PLAIN_LOOP_URL="+url, "PLAIN_LOOP_FROM="+from, "PLAIN_LOOP_TO="+to)
		return cmd
	}
	var base, csv, ndjson time.Duration
	for b.Loop() {
		base += childCPU(b, baseline(srv.URL+"/v2")) - childCPU(b, baseline(""))
		cliStart := childCPU(b, exec.Command(bin, "--version"))
		csv += childCPU(b, cli("csv")) - cliStart
		ndjson += childCPU(b, cli("ndjson")) - cliStart
	}
	n := float64(b.N * cpuBenchPages * 300)
	b.ReportMetric(float64(base.Nanoseconds())/n, "baseline-cpu-ns/session")
	b.ReportMetric(float64(csv.Nanoseconds())/n, "csv-cpu-ns/session")
	b.ReportMetric(float64(ndjson.Nanoseconds())/n, "ndjson-cpu-ns/session")
	b.ReportMetric(float64(csv)/float64(base), "csv/baseline")
	b.ReportMetric(float64(ndjson)/float64(base), "ndjson/baseline")
}

// TestPlainLoopHelper is BenchmarkCLICPU's yardstick, run as a child
// process: a typed net/http + encoding/json loop over every page. It does
// nothing unless PLAIN_LOOP_URL is set.
func TestPlainLoopHelper(t *testing.T) {
	base := os.Getenv("PLAIN_LOOP_URL")
	if base == "" {
		t.Skip("the baseline of BenchmarkCLICPU, run by it")
	}
	type session struct {
		ID                  string    `json:"id"`
		Type                string    `json:"type"`
		Name                string    `json:"name"`
		ChannelID           string    `json:"channel_id"`
		MemberEmails        []string  `json:"member_emails"`
		Status              string    `json:"status"`
		HasExternalMember   bool      `json:"has_external_member"`
		LastMessageSentTime time.Time `json:"last_message_sent_time"`
	}
	n, token := 0, ""
	for {
		v := url.Values{"from": {os.Getenv("PLAIN_LOOP_FROM")}, "to": {os.Getenv("PLAIN_LOOP_TO")}, "page_size": {"300"}}
		if token != "" {
			v.Set("next_page_token", token)
		}
		req, _ := http.NewRequest("GET", base+"/report/chat/sessions?"+v.Encode(), nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			NextPageToken string    `json:"next_page_token"`
			Sessions      []session `json:"sessions"`
		}
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatal(err, resp.Status)
		}
		n += len(p.Sessions)
		if token = p.NextPageToken; token == "" {
			break
		}
	}
	if n != cpuBenchPages*300 {
		t.Fatalf("%d sessions, want %d", n, cpuBenchPages*300)
	}
}
