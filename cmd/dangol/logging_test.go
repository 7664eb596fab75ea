package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

func TestLogger_FormatAndZone(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // 18:00 in Seoul
	tests := []struct {
		name   string
		format string
		loc    *time.Location
		want   string // in the output
	}{
		{"TextSeoul", "text", seoul, "time=2026-12-01T18:00:00.000+09:00 level=INFO msg=hello n=1\n"},
		{"TextUTC", "text", time.UTC, "time=2026-12-01T09:00:00.000Z level=INFO msg=hello n=1\n"},
		{"JSONSeoul", "json", seoul, `{"time":"2026-12-01T18:00:00+09:00","level":"INFO","msg":"hello","n":1}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := newLogger(&buf, Config{LogFormat: tt.format, Loc: tt.loc, LogLevel: slog.LevelInfo}, false)
			r := slog.NewRecord(at, slog.LevelInfo, "hello", 0)
			r.AddAttrs(slog.Int("n", 1))
			if err := log.Handler().Handle(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}

	t.Run("GroupedTimeIsData", func(t *testing.T) {
		var buf bytes.Buffer
		log := newLogger(&buf, Config{LogFormat: "json", Loc: seoul}, false)
		log.WithGroup("post").Info("made", "time", at)
		var rec struct {
			Time time.Time `json:"time"`
			Post struct {
				Time string `json:"time"`
			} `json:"post"`
		}
		if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
			t.Fatalf("%v: %s", err, buf.Bytes())
		}
		if rec.Post.Time != "2026-12-01T09:00:00Z" {
			t.Errorf("a grouped time attribute was rewritten: %s", buf.Bytes())
		}
		if _, off := rec.Time.Zone(); off != 9*3600 {
			t.Errorf("record time %v is not in Asia/Seoul", rec.Time)
		}
	})
}

func TestLogger_ConsoleLevel(t *testing.T) {
	tests := []struct {
		name     string
		quiet    bool
		cfg      Config
		wantInfo bool
	}{
		{"Platforms", false, Config{LogLevel: slog.LevelInfo}, true},
		{"Console", true, Config{LogLevel: slog.LevelInfo}, false},
		{"ConsoleVerbose", true, Config{LogLevel: slog.LevelInfo, Verbose: true}, true},
		{"ConsoleLevelAskedFor", true, Config{LogLevel: slog.LevelDebug, logLevelSet: true}, true},
		{"PlatformsWarn", false, Config{LogLevel: slog.LevelWarn, logLevelSet: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := newLogger(&buf, tt.cfg, tt.quiet)
			log.Info("slack on")
			log.Warn("careful")
			out := buf.String()
			if got := strings.Contains(out, "slack on"); got != tt.wantInfo {
				t.Errorf("INFO shown = %t, want %t:\n%s", got, tt.wantInfo, out)
			}
			if !strings.Contains(out, "careful") {
				t.Errorf("a warning was hidden:\n%s", out)
			}
		})
	}
}

func TestConfig_Console(t *testing.T) {
	tests := []struct {
		cmd  string
		cfg  Config
		want bool
	}{
		{"chat", Config{}, true},
		{"chat", Config{Telegram: TelegramConfig{Token: "1:A"}}, true},
		{"serve", Config{}, true},
		{"serve", Config{Telegram: TelegramConfig{Token: "1:A"}}, false},
		{"serve", Config{Slack: SlackConfig{BotToken: "xoxb-1"}}, false},
		{"export", Config{}, false},
	}
	for _, tt := range tests {
		if got := tt.cfg.console(tt.cmd); got != tt.want {
			t.Errorf("console(%q) with %+v = %t, want %t", tt.cmd, tt.cfg.Telegram, got, tt.want)
		}
	}
}

// TestRun_ConsoleStartupLines runs the console: its start-up INFO lines
// show only with -v, and then as JSON in the shop's time zone when asked.
func TestRun_ConsoleStartupLines(t *testing.T) {
	db := t.TempDir() + "/d.db"
	testLedgerOptions(t, db)                                                     // the key file exists: its first-start notice is not a start-up line
	quiet := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat", "--new") // a key and no file: --new
	if quiet.err != nil {
		t.Fatal(quiet.err)
	}
	if quiet.stderr != "" {
		t.Errorf("chat without -v logged:\n%s", quiet.stderr)
	}

	loud := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_LOG_FORMAT": "json", "DANGOL_TZ": "Asia/Seoul"}, "", "-v", "chat")
	if loud.err != nil {
		t.Fatal(loud.err)
	}
	lines := strings.Split(strings.TrimSpace(loud.stderr), "\n")
	if loud.stderr == "" || len(lines) == 0 {
		t.Fatal("chat -v logged nothing")
	}
	for _, line := range lines {
		var rec struct {
			Time  time.Time `json:"time"`
			Level string    `json:"level"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON record: %q: %v", line, err)
		}
		if _, off := rec.Time.Zone(); off != 9*3600 {
			t.Errorf("record time %v is not in DANGOL_TZ: %s", rec.Time, line)
		}
	}
	if !strings.Contains(loud.stderr, `"level":"INFO"`) {
		t.Errorf("chat -v shows no INFO line:\n%s", loud.stderr)
	}
}

