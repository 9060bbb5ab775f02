package zoomtest

import (
	"sync"
	"time"

	"github.com/zoomkit/chatsessions/api/apiserver"
)

// RateLimitCategory is the rate-limit label of GET /report/chat/sessions.
const RateLimitCategory = "Medium"

// rateLimiter keeps, per account, a per-second token bucket (as GCRA: the
// theoretical arrival time of the next request) and a daily counter.
type rateLimiter struct {
	perSecond int
	daily     int

	mu       sync.Mutex
	accounts map[string]*accountLimits
}

type accountLimits struct {
	tat   time.Time // theoretical arrival time
	day   time.Time // the UTC day counted
	count int       // requests accepted that day
}

func newRateLimiter(perSecond, daily int) *rateLimiter {
	return &rateLimiter{perSecond: perSecond, daily: daily, accounts: map[string]*accountLimits{}}
}

// take admits one request of account at now, or returns Zoom's 429.
func (l *rateLimiter) take(account string, now time.Time) (apiserver.ReportChatSessions429JSONResponse, bool) {
	if l.perSecond == 0 && l.daily == 0 {
		return apiserver.ReportChatSessions429JSONResponse{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.accounts[account]
	if a == nil {
		a = &accountLimits{}
		l.accounts[account] = a
	}
	today := utcDay(now)
	if !a.day.Equal(today) {
		a.day, a.count = today, 0
	}
	if l.daily > 0 && a.count >= l.daily {
		return limited("Daily-limit", msgDaily, l.daily, today.AddDate(0, 0, 1)), true
	}
	if l.perSecond > 0 {
		interval := time.Second / time.Duration(l.perSecond)
		tolerance := time.Second - interval/2
		tat := a.tat
		if tat.Before(now) {
			tat = now
		}
		if tat.Sub(now) > tolerance {
			retry := tat.Add(-tolerance)
			if t := retry.Truncate(time.Second); !t.Equal(retry) {
				retry = t.Add(time.Second)
			}
			return limited("QPS", msgQPS, l.perSecond, retry), true
		}
		a.tat = tat.Add(interval)
	}
	a.count++
	return apiserver.ReportChatSessions429JSONResponse{}, false
}

func limited(kind, msg string, limit int, retry time.Time) apiserver.ReportChatSessions429JSONResponse {
	category, remaining, after := RateLimitCategory, 0, retry.UTC().Format(time.RFC3339)
	resp := apiserver.ReportChatSessions429JSONResponse{Body: zoomError(429, msg, nil)}
	resp.Headers.XRateLimitCategory = &category
	resp.Headers.XRateLimitType = &kind
	resp.Headers.XRateLimitLimit = &limit
	resp.Headers.XRateLimitRemaining = &remaining
	resp.Headers.RetryAfter = &after
	return resp
}
