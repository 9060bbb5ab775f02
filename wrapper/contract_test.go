package wrapper

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A 200 of the wrong shape, over HTTP: retried as the policy says, then an
// error matching ErrContract; never an empty page, never a lost page.
func TestBrokenAnswersAreNeverEmptyPages(t *testing.T) {
	for name, body := range map[string]string{
		"empty object":            `{}`,
		"null":                    `null`,
		"sessions an object":      `{"sessions":{"id":"a"}}`,
		"sessions a string":       `{"sessions":"a"}`,
		"more than page_size":     `{"sessions":[` + strings.TrimSuffix(strings.Repeat(sess("x")+",", 301), ",") + `]}`,
		"clamped range":           `{"from":"2026-04-10","to":"2026-04-30","next_page_token":"","sessions":[` + sess("a") + `]}`,
		"numeric next_page_token": `{"next_page_token":2,"sessions":[{"id":"a","name":7}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
				return true
			})
			c, _ := f.client(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
			got, err := pullIDs(t, c)
			if !errors.Is(err, ErrContract) || len(got) != 0 {
				t.Fatalf("%d sessions, err %v; want none and ErrContract", len(got), err)
			}
			if n := len(f.requests()); n != 3 {
				t.Errorf("%d requests, want 3 tries", n)
			}
		})
	}
}

// A wrong-typed value inside a session is lenient, but never hides a wrong
// next_page_token after it: the error names the token, and nothing of the
// page is yielded.
func TestWrongTokenNotMaskedByLenientField(t *testing.T) {
	f := newFake(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sessions":[{"id":"a","has_external_member":"yes"}],"next_page_token":12345}`))
		return true
	})
	c, _ := f.client(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	got, err := pullIDs(t, c)
	if !errors.Is(err, ErrContract) || !strings.Contains(err.Error(), "next_page_token is a number, want a string") {
		t.Fatalf("err %v; want ErrContract naming next_page_token", err)
	}
	if diff := cmp.Diff([]string(nil), got); diff != "" {
		t.Errorf("sessions yielded (-want +got):\n%s", diff)
	}
}
