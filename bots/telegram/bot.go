package telegram

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/lru"
	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// Handler is what the adapter needs of the dialog engine (*dialog.Engine
// satisfies it). When err is not nil the replies still hold an apology for
// the sender; the adapter sends them and logs err.
type Handler interface {
	Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)
}

// Config configures a Bot. Zero values take the documented defaults.
type Config struct {
	Token         string
	APIURL        string // DANGOL_TELEGRAM_API_URL; "" = https://api.telegram.org
	WebhookURL    string // DANGOL_TELEGRAM_WEBHOOK_URL; set = webhook mode
	WebhookSecret string // secret token registered with setWebhook; "" = random
	HTTPAddr      string // DANGOL_HTTP_ADDR for webhook mode, e.g. ":8080"; "" = serve WebhookHandler yourself
	// Listener, when set, serves the webhook instead of listening on HTTPAddr
	// (tests bind 127.0.0.1:0).
	Listener net.Listener

	Handler Handler
	Catalog *locales.Catalog
	// Elsewhere delivers replies not addressed to the sender's chat
	// (dialog.ToStaffChannel, or dialog.ToUser on another platform); nil =
	// log them.
	Elsewhere func(ctx context.Context, r dialog.Reply) error
	// LastUpdateID returns the last update id the ledger committed (cursor
	// CursorName); nil = 0.
	LastUpdateID func(ctx context.Context) (int64, error)
	// KnownAs, when set, is told the bot's username (without @) when Run
	// has learnt it from getMe, before any update is taken: what deep
	// links (t.me/<username>?start=…) name. An error is logged; the bot
	// runs on.
	KnownAs func(ctx context.Context, username string) error
	Logger  *slog.Logger // nil: slog.Default()
	// Observer, when set, is told of failed sends (observe.go); nil: nobody.
	Observer Observer

	// Outgoing limits. Telegram allows about one message a second in a chat
	// (short bursts pass) and 30 a second in all.
	ChatInterval time.Duration // per chat, one message per interval; 0: 1s
	ChatBurst    int           // per chat burst; 0: 3
	GlobalRate   int           // messages a second for the whole bot; 0: 30

	// Retries. A 429 waits retry_after × RetryAfterUnit; a network error
	// waits RetryBase, doubling each time; after MaxAttempts tries the reply
	// is logged with its chat id and given up.
	RetryAfterUnit time.Duration // 0: 1s (Telegram's unit)
	RetryBase      time.Duration // 0: 500ms
	MaxAttempts    int           // 0: 5
	// HandleAttempts is how often an update is handed to the engine while
	// it fails (a ledger that cannot commit), RetryBase apart and doubling,
	// before the update is given up with an error in the log: Telegram
	// would otherwise forget it on the next poll. 0: 3.
	HandleAttempts int

	// Reconnect is the back-off while Telegram cannot be reached at all
	// (no network, DNS failure, timeouts, 5xx): Run keeps trying its
	// start-up calls and getUpdates with it, logging once a minute at most,
	// instead of failing. Zero: 1 s doubling to 1 min, with jitter.
	Reconnect retry.Backoff
	// KeepAlive is how long Telegram may go without answering anything
	// before Run asks getMe, so Reached stays fresh and a revoked token is
	// noticed while serving; 0: 1 min.
	KeepAlive time.Duration

	PollTimeout  time.Duration // long-polling timeout; 0: 50s
	DrainTimeout time.Duration // how long Run waits for in-flight work after ctx is done; 0: 15s
	Now          func() time.Time
}

// allowedUpdates are the update types dangol asks for; the rest (inline
// queries, payments, reactions, member changes) it has no use for.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateChannelPost,
	models.AllowedUpdateCallbackQuery,
}

// Bot is dangol's Telegram adapter. It is safe for concurrent use.
type Bot struct {
	cfg    Config
	log    *slog.Logger
	api    *bot.Bot // sends; polling uses its own client
	lim    *limiter
	d      *dispatcher
	menu   map[string]string // menu label (any language) -> command
	secret string

	workCtx    context.Context
	cancelWork context.CancelFunc
	started    atomic.Bool
	me         atomic.Pointer[string] // the bot's @username, once Run has asked
	reached    retry.Reach            // when Telegram last answered
	rep        *retry.Reporter        // logs an unreachable API once a minute at most

	mu    sync.Mutex
	chats *lru.Cache[int64, chatMemory] // the chats seen most recently, chatMemoryCap at most
	// limits bound the webhook server (webhookLimits); tests shorten them.
	limits webhook.Limits
}

