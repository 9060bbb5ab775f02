package main

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// usageError is bad usage or input: exit status 2, found before any request.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// flagError rewrites an error of package flag so flags read as they are
// typed (--name; -o stays -o) and the message says what to do.
func flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usagef("unknown flag %s; see --help", dashes(strings.TrimLeft(name, "-")))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usagef("%s needs a value; see --help", dashes(strings.TrimLeft(name, "-")))
	}
	if m := invalidFlagValue.FindStringSubmatch(msg); m != nil {
		value, _ := strconv.Unquote(m[1])
		why := "is not valid"
		switch {
		case strings.HasSuffix(m[3], "value out of range"):
			why = "is out of range"
		case strings.HasSuffix(m[3], "parse error"):
			why = "is not a number"
		}
		return usagef("%s %q %s; see --help", dashes(m[2]), value, why)
	}
	return usagef("%s; see --help", msg)
}

var invalidFlagValue = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for flag -([^:]+): (.*)$`)

// dashes writes a flag as it is typed: --name, or -o for a letter.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// cleanChain drops the "wrapper: " and "zoom: " prefixes an error chain
// repeats at every level: the command prints its own name once.
func cleanChain(msg string) string {
	for _, p := range []string{"wrapper: ", "zoom: "} {
		msg = strings.TrimPrefix(msg, p)
		msg = strings.ReplaceAll(msg, ": "+p, ": ")
	}
	return msg
}

// failure is what describe knows of the run that failed.
type failure struct {
	err      error
	baseURL  string
	tokenURL string
}

// describe turns a failure into one line that says what went wrong, where,
// after how many tries, and what to do. The wrapper's errors carry no
// secret; Zoom's text in them is escaped by fail, like every failure line.
func describe(f failure) string {
	err := f.err
	raw := err.Error()
	var msg string
	var te *wrapper.TokenError
	var ae *wrapper.APIError
	tokenRequest := errors.As(err, &te) || strings.Contains(raw, "access token request")
	switch {
	case te != nil:
		// Not the window's fault: say it was the token request, and where.
		msg = "access token request to " + host(f.tokenURL) + " refused: " + tokenErrorText(te)
	case tokenRequest:
		_, cause, _ := strings.Cut(raw, "access token request: ")
		msg = "access token request to " + host(f.tokenURL) + " failed: " + cleanChain(cause)
	case errors.As(err, &ae):
		msg = cleanChain(strings.Replace(raw, ae.Error(), apiErrorText(ae), 1))
	default:
		msg = cleanChain(raw)
	}
	if re := (*wrapper.RetryError)(nil); errors.As(err, &re) {
		msg += fmt.Sprintf(" (after %d tries over %s)", re.Tries, roundDuration(re.Over))
	}
	return msg + hint(f, ae, tokenRequest)
}

// hint says what to do about a failure, or nothing.
func hint(f failure, ae *wrapper.APIError, tokenRequest bool) string {
	err := f.err
	switch {
	case tokenRequest && errors.Is(err, wrapper.ErrUnauthorized):
		return "; check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET"
	case errors.Is(err, wrapper.ErrUnauthorized):
		return "; check the credentials (ZOOM_ACCESS_TOKEN may have expired) and the app's scope report_chat:read:admin"
	case errors.Is(err, wrapper.ErrDailyLimit):
		return "; the account's daily request cap is used up, try again after it resets"
	case errors.Is(err, wrapper.ErrRateLimited):
		return "; lower --rate, or try again later"
	case errors.Is(err, wrapper.ErrRange):
		return "; Zoom keeps chat-session reports for six months"
	case ae != nil && ae.StatusCode == 404:
		if u, perr := url.Parse(f.baseURL); perr == nil && !strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/v2") {
			return "; the base URL " + f.baseURL + " should end in /v2, as " + wrapper.DefaultBaseURL + " does"
		}
		return "; check --base-url (" + f.baseURL + ")"
	}
	return ""
}

// apiErrorText is an *wrapper.APIError as the command shows it: no
// package prefix, a rounded Retry-After.
func apiErrorText(e *wrapper.APIError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != 0 && e.Code != e.StatusCode {
		fmt.Fprintf(&b, " (Zoom code %d)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	switch {
	case !e.ResetAt.IsZero():
		fmt.Fprintf(&b, "; resets at %s", e.ResetAt.UTC().Format(time.RFC3339))
	case e.RetryAfter > 0:
		fmt.Fprintf(&b, "; Zoom asked to wait %s", roundDuration(e.RetryAfter))
	}
	if e.TrackingID != "" {
		b.WriteString(" [x-zm-trackingid " + e.TrackingID + "]")
	}
	return b.String()
}

// tokenErrorText is a *wrapper.TokenError without the package's prefix.
func tokenErrorText(e *wrapper.TokenError) string {
	parts := []string{}
	if e.StatusCode != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		parts = append(parts, e.Code)
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, ": ")
}

// host is the host (and port) of a URL, for messages.
func host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// roundDuration rounds d for people: milliseconds under a second, tenths
// of a second under a minute, whole seconds above.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// plural is "1 window", "2 windows": n and the noun that fits it.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}
