package main

import (
	"context"

	"github.com/dangol/dangol/ledger"
)

// threadRefs is the ledger's thread refs (ledger/refs.go) for one
// platform: what bots/slack's Config.Threads asks for, so the staff
// channel's thread heads survive a restart.
type threadRefs struct {
	store    *ledger.Store
	platform string
}

// ThreadRef returns where thread's head is on the platform.
func (r threadRefs) ThreadRef(ctx context.Context, thread string) (string, bool, error) {
	return r.store.ThreadRef(ctx, r.platform, thread)
}

// SetThreadRef records where thread's head is on the platform.
func (r threadRefs) SetThreadRef(ctx context.Context, thread, ref string) error {
	return r.store.SetThreadRef(ctx, r.platform, thread, ref)
}

// ThreadByRef returns the thread whose head is at ref on the platform.
func (r threadRefs) ThreadByRef(ctx context.Context, ref string) (string, bool, error) {
	return r.store.ThreadByRef(ctx, r.platform, ref)
}