// chatMemoryCap bounds how many chats the adapter remembers: a bot met by
// ever more chats (or a flood of them) keeps a flat memory.
const chatMemoryCap = 10_000

// chatMemory is what the adapter remembers of a chat between updates.
// Forgetting it costs a repeat, never a wrong answer: a group is told again
// that the bot works in private only, the main menu is sent again, the
// adapter's own text takes the sender's language_code.
type chatMemory struct {
	told bool   // a group chat told the bot works in private only
	lang string // the language replies were last written in
	menu bool   // the main menu was sent since start
}

// New returns a Bot. It makes no request: Run checks the token.
func New(cfg Config) (*Bot, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: no token")
	}
	if cfg.Handler == nil {
		return nil, errors.New("telegram: no handler")
	}
	if cfg.Catalog == nil {
		return nil, errors.New("telegram: no catalog")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	setDefault(&cfg.ChatInterval, time.Second)
	setDefault(&cfg.ChatBurst, 3)
	setDefault(&cfg.GlobalRate, 30)
	setDefault(&cfg.RetryAfterUnit, time.Second)
	setDefault(&cfg.RetryBase, 500*time.Millisecond)
	setDefault(&cfg.MaxAttempts, 5)
	setDefault(&cfg.HandleAttempts, 3)
	setDefault(&cfg.PollTimeout, 50*time.Second)
	setDefault(&cfg.DrainTimeout, 15*time.Second)
	setDefault(&cfg.KeepAlive, time.Minute)

	b := &Bot{
		cfg:    cfg,
		log:    cfg.Logger,
		lim:    newLimiter(float64(cfg.GlobalRate), cfg.GlobalRate, cfg.ChatInterval, cfg.ChatBurst, cfg.Now),
		menu:   menuLabels(cfg.Catalog),
		secret: cfg.WebhookSecret,
		chats:  lru.New[int64, chatMemory](chatMemoryCap),
		limits: webhookLimits,
	}
	b.rep = &retry.Reporter{Logger: b.log, Name: "telegram", Now: cfg.Now}
	b.reached.Now = cfg.Now
	if b.secret == "" {
		// Telegram allows A-Z, a-z, 0-9, _ and - in the secret; rand.Text is base32.
		b.secret = rand.Text() + rand.Text()
	}
	var err error
	b.api, err = bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(cfg.PollTimeout, &http.Client{Timeout: 30 * time.Second, Transport: b.transport()}),
		bot.WithErrorsHandler(func(err error) { b.log.Warn("telegram: client", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: new client: %w", err)
	}
	b.workCtx, b.cancelWork = context.WithCancel(context.Background())
	b.d = newDispatcher(b.workCtx, b.log, b.process)
	return b, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Run checks the token, registers the bot's commands in Korean and English,
// then polls for updates, or, with Config.WebhookURL, registers the webhook
// and serves it, until ctx is done. It then stops taking updates, waits up
// to Config.DrainTimeout for the ones in flight and returns. A Bot runs once.
//
// While Telegram cannot be reached, at start or later, Run keeps trying
// (Config.Reconnect) and does not return. It returns an error wrapping
// ErrTokenRejected as soon as Telegram refuses the token, and other errors
// only for what no retry mends (a webhook URL Telegram refuses, a listener
// that cannot bind).
func (b *Bot) Run(ctx context.Context) error {
	if !b.started.CompareAndSwap(false, true) {
		return errors.New("telegram: Run called twice")
	}
	defer b.drain()
	// fail ends the run early with a rejected token as its cause.
	runCtx, fail := context.WithCancelCause(ctx)
	var watching sync.WaitGroup
	defer watching.Wait()
	defer fail(nil)
	me, err := b.getMe(runCtx)
	if err != nil {
		return ended(ctx, runCtx, err)
	}
	b.me.Store(&me.Username)
	if b.cfg.KnownAs != nil && me.Username != "" {
		if err := b.cfg.KnownAs(runCtx, me.Username); err != nil {
			b.log.Warn("telegram: bot username not kept", "bot", "@"+me.Username, "err", err)
		}
	}
	watching.Go(func() { b.keepAlive(runCtx, fail) })
	b.setCommands(runCtx)
	if b.cfg.WebhookURL != "" {
		return ended(ctx, runCtx, b.runWebhook(runCtx))
	}
	return ended(ctx, runCtx, b.runPolling(runCtx, fail))
}

// ended is what Run returns: the rejected token that cut runCtx short, else
// err, which stopped drops once ctx is done.
func ended(ctx, runCtx context.Context, err error) error {
	if cause := context.Cause(runCtx); ctx.Err() == nil && errors.Is(cause, ErrTokenRejected) {
		return cause
	}
	return stopped(ctx, err)
}

// stopped drops err when ctx is done: stopping while starting up is what
// the caller asked for, not a failure.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// drain stops intake and lets in-flight updates finish, cancelling their
// work after DrainTimeout.
func (b *Bot) drain() {
	b.d.close()
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.DrainTimeout)
	defer cancel()
	if err := b.d.wait(ctx); err != nil {
		b.log.Warn("telegram: in-flight updates still running after the drain timeout; cancelling them", "timeout", b.cfg.DrainTimeout)
		b.cancelWork()
		_ = b.d.wait(context.Background())
	}
	b.cancelWork()
}

// username returns the bot's @username without the @, "" before Run.
func (b *Bot) username() string {
	if p := b.me.Load(); p != nil {
		return *p
	}
	return ""
}

// setCommands registers the command list shown in Telegram's menu, in
// Korean for Korean clients and in English for everyone else. A failure is
// logged: the bot works without it.
func (b *Bot) setCommands(ctx context.Context) {
	for _, lang := range []string{"ko", ""} {
		l := lang
		if l == "" {
			l = "en"
		}
		var cmds []models.BotCommand
		for _, c := range []string{"start", "points", "feedback", "lang", "mydata", "birthday", "help", "cancel", "forget"} {
			cmds = append(cmds, models.BotCommand{Command: c, Description: b.cfg.Catalog.Text(l, "telegram.cmd."+c, nil)})
		}
		err := b.call(ctx, 0, "setMyCommands", func(ctx context.Context) error {
			_, err := b.api.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: lang})
			return err
		})
		if err != nil {
			b.log.Warn("telegram: commands not registered", "lang", l, "err", err)
		}
	}
}

