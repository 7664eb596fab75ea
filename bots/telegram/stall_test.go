package telegram

import (
	"fmt"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

// TestPollerStopsWhenStalled holds every message in the engine while more
// chats than a getUpdates batch have written: once the batch in flight
// has all been taken, fetching it again brings nothing new, so the poller
// stops asking Telegram until one is done (it used to ask 50 times a
// second), and every chat is answered once the engine lets them go.
func TestPollerStopsWhenStalled(t *testing.T) {
	const chats = telegramfake.MaxBatch + 50
	e := relaytest.NewEngine(Channel)
	t.Cleanup(func() { e.Release("slow") })
	p, b := newTGPlatform(t, e, nil)
	stop := runBot(t, b)
	defer stop()
	for i := range chats {
		p.Say(t, fmt.Sprint("u", i+1), "slow")
	}
	e.WaitHeld(t, "slow")
	// Wait for the whole first batch to be taken; the poller then finds
	// itself stalled at its next getUpdates.
	deadline := time.After(relaytest.Wait)
	for b.offs.highestTaken() < telegramfake.MaxBatch {
		select {
		case <-b.offs.changes():
		case <-deadline:
			t.Fatalf("only %d updates taken", b.offs.highestTaken())
		}
	}
	before := p.fake.Polls()
	// A short look, not a proof: without the stall the poller asks every
	// 20 ms (aheadPause), 15 times in this look.
	<-time.After(300 * time.Millisecond)
	if n := p.fake.Polls() - before; n > 2 {
		t.Errorf("%d getUpdates in 300 ms while every update fetched was in flight", n)
	}
	e.Release("slow")
	for i := range chats {
		if got := p.Next(t, fmt.Sprint("u", i+1)); got.Text != "echo: slow" {
			t.Fatalf("u%d was shown %+v", i+1, got)
		}
	}
}
