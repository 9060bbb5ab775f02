package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// goTimeout bounds each go command regenerate runs.
const goTimeout = 10 * time.Minute

// maxGoOutput budgets what is kept of a go command's output.
const maxGoOutput = 1 << 20

// regenerate runs go generate on the module at root and checks that every
// package and its tests still compile (go build ./..., go vet ./...). It
// returns the failing command's output.
func regenerate(root string) (string, error) {
	for _, args := range [][]string{
		{"generate", "./gen/"},
		{"build", "./..."},
		{"vet", "./..."},
	} {
		if out, err := goCommand(root, args...); err != nil {
			return out, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
	}
	return "", nil
}

// goCommand runs the go command in dir with a timeout and returns its
// combined output, cut at maxGoOutput.
func goCommand(dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), goTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var out cappedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// cappedBuffer keeps the first maxGoOutput bytes written to it.
type cappedBuffer struct{ bytes.Buffer }

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := maxGoOutput - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// firstErrorLines is how many lines of compiler output a rollback shows.
const firstErrorLines = 12

// rollbackMessage explains a rollback: what was put back, the first
// compiler errors, and why the tree no longer builds.
func rollbackMessage(rep *Report, err error, out string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nupdatespec: ROLLED BACK: the regenerated module does not build (%v).\n", err)
	fmt.Fprintf(&b, "openapi.yaml, api/ (the generated code) and %s are as they were before the update.\n\nFirst errors:\n", pinnedDir)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	for i, l := range lines {
		if i == firstErrorLines {
			fmt.Fprintf(&b, "  ... and %d more lines\n", len(lines)-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", l)
	}
	b.WriteString("\nWhy: ")
	n := 0
	for _, c := range rep.Changes {
		if c.Breaking() {
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(&b, "the update has %d breaking changes (BREAKING above): generated names the code uses were removed or changed.\n"+
			"Either adapt the code that uses them (the files in the errors) to the new contract and run the update again,\n"+
			"or keep the current openapi.yaml (FAIL_ON_BREAKING=1 refuses such updates without writing anything).\n", n)
	} else {
		b.WriteString("no change above breaks callers of the API, yet generated names changed: read the overlay warnings\n" +
			"(an x-enum-varnames that no longer matches Zoom's enum renames constants) and fix gen/overlay.yaml.\n")
	}
	return b.String()
}

// snapshot is the content of files and directories before an update, to put
// them back.
type snapshot struct {
	dirs   []string          // directories whose files are restored exactly
	files  map[string][]byte // path -> content
	absent []string          // files that did not exist
}

// takeSnapshot records the files at paths (files or directories, relative
// to root). A path that does not exist is recorded as absent.
func takeSnapshot(root string, paths ...string) (*snapshot, error) {
	s := &snapshot{files: map[string][]byte{}}
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		info, err := os.Stat(full)
		switch {
		case errors.Is(err, os.ErrNotExist):
			s.absent = append(s.absent, full)
			continue
		case err != nil:
			return nil, err
		case info.IsDir():
			s.dirs = append(s.dirs, full)
		}
		err = filepath.WalkDir(full, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			s.files[path] = b
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
	}
	return s, nil
}

// restore puts every recorded file back and removes the files that appeared
// since, in the recorded directories or where nothing was.
func (s *snapshot) restore() error {
	for _, dir := range s.dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if _, ok := s.files[path]; !ok {
				return os.Remove(path)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	for _, path := range s.absent {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	for _, path := range sortedKeys(s.files) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if err := os.WriteFile(path, s.files[path], 0o644); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}
