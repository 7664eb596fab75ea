package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Config is everything dangol is told at start: DANGOL_* environment
// variables, overridden by flags.
type Config struct {
	DB         string         // --db, DANGOL_DB
	Lang       string         // --lang, DANGOL_LANG: "ko" or "en"
	TZ         string         // --tz, DANGOL_TZ
	Loc        *time.Location // TZ, loaded by validate
	PointsRate int            // DANGOL_POINTS_RATE, percent of a purchase; 0: no earning
	LogLevel   slog.Level     // DANGOL_LOG_LEVEL
	LogFormat  string         // DANGOL_LOG_FORMAT: "text" or "json"
	HTTPAddr   string         // DANGOL_HTTP_ADDR, for webhooks and Slack's HTTP mode
	AdminAddr  string         // DANGOL_ADMIN_ADDR: /healthz and /metrics (admin.go); "": off
	ShopName   string         // DANGOL_SHOP_NAME: the shop's name on the counter poster (poster.go)
	// ShopContact is DANGOL_SHOP_CONTACT: the shop's phone number, address
	// or e-mail, after its name in every advertising message's header
	// (정보통신망법 제50조④); "": no advertising goes out, as without
	// ShopName. validate refuses one that is none of these.
	ShopContact string

	// PointsConfirmWon is DANGOL_POINTS_CONFIRM_WON: an earn for a purchase
	// of this many won or more asks [적립] [취소] first; 0: dialog's default.
	PointsConfirmWon int64

	// Retention is DANGOL_RETENTION: how long a customer is kept after
	// their last visit, or registration if they never visited, before the
	// retention run erases them ("2y", the default; "18m", "400d"; "0" is
	// off). Years and months are calendar ones in TZ (ledger.Retention).
	Retention ledger.Retention

	// LinkCodeMisses is DANGOL_LINK_CODE_MISSES: how many wrong typed link
	// codes an hour, from everyone together, pause typed codes for an hour;
	// 0: dialog's default (30); "off" (stored as -1): no bot-wide limit.
	LinkCodeMisses int

	// Hours are DANGOL_OPEN_HOURS ("10:00-20:00", the default) and
	// DANGOL_CLOSED_DAYS ("sun", "일요일,월요일"), told to a customer whose
	// question went to the staff (dialog.ParseHours).
	Hours dialog.Hours
	// SLA is DANGOL_REPLY_SLA (default 2h) and DANGOL_RESOLVE_SLA (default
	// 2d), in opening hours (threads.go).
	SLA dialog.SLA
	// FeedbackAfter is DANGOL_FEEDBACK_AFTER: how long after a visit its
	// rating is asked for (default 3h; "0" or "off": never).
	FeedbackAfter time.Duration
	// BirthdayAt is DANGOL_BIRTHDAY_AT: when birthday greetings go, "HH:MM"
	// in TZ outside the night (default 10:00; dialog.BirthdaySpec).
	BirthdayAt string
	// WinBackAt is DANGOL_WINBACK_AT: when the automatic win-back runs,
	// "HH:MM" in TZ outside the night (default 11:00; dialog.WinBackSpec).
	WinBackAt string
	// DiskWarn is DANGOL_DISK_WARN in bytes: under this much free space
	// where the data file is, /healthz warns and the daily disk check
	// tells the staff channel (default 100 MB; "off": 0, never).
	DiskWarn uint64

	// Verbose (-v, --verbose) shows the start-up INFO lines in the console,
	// where they are hidden so that a newcomer sees the chat first.
	Verbose bool
	// EnvFile (--env-file) is a file of DANGOL_*=value lines read beneath
	// the environment: how the installed service gets its tokens without
	// writing them into a world-readable unit file.
	EnvFile string

	// SummaryCron and FollowUpCron schedule the weekly summary post and the
	// morning follow-up DMs: a standard 5-field cron expression read in TZ,
	// "off", or empty for dialog's default. serve checks them.
	SummaryCron  string // --summary-cron, DANGOL_SUMMARY_CRON
	FollowUpCron string // --followup-cron, DANGOL_FOLLOWUP_CRON

	// BackupDir is the folder serve writes scheduled backups to; empty:
	// no backups while serving (a serving dangol holds the file, so
	// "dangol backup" cannot run beside it). BackupCron is when, in TZ
	// ("off" also turns them off); BackupKeep how many files are kept.
	BackupDir  string // --backup-dir, DANGOL_BACKUP_DIR
	BackupCron string // --backup-cron, DANGOL_BACKUP_CRON
	BackupKeep int    // DANGOL_BACKUP_KEEP

	Telegram TelegramConfig
	Slack    SlackConfig

	// pointsRate and logLevel hold the raw text until validate reads them.
	pointsRate string
	logLevel   string
	backupKeep string
	confirmWon string
	codeMisses string
	retention  string
	openHours  string
	closedDays string
	replySLA   string
	resolveSLA string
	fbAfter    string
	diskWarn   string
	// logLevelSet records that DANGOL_LOG_LEVEL was given, so the console
	// honours it instead of hiding INFO lines.
	logLevelSet bool
	// showVersion is --version: print the version instead of a command.
	showVersion bool
}

