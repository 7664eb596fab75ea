package main

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Telegram's outgoing limits, the defaults of DANGOL_TELEGRAM_CHAT_RATE,
// DANGOL_TELEGRAM_CHAT_BURST and DANGOL_TELEGRAM_RATE: about one message a
// second to a chat, with short bursts, and 30 a second in all. A bot
// Telegram allows more (paid broadcasts) or a bench raises them.
const (
	DefaultTelegramChatRate  = "1"
	DefaultTelegramChatBurst = "3"
	DefaultTelegramRate      = "30"
)

// Bounds of the limits: past them a setting is a typo, not a plan.
const (
	maxTelegramRate  = 1_000_000
	maxTelegramBurst = 1000
)

// telegramLimits are TelegramConfig's outgoing limits as telegram.Config
// takes them; the zero value is the adapter's default (Telegram's).
type telegramLimits struct {
	ChatInterval time.Duration // one message to a chat per interval
	ChatBurst    int
	GlobalRate   int // messages a second in all
}

// lifted are limits no bot reaches: what "off" sets, and the bench uses.
var lifted = telegramLimits{ChatInterval: time.Nanosecond, ChatBurst: math.MaxInt32, GlobalRate: math.MaxInt32}

// readTelegramLimits reads the three settings: a rate is messages a second
// (a decimal: 0.5 is one every two seconds) or "off", a burst a whole
// number of messages. A value it cannot read is usage(id) naming it.
func readTelegramLimits(chatRate, chatBurst, rate string, usage func(id string, data map[string]any) error) (telegramLimits, error) {
	var l telegramLimits
	perChat, off, ok := parseRate(chatRate)
	switch {
	case !ok:
		return l, usage("telegram.err.chat_rate", map[string]any{"Value": chatRate, "Max": maxTelegramRate})
	case off:
		l.ChatInterval, l.ChatBurst = lifted.ChatInterval, lifted.ChatBurst
	default:
		l.ChatInterval = time.Duration(float64(time.Second) / perChat)
		burst, err := strconv.Atoi(strings.TrimSpace(chatBurst))
		if err != nil || burst < 1 || burst > maxTelegramBurst {
			return l, usage("telegram.err.chat_burst", map[string]any{"Value": chatBurst, "Max": maxTelegramBurst})
		}
		l.ChatBurst = burst
	}
	all, off, ok := parseRate(rate)
	switch {
	case !ok || !off && all < 1:
		return l, usage("telegram.err.rate", map[string]any{"Value": rate, "Max": maxTelegramRate})
	case off:
		l.GlobalRate = lifted.GlobalRate
	default:
		l.GlobalRate = int(all)
	}
	return l, nil
}

// parseRate reads messages a second: a positive number up to
// maxTelegramRate, or "off".
func parseRate(s string) (perSecond float64, off, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "off" {
		return 0, true, true
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(r) || r <= 0 || r > maxTelegramRate {
		return 0, false, false
	}
	return r, false, true
}
