package wrapper

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// pull runs the windows of one PagesAt call: up to concurrency window
// fetchers at once, started in window order, each queueing its pages for
// the caller within the shared budget.
type pull struct {
	c       *Client
	cursors []WindowCursor
	budget  *budget
	head    atomic.Int64 // the window the caller is at

	mu      sync.Mutex
	queues  []windowQueue
	started int                  // windows started so far (in order)
	active  int                  // fetchers running
	cancels []context.CancelFunc // per window, once started
	failed  bool                 // a window ended with an error: start no more
	wg      sync.WaitGroup
}

// windowQueue holds the pages of one window that the caller has not taken.
type windowQueue struct {
	pages []queued
	done  bool  // the fetcher finished
	err   error // why it stopped, if it failed
	ready chan struct{}
}

type queued struct {
	page *Page
	size int64
}

func (c *Client) newPull(cursors []WindowCursor) *pull {
	pl := &pull{c: c, cursors: cursors, budget: newBudget(c.memoryBudget, len(cursors)),
		queues: make([]windowQueue, len(cursors)), cancels: make([]context.CancelFunc, len(cursors))}
	for i := range pl.queues {
		pl.queues[i].ready = make(chan struct{}, 1)
	}
	return pl
}

// startMore starts windows in order while fewer than concurrency run.
// Called with pl.mu held.
func (pl *pull) startMore(ctx context.Context) {
	for !pl.failed && pl.active < pl.c.concurrency && pl.started < len(pl.cursors) {
		i := pl.started
		wctx, cancel := context.WithCancel(ctx)
		pl.cancels[i] = cancel
		pl.started++
		pl.active++
		pl.wg.Go(func() { pl.fetch(wctx, ctx, i) })
	}
}

// fetch runs the pager of window i until its last page, an error, or ctx
// is done. When it ends, the next window may start.
func (pl *pull) fetch(ctx, pullCtx context.Context, i int) {
	p := pl.c.newWindowPager(pl.cursors[i])
	p.first = func() bool { return pl.head.Load() == int64(i) }
	var err error
	for p.HasMorePages() {
		var page *Page
		if page, err = p.NextPage(ctx); err != nil {
			break
		}
		size := pageBytes(page)
		if err = pl.budget.acquire(ctx, i, size); err != nil {
			break
		}
		pl.mu.Lock()
		pl.queues[i].pages = append(pl.queues[i].pages, queued{page, size})
		pl.mu.Unlock()
		pl.signal(i)
	}
	pl.mu.Lock()
	q := &pl.queues[i]
	q.done, q.err = true, err
	pl.active--
	if err != nil {
		// Nothing after window i will be yielded: stop the later ones.
		pl.failed = true
		for j := i + 1; j < pl.started; j++ {
			pl.cancels[j]()
		}
	}
	pl.startMore(pullCtx)
	pl.mu.Unlock()
	pl.signal(i)
}

// setHead says the caller is now at window i: its pages go first, for
// the memory budget and for the pacer.
func (pl *pull) setHead(i int) {
	pl.head.Store(int64(i))
	pl.budget.setHead(i)
}

func (pl *pull) signal(i int) {
	select {
	case pl.queues[i].ready <- struct{}{}:
	default:
	}
}

// next returns window i's next page; ok is false when the window is done.
func (pl *pull) next(ctx context.Context, i int) (page *Page, ok bool, err error) {
	q := &pl.queues[i]
	for {
		pl.mu.Lock()
		if len(q.pages) > 0 {
			head := q.pages[0]
			q.pages[0] = queued{}
			q.pages = q.pages[1:]
			pl.mu.Unlock()
			pl.budget.release(i, head.size)
			return head.page, true, nil
		}
		done, err := q.done, q.err
		pl.mu.Unlock()
		if done {
			return nil, false, err
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, false, fmt.Errorf("wrapper: window %s: %w", pl.cursors[i].Window, context.Cause(ctx))
		}
	}
}

// stop cancels every window and waits for the fetchers to end.
func (pl *pull) stop() {
	pl.mu.Lock()
	pl.failed = true
	for _, cancel := range pl.cancels[:pl.started] {
		cancel()
	}
	pl.mu.Unlock()
	pl.wg.Wait()
}