// TelegramConfig is the Telegram part of Config; Token empty means off.
type TelegramConfig struct {
	Token         string // DANGOL_TELEGRAM_TOKEN
	APIURL        string // DANGOL_TELEGRAM_API_URL
	WebhookURL    string // DANGOL_TELEGRAM_WEBHOOK_URL; empty: long polling
	WebhookSecret string // DANGOL_TELEGRAM_WEBHOOK_SECRET
	// BotName is DANGOL_TELEGRAM_BOT_NAME, the bot's username for deep
	// links where Telegram does not run (the console, the poster);
	// getMe's answer replaces it when it does (poster.go).
	BotName string
	// Limits are the outgoing limits, read by validate from
	// DANGOL_TELEGRAM_CHAT_RATE, _CHAT_BURST and _RATE (telegram_limits.go).
	Limits                       telegramLimits
	chatRate, chatBurst, allRate string
}

// SlackConfig is the Slack part of Config; BotToken empty means off.
type SlackConfig struct {
	BotToken      string   // DANGOL_SLACK_BOT_TOKEN
	AppToken      string   // DANGOL_SLACK_APP_TOKEN: Socket Mode
	SigningSecret string   // DANGOL_SLACK_SIGNING_SECRET: HTTP mode
	APIURL        string   // DANGOL_SLACK_API_URL
	StaffChannel  string   // DANGOL_SLACK_STAFF_CHANNEL
	Staff         []string // DANGOL_SLACK_STAFF, as "slack:U…"
	Managers      []string // DANGOL_SLACK_MANAGERS, as "slack:U…"
}

// Defaults of Config.
const (
	DefaultDB         = "./dangol.db"
	DefaultLang       = "ko"
	DefaultTZ         = "Asia/Seoul"
	DefaultPointsRate = 5
	DefaultHTTPAddr   = ":8080"
	DefaultBackupCron = "0 3 * * *" // daily 03:00, when a shop is closed
	DefaultBackupKeep = 14
	// DefaultRetention is two years after the last visit: what the
	// consent question has always promised.
	DefaultRetention = "2y"
)

// usageError is a mistake in how dangol was called: bad flags, bad
// settings. main exits 2 on it.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usage returns the *usageError worded by message id (cli.err.*) with
// data, in the configured language; the default language when that
// setting is itself what is wrong. A cause in data["Err"], when an error,
// stays reachable through errors.Is and errors.As.
func (m *Main) usage(id string, data map[string]any) error {
	cause, _ := data["Err"].(error)
	return &usageError{&localError{m.Catalog.Text(m.usageLang(), id, data), cause}}
}

