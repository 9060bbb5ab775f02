// Command zoomfake runs the fake Zoom of package zoomtest as a standalone
// server, for clients in any language and for manual runs:
//
//	zoomfake --addr 127.0.0.1:8080 [--account-id ID --client-id ID --client-secret S]
//	         [--sessions-per-day N] [--rate N] [--latency D] [--seed N]
//
// On start it prints two lines on stdout: the API base URL (ending in /v2)
// and the token URL (ending in /oauth/token). The credentials default to
// zoomtest.DefaultAccountID ("zoomfake-account"), zoomtest.DefaultClientID
// ("zoomfake-client-id") and zoomtest.DefaultClientSecret
// ("zoomfake-client-secret"). A static access token that never expires is
// logged on stderr, as are contract violations. SIGINT or SIGTERM shuts it
// down cleanly: it stops accepting, lets requests in flight finish (up to 10s)
// and exits 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zoomkit/chatsessions/zoomtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "zoomfake:", err)
		os.Exit(2)
	}
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("zoomfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	accountID := fs.String("account-id", zoomtest.DefaultAccountID, "account ID the token endpoint accepts")
	clientID := fs.String("client-id", zoomtest.DefaultClientID, "OAuth client ID")
	clientSecret := fs.String("client-secret", zoomtest.DefaultClientSecret, "OAuth client secret")
	perDay := fs.Int("sessions-per-day", zoomtest.DefaultSessionsPerDay, "generated chat sessions per UTC day")
	rate := fs.Int("rate", 0, "per-second request limit per account (0: none)")
	latency := fs.Duration("latency", 0, "time every API answer takes from the request's arrival")
	seed := fs.Int64("seed", zoomtest.DefaultSeed, "seed of the generated sessions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	logger := log.New(stderr, "zoomfake: ", log.LstdFlags)
	fake := zoomtest.NewFake(
		zoomtest.WithCredentials(zoomtest.Credentials{AccountID: *accountID, ClientID: *clientID, ClientSecret: *clientSecret}),
		zoomtest.WithSessionsPerDay(*perDay),
		zoomtest.WithRateLimit(*rate),
		zoomtest.WithLatency(*latency),
		zoomtest.WithSeed(*seed),
		zoomtest.WithViolationFunc(func(v zoomtest.Violation) { logger.Print(v) }),
	)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}
	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, base+zoomtest.APIPath)
	fmt.Fprintln(stdout, base+zoomtest.TokenPath)
	logger.Printf("static access token (never expires): %s", fake.AccessToken())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
