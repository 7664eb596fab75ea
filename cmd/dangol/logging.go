package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

// newLogger returns the logger of one run: text or JSON records
// (Config.LogFormat) on w, their times in the shop's time zone so that a
// log line reads like the shop's clock.
//
// In the console (quiet) the level is at least Warn unless -v or
// DANGOL_LOG_LEVEL asked otherwise: a newcomer trying "dangol chat" should
// see the chat, not lines about Slack, Telegram and backups. Warnings and
// errors still show.
func newLogger(w io.Writer, cfg Config, quiet bool) *slog.Logger {
	level := cfg.LogLevel
	if quiet && !cfg.Verbose && !cfg.logLevelSet && level < slog.LevelWarn {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: inZone(cfg.Loc)}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// inZone returns a ReplaceAttr that shows the record's time in loc; nil
// loc leaves times as they are.
func inZone(loc *time.Location) func(groups []string, a slog.Attr) slog.Attr {
	return func(groups []string, a slog.Attr) slog.Attr {
		// Only the record's own time: an attribute that happens to be
		// called "time" inside a group is data and stays as logged.
		if loc == nil || len(groups) > 0 || a.Key != slog.TimeKey || a.Value.Kind() != slog.KindTime {
			return a
		}
		return slog.Time(slog.TimeKey, a.Value.Time().In(loc))
	}
}

// console reports whether cmd runs the console chat: "chat" always,
// "serve" when no platform token is set (serve falls back to the console
// then).
func (c Config) console(cmd string) bool {
	return cmd == "chat" || cmd == "serve" && c.Telegram.Token == "" && c.Slack.BotToken == ""
}

// toldInChat are the log messages of a failed message whose person was
// answered in the chat (an apology, or why: the disk is full). In the
// console that person reads the terminal, where two English ERROR lines
// per refused message, thousands on a full disk, read as a crash.
var toldInChat = map[string]bool{
	dialog.LogHandleFailed: true,
	relay.LogGivenUp:       true,
}

// consoleLogger is the console's logger: l without the records the chat
// has already told the person at the terminal, unless -v or
// DANGOL_LOG_LEVEL asked for everything. serve with platforms keeps them:
// its log is read apart from the chat.
func consoleLogger(l *slog.Logger, cfg Config) *slog.Logger {
	if cfg.Verbose || cfg.logLevelSet {
		return l
	}
	return slog.New(toldFilter{l.Handler()})
}

// toldFilter drops the records toldInChat names.
type toldFilter struct{ slog.Handler }

// Handle passes r on unless the chat has told it already.
func (h toldFilter) Handle(ctx context.Context, r slog.Record) error {
	if toldInChat[r.Message] {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the filter on a logger with attributes.
func (h toldFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return toldFilter{h.Handler.WithAttrs(as)}
}

// WithGroup keeps the filter on a logger with a group.
func (h toldFilter) WithGroup(name string) slog.Handler {
	return toldFilter{h.Handler.WithGroup(name)}
}
