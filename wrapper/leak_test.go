package wrapper

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Secrets of the leak tests, with characters every encoding changes.
const (
	leakClientID = "client-id-42"
	leakSecret   = `s3cr/t+&<é"x~Z`
	leakAccess   = `acc/ess+tok&en<é"1~2`
	leakStatic   = `sta/tic+tok&en<é"3~4`
)

// echoForms are the ways a server can echo s: raw, percent-encoded, JSON-
// escaped, base64. Computed here, independently of the redactor.
func echoForms(name, s string) map[string]string {
	j, _ := json.Marshal(s)
	return map[string]string{
		name + " raw":            s,
		name + " query-escaped":  url.QueryEscape(s),
		name + " path-escaped":   url.PathEscape(s),
		name + " JSON-escaped":   string(j[1 : len(j)-1]),
		name + " base64":         base64.StdEncoding.EncodeToString([]byte(s)),
		name + " base64url":      base64.URLEncoding.EncodeToString([]byte(s)),
		name + " base64, offset": base64.StdEncoding.EncodeToString([]byte("x" + s)),
	}
}

// basicHeader is the Authorization golang.org/x/oauth2 sends to the token
// endpoint (each part percent-encoded, then base64).
var basicHeader = "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(leakClientID)+":"+url.QueryEscape(leakSecret)))

// credentialForms is every form of the S2S credentials: the client
// secret and the Basic pair (all the token endpoint can echo).
func credentialForms() map[string]string {
	forms := map[string]string{
		"Basic header":         basicHeader,
		"Basic pair base64":    base64.StdEncoding.EncodeToString([]byte(leakClientID + ":" + leakSecret)),
		"Basic pair base64url": base64.URLEncoding.EncodeToString([]byte(leakClientID + ":" + leakSecret)),
	}
	maps.Copy(forms, echoForms("secret", leakSecret))
	return forms
}

// s2sForms is credentialForms and the forms of the access token issued
// (all the API can echo).
func s2sForms() map[string]string {
	forms := credentialForms()
	forms["Bearer header"] = "Bearer " + leakAccess
	maps.Copy(forms, echoForms("access token", leakAccess))
	return forms
}

func staticForms() map[string]string {
	forms := echoForms("static token", leakStatic)
	forms["Bearer header"] = "Bearer " + leakStatic
	return forms
}

// place is somewhere a server can put text: reply answers with s there.
type place struct {
	name  string
	reply func(w http.ResponseWriter, r *http.Request, s string)
	// shown: the text reaches an error (so REDACTED must appear).
	shown bool
}

func jsonReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func textReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// rawJSONReply is a raw answer with the given status line and extra
// header lines and a small JSON body.
func rawJSONReply(w http.ResponseWriter, r *http.Request, status, headers, body string) {
	rawReply(w, r, "HTTP/1.1 "+status+"\r\n"+headers+"Content-Type: application/json\r\nContent-Length: "+
		strconv.Itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body)
}

