package zoomtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// pageQuery is what a next_page_token is bound to.
type pageQuery struct {
	From, To string
	PageSize int
}

// pageTokens issues and opens next_page_tokens: base64url of
// "from|to|page_size|offset|issued_unix_nano|mac", the mac an HMAC-SHA256 of
// the rest under a key derived from the seed. Clients must treat them as opaque.
type pageTokens struct {
	key []byte
	ttl time.Duration
}

var errPageToken = errors.New("invalid or expired page token")

func newPageTokens(seed int64, ttl time.Duration) pageTokens {
	key := sha256.Sum256([]byte(fmt.Sprintf("zoomtest page tokens %d", seed)))
	return pageTokens{key: key[:], ttl: ttl}
}

func (p pageTokens) mac(payload string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// issue returns a token for the page of q starting at offset.
func (p pageTokens) issue(q pageQuery, offset int, now time.Time) string {
	payload := fmt.Sprintf("%s|%s|%d|%d|%d", q.From, q.To, q.PageSize, offset, now.UnixNano())
	return base64.RawURLEncoding.EncodeToString([]byte(payload + "|" + p.mac(payload)))
}

// open checks a token against the query it came with and returns its offset.
func (p pageTokens) open(token string, q pageQuery, now time.Time) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, errPageToken
	}
	s := string(raw)
	i := strings.LastIndexByte(s, '|')
	if i < 0 || !hmac.Equal([]byte(s[i+1:]), []byte(p.mac(s[:i]))) {
		return 0, errPageToken
	}
	f := strings.Split(s[:i], "|")
	if len(f) != 5 {
		return 0, errPageToken
	}
	size, err1 := strconv.Atoi(f[2])
	offset, err2 := strconv.Atoi(f[3])
	issued, err3 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || offset < 0 {
		return 0, errPageToken
	}
	if (pageQuery{From: f[0], To: f[1], PageSize: size}) != q {
		return 0, errPageToken
	}
	if now.Sub(time.Unix(0, issued)) > p.ttl {
		return 0, errPageToken
	}
	return offset, nil
}
