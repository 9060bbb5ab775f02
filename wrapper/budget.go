package wrapper

import (
	"context"
	"sync"
	"unsafe"
)

// budget is the memory that pages fetched but not yet yielded may take,
// shared by every window of a pull. Windows keep fetching while the caller
// drains an earlier one; when the budget is full, the windows furthest
// from the caller wait first. The window the caller is draining (the head)
// may always queue a page when it has none queued, so the caller never
// waits on later windows. Memory is therefore bounded by the budget, plus
// one page for the head, plus the one page each other window holds while it
// waits.
type budget struct {
	mu      sync.Mutex
	limit   int64
	used    int64
	head    int     // the window the caller is draining
	held    []int64 // bytes queued per window
	waiting []bool  // windows waiting for room
	wake    chan struct{}
}

func newBudget(limit int64, windows int) *budget {
	return &budget{limit: limit, held: make([]int64, windows), waiting: make([]bool, windows), wake: make(chan struct{})}
}

// broadcast wakes every waiter. Called with b.mu held.
func (b *budget) broadcast() {
	close(b.wake)
	b.wake = make(chan struct{})
}

// fits reports whether window i may queue n bytes now. Called with b.mu
// held.
func (b *budget) fits(i int, n int64) bool {
	if i == b.head && b.held[i] == 0 {
		return true
	}
	if b.used+n > b.limit {
		return false
	}
	for j := b.head; j < i; j++ {
		if b.waiting[j] {
			return false // a window nearer the caller goes first
		}
	}
	return true
}

// acquire waits until window i may queue n bytes, then counts them.
func (b *budget) acquire(ctx context.Context, i int, n int64) error {
	b.mu.Lock()
	for !b.fits(i, n) {
		b.waiting[i] = true
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			b.mu.Lock()
			b.waiting[i] = false
			b.broadcast()
			b.mu.Unlock()
			return context.Cause(ctx)
		}
		b.mu.Lock()
	}
	if b.waiting[i] {
		b.waiting[i] = false
		b.broadcast() // windows behind i may go now
	}
	b.used += n
	b.held[i] += n
	b.mu.Unlock()
	return nil
}

// release returns n bytes of window i, once the caller took its page.
func (b *budget) release(i int, n int64) {
	b.mu.Lock()
	b.used -= n
	b.held[i] -= n
	b.broadcast()
	b.mu.Unlock()
}

// setHead says the caller now drains window i.
func (b *budget) setHead(i int) {
	b.mu.Lock()
	b.head = i
	b.broadcast()
	b.mu.Unlock()
}

// pageBytes estimates the memory a page holds: the structs and every byte
// of text and raw JSON they point to (len, not cap, of Raw: the raw objects
// may share one body buffer).
func pageBytes(p *Page) int64 {
	n := int64(unsafe.Sizeof(*p)) + int64(len(p.Token)+len(p.NextPageToken))
	n += int64(cap(p.Sessions)) * int64(unsafe.Sizeof(Session{}))
	for i := range p.Sessions {
		s := &p.Sessions[i]
		n += int64(len(s.ID) + len(s.Name) + len(s.ChannelID) + len(s.Type) + len(s.Status) + len(s.Raw))
		n += int64(cap(s.MemberEmails)) * int64(unsafe.Sizeof(""))
		for _, e := range s.MemberEmails {
			n += int64(len(e))
		}
	}
	return n
}
