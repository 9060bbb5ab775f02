package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// retryPolicy, when set, replaces the wrapper's default retry policy. Tests
// set it so that giving up after retries takes milliseconds, not seconds.
var retryPolicy *wrapper.RetryPolicy

// fetch pulls cfg's range and writes it to stdout in cfg.format. Whatever
// happens, the writer is closed, so the output so far stays whole.
func fetch(ctx context.Context, cfg *config, stdout, stderr io.Writer, showProgress bool, now func() time.Time) (err error) {
	start := now()
	client, closeDemo, err := newClient(cfg, cfg.format == "json" || cfg.format == "ndjson", now)
	if err != nil {
		return err
	}
	defer closeDemo()
	windows, err := wrapper.Windows(cfg.from, cfg.to)
	if err != nil {
		return &usageError{msg: err.Error()}
	}

	out := newWriter(cfg.format, stdout)
	defer func() {
		var uerr *usageError
		if errors.As(err, &uerr) {
			return // bad input: nothing was fetched, so print nothing
		}
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("writing output: %w", cerr)
		}
	}()

	if showProgress {
		p := startProgress(stderr, client, len(windows), now)
		defer p.stop()
	}
	for s, ferr := range client.Sessions(ctx, cfg.from, cfg.to) {
		if ferr != nil {
			if errors.Is(ferr, wrapper.ErrRange) && client.Stats().Requests == 0 {
				return &usageError{msg: ferr.Error()}
			}
			return ferr
		}
		if werr := out.Write(s); werr != nil {
			return fmt.Errorf("writing output: %w", werr)
		}
	}
	if cfg.format == "table" {
		st := client.Stats()
		fmt.Fprintf(stderr, "%d sessions, %d windows, %d requests in %s\n",
			st.Sessions, len(windows), st.Requests, now().Sub(start).Round(time.Millisecond))
	}
	return nil
}

// newClient builds the wrapper client of cfg (keeping Zoom's raw JSON if
// raw), on the built-in fake Zoom with --demo; closeDemo stops that fake
// (a no-op otherwise). Shared by fetch and sync.
func newClient(cfg *config, raw bool, now func() time.Time) (client *wrapper.Client, closeDemo func(), err error) {
	closeDemo = func() {}
	opts := []wrapper.Option{
		wrapper.WithRateLimit(cfg.rate),
		wrapper.WithPageSize(cfg.pageSize),
		wrapper.WithConcurrency(cfg.concurrency),
		wrapper.WithRawJSON(raw),
		wrapper.WithClock(now),
	}
	if retryPolicy != nil {
		opts = append(opts, wrapper.WithRetryPolicy(*retryPolicy))
	}
	if cfg.demo {
		// The fake runs in-process; the wrapper talks to it over loopback
		// with Server-to-Server OAuth, the same code path as real use.
		fake := zoomtest.NewServer(zoomtest.WithClock(now))
		closeDemo = fake.Close
		opts = append(opts,
			wrapper.WithBaseURL(fake.URL()),
			wrapper.WithTokenURL(fake.TokenURL()),
			wrapper.WithServerToServer(zoomtest.DefaultAccountID, zoomtest.DefaultClientID, zoomtest.DefaultClientSecret))
	} else {
		opts = append(opts, wrapper.WithBaseURL(cfg.baseURL), wrapper.WithTokenURL(cfg.tokenURL))
		if cfg.creds.clientSecret != "" {
			opts = append(opts, wrapper.WithServerToServer(cfg.creds.accountID, cfg.creds.clientID, cfg.creds.clientSecret))
		} else {
			opts = append(opts, wrapper.WithToken(cfg.creds.accessToken))
		}
	}
	client, err = wrapper.New(opts...)
	if err != nil {
		closeDemo()
		return nil, func() {}, &usageError{msg: err.Error()}
	}
	return client, closeDemo, nil
}

// describe turns an error into one line that says what went wrong and what
// to do. The wrapper's errors carry no secrets, so they can be shown.
func describe(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, wrapper.ErrUnauthorized):
		return msg + "; check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, or ZOOM_ACCESS_TOKEN, and the app's scopes (report_chat:read:admin)"
	case errors.Is(err, wrapper.ErrDailyLimit):
		return msg + "; the account's daily request cap is used up, try again after it resets"
	case errors.Is(err, wrapper.ErrRateLimited):
		return msg + "; lower --rate, or try again later"
	case errors.Is(err, wrapper.ErrRange):
		return msg + "; Zoom keeps chat-session reports for six months"
	}
	return strings.TrimSpace(msg)
}

// progress shows a live line on stderr: windows done, sessions, requests and
// the request rate. It redraws in place (carriage return) twice a second.
type progress struct {
	w       io.Writer
	client  *wrapper.Client
	windows int
	now     func() time.Time
	start   time.Time
	done    chan struct{}
	wg      sync.WaitGroup
}

func startProgress(w io.Writer, client *wrapper.Client, windows int, now func() time.Time) *progress {
	p := &progress{w: w, client: client, windows: windows, now: now, start: now(), done: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			p.draw()
			fmt.Fprintln(p.w)
			return
		case <-t.C:
			p.draw()
		}
	}
}

func (p *progress) draw() {
	st := p.client.Stats()
	elapsed := p.now().Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(st.Requests) / elapsed
	}
	fmt.Fprintf(p.w, "\r\033[Kwindows %d/%d  sessions %d  requests %d  %.1f req/s", st.Windows, p.windows, st.Sessions, st.Requests, rate)
}

// stop draws the final line and ends the goroutine.
func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
}