func TestValidListenAddr(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{":8080", true},
		{"127.0.0.1:0", true},
		{"localhost:65535", true},
		{"[::1]:9090", true},
		{"0.0.0.0:80", true},
		{"8080x", false},
		{"8080", false},
		{"localhost:99999", false},
		{":", false},
		{"", false},
		{":http", false},
		{":-1", false},
		{":+80", false},
		{"::1:80", false},
		{":000008080", false},
	}
	for _, tt := range tests {
		if got := validListenAddr(tt.addr); got != tt.want {
			t.Errorf("validListenAddr(%q) = %t, want %t", tt.addr, got, tt.want)
		}
	}
}

// TestConfig_ApplianceInvalid: the settings this file adds stop dangol
// with exit status 2 and a message naming the variable, in the shop's
// language.
func TestConfig_ApplianceInvalid(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"LogFormat", map[string]string{"DANGOL_LOG_FORMAT": "yaml"}, usageText("appliance.err.log_format", map[string]any{"Value": "yaml"})},
		{"HTTPAddrSuffix", map[string]string{"DANGOL_HTTP_ADDR": "8080x"}, usageText("appliance.err.http_addr", map[string]any{"Value": "8080x"})},
		{"HTTPAddrPort", map[string]string{"DANGOL_HTTP_ADDR": "localhost:99999"}, usageText("appliance.err.http_addr", map[string]any{"Value": "localhost:99999"})},
		{"HTTPAddrColon", map[string]string{"DANGOL_HTTP_ADDR": ":"}, usageText("appliance.err.http_addr", map[string]any{"Value": ":"})},
		{"HTTPAddrEnglish", map[string]string{"DANGOL_HTTP_ADDR": ":", "DANGOL_LANG": "en"}, testCatalog.Text("en", "appliance.err.http_addr", map[string]any{"Value": ":"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": t.TempDir() + "/d.db"}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runMain(t, env, "", "serve")
			if !isUsage(r.err) || r.err.Error() != tt.want {
				t.Fatalf("err = %v, want the usage error %q", r.err, tt.want)
			}
			if !strings.Contains(tt.want, "DANGOL_") {
				t.Errorf("message %q names no variable", tt.want)
			}
		})
	}
}

// TestConsoleLogger: in the console the log lines of a message already
// answered in the chat are left out, other errors stay, and -v or
// DANGOL_LOG_LEVEL shows them all.
func TestConsoleLogger(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantTold bool
	}{
		{"Console", Config{}, false},
		{"Verbose", Config{Verbose: true}, true},
		{"LevelAskedFor", Config{LogLevel: slog.LevelWarn, logLevelSet: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := consoleLogger(newLogger(&buf, tt.cfg, true), tt.cfg).With("channel", "console")
			log.Error(dialog.LogHandleFailed, "err", "ledger: the disk is full")
			log.Error(relay.LogGivenUp)
			log.Error("retention: erasing customers past the retention period failed; the daily run tries again")
			out := buf.String()
			if got := strings.Contains(out, dialog.LogHandleFailed) || strings.Contains(out, relay.LogGivenUp); got != tt.wantTold {
				t.Errorf("told lines shown = %t, want %t:\n%s", got, tt.wantTold, out)
			}
			if !strings.Contains(out, "retention:") {
				t.Errorf("another error was hidden:\n%s", out)
			}
		})
	}
}
