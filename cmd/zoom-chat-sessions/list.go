package main

import (
	"context"
	"errors"
	"fmt"

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

	stdout, layout := env.stdout, tableLayout{width: env.stdoutWidth}
	var file *outputFile
	if cfg.output != "" {
		if file, err = createOutput(cfg.output); err != nil {
			return fail(env, exitUsage, err.Error())
		}
		stdout, layout = file, tableLayout{}
	}
	z, err := cfg.conn.dial(env.now, wrapper.WithRawJSON(cfg.format == "json" || cfg.format == "ndjson"))
	if err != nil {
		if file != nil {
			file.discard()
		}
		return fail(env, exitUsage, err.Error())
	}
	defer z.close()

	mode := progressOff
	switch show := cfg.conn.showProgress; {
	case show == nil && env.stderrWidth > 0, show != nil && *show && env.stderrWidth > 0:
		mode = progressTerminal
	case show != nil && *show:
		mode = progressPlain
	}
	rep := newReporter(env.stderr, mode, env.stderrWidth, z.Client, windows)
	out := newWriter(cfg.format, stdout, layout)

	written, err := pull(ctx, z, cfg, out, rep)
	switch {
	case file != nil && err == nil:
		if err = out.Close(); err != nil {
			file.discard()
			err = &writeError{fmt.Errorf("writing %s: %w", cfg.output, err)}
		} else if err = file.commit(); err != nil {
			err = &writeError{err}
		}
	case file != nil:
		file.discard()
	case err == nil || written > 0:
		// stdout keeps what was written: close it whole (a closed JSON
		// array, the header of an empty table). A run that failed before
		// its first session writes nothing, not an empty result.
		if cerr := rep.output(out.Close); cerr != nil && err == nil {
			err = &writeError{fmt.Errorf("writing output: %w", cerr)}
		}
	}
	rep.finish()

	switch {
	case err == nil:
		if cfg.format == "table" || cfg.format == "wide" || mode != progressOff {
			summary := rep.summary()
			if file != nil {
				summary += ", written to " + escapeText(cfg.output)
			}
			fmt.Fprintln(env.stderr, summary)
		}
		return exitOK
	case ctx.Err() != nil:
		if file != nil {
			return fail(env, exitError, "interrupted; "+escapeText(cfg.output)+" is unchanged")
		}
		return fail(env, exitError, "interrupted; the output so far is complete up to its last line")
	}
	var werr *writeError
	if errors.As(err, &werr) {
		return fail(env, exitError, err.Error())
	}
	return fail(env, exitError, describe(failure{err: err, log: z.log, baseURL: z.baseURL, tokenURL: z.tokenURL}))
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
		rep.page(p)
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
