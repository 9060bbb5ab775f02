package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestOutputFile: --output writes what stdout would get, into FILE, only
// on success; a failure leaves FILE exactly as it was, mode included, and
// no temporary file behind.
func TestOutputFile(t *testing.T) {
	_, env := newFake(t)
	args := []string{"--from", "2026-11-01", "--to", "2026-11-02"}
	for _, format := range []string{"table", "csv", "json", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "sessions.out")
			if err := os.WriteFile(path, []byte("old\n"), 0o640); err != nil {
				t.Fatal(err)
			}

			bad := runCLI(t, withEnv(env, "ZOOM_CLIENT_SECRET", "wrong"), append(args, "--format", format, "--output", path)...)
			if bad.code != 1 || bad.stdout != "" {
				t.Fatalf("failing run: exit %d, stdout %q", bad.code, bad.stdout)
			}
			if got, _ := os.ReadFile(path); string(got) != "old\n" {
				t.Errorf("after a failure FILE holds %q, want it unchanged", got)
			}
			if diff := cmp.Diff([]string{"sessions.out"}, dirEntries(t, dir)); diff != "" {
				t.Errorf("files after a failure (-want +got):\n%s", diff)
			}

			plain := runCLI(t, env, append(args, "--format", format)...)
			good := runCLI(t, env, append(args, "--format", format, "-o", path)...)
			if good.code != 0 || good.stdout != "" {
				t.Fatalf("exit %d, stdout %q: %s", good.code, good.stdout, good.stderr)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(plain.stdout, string(got)); diff != "" {
				t.Errorf("FILE differs from stdout (-stdout +file):\n%s", diff)
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want FILE's 0640 kept", st.Mode().Perm())
			}
			if diff := cmp.Diff([]string{"sessions.out"}, dirEntries(t, dir)); diff != "" {
				t.Errorf("files after success (-want +got):\n%s", diff)
			}
			if format == "table" && (!strings.HasPrefix(good.stderr, "40 sessions, 1 window, 1 request in ") || !strings.HasSuffix(good.stderr, ", written to "+path+"\n")) {
				t.Errorf("summary %q, want the counts and the file", good.stderr)
			}
		})
	}
}

// TestOutputFileSymlink: a link named by --output keeps pointing at its
// target, which is replaced.
func TestOutputFileSymlink(t *testing.T) {
	_, env := newFake(t)
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.ndjson"), filepath.Join(dir, "link.ndjson")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, env, "--from", "2026-11-01", "--to", "2026-11-01", "--format", "ndjson", "-o", link)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v", err)
	}
	got, _ := os.ReadFile(target)
	if n := strings.Count(string(got), "\n"); n != 20 {
		t.Errorf("target holds %d lines, want 20", n)
	}
}

// TestOutputDash: -o - is stdout.
func TestOutputDash(t *testing.T) {
	_, env := newFake(t)
	args := []string{"--from", "2026-11-01", "--to", "2026-11-01", "--format", "csv"}
	plain, dash := runCLI(t, env, args...), runCLI(t, env, append(args, "-o", "-")...)
	if dash.code != 0 || dash.stdout != plain.stdout || strings.Count(dash.stdout, "\n") != 21 {
		t.Errorf("-o -: exit %d, %d lines, want stdout as without it (21 lines)", dash.code, strings.Count(dash.stdout, "\n"))
	}
}