// commonPlaces are the places both the API and the token endpoint have.
var commonPlaces = []place{
	{"non-JSON body", func(w http.ResponseWriter, r *http.Request, s string) { textReply(w, 502, "<html>"+s+"</html>") }, false},
	{"status text", func(w http.ResponseWriter, r *http.Request, s string) {
		rawJSONReply(w, r, "599 "+s, "", "{}")
	}, false},
	{"status text of a known code", func(w http.ResponseWriter, r *http.Request, s string) {
		rawJSONReply(w, r, "500 "+s, "", "{}")
	}, false},
	{"headers", func(w http.ResponseWriter, r *http.Request, s string) {
		rawJSONReply(w, r, "401 Unauthorized", "WWW-Authenticate: Bearer error="+s+"\r\nX-Echo: "+s+"\r\nRetry-After: "+s+"\r\nSet-Cookie: a="+s+"\r\n",
			`{"code":124,"message":"m"}`)
	}, false},
	{"Location", func(w http.ResponseWriter, r *http.Request, s string) {
		rawJSONReply(w, r, "307 Temporary Redirect", "Location: https://127.0.0.1:1/"+s+"?t="+s+"\r\n", "{}")
	}, false},
	{"malformed status line", func(w http.ResponseWriter, r *http.Request, s string) {
		rawReply(w, r, "HTTP/1.1 2x"+s+"\r\n\r\n")
	}, false},
	{"malformed header line", func(w http.ResponseWriter, r *http.Request, s string) {
		rawReply(w, r, "HTTP/1.1 200 OK\r\n"+s+"\r\n\r\n")
	}, false},
	{"200 not JSON", func(w http.ResponseWriter, r *http.Request, s string) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"x":` + s))
	}, false},
}

var apiPlaces = append([]place{
	{"JSON message", func(w http.ResponseWriter, r *http.Request, s string) {
		jsonReply(w, 400, map[string]any{"code": 1001, "message": "User " + s + " does not exist"})
	}, true},
	{"body at the 256-byte cut", func(w http.ResponseWriter, r *http.Request, s string) {
		textReply(w, 502, strings.Repeat("x", 250)+s)
	}, false},
	{"x-zm-trackingid", func(w http.ResponseWriter, r *http.Request, s string) {
		rawJSONReply(w, r, "400 Bad Request", "x-zm-trackingid: "+s+"\r\n", `{"code":300,"message":"m"}`)
	}, true},
	{"X-RateLimit-Type", func(w http.ResponseWriter, r *http.Request, s string) {
		rawJSONReply(w, r, "429 Too Many Requests", "X-RateLimit-Type: "+s+"\r\n", `{"code":429,"message":"m"}`)
	}, true},
}, commonPlaces...)

var tokenPlaces = append([]place{
	{"JSON error", func(w http.ResponseWriter, r *http.Request, s string) {
		jsonReply(w, 401, map[string]string{"error": s, "error_description": "bad " + s, "reason": "Invalid " + s})
	}, true},
	{"JSON reason", func(w http.ResponseWriter, r *http.Request, s string) {
		jsonReply(w, 400, map[string]string{"reason": "Invalid client_secret " + s})
	}, true},
	{"JSON error in a 200", func(w http.ResponseWriter, r *http.Request, s string) {
		jsonReply(w, 200, map[string]string{"error": s})
	}, true},
	{"form-encoded error", func(w http.ResponseWriter, r *http.Request, s string) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(400)
		_, _ = w.Write([]byte("error=" + url.QueryEscape(s) + "&error_description=" + url.QueryEscape(s)))
	}, true},
}, commonPlaces...)

// allVerbs prints v under every verb that could show a field.
func allVerbs(v any) string {
	return fmt.Sprintf("%v\n%+v\n%#v\n%s\n%q\n", v, v, v, v, v)
}

// everything is all a caller can see of a pull: each error of the chain,
// under every verb; the typed error's fields; the Client, as pointer and
// as a value copied field by field.
func everything(c *Client, err error) string {
	var b strings.Builder
	for _, e := range errorChain(err) {
		b.WriteString(allVerbs(e))
	}
	if ae := asAPIError(err); ae != nil {
		b.WriteString(allVerbs(*ae))
	}
	if te := asTokenError(err); te != nil {
		b.WriteString(allVerbs(*te))
	}
	b.WriteString(allVerbs(c))
	b.WriteString(allVerbs(reflect.ValueOf(c).Elem().Interface()))
	return b.String()
}

// TestNoSecretInAnyOutput is the redaction property: every form of every
// secret, echoed in every place a hostile API or token endpoint can put
// text, reaches no error string, no exported field, no print of any value.
func TestNoSecretInAnyOutput(t *testing.T) {
	type run struct {
		name   string
		places []place
		creds  Option
		forms  map[string]string
		token  bool // the token endpoint answers, not the API
	}
	for _, rn := range []run{
		{"API/S2S", apiPlaces, WithServerToServer("acct", leakClientID, leakSecret), s2sForms(), false},
		{"API/static token", apiPlaces, WithToken(leakStatic), staticForms(), false},
		{"token endpoint", tokenPlaces, WithServerToServer("acct", leakClientID, leakSecret), credentialForms(), true},
	} {
		for _, pl := range rn.places {
			for formName, form := range rn.forms {
				t.Run(rn.name+"/"+pl.name+"/"+formName, func(t *testing.T) {
					reply := func(w http.ResponseWriter, r *http.Request) { pl.reply(w, r, form) }
					var h *hostileZoom
					if rn.token {
						h = newHostile(t, nil, reply)
					} else {
						h = newHostile(t, reply, nil)
					}
					h.accessTok = leakAccess
					c := newClient(t, h.options(rn.creds)...)
					_, err := pullApril(t.Context(), c)
					if err == nil {
						t.Fatal("pull succeeded")
					}
					out := everything(c, err)
					if l := leaks(out, rn.forms); len(l) > 0 {
						t.Fatalf("leaks %v:\n%s", l, out)
					}
					if pl.shown && !strings.Contains(out, redacted) {
						t.Errorf("the echo reached no error or field: %v", err)
					}
					for _, e := range errorChain(err) {
						if r, bad := hasControl(e.Error()); bad {
							t.Errorf("control character %U in %q", r, e.Error())
						}
					}
				})
			}
		}
	}
}

// TestBasicHeaderAsSent checks that the "Basic header" form of the leak
// tests is what the token endpoint really receives.
func TestBasicHeaderAsSent(t *testing.T) {
	h := newHostile(t, nil, nil)
	c := newClient(t, h.options(WithServerToServer("acct", leakClientID, leakSecret))...)
	if _, err := pullApril(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if _, token := h.requests(); len(token) != 1 || token[0] != basicHeader {
		t.Fatalf("token endpoint got %q, want [%q]", token, basicHeader)
	}
}

// TestBodyCutKeepsNoPartialSecret: a secret straddling APIError.Body's
// 256-byte cut is not shown in part.
func TestBodyCutKeepsNoPartialSecret(t *testing.T) {
	h := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		textReply(w, 502, strings.Repeat("x", 250)+leakAccess+" tail")
	}, nil)
	h.accessTok = leakAccess
	c := newClient(t, h.options(WithServerToServer("acct", leakClientID, leakSecret))...)
	_, err := pullApril(t.Context(), c)
	ae := asAPIError(err)
	if want := strings.Repeat("x", 250) + "…"; ae == nil || ae.Body != want {
		t.Fatalf("err %v\nwant Body %q", err, want)
	}
}

// hostileText is server text that would retitle a terminal, forge a line,
// reverse what follows and break UTF-8; hostileShown is how errors show it.
const (
	hostileText  = "a\x1b]0;pwned\x07b\r\nforged line\u202ec\x00\xffd\u2028é"
	hostileShown = `a\x1b]0;pwned\ab\r\nforged line\u202ec\x00\xffd\u2028é`
)

// TestServerTextEscaped: control characters in server text reach no
// error string or field; each is shown as a Go escape.
func TestServerTextEscaped(t *testing.T) {
	// JSON carries no invalid UTF-8 (encoding/json sends U+FFFD); a status
	// line no CR LF; a header (for Go's client) no ASCII control character.
	jsonText, jsonShown := strings.ReplaceAll(hostileText, "\xff", ""), strings.ReplaceAll(hostileShown, `\xff`, "")
	statusText, statusShown := strings.ReplaceAll(hostileText, "\r\n", ""), strings.ReplaceAll(hostileShown, `\r\n`, "")
	const headerText, headerShown = "a\u202eb\xffc\u2028d\u0085e", `a\u202eb\xffc\u2028d\u0085e`
	for _, tc := range []struct {
		name  string
		api   bool
		reply http.HandlerFunc
		want  error
	}{
		{"API JSON message", true, func(w http.ResponseWriter, r *http.Request) {
			jsonReply(w, 400, map[string]any{"code": 1001, "message": jsonText})
		}, &APIError{StatusCode: 400, Code: 1001, Message: jsonShown}},
		{"API body", true, func(w http.ResponseWriter, r *http.Request) { textReply(w, 502, hostileText) },
			&APIError{StatusCode: 502, Message: "Bad Gateway (non-JSON body)", Body: hostileShown}},
		{"API status text", true, func(w http.ResponseWriter, r *http.Request) {
			rawJSONReply(w, r, "599 "+statusText, "", "")
		}, &APIError{StatusCode: 599, Message: "599 " + statusShown}},
		{"API headers", true, func(w http.ResponseWriter, r *http.Request) {
			rawJSONReply(w, r, "429 Too Many Requests", "x-zm-trackingid: "+headerText+"\r\nX-RateLimit-Type: "+headerText+"\r\n", "")
		}, &APIError{StatusCode: 429, Message: "Too Many Requests", TrackingID: headerShown, RateLimitType: headerShown}},
		{"token endpoint error", false, func(w http.ResponseWriter, r *http.Request) {
			jsonReply(w, 401, map[string]string{"error": jsonText, "reason": jsonText})
		}, &TokenError{StatusCode: 401, Code: jsonShown, Reason: jsonShown}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h *hostileZoom
			if tc.api {
				h = newHostile(t, tc.reply, nil)
			} else {
				h = newHostile(t, nil, tc.reply)
			}
			c := newClient(t, h.options(WithServerToServer("acct", leakClientID, leakSecret))...)
			_, err := pullApril(t.Context(), c)
			var got error = asTokenError(err)
			if tc.api {
				got = asAPIError(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			for _, e := range errorChain(err) {
				if r, bad := hasControl(e.Error()); bad {
					t.Errorf("control character %U in %q", r, e.Error())
				}
			}
		})
	}
}
