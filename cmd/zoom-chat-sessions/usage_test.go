package main

import (
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withEnv returns a copy of base with the given key, value pairs set.
func withEnv(base map[string]string, kv ...string) map[string]string {
	env := map[string]string{}
	for k, v := range base {
		env[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

// TestUsageErrors checks that bad usage or input exits 2 with exactly one
// line on stderr, nothing on stdout and no request sent: flags named as
// typed, out-of-range values refused (never a panic), a range past today
// refused naming today, plain http refused.
func TestUsageErrors(t *testing.T) {
	srv, s2s := newFake(t)
	noCreds := map[string]string{"ZOOM_BASE_URL": srv.URL(), "ZOOM_TOKEN_URL": srv.TokenURL()}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown flag", s2s, []string{"--colour"}, "unknown flag --colour; see --help"},
		{"unknown short flag", s2s, []string{"-x"}, "unknown flag -x; see --help"},
		{"flag without value", s2s, []string{"--from"}, "--from needs a value; see --help"},
		{"argument", s2s, []string{"sessions"}, `unexpected argument "sessions"; every input is a flag, see --help`},
		{"impossible date", s2s, []string{"--from", "2026-02-30"}, "--from 2026-02-30 is not a day of the calendar"},
		{"not a date", s2s, []string{"--to", "yesterday"}, `--to "yesterday" is not a date; use yyyy-mm-dd, e.g. 2026-10-31`},
		{"from after to", s2s, []string{"--from", "2026-11-20", "--to", "2026-11-10"}, "--from 2026-11-20 is after --to 2026-11-10; give a range that starts on or before its end"},
		{"to past today", s2s, []string{"--from", "2026-11-20", "--to", "2026-11-28"}, "--to 2026-11-28 is after today, 2026-11-27 (UTC); Zoom has no sessions from the future"},
		{"from past today", s2s, []string{"--from", "2026-12-01"}, "--from 2026-12-01 is after today, 2026-11-27 (UTC); Zoom has no sessions from the future"},
		{"older than six months", s2s, []string{"--from", "2026-05-01", "--to", "2026-05-31"}, "--from 2026-05-01 reaches back more than six months; Zoom keeps chat-session reports from 2026-05-27 on (today is 2026-11-27, UTC)"},
		{"page size 0", s2s, []string{"--page-size", "0"}, "--page-size 0 is out of range; Zoom allows 1 to 300"},
		{"page size 301", s2s, []string{"--page-size", "301"}, "--page-size 301 is out of range; Zoom allows 1 to 300"},
		{"page size not a number", s2s, []string{"--page-size", "many"}, `--page-size "many" is not a number; see --help`},
		{"format", s2s, []string{"--format", "xml"}, `unknown --format "xml"; use one of table, wide, csv, json, ndjson`},
		{"rate 0", s2s, []string{"--rate", "0"}, "--rate 0 is out of range; give 0.1 to 1000 requests per second"},
		{"rate NaN", s2s, []string{"--rate", "NaN"}, "--rate NaN is out of range; give 0.1 to 1000 requests per second"},
		{"rate Inf", s2s, []string{"--rate", "Inf"}, "--rate +Inf is out of range; give 0.1 to 1000 requests per second"},
		{"concurrency 0", s2s, []string{"--concurrency", "0"}, "--concurrency 0 is out of range; give 1 to 64 month windows at once"},
		{"concurrency max int", s2s, []string{"--concurrency", "9223372036854775807"}, "--concurrency 9223372036854775807 is out of range; give 1 to 64 month windows at once"},
		{"concurrency overflows", s2s, []string{"--concurrency", "99999999999999999999"}, `--concurrency "99999999999999999999" is out of range; see --help`},
		{"concurrency negative", s2s, []string{"--concurrency", "-9223372036854775808"}, "--concurrency -9223372036854775808 is out of range; give 1 to 64 month windows at once"},
		{"no credentials", noCreds, nil, "no credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (Server-to-Server OAuth) or ZOOM_ACCESS_TOKEN, or try --demo"},
		{"empty credentials", withEnv(noCreds, "ZOOM_ACCESS_TOKEN", ""), nil, "no credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (Server-to-Server OAuth) or ZOOM_ACCESS_TOKEN, or try --demo"},
		{"partial S2S", withEnv(noCreds, "ZOOM_ACCOUNT_ID", "a", "ZOOM_CLIENT_ID", "b"), nil, "Server-to-Server OAuth needs ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET; ZOOM_CLIENT_SECRET not set"},
		{"progress both ways", s2s, []string{"--progress", "--no-progress"}, "--progress and --no-progress contradict each other; give one"},
		{"output twice", s2s, []string{"-o", "a", "--output", "b"}, "-o and --output are the same flag; give one"},
		{"output is a directory", s2s, []string{"--output", "."}, "--output . is not a regular file"},
		{"demo with base URL", nil, []string{"--demo", "--base-url", "http://127.0.0.1:1"}, "--demo runs its own fake Zoom; drop --base-url and --token-url"},
		{"bad base URL", withEnv(s2s, "ZOOM_BASE_URL", "api.zoom.us"), nil, `--base-url "api.zoom.us" is not an http(s) URL`},
		{"plain http base URL", s2s, []string{"--base-url", "http://192.0.2.2/v2"}, "--base-url http://192.0.2.2/v2 is plain http: credentials would cross the network in clear text; use https, or --insecure-http to allow it"},
		{"plain http token URL", withEnv(s2s, "ZOOM_TOKEN_URL", "http://zoom.example/oauth/token"), nil, "--token-url http://zoom.example/oauth/token is plain http: credentials would cross the network in clear text; use https, or --insecure-http to allow it"},
		{"hostile argument", s2s, []string{"x\x1b]0;pwned\x07"}, `unexpected argument "x\x1b]0;pwned\a"; every input is a flag, see --help`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", r.code, r.stdout)
			}
			if diff := cmp.Diff("zoom-chat-sessions: "+tt.want+"\n", r.stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
	if st := srv.Stats(); st.Requests != 0 || st.TokensIssued != 0 {
		t.Errorf("bad usage sent %d requests and got %d tokens, want none", st.Requests, st.TokensIssued)
	}
}

// TestInsecureHTTPOptIn checks that --insecure-http lets a plain-http URL
// that is not loopback through the command's own check and the wrapper's:
// the run then fails on the network, not on usage.
func TestInsecureHTTPOptIn(t *testing.T) {
	env := map[string]string{"ZOOM_ACCESS_TOKEN": "tok", "ZOOM_BASE_URL": "http://192.0.2.2:1/v2"}
	r := runCLI(t, env, "--insecure-http", "--from", "2026-11-01", "--to", "2026-11-02", "--rate", "1000")
	if r.code != 1 || !strings.Contains(r.stderr, "192.0.2.2:1") {
		t.Errorf("exit %d, stderr %q; want 1 and a network error naming 192.0.2.2:1", r.code, r.stderr)
	}
}

// TestHelpAndVersion: exit 0, stdout only; help names every flag as typed.
func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"--version"}} {
		r := runCLI(t, nil, args...)
		if r.code != 0 || r.stdout == "" || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, r.code, len(r.stdout), r.stderr)
		}
	}
	// Every flag declared, not only those help means to list.
	help := runCLI(t, nil, "--help").stdout
	newFlagSet(&listFlags{}).VisitAll(func(fl *flag.Flag) {
		if fl.Name != "o" && fl.Name != "output" && !strings.Contains(help, "  --"+fl.Name+" ") {
			t.Errorf("help lacks --%s:\n%s", fl.Name, help)
		}
	})
	if !strings.Contains(help, "-o, --output FILE") {
		t.Errorf("help lacks -o, --output FILE")
	}
	syncHelp := runCLI(t, nil, "sync", "--help")
	if syncHelp.code != 0 || syncHelp.stderr != "" {
		t.Fatalf("sync --help: exit %d, stderr %q", syncHelp.code, syncHelp.stderr)
	}
	newSyncFlagSet(&syncFlags{}).VisitAll(func(fl *flag.Flag) {
		if !strings.Contains(syncHelp.stdout, "  --"+fl.Name+" ") {
			t.Errorf("sync help lacks --%s:\n%s", fl.Name, syncHelp.stdout)
		}
	})
}
