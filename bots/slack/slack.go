package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/lru"
	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/locales"
)

// Channel is the name of Slack's channel: Message.Channel of every message
// the adapter makes, and the Router's key for its replies.
const Channel = "slack"

// Config configures a Bot. BotToken, Handler and one of AppToken or
// SigningSecret are required; zero values of the rest take the documented
// defaults.
type Config struct {
	BotToken      string // DANGOL_SLACK_BOT_TOKEN (xoxb-)
	AppToken      string // DANGOL_SLACK_APP_TOKEN (xapp-): Socket Mode, the default
	SigningSecret string // DANGOL_SLACK_SIGNING_SECRET: HTTP mode when set
	APIURL        string // DANGOL_SLACK_API_URL; "": https://slack.com/api/ (the trailing slash matters and is added if missing)
	HTTPAddr      string // DANGOL_HTTP_ADDR in HTTP mode; "": ":8080"
	// StaffChannel is where ToStaffChannel replies go
	// (DANGOL_SLACK_STAFF_CHANNEL); set, New makes Slack the Router's
	// staff channel.
	StaffChannel string

	Handler relay.Handler
	Catalog *locales.Catalog // nil: locales.Load()
	// Router sends the replies, this adapter's own among them: New
	// registers the Bot there as the sender of Channel. nil: a router of
	// its own, which carries Slack's replies only.
	Router *relay.Router
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now; checks request timestamps
	// Observer, when set, is told of failed sends; nil: nobody.
	Observer relay.Observer
	// Workers bounds the conversations handled at once, and sizes the pool
	// of connections to the Web API; 0: relay.DefaultWorkers.
	Workers int

	// HTTPClient carries every Web API call; nil: a client with a 30 s
	// timeout on a connection pool sized for Workers.
	HTTPClient *http.Client
	// WorkTimeout bounds handling and delivering one incoming event; 0: 60 s.
	WorkTimeout time.Duration

	// Reconnect is the back-off while Slack cannot be reached at all (no
	// network, DNS failure, timeouts, 5xx): Run keeps checking the token
	// with it, logging once a minute at most, instead of failing. Zero: 1 s
	// doubling to 1 min, with jitter.
	Reconnect retry.Backoff
	// KeepAlive is how long Slack may go without answering anything before
	// Run asks auth.test again, so Reached stays fresh and a revoked token
	// is noticed while serving; 0: 1 min.
	KeepAlive time.Duration

	// Threads keeps where each thread's head is in the staff channel
	// (thread.go), across restarts: the ledger. nil: no threads, every
	// staff channel post is a message of its own (a head's new versions
	// are dropped) and messages written in threads are not heard.
	Threads ThreadRefs
}

// Bot is the Slack adapter: it turns slash commands, DMs, button clicks and
// modal submissions into dialog.Messages and renders the Replies as Block
// Kit. It is safe for concurrent use.
type Bot struct {
	cfg   Config
	api   *slack.Client
	log   *slog.Logger
	cat   *locales.Catalog
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error // waits out a 429; tests replace it
	// submitWait is how long a modal submission waits for the engine: Slack
	// wants the answer that shows inline errors within 3 s.
	submitWait time.Duration
	// limits bound HTTP mode's server (httpLimits); tests shorten them.
	limits webhook.Limits

	relay *relay.Relay
	users *userCache

	// heads serialises the first post of threads, so two posts of one
	// new thread cannot both become its head.
	heads sync.Mutex

	mu        sync.Mutex
	botUserID string                     // learnt from auth.test in Run; empty until then
	dms       *lru.Cache[string, string] // user id -> DM channel id, the dmCap users met most recently

	reached retry.Reach     // when Slack last answered
	rep     *retry.Reporter // logs an unreachable API once a minute at most
}

// dmCap bounds the DM channels remembered: a shop has dozens of staff, and
// a channel forgotten is asked for again with conversations.open.
const dmCap = 1000

// Errors returned by New and Send.
var (
	// ErrConfig is returned (wrapped, with the reason) by New when the configuration cannot work.
	ErrConfig = errors.New("slack: invalid configuration")
	// ErrNoStaffChannel is returned by Send when a staff channel reply has no channel configured.
	ErrNoStaffChannel = errors.New("slack: no staff channel configured")
	// ErrNoConversation is returned by Send for an address that names no
	// conversation, user or staff channel.
	ErrNoConversation = errors.New("slack: reply has no conversation to go to")
)

