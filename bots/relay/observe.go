package relay

// Observer hears of what an operator counts about an adapter; dangol's
// /metrics is one. Its methods are called from many goroutines and must
// return at once.
type Observer interface {
	// SendFailed is called once for each outgoing message (a post, a
	// photo, an ephemeral answer, a notice) that the platform did not take
	// after the retries and fallbacks.
	SendFailed()
}

// SendFailed tells o, if there is one, that a message was not sent.
func SendFailed(o Observer) {
	if o != nil {
		o.SendFailed()
	}
}
