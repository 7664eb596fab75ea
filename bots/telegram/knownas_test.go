package telegram

import (
	"context"
	"testing"
	"time"
)

// TestKnownAs: Run tells KnownAs the username getMe answered, before it
// takes any update.
func TestKnownAs(t *testing.T) {
	names := make(chan string, 1)
	startBot(t, newScript(echo), func(c *Config) {
		c.KnownAs = func(_ context.Context, name string) error {
			names <- name
			return nil
		}
	})
	select {
	case got := <-names:
		if got != "dangol_test_bot" {
			t.Errorf("KnownAs(%q), want %q", got, "dangol_test_bot")
		}
	case <-time.After(waitFor):
		t.Fatal("KnownAs was not called")
	}
}
