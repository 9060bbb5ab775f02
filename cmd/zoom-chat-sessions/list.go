package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/zoomkit/chatsessions/wrapper"
)

// runList is the listing command: it parses args, pulls the range and
// writes it, and returns the exit status. Every failure ends in exactly one
// line on stderr.
func runList(ctx context.Context, args []string, env *environment) int {
	cfg, err := parseConfig(args, env.getenv, env.now())
	if err != nil {
		return fail(env, exitUsage, err.Error())
	}
	if cfg.help {
		usage(env.stdout)
		return exitOK
	}
	if cfg.version {
		fmt.Fprintf(env.stdout, "zoom-chat-sessions %s\n", version())
		return exitOK
	}
	windows, err := wrapper.Windows(cfg.from, cfg.to)
	if err != nil {
		return fail(env, exitUsage, cleanChain(err.Error()))
	}
	dest, err := openDestination(cfg, env)
	if err != nil {
		return fail(env, exitUsage, err.Error())
	}
	z, err := cfg.conn.dial(env.now, wrapper.WithRawJSON(cfg.format == "json" || cfg.format == "ndjson"))
	if err != nil {
		dest.abandon()
		return fail(env, exitUsage, err.Error())
	}
	defer z.close()

	mode := progressFor(cfg.conn.showProgress, env)
	rep := newReporter(env.stderr, mode, env.stderrWidth, z.Client, windows)
	out := newWriter(cfg.format, dest.w, dest.layout)
	written, err := pull(ctx, z, cfg, out, rep)
	err = dest.close(out, rep, written, err)
	rep.finish()

	var werr *writeError
	switch {
	case err == nil:
		if cfg.format == "table" || cfg.format == "wide" || mode != progressOff {
			summary := rep.summary()
			if dest.file != nil {
				summary += ", written to " + cfg.output
			}
			fmt.Fprintln(env.stderr, escapeText(summary))
		}
		return exitOK
	case ctx.Err() != nil && dest.file != nil:
		return fail(env, exitError, "interrupted; "+cfg.output+" is unchanged")
	case ctx.Err() != nil:
		return fail(env, exitError, "interrupted; the output so far is complete up to its last line")
	case errors.As(err, &werr):
		return fail(env, exitError, err.Error())
	case errors.Is(err, wrapper.ErrRange) && z.Stats().Requests == 0:
		// The wrapper's own checks of the range, before any request.
		return fail(env, exitUsage, describe(failure{err: err}))
	}
	return fail(env, exitError, describe(failure{err: err, baseURL: z.baseURL, tokenURL: z.tokenURL}))
}

// progressFor chooses how progress shows: by default only on a terminal
// that can redraw a line; with --progress as plain lines elsewhere.
func progressFor(show *bool, env *environment) progressMode {
	switch {
	case show != nil && !*show:
		return progressOff
	case env.stderrWidth > 0 && env.getenv("TERM") != "dumb":
		return progressTerminal
	case show != nil:
		return progressPlain
	}
	return progressOff
}

// destination is where the rows go: stdout, or --output's temporary file.
type destination struct {
	w      io.Writer
	layout tableLayout
	file   *outputFile // nil for stdout
	name   string      // --output as given
}

// openDestination opens --output's temporary file, or takes stdout: a
// table fits stdout's width when it is a terminal.
func openDestination(cfg *config, env *environment) (*destination, error) {
	if cfg.output == "" {
		return &destination{w: env.stdout, layout: tableLayout{width: env.stdoutWidth}}, nil
	}
	file, err := createOutput(cfg.output)
	if err != nil {
		return nil, err
	}
	return &destination{w: file, file: file, name: cfg.output}, nil
}

// abandon drops the temporary file of a run that never started.
func (d *destination) abandon() {
	if d.file != nil {
		d.file.discard()
	}
}

// close ends the output after a pull that wrote written sessions and
// ended with err, and returns the run's error. A file replaces FILE only
// if all went well. stdout keeps what was written, closed whole (a closed
// JSON array, the header of an empty table); a run that failed before its
// first session writes nothing there, not an empty result.
func (d *destination) close(out writer, rep *reporter, written int, err error) error {
	switch {
	case d.file != nil && err == nil:
		if err := out.Close(); err != nil {
			d.file.discard()
			return &writeError{fmt.Errorf("writing %s: %w", d.name, err)}
		}
		if err := d.file.commit(); err != nil {
			return &writeError{err}
		}
	case d.file != nil:
		d.file.discard()
	case err == nil || written > 0:
		if cerr := rep.output(out.Close); cerr != nil && err == nil {
			return &writeError{fmt.Errorf("writing output: %w", cerr)}
		}
	}
	return err
}

// writeError is a failure to write the output, not to fetch it.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// pull fetches cfg's range page by page and writes each page whole, flushed,
// before the next: rows reach a pipe or terminal as pages arrive, and a
// closed pipe ends the pull within a page. It returns how many sessions it
// wrote.
func pull(ctx context.Context, z *zoom, cfg *config, out writer, rep *reporter) (written int, err error) {
	for p, err := range z.Pages(ctx, cfg.from, cfg.to) {
		if err != nil {
			return written, err
		}
		err := rep.output(func() error {
			for i := range p.Sessions {
				if err := out.Write(&p.Sessions[i]); err != nil {
					return err
				}
			}
			return out.Flush()
		})
		if err != nil {
			return written, &writeError{fmt.Errorf("writing output: %w", err)}
		}
		written += len(p.Sessions)
	}
	return written, nil
}

// fail writes msg as the one line of a failure on stderr and returns code.
// Control characters in it (from Zoom's text, a file name, an argument)
// are escaped here, the one place every failure passes.
func fail(env *environment, code int, msg string) int {
	fmt.Fprintf(env.stderr, "zoom-chat-sessions: %s\n", escapeText(msg))
	return code
}