// New returns a Bot. It makes no network call; Run checks the token.
func New(cfg Config) (*Bot, error) {
	switch {
	case cfg.BotToken == "":
		return nil, fmt.Errorf("%w: bot token (DANGOL_SLACK_BOT_TOKEN) is required", ErrConfig)
	case cfg.AppToken == "" && cfg.SigningSecret == "":
		return nil, fmt.Errorf("%w: an app token (Socket Mode) or a signing secret (HTTP mode) is required", ErrConfig)
	case cfg.Handler == nil:
		return nil, fmt.Errorf("%w: no handler", ErrConfig)
	}
	if cfg.Catalog == nil {
		c, err := locales.Load()
		if err != nil {
			return nil, fmt.Errorf("slack: load catalog: %w", err)
		}
		cfg.Catalog = c
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slack.APIURL
	}
	if cfg.APIURL[len(cfg.APIURL)-1] != '/' {
		// slack-go appends method names to the URL as is.
		cfg.APIURL += "/"
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = ":8080"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = relay.DefaultWorkers
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: relay.Transport(cfg.Workers)}
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 60 * time.Second
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = time.Minute
	}
	b := &Bot{
		cfg:   cfg,
		log:   cfg.Logger.With("adapter", "slack"),
		cat:   cfg.Catalog,
		now:   cfg.Now,
		sleep: (retry.Backoff{}).Sleep,

		submitWait: 2500 * time.Millisecond,
		limits:     httpLimits,
		dms:        lru.New[string, string](dmCap),
	}
	var err error
	b.relay, err = relay.New(relay.Config{
		Channel: Channel,
		Handler: cfg.Handler,
		Timeout: cfg.WorkTimeout,
		Router:  cfg.Router,
		Workers: cfg.Workers,
		Logger:  b.log,
		// Slack acknowledges an event before the engine fails for good;
		// what it does not resend is tried here, quickly.
		HandleBackoff: retry.Backoff{Base: 100 * time.Millisecond, Jitter: func() float64 { return 0 }},
	})
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	b.relay.Router().Register(Channel, b)
	if cfg.StaffChannel != "" {
		b.relay.Router().SetStaff(Channel)
	}
	b.rep = &retry.Reporter{Logger: b.log, Name: "slack", Now: b.now}
	b.reached.Now = b.now
	opts := []slack.Option{
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(b.noting(cfg.HTTPClient)),
		slack.OptionLog(slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug)),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	b.api = slack.New(cfg.BotToken, opts...)
	b.users = newUserCache(b.now, time.Hour)
	return b, nil
}

// Run serves Slack until ctx is done: over Socket Mode when no signing
// secret is configured, else as an HTTP server on HTTPAddr. On the way out it
// stops taking events and waits for the ones in flight to be handled and
// answered.
//
// Socket Mode starts once auth.test accepts the bot token; HTTP mode serves
// at once and checks the token beside (Watch). While Slack cannot be
// reached Run keeps trying (Config.Reconnect) and does not return. It
// returns an error wrapping ErrBotTokenRejected or ErrAppTokenRejected as
// soon as Slack refuses a token, and other errors only for what no retry
// mends (an address that cannot be bound).
func (b *Bot) Run(ctx context.Context) error {
	// fail ends the run early with a rejected token as its cause.
	runCtx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	var watching sync.WaitGroup
	watch := func(w func(context.Context) error) {
		watching.Go(func() {
			if err := w(runCtx); err != nil {
				fail(err)
			}
		})
	}
	var err error
	if b.cfg.SigningSecret != "" {
		ln, lerr := net.Listen("tcp", b.cfg.HTTPAddr)
		if lerr != nil {
			return fmt.Errorf("slack: listen on %s: %w", b.cfg.HTTPAddr, lerr)
		}
		watch(b.Watch)
		err = b.serveHTTP(runCtx, ln)
	} else {
		if err := b.checkToken(runCtx); err != nil {
			return stopping(ctx, err)
		}
		watch(b.keepAlive)
		err = b.runSocketMode(runCtx)
	}
	fail(nil)
	watching.Wait()
	if cause := context.Cause(runCtx); ctx.Err() == nil && errors.Is(cause, ErrBotTokenRejected) {
		return cause
	}
	return err
}

// Close stops taking new events (HTTP requests get 503, so Slack retries
// them later) and waits until the ones in flight are handled and answered or
// ctx is done. Run calls it; call it yourself when you mount HTTPHandler on
// your own server.
func (b *Bot) Close(ctx context.Context) error {
	return b.relay.Close(ctx)
}

// Queued returns how many events are waiting for the engine or being
// handled, in all conversations: the adapter's queue depth. It is safe to
// call at any time.
func (b *Bot) Queued() int { return b.relay.Queued() }

// authTest asks Slack who the bot token belongs to, once (429s waited out).
func (b *Bot) authTest(ctx context.Context) (*slack.AuthTestResponse, error) {
	var resp *slack.AuthTestResponse
	err := b.call(ctx, func() (err error) {
		resp, err = b.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("slack: auth.test: %w", err)
	}
	return resp, nil
}

func (b *Bot) isSelf(userID string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return userID != "" && userID == b.botUserID
}

// text is the catalog lookup for the adapter's own chrome.
func (b *Bot) text(lang, id string) string {
	return b.cat.Text(lang, id, nil)
}
