package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReadTelegramLimits(t *testing.T) {
	tests := []struct {
		name                  string
		chatRate, burst, rate string
		want                  telegramLimits
		wantErr               string // the locale id of the usage error
	}{
		{"Defaults", DefaultTelegramChatRate, DefaultTelegramChatBurst, DefaultTelegramRate, telegramLimits{time.Second, 3, 30}, ""},
		{"HalfPerSecond", "0.5", "2", "30", telegramLimits{2 * time.Second, 2, 30}, ""},
		{"Raised", "5", "10", " 300 ", telegramLimits{200 * time.Millisecond, 10, 300}, ""},
		{"Off", "off", "3", "OFF", lifted, ""},
		{"OffIgnoresBurst", "off", "many", "30", telegramLimits{lifted.ChatInterval, lifted.ChatBurst, 30}, ""},
		{"ErrChatRateZero", "0", "3", "30", telegramLimits{}, "telegram.err.chat_rate"},
		{"ErrChatRateText", "한 건", "3", "30", telegramLimits{}, "telegram.err.chat_rate"},
		{"ErrChatRateNaN", "NaN", "3", "30", telegramLimits{}, "telegram.err.chat_rate"},
		{"ErrBurstZero", "1", "0", "30", telegramLimits{}, "telegram.err.chat_burst"},
		{"ErrBurstHuge", "1", "100000", "30", telegramLimits{}, "telegram.err.chat_burst"},
		{"ErrRateFraction", "1", "3", "0.5", telegramLimits{}, "telegram.err.rate"},
		{"ErrRateHuge", "1", "3", "1e9", telegramLimits{}, "telegram.err.rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var said string
			usage := func(id string, _ map[string]any) error { said = id; return errUsageSaid }
			got, err := readTelegramLimits(tt.chatRate, tt.burst, tt.rate, usage)
			if tt.wantErr != "" {
				if err == nil || said != tt.wantErr {
					t.Fatalf("err %v (said %q), want %s", err, said, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("limits %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

var errUsageSaid = errors.New("usage")

// TestTelegramLimits_Settings: the settings reach serve's validation as
// localised usage errors, and the bench keeps them when asked.
func TestTelegramLimits_Settings(t *testing.T) {
	t.Run("ErrSetting", func(t *testing.T) {
		for _, env := range []map[string]string{
			{"DANGOL_TELEGRAM_CHAT_RATE": "fast"},
			{"DANGOL_TELEGRAM_CHAT_BURST": "-3"},
			{"DANGOL_TELEGRAM_RATE": "0", "DANGOL_LANG": "en"},
		} {
			res := runMain(t, env, "", "bench", "--count", "1")
			if !isUsage(res.err) || !strings.Contains(res.err.Error(), "DANGOL_TELEGRAM_") {
				t.Errorf("%v: %v, want a usage error naming the setting", env, res.err)
			}
		}
	})
	t.Run("ErrBenchFlag", func(t *testing.T) {
		if res := runMain(t, nil, "", "bench", "--limits", "loose"); !isUsage(res.err) {
			t.Errorf("bench --limits loose: %v, want a usage error", res.err)
		}
	})
	t.Run("BenchKeepsLimits", func(t *testing.T) {
		env := map[string]string{"DANGOL_TELEGRAM_CHAT_RATE": "2", "DANGOL_TELEGRAM_CHAT_BURST": "3", "DANGOL_TELEGRAM_RATE": "40"}
		// Three checks of one chat fit in its burst: no wait on the clock.
		res := runMain(t, env, "", "bench", "--limits", "telegram", "--scenario", "points", "--chats", "1", "--count", "2",
			"--customers", "10", "--dir", t.TempDir())
		if res.err != nil {
			t.Fatalf("bench: %v\n%s", res.err, res.stderr)
		}
		want := testCatalog.Text("ko", "bench.limits.kept", map[string]any{"PerChat": "2", "Burst": 3, "Rate": 40})
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
		if r := benchLines(t, res.stdout); len(r) != 1 || r[0].Completed != 2 {
			t.Errorf("results %+v, want 2 checks", r)
		}
	})
}