// usageLang is the language of usage errors: the configured one, or the
// default when that setting is itself what is wrong.
func (m *Main) usageLang() string {
	if lang := strings.ToLower(m.Config.Lang); slices.Contains(locales.Languages, lang) {
		return lang
	}
	return DefaultLang
}

// configFromEnv reads the DANGOL_* variables; validate checks them.
func configFromEnv(getenv func(string) string) Config {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	return Config{
		DB:           env("DANGOL_DB", DefaultDB),
		Lang:         env("DANGOL_LANG", DefaultLang),
		TZ:           env("DANGOL_TZ", DefaultTZ),
		HTTPAddr:     env("DANGOL_HTTP_ADDR", DefaultHTTPAddr),
		AdminAddr:    env("DANGOL_ADMIN_ADDR", ""),
		ShopName:     env("DANGOL_SHOP_NAME", ""),
		ShopContact:  env("DANGOL_SHOP_CONTACT", ""),
		SummaryCron:  env("DANGOL_SUMMARY_CRON", ""),
		FollowUpCron: env("DANGOL_FOLLOWUP_CRON", ""),
		BackupDir:    env("DANGOL_BACKUP_DIR", ""),
		BackupCron:   env("DANGOL_BACKUP_CRON", DefaultBackupCron),
		backupKeep:   env("DANGOL_BACKUP_KEEP", strconv.Itoa(DefaultBackupKeep)),
		pointsRate:   env("DANGOL_POINTS_RATE", strconv.Itoa(DefaultPointsRate)),
		confirmWon:   env("DANGOL_POINTS_CONFIRM_WON", ""),
		codeMisses:   env("DANGOL_LINK_CODE_MISSES", ""),
		retention:    env("DANGOL_RETENTION", DefaultRetention),
		openHours:    env("DANGOL_OPEN_HOURS", ""),
		closedDays:   env("DANGOL_CLOSED_DAYS", ""),
		replySLA:     env("DANGOL_REPLY_SLA", ""),
		resolveSLA:   env("DANGOL_RESOLVE_SLA", ""),
		fbAfter:      env("DANGOL_FEEDBACK_AFTER", ""),
		diskWarn:     env("DANGOL_DISK_WARN", ""),
		BirthdayAt:   env("DANGOL_BIRTHDAY_AT", dialog.DefaultBirthdayAt),
		WinBackAt:    env("DANGOL_WINBACK_AT", dialog.DefaultWinBackAt),
		logLevel:     env("DANGOL_LOG_LEVEL", ""),
		LogFormat:    env("DANGOL_LOG_FORMAT", "text"),
		Telegram: TelegramConfig{
			Token:         env("DANGOL_TELEGRAM_TOKEN", ""),
			APIURL:        env("DANGOL_TELEGRAM_API_URL", ""),
			WebhookURL:    env("DANGOL_TELEGRAM_WEBHOOK_URL", ""),
			WebhookSecret: env("DANGOL_TELEGRAM_WEBHOOK_SECRET", ""),
			BotName:       env("DANGOL_TELEGRAM_BOT_NAME", ""),
			chatRate:      env("DANGOL_TELEGRAM_CHAT_RATE", DefaultTelegramChatRate),
			chatBurst:     env("DANGOL_TELEGRAM_CHAT_BURST", DefaultTelegramChatBurst),
			allRate:       env("DANGOL_TELEGRAM_RATE", DefaultTelegramRate),
		},
		Slack: SlackConfig{
			BotToken:      env("DANGOL_SLACK_BOT_TOKEN", ""),
			AppToken:      env("DANGOL_SLACK_APP_TOKEN", ""),
			SigningSecret: env("DANGOL_SLACK_SIGNING_SECRET", ""),
			APIURL:        env("DANGOL_SLACK_API_URL", ""),
			StaffChannel:  env("DANGOL_SLACK_STAFF_CHANNEL", ""),
			Staff:         slackIDs(getenv("DANGOL_SLACK_STAFF")),
			Managers:      slackIDs(getenv("DANGOL_SLACK_MANAGERS")),
		},
	}
}

