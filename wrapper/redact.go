package wrapper

import (
	"strings"
	"sync"
)

// redactedError shows a scrubbed message but still unwraps to the cause
// (for errors.Is on net errors).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactor replaces known secrets in text with REDACTED.
type redactor struct {
	mu      sync.RWMutex
	secrets []string
}

const maxRedactSecrets = 16

func (r *redactor) add(s string) {
	if len(s) < 4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.secrets {
		if x == s {
			return
		}
	}
	if len(r.secrets) == maxRedactSecrets {
		// keep the first (client secret or static token), drop the oldest token
		copy(r.secrets[1:], r.secrets[2:])
		r.secrets = r.secrets[:maxRedactSecrets-1]
	}
	r.secrets = append(r.secrets, s)
}

func (r *redactor) apply(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, x := range r.secrets {
		if strings.Contains(s, x) {
			s = strings.ReplaceAll(s, x, "REDACTED")
		}
	}
	return s
}
