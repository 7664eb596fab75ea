package dialog

import (
	"context"
	"sync/atomic"
)

// duplicateKey is the context key under which WatchDuplicate leaves the
// flag that Handle sets on a re-delivered event.
type duplicateKey struct{}

// WatchDuplicate returns a context to pass to Engine.Handle and a function
// that reports, once Handle has returned, whether Handle found the
// message's event id already handled and so changed and answered nothing.
// Handle says so only this way, since both a re-delivery and a message
// needing no answer return no replies and no error; metrics count them
// apart. Handle works the same without it.
func WatchDuplicate(ctx context.Context) (context.Context, func() bool) {
	dup := new(atomic.Bool)
	return context.WithValue(ctx, duplicateKey{}, dup), dup.Load
}

// noteDuplicate sets the flag of WatchDuplicate, if ctx carries one.
func noteDuplicate(ctx context.Context) {
	if dup, ok := ctx.Value(duplicateKey{}).(*atomic.Bool); ok {
		dup.Store(true)
	}
}
