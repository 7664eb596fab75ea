package slack

// Observer hears of what an operator counts about the adapter; dangol's
// /metrics is one. Its methods are called from many goroutines and must
// return at once.
type Observer interface {
	// SendFailed is called once for each outgoing message (a post, an
	// ephemeral answer, an image) that Slack did not take, after the
	// retries and fallbacks.
	SendFailed()
}

// sendFailed tells Config.Observer, if any, that a message was not sent.
func (b *Bot) sendFailed() {
	if b.cfg.Observer != nil {
		b.cfg.Observer.SendFailed()
	}
}

// Queued returns how many events are waiting for the engine or being
// handled, in all conversations: the adapter's queue depth. It is safe to
// call at any time.
func (b *Bot) Queued() int {
	return b.queue.depth()
}

// depth counts the jobs waiting plus one being worked on per busy
// conversation (a key stays in busy while its worker runs). A job pushed
// to an idle conversation counts twice for the moment before its worker
// takes it: a gauge read at scrape can live with that.
func (q *queues) depth() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, waiting := range q.busy {
		n += 1 + len(waiting)
	}
	return n
}
