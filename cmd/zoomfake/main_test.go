package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readURLs reads the two lines zoomfake prints on start.
func readURLs(t *testing.T, r io.Reader) (apiURL, tokenURL string) {
	t.Helper()
	sc := bufio.NewScanner(r)
	var lines []string
	for len(lines) < 2 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "/v2") || !strings.HasSuffix(lines[1], "/oauth/token") {
		t.Fatalf("printed %q, err %v", lines, sc.Err())
	}
	return lines[0], lines[1]
}

// fetch gets a token with the given credentials, then the first page of yesterday.
func fetch(t *testing.T, apiURL, tokenURL, id, secret, account string) map[string]any {
	t.Helper()
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {account}}
	req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	day := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	req, _ = http.NewRequest(http.MethodGet, apiURL+"/report/chat/sessions?from="+day+"&to="+day+"&page_size=300", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("sessions: %d %v", resp.StatusCode, err)
	}
	return body
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--client-id", "id", "--client-secret", "s3cret",
			"--account-id", "acct", "--sessions-per-day", "86400", "--latency", "1ms", "--rate", "5"}, pw, io.Discard)
		pw.Close()
	}()
	apiURL, tokenURL := readURLs(t, pr)
	go io.Copy(io.Discard, pr)
	body := fetch(t, apiURL, tokenURL, "id", "s3cret", "acct")
	if sessions, _ := body["sessions"].([]any); len(sessions) != 300 {
		t.Errorf("%d sessions on the first page", len(sessions))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
}

func TestRunBadFlag(t *testing.T) {
	if err := run(context.Background(), []string{"--rate", "x"}, io.Discard, io.Discard); err == nil {
		t.Error("no error for a bad flag")
	}
}

// The binary prints its URLs, serves, and exits 0 on SIGTERM.
func TestBinarySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "zoomfake")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	apiURL, tokenURL := readURLs(t, stdout)
	fetch(t, apiURL, tokenURL, "zoomfake-client-id", "zoomfake-client-secret", "zoomfake-account")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}
