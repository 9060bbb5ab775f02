package zoomtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/zoomkit/chatsessions/api"
)

// dataSet holds the sessions: generated per UTC day from the seed (so a day's
// sessions are the same whatever the clock says), or supplied by the user.
type dataSet struct {
	seed     int64
	perDay   int
	own      []api.ChatSession // sorted; nil when generating
	ownMode  bool
	channels []channel

	mu    sync.Mutex
	days  map[time.Time]*generatedDay // cache, at most cacheSessions sessions
	order []time.Time                 // days in the cache, oldest entry first
	limit int                         // cacheSessions, smaller in tests
}

// generatedDay is one day's sessions, generated once while cached; other
// days are generated at the same time, not one after the other.
type generatedDay struct {
	once     sync.Once
	sessions []api.ChatSession
}

// cacheSessions bounds the sessions kept generated: a day is generated
// again when it was dropped. At 1,000 sessions a day that holds well over
// six months; at 86,400 a day, five days.
const cacheSessions = 500_000

type channel struct{ id, name string }

var channelNames = []string{
	"Engineering", "Design Review", "Release Train", "Support Escalations",
	"Sales EMEA", "Marketing Launch", "Incident Room", "Product Roadmap",
	"Customer Success", "Data Platform", "Finance Close", "All Hands",
}

var people = []string{
	"ada.lovelace", "grace.hopper", "alan.turing", "katherine.johnson",
	"edsger.dijkstra", "barbara.liskov", "ken.thompson", "margaret.hamilton",
	"donald.knuth", "frances.allen", "dennis.ritchie", "radia.perlman",
	"john.mccarthy", "shafi.goldwasser", "leslie.lamport", "hedy.lamarr",
}

const (
	internalDomain = "example.com"
	externalDomain = "partner.example.org"
)

func newDataSet(cfg config) *dataSet {
	d := &dataSet{seed: cfg.seed, perDay: cfg.sessionsPerDay, days: map[time.Time]*generatedDay{}, limit: cacheSessions}
	if cfg.ownSessions {
		d.ownMode = true
		for _, s := range cfg.sessions {
			if s.LastMessageSentTime != nil {
				d.own = append(d.own, s)
			}
		}
		slices.SortStableFunc(d.own, func(a, b api.ChatSession) int {
			return a.LastMessageSentTime.Compare(*b.LastMessageSentTime)
		})
	}
	for _, name := range channelNames {
		d.channels = append(d.channels, channel{id: hexID(22, "channel", d.seed, name), name: name})
	}
	return d
}

// ownBetween returns the sessions given with WithSessions whose last
// message falls between from 00:00 and to 23:59:59.999 UTC, oldest first.
func (d *dataSet) ownBetween(from, to time.Time) []api.ChatSession {
	start, end := utcDay(from), utcDay(to).AddDate(0, 0, 1)
	var out []api.ChatSession
	for _, s := range d.own {
		if t := *s.LastMessageSentTime; !t.Before(start) && t.Before(end) {
			out = append(out, s)
		}
	}
	return out
}

// day returns the generated sessions of one UTC day, oldest first.
func (d *dataSet) day(day time.Time) []api.ChatSession {
	d.mu.Lock()
	g, ok := d.days[day]
	if !ok {
		g = &generatedDay{}
		d.days[day] = g
		d.order = append(d.order, day)
		for len(d.order)*d.perDay > d.limit && len(d.order) > 1 {
			delete(d.days, d.order[0])
			d.order = d.order[1:]
		}
	}
	d.mu.Unlock()
	g.once.Do(func() { g.sessions = d.generate(day) })
	return g.sessions
}

// count returns how many of day's sessions happened by now, generating the
// day only when now falls within it: every generated session lies within
// its day, so an earlier day has all perDay of them.
func (d *dataSet) count(day, now time.Time) int {
	if !day.AddDate(0, 0, 1).After(now) {
		return d.perDay
	}
	ss := d.day(day)
	return sort.Search(len(ss), func(i int) bool { return ss[i].LastMessageSentTime.After(now) })
}

// generate makes perDay sessions for a day: each in its own slot of the day,
// about 40% group chats (10% of them deleted, 20% with external members) and
// 60% one-to-one chats (15% with someone from outside).
func (d *dataSet) generate(day time.Time) []api.ChatSession {
	n := d.perDay
	if n == 0 {
		return nil
	}
	dayNum := uint64(day.Unix() / 86400)
	rng := rand.New(rand.NewPCG(uint64(d.seed), dayNum))
	slot := 86400 / n
	out := make([]api.ChatSession, 0, n)
	for i := range n {
		t := day.Add(time.Duration(i*slot+rng.IntN(slot)) * time.Second)
		id := hexID(64, "session", d.seed, day.Format(time.DateOnly), i)
		s := api.ChatSession{ID: &id, LastMessageSentTime: &t}
		if rng.IntN(10) < 4 {
			ch := d.channels[rng.IntN(len(d.channels))]
			name, chID := ch.name, ch.id
			status := api.ChatSessionStatusActive
			if rng.IntN(10) == 0 {
				status = api.ChatSessionStatusDeleted
			}
			ext := rng.IntN(5) == 0
			typ := api.ChatSessionTypeGroup
			s.Type, s.Name, s.ChannelID, s.Status, s.HasExternalMember = &typ, &name, &chID, &status, &ext
		} else {
			a := rng.IntN(len(people))
			b := (a + 1 + rng.IntN(len(people)-1)) % len(people)
			ext := rng.IntN(100) < 15
			domain := internalDomain
			if ext {
				domain = externalDomain
			}
			emails := []string{people[a] + "@" + internalDomain, people[b] + "@" + domain}
			typ, name := api.ChatSessionTypeOneToOne, ""
			s.Type, s.Name, s.MemberEmails, s.HasExternalMember = &typ, &name, &emails, &ext
		}
		out = append(out, s)
	}
	return out
}

func hexID(n int, parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%v", parts)))
	return hex.EncodeToString(sum[:])[:n]
}

func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
