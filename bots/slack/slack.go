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

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// Handler is the dialog engine as the adapter sees it; *dialog.Engine
// satisfies it.
type Handler interface {
	Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)
}

// Config configures a Bot. BotToken, Handler and one of AppToken or
// SigningSecret are required; zero values of the rest take the documented
// defaults.
type Config struct {
	BotToken      string // DANGOL_SLACK_BOT_TOKEN (xoxb-)
	AppToken      string // DANGOL_SLACK_APP_TOKEN (xapp-): Socket Mode, the default
	SigningSecret string // DANGOL_SLACK_SIGNING_SECRET: HTTP mode when set
	APIURL        string // DANGOL_SLACK_API_URL; "": https://slack.com/api/ (the trailing slash matters and is added if missing)
	HTTPAddr      string // DANGOL_HTTP_ADDR in HTTP mode; "": ":8080"
	StaffChannel  string // DANGOL_SLACK_STAFF_CHANNEL: where ToStaffChannel replies go

	Handler Handler
	Catalog *locales.Catalog // nil: locales.Load()
	// Elsewhere delivers replies addressed to users of other platforms
	// (ToUser with Channel != "slack"); nil logs and drops them.
	Elsewhere func(ctx context.Context, r dialog.Reply) error
	Logger    *slog.Logger     // nil: slog.Default()
	Now       func() time.Time // nil: time.Now; checks request timestamps
	// Observer, when set, is told of failed sends (observe.go); nil: nobody.
	Observer Observer

	// HTTPClient carries every Web API call; nil: a client with a 30 s timeout.
	HTTPClient *http.Client
	// WorkTimeout bounds handling and delivering one incoming event; 0: 60 s.
	WorkTimeout time.Duration
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

	queue *queues
	seen  *seenSet
	users *userCache

	mu        sync.Mutex
	botUserID string            // learnt from auth.test in Run; empty until then
	dms       map[string]string // user id -> DM channel id
}

// Errors returned by New and Deliver.
var (
	// ErrConfig is returned (wrapped, with the reason) by New when the configuration cannot work.
	ErrConfig = errors.New("slack: invalid configuration")
	// ErrNoStaffChannel is returned by Deliver when a ToStaffChannel reply has no channel configured.
	ErrNoStaffChannel = errors.New("slack: no staff channel configured")
	// ErrNoConversation is returned by Deliver for a ToConversation reply, which only makes sense as an answer.
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
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 60 * time.Second
	}
	opts := []slack.Option{
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(cfg.HTTPClient),
		slack.OptionLog(slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug)),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	b := &Bot{
		cfg:   cfg,
		api:   slack.New(cfg.BotToken, opts...),
		log:   cfg.Logger.With("adapter", "slack"),
		cat:   cfg.Catalog,
		now:   cfg.Now,
		sleep: sleepCtx,

		submitWait: 2500 * time.Millisecond,
		seen:       newSeenSet(4096),
		dms:        map[string]string{},
	}
	b.users = newUserCache(b.now, time.Hour)
	b.queue = newQueues(b.work)
	return b, nil
}

// Run serves Slack until ctx is done: over Socket Mode when no signing
// secret is configured, else as an HTTP server on HTTPAddr. On the way out it
// stops taking events and waits for the ones in flight to be handled and
// answered.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.SigningSecret != "" {
		ln, err := net.Listen("tcp", b.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("slack: listen on %s: %w", b.cfg.HTTPAddr, err)
		}
		return b.serveHTTP(ctx, ln)
	}
	return b.runSocketMode(ctx)
}

// Close stops taking new events (HTTP requests get 503, so Slack retries
// them later) and waits until the ones in flight are handled and answered or
// ctx is done. Run calls it; call it yourself when you mount HTTPHandler on
// your own server.
func (b *Bot) Close(ctx context.Context) error {
	return b.queue.close(ctx)
}

// authTest checks the bot token and remembers the bot's own user id, so its
// own DMs are never taken for a staff member's.
func (b *Bot) authTest(ctx context.Context) error {
	var resp *slack.AuthTestResponse
	err := b.call(ctx, func() (err error) {
		resp, err = b.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("slack: auth.test: %w", err)
	}
	b.mu.Lock()
	b.botUserID = resp.UserID
	b.mu.Unlock()
	b.log.Info("slack: connected", "team", resp.Team, "bot_user", resp.UserID)
	return nil
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