// slackIDs turns "U1, U2" into ["slack:U1", "slack:U2"].
func slackIDs(s string) []string {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !strings.HasPrefix(id, "slack:") {
			id = "slack:" + id
		}
		ids = append(ids, id)
	}
	return ids
}

// bindCommon registers the flags every command takes. Their defaults are
// the current values, so binding a second flag set keeps what the first
// one parsed.
func (c *Config) bindCommon(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "data file (DANGOL_DB)")
	fs.StringVar(&c.Lang, "lang", c.Lang, "default language, ko or en (DANGOL_LANG)")
	fs.StringVar(&c.TZ, "tz", c.TZ, "the shop's time zone (DANGOL_TZ)")
	fs.BoolVar(&c.Verbose, "v", c.Verbose, "show start-up information in the console")
	fs.BoolVar(&c.Verbose, "verbose", c.Verbose, "show start-up information in the console")
	fs.StringVar(&c.EnvFile, "env-file", c.EnvFile, "file of DANGOL_*=value lines, beneath the environment")
	fs.BoolVar(&c.showVersion, "version", c.showVersion, "print the version")
}

// validate checks the settings and fills Loc, PointsRate, LogLevel,
// BackupKeep and Retention. A bad one is usage(id, data): Main.usage.
func (c *Config) validate(usage func(id string, data map[string]any) error) error {
	c.Lang = strings.ToLower(c.Lang)
	if c.Lang != "ko" && c.Lang != "en" {
		return usage("cli.err.lang", map[string]any{"Value": c.Lang})
	}
	if c.DB == "" {
		return usage("cli.err.no_db", nil)
	}
	loc, err := time.LoadLocation(c.TZ)
	if err != nil || c.TZ == "" || strings.EqualFold(c.TZ, "local") {
		return usage("cli.err.tz", map[string]any{"Value": c.TZ})
	}
	c.Loc = loc
	rate, err := strconv.Atoi(c.pointsRate)
	if err != nil || rate < 0 || rate > 100 {
		return usage("cli.err.points_rate", map[string]any{"Value": c.pointsRate})
	}
	// 0 is a shop without a points programme: dialog.NoEarning.
	c.PointsRate = rate
	if s := strings.NewReplacer(",", "", "원", "").Replace(strings.TrimSpace(c.confirmWon)); s != "" {
		won, err := strconv.ParseInt(s, 10, 64)
		if err != nil || won < 1 {
			return usage("corrections.err.confirm_won", map[string]any{"Value": c.confirmWon})
		}
		c.PointsConfirmWon = won
	}
	switch s := strings.ToLower(strings.TrimSpace(c.codeMisses)); s {
	case "":
	case "off", "0":
		c.LinkCodeMisses = -1
	default:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return usage("linking.err.code_misses", map[string]any{"Value": c.codeMisses})
		}
		c.LinkCodeMisses = n
	}
	r, ok := parseRetention(c.retention)
	if !ok {
		return usage("privacy.err.retention", map[string]any{"Value": c.retention})
	}
	c.Retention = r
	if c.Hours, err = dialog.ParseHours(c.openHours, c.closedDays); err != nil {
		return usage("threads.err.hours", map[string]any{"Hours": c.openHours, "Closed": c.closedDays})
	}
	if c.SLA.Reply, ok = parseSLA(c.replySLA); !ok {
		return usage("threads.err.sla", map[string]any{"Setting": "DANGOL_REPLY_SLA", "Value": c.replySLA})
	}
	if c.SLA.Resolve, ok = parseSLA(c.resolveSLA); !ok {
		return usage("threads.err.sla", map[string]any{"Setting": "DANGOL_RESOLVE_SLA", "Value": c.resolveSLA})
	}
	if c.FeedbackAfter, ok = parseFeedbackAfter(c.fbAfter); !ok {
		return usage("care.err.feedback_after", map[string]any{"Setting": "DANGOL_FEEDBACK_AFTER", "Value": c.fbAfter})
	}
	if c.DiskWarn, ok = parseDiskWarn(c.diskWarn); !ok {
		return usage("appliance.err.disk_warn", map[string]any{"Value": c.diskWarn})
	}
	if !validContact(c.ShopContact) {
		return usage("ads.err.shop_contact", map[string]any{"Value": c.ShopContact})
	}
	if _, _, err := dialog.BirthdaySpec(c.BirthdayAt); err != nil {
		return usage("ads.err.birthday_at", map[string]any{"Value": c.BirthdayAt})
	}
	if _, _, err := dialog.WinBackSpec(c.WinBackAt); err != nil {
		return usage("winback.err.at", map[string]any{"Value": c.WinBackAt})
	}
	if c.Telegram.Limits, err = readTelegramLimits(c.Telegram.chatRate, c.Telegram.chatBurst, c.Telegram.allRate, usage); err != nil {
		return err
	}
	c.logLevelSet = c.logLevel != ""
	if !c.logLevelSet {
		c.LogLevel = slog.LevelInfo
	} else if err := c.LogLevel.UnmarshalText([]byte(c.logLevel)); err != nil {
		return usage("cli.err.log_level", map[string]any{"Value": c.logLevel})
	}
	c.LogFormat = strings.ToLower(c.LogFormat)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usage("appliance.err.log_format", map[string]any{"Value": c.LogFormat})
	}
	if !validListenAddr(c.HTTPAddr) {
		return usage("appliance.err.http_addr", map[string]any{"Value": c.HTTPAddr})
	}
	if c.Telegram.BotName = strings.TrimPrefix(c.Telegram.BotName, "@"); c.Telegram.BotName != "" && !validBotName(c.Telegram.BotName) {
		return usage("linking.err.bot_name", map[string]any{"Value": c.Telegram.BotName})
	}
	if err := checkAdminAddr(c.AdminAddr); err != nil {
		return usage("admin.err.addr", map[string]any{"Value": c.AdminAddr, "Err": err})
	}
	keep, err := strconv.Atoi(c.backupKeep)
	if err != nil || keep < 1 {
		return usage("cli.err.backup_keep", map[string]any{"Value": c.backupKeep})
	}
	c.BackupKeep = keep
	// Swapped or mistyped tokens are caught here, before any request, with
	// both variables named (network.go).
	if id, data := slackTokenUsage(c.Slack.BotToken, c.Slack.AppToken); id != "" {
		return usage(id, data)
	}
	if c.Slack.BotToken != "" && c.Slack.AppToken == "" && c.Slack.SigningSecret == "" {
		return usage("cli.err.slack_half", nil)
	}
	if c.Slack.BotToken == "" && (c.Slack.AppToken != "" || c.Slack.SigningSecret != "") {
		return usage("cli.err.slack_no_bot", nil)
	}
	return nil
}

