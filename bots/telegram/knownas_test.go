package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// TestKnownAs_Logs: a store that fails is a warning in the log, but a
// shutdown that cuts start-up short (the store, the commands after it) is
// not: a stop right after start is ordinary, and serve's tests fail on any
// warning.
func TestKnownAs_Logs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fails    bool // KnownAs fails at once; else it waits for the stop
		wantWarn bool
	}{
		{name: "StoreFails", fails: true, wantWarn: true},
		{name: "StoppedMeanwhile", wantWarn: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			logs := &syncBuffer{}
			cfg := testConfig(f, newScript(echo), logs)
			entered := make(chan struct{})
			cfg.KnownAs = func(ctx context.Context, _ string) error {
				close(entered)
				if tc.fails {
					return errors.New("disk full")
				}
				<-ctx.Done()
				return fmt.Errorf("keep the bot's name: %w", ctx.Err())
			}
			b, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			stop := runBot(t, b)
			select {
			case <-entered:
			case <-time.After(waitFor):
				t.Fatal("KnownAs was not called")
			}
			if tc.fails {
				// Run goes on past the failure.
				for _, m := range []string{"getMe", "setMyCommands"} {
					f.expect(t, m)
				}
			}
			stop()
			if got := strings.Contains(logs.String(), "bot username not kept"); got != tc.wantWarn {
				t.Errorf("warned %v, want %v; the log:\n%s", got, tc.wantWarn, logs.String())
			}
			if !tc.wantWarn && strings.Contains(logs.String(), "level=WARN") {
				t.Errorf("a stop during start-up logged a warning:\n%s", logs.String())
			}
		})
	}
}
