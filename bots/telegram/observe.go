package telegram

// Observer hears of what an operator counts about the adapter; dangol's
// /metrics is one. Its methods are called from many goroutines and must
// return at once.
type Observer interface {
	// SendFailed is called once for each outgoing message (a reply, a
	// notice, a photo) that Telegram did not take after the retries.
	SendFailed()
}

// sendFailed tells Config.Observer, if any, that a message was not sent.
func (b *Bot) sendFailed() {
	if b.cfg.Observer != nil {
		b.cfg.Observer.SendFailed()
	}
}

// Queued returns how many updates are waiting for the engine or being
// handled, in all chats: the adapter's queue depth. It is safe to call at
// any time, before Run and after it.
func (b *Bot) Queued() int {
	return b.d.depth()
}

// depth counts the updates enqueued and not yet handled.
func (d *dispatcher) depth() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, copies := range d.pending {
		n += copies
	}
	return n
}
