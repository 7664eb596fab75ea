package telegram

import (
	"fmt"
	"testing"
)

// BenchmarkPolledUpdates measures the adapter's own cost per update: a
// text from getUpdates through translation, the per-chat queue and a
// stand-in engine to one sendMessage, over loopback HTTP against the fake
// Bot API, with the rate limits lifted.
func BenchmarkPolledUpdates(b *testing.B) {
	for _, chats := range []int{1, 64} {
		b.Run(fmt.Sprintf("chats=%d", chats), func(b *testing.B) {
			hs := startBot(b, newScript(echo))
			updates := make([]string, b.N)
			for i := range updates {
				u := user{id: int64(1000 + i%chats), first: "손님", lang: "ko"}
				updates[i] = text(int64(i+1), u, "/points")
			}
			go func() {
				for range b.N {
					<-hs.h.got
				}
			}()
			// Nothing here reads the polls, which the fake reports into a
			// buffer of 1,000: at one chat every update is a poll of its
			// own, and a full buffer stopped the fake (and the bench) at
			// the 1,001st.
			stopPolls := make(chan struct{})
			defer close(stopPolls)
			go func() {
				for {
					select {
					case <-hs.f.polls:
					case <-stopPolls:
						return
					}
				}
			}()
			b.ResetTimer()
			hs.f.push(updates...)
			for range b.N {
				hs.f.expect(b, "sendMessage")
			}
			b.StopTimer()
			hs.stop()
		})
	}
}