// process handles one update in its chat's turn. It logs with the update
// and chat ids inline rather than through a derived logger: most updates
// log nothing, and slog's With formats its attributes up front.
func (b *Bot) process(ctx context.Context, j *job) {
	in := b.translate(j.upd)
	if in.callback != nil {
		b.answerPress(ctx, in)
	}
	switch in.kind {
	case inIgnore:
		b.d.markHandled(j)
		b.log.Info("telegram: update ignored", "update_id", j.upd.ID, "chat_id", in.chatID, "why", in.why)
	case inReply:
		b.d.markHandled(j)
		b.sendText(ctx, in.chatID, in.lang, in.replyID, nil)
	case inGroupNotice:
		b.d.markHandled(j)
		first := false
		b.remember(in.chatID, func(m *chatMemory) { first, m.told = !m.told, true })
		if first {
			b.sendText(ctx, in.chatID, in.lang, "telegram.group.private_only", map[string]any{"Link": "https://t.me/" + b.username()})
		} else {
			b.log.Debug("telegram: group message ignored", "update_id", j.upd.ID, "chat_id", in.chatID)
		}
	case inEngine:
		in.msg.CursorValue = b.d.lowWater(j.upd.ID)
		replies, err := b.handle(ctx, j.upd.ID, in)
		b.d.markHandled(j)
		if err != nil {
			b.log.Error("telegram: handler failed; update given up, sending its replies",
				"update_id", j.upd.ID, "chat_id", in.chatID, "err", err, "replies", len(replies))
		}
		if in.callback != nil && len(replies) > 0 {
			// No replies means the engine had this press already (a
			// re-delivery): the message was edited then.
			b.showChoice(ctx, in, !b.stale(replies))
		}
		b.route(ctx, in.chatID, replies, in.lang)
	}
}