// validListenAddr reports whether addr is host:port with a numeric port
// net.Listen can bind (0 picks a free one). The host may be empty (every
// interface), a name or an address; "8080x", ":" and "localhost:99999" are
// not addresses.
func validListenAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || len(port) > 5 {
		return false
	}
	for _, r := range port {
		if r < '0' || r > '9' {
			return false
		}
	}
	n, err := strconv.Atoi(port)
	return err == nil && n <= 65535
}

// parseArgs parses flags that may come before the command, after it, and
// between its arguments ("dangol --db x.db restore b.db --force"). It
// returns the command and its positional arguments; bind adds the
// command's own flags. On an error in the command's flags the command is
// returned too.
func parseArgs(cfg *Config, args []string, bind func(cmd string, fs *flag.FlagSet)) (cmd string, pos []string, err error) {
	global := flag.NewFlagSet("dangol", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	cfg.bindCommon(global)
	if err := global.Parse(args); err != nil {
		return "", nil, flagError(err)
	}
	rest := global.Args()
	cmd = "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.bindCommon(fs)
	bind(cmd, fs)
	for {
		if err := fs.Parse(rest); err != nil {
			// The command comes back with the error, so "-h" can show its help.
			return cmd, nil, flagError(err)
		}
		if fs.NArg() == 0 {
			return cmd, pos, nil
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}

func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &usageError{err}
}

// maxRetentionYears bounds DANGOL_RETENTION: a longer period is a typo
// ("20y" for "2y") more likely than a promise.
const maxRetentionYears = 100

// retentionUnits are the units DANGOL_RETENTION takes, in both languages:
// which part of a ledger.Retention each adds to, and how many of it. "m"
// is months: minutes and hours mean nothing here.
var retentionUnits = map[string]struct {
	part byte // 'y', 'm' or 'd'
	mul  int
}{
	"y": {'y', 1}, "year": {'y', 1}, "years": {'y', 1}, "년": {'y', 1},
	"m": {'m', 1}, "month": {'m', 1}, "months": {'m', 1}, "개월": {'m', 1}, "달": {'m', 1},
	"w": {'d', 7}, "week": {'d', 7}, "weeks": {'d', 7}, "주": {'d', 7},
	"d": {'d', 1}, "day": {'d', 1}, "days": {'d', 1}, "일": {'d', 1},
}

// parseRetention reads DANGOL_RETENTION: "0" or "off" (keep until erased
// on request), or numbers with units, "2y", "18m", "400d", "1y6m", "2년",
// "18개월", spaces allowed between; all of them zero is off too. ok is
// false for anything else, for a unit without a number or a number without
// a unit, and for more than maxRetentionYears in all.
func parseRetention(s string) (r ledger.Retention, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "0" || s == "off" {
		return ledger.Retention{}, true
	}
	rs := []rune(strings.ReplaceAll(s, " ", ""))
	if len(rs) == 0 {
		return ledger.Retention{}, false
	}
	const most = maxRetentionYears * 366 // days, the longest a part may say
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
			j++
		}
		k := j
		for k < len(rs) && unicode.IsLetter(rs[k]) {
			k++
		}
		n, err := strconv.Atoi(string(rs[i:j]))
		u, known := retentionUnits[string(rs[j:k])]
		if err != nil || !known || n > most {
			return ledger.Retention{}, false
		}
		switch u.part {
		case 'y':
			r.Years += n * u.mul
		case 'm':
			r.Months += n * u.mul
		default:
			r.Days += n * u.mul
		}
		i = k
	}
	if r.Years*366+r.Months*31+r.Days > most {
		return ledger.Retention{}, false
	}
	return r, true
}

// validContact says whether s can stand in an ad's header as the shop's
// contact: empty (no ads go out), a phone number (7 to 15 digits with
// only - + ( ) . and spaces between: 02-123-4567, 1588-1234), an e-mail
// address, or an address of two words or more with a letter in it (서울시
// 마포구 합정동 12-3); at most 100 characters on one line. It is light on
// purpose: what would read as garbage to a customer ("abc", "02-12") is
// refused at start, not printed in every ad.
func validContact(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	if len([]rune(s)) > 100 || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return false
	}
	digits, phone := 0, true
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case !strings.ContainsRune("-+(). ", r):
			phone = false
		}
	}
	if phone {
		return digits >= 7 && digits <= 15
	}
	if local, domain, ok := strings.Cut(s, "@"); ok && !strings.ContainsAny(s, " ") {
		return local != "" && strings.Contains(strings.Trim(domain, "."), ".")
	}
	return len(strings.Fields(s)) >= 2 && strings.IndexFunc(s, unicode.IsLetter) >= 0
}