// handle hands in.msg to the engine, again while it fails: a failed update is
// one nothing was committed for, and once it is marked handled Telegram
// forgets it. A re-run after a late failure (the effect committed, the
// event id with it) returns no replies, so the replies kept are those of
// the last attempt that had any: the apology if nothing better came.
func (b *Bot) handle(ctx context.Context, updateID int64, in inbound) ([]dialog.Reply, error) {
	var replies []dialog.Reply
	for attempt := 1; ; attempt++ {
		rs, err := b.cfg.Handler.Handle(ctx, in.msg)
		if err == nil || len(rs) > 0 {
			replies = rs
		}
		if err == nil || attempt >= b.cfg.HandleAttempts || ctx.Err() != nil {
			return replies, err
		}
		b.log.Warn("telegram: handler failed; trying again", "update_id", updateID, "chat_id", in.chatID, "attempt", attempt, "err", err)
		if sleep(ctx, b.cfg.RetryBase<<min(attempt-1, 10)) != nil {
			return replies, err
		}
	}
}

// answerPress stops the button's spinner. Telegram shows it until the
// press is answered, so every press is, whatever becomes of it; a failure is
// logged and the press still goes on.
func (b *Bot) answerPress(ctx context.Context, in inbound) {
	err := b.call(ctx, 0, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := b.api.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: in.callback.ID})
		return err
	})
	if err != nil {
		b.log.Warn("telegram: button press not answered", "chat_id", in.chatID, "err", err)
	}
}

// stale reports whether the engine answered a press only with the
// stale-button explanation.
func (b *Bot) stale(replies []dialog.Reply) bool {
	return len(replies) == 1 && replies[0].Stale
}

// showChoice edits the pressed message, where Telegram still lets us, so it
// cannot be pressed twice: the keyboard goes and, for a press the engine
// took (chosen), the choice is shown in its place. It is cosmetic: a
// failure is logged.
func (b *Bot) showChoice(ctx context.Context, in inbound, chosen bool) {
	cq := in.callback
	m := cq.Message.Message
	if m == nil || m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) == 0 {
		return
	}
	label := in.msg.Action.Label // pressedLabel(cq), found in translateCallback
	suffix := "\n" + b.cfg.Catalog.Text(b.chromeLang(in), "telegram.chosen", map[string]any{"Label": label})
	var err error
	if chosen && m.Text != "" && label != "" && units(m.Text+suffix) <= maxText {
		err = b.call(ctx, 0, "editMessageText", func(ctx context.Context) error {
			_, err := b.api.EditMessageText(ctx, &bot.EditMessageTextParams{
				ChatID:             m.Chat.ID,
				MessageID:          m.ID,
				Text:               m.Text + suffix,
				Entities:           m.Entities,
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
			})
			return err
		})
	} else {
		err = b.call(ctx, 0, "editMessageReplyMarkup", func(ctx context.Context) error {
			_, err := b.api.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{
				ChatID:    m.Chat.ID,
				MessageID: m.ID,
			}) // no markup: the keyboard goes
			return err
		})
	}
	if err != nil {
		b.log.Info("telegram: pressed message not edited", "chat_id", in.chatID, "err", err)
	}
}

// chromeLang is the language for the adapter's own text in a chat.
func (b *Bot) chromeLang(in inbound) string {
	if l := b.knownLang(in.chatID); l != "" {
		return l
	}
	return locales.Normalize(in.lang)
}

// remember changes what the adapter remembers of chat, making it the chat
// seen most recently.
func (b *Bot) remember(chat int64, change func(*chatMemory)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, _ := b.chats.Get(chat)
	change(&m)
	b.chats.Put(chat, m)
}

// memory returns what the adapter remembers of chat; the zero chatMemory
// for a chat not seen or forgotten.
func (b *Bot) memory(chat int64) chatMemory {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, _ := b.chats.Get(chat)
	return m
}

func (b *Bot) rememberLang(chat int64, lang string) {
	b.remember(chat, func(m *chatMemory) { m.lang = lang })
}

func (b *Bot) knownLang(chat int64) string { return b.memory(chat).lang }

func (b *Bot) menuShown(chat int64) bool { return b.memory(chat).menu }

func (b *Bot) setMenuShown(chat int64) {
	b.remember(chat, func(m *chatMemory) { m.menu = true })
}
