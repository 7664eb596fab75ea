package telegram

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/lru"
	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

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
	// Transport, when set, carries every Bot API request instead of the
	// pooled transport the Bot makes for itself (relay.Transport): dangol
	// bench serves its fake Bot API in process through one, with no TCP.
	// Bodies still go out in one piece (relay.Buffered) and answers are
	// still noted for Reached.
	Transport http.RoundTripper

	Handler relay.Handler
	Catalog *locales.Catalog
	// Router sends the replies, this adapter's own among them: New
	// registers the Bot there as the sender of Channel. nil: a router of
	// its own, which carries Telegram's replies only.
	Router *relay.Router
	// Workers bounds the chats handled at once, and sizes the pool of
	// connections to the Bot API; 0: relay.DefaultWorkers.
	Workers int
	// LastUpdateID returns the last update id the ledger committed (cursor
	// CursorName; LastCommitted reads it); nil = 0.
	LastUpdateID func(ctx context.Context) (int64, error)
	// KnownAs, when set, is told the bot's username (without @) when Run
	// has learnt it from getMe, before any update is taken: what deep
	// links (t.me/<username>?start=…) name. An error is logged; the bot
	// runs on.
	KnownAs func(ctx context.Context, username string) error
	Logger  *slog.Logger // nil: slog.Default()
	// Observer, when set, is told of failed sends; nil: nobody.
	Observer relay.Observer

	// Outgoing limits. Telegram allows about one message a second in a chat
	// (short bursts pass) and 30 a second in all; only messages sent to a
	// chat count (sendMessage, sendPhoto), never the answer to a button
	// press, the edit of a pressed message or a start-up call.
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
	// Now is the clock the outgoing limits and Reached read; nil:
	// time.Now.
	Now func() time.Time
	// After, when set, replaces time.After for the waits of the outgoing
	// limits, of the retries of a send (a 429's retry_after, a network
	// error's back-off) and of an update the engine failed: with Now, a
	// virtual clock a test drives, so a campaign's minutes at Telegram's
	// pace take no real time. nil: real timers. Reconnect has its own.
	After func(time.Duration) <-chan time.Time
}

// allowedUpdates are the update types dangol asks for; the rest (inline
// queries, payments, reactions, other members' changes) it has no use
// for. my_chat_member says a person blocked the bot or allowed it again.
var allowedUpdates = []string{
	models.AllowedUpdateMessage,
	models.AllowedUpdateEditedMessage,
	models.AllowedUpdateChannelPost,
	models.AllowedUpdateCallbackQuery,
	models.AllowedUpdateMyChatMember,
}

// Bot is dangol's Telegram adapter. It is safe for concurrent use.
type Bot struct {
	cfg    Config
	log    *slog.Logger
	api    *bot.Bot // sends; polling uses its own client
	lim    *limiter
	relay  *relay.Relay
	offs   *offsets
	retry  retry.Policy      // of one Bot API call; call adds the limiter
	menu   map[string]string // menu label (any language) -> command
	secret string

	started atomic.Bool
	me      atomic.Pointer[string] // the bot's @username, once Run has asked
	reached retry.Reach            // when Telegram last answered
	pool    sync.Once              // makes rt, shared by the sending and polling clients
	rt      http.RoundTripper
	rep     *retry.Reporter // logs an unreachable API once a minute at most

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
	setDefault(&cfg.Workers, relay.DefaultWorkers)

	b := &Bot{
		cfg:    cfg,
		log:    cfg.Logger,
		lim:    newLimiter(cfg.GlobalRate, cfg.ChatInterval, cfg.ChatBurst, cfg.Now, cfg.After),
		menu:   menuLabels(cfg.Catalog),
		secret: cfg.WebhookSecret,
		chats:  lru.New[int64, chatMemory](chatMemoryCap),
		limits: webhookLimits,
	}
	b.rep = &retry.Reporter{Logger: b.log, Name: "telegram", Now: cfg.Now}
	b.reached.Now = cfg.Now
	b.retry = b.callPolicy()
	b.retry.Backoff.After = cfg.After
	var err error
	b.relay, err = relay.New(relay.Config{
		Channel:        Channel,
		Handler:        cfg.Handler,
		Router:         cfg.Router,
		Logger:         b.log,
		Workers:        cfg.Workers,
		HandleAttempts: cfg.HandleAttempts,
		HandleBackoff:  retry.Backoff{Base: cfg.RetryBase, Jitter: noJitter, After: cfg.After},
	})
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	b.relay.Router().Register(Channel, b)
	b.offs = newOffsets()
	if b.secret == "" {
		// Telegram allows A-Z, a-z, 0-9, _ and - in the secret; rand.Text is base32.
		b.secret = rand.Text() + rand.Text()
	}
	b.api, err = bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		// Straight to the transport, a call bounded to 30 s by a context
		// deadline: http.Client's Timeout costs a goroutine a call, and its
		// redirect and cookie bookkeeping a header map (relay.Direct). The
		// messages sent come back without the Message (dropResults).
		bot.WithHTTPClient(cfg.PollTimeout, relay.Direct{Transport: dropResults{relay.Deadline(b.transport(), 30*time.Second)}}),
		bot.WithErrorsHandler(func(err error) { b.log.Warn("telegram: client", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: new client: %w", err)
	}
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
		// A shutdown during the write is not a fault: the next start keeps
		// the name again.
		if err := b.cfg.KnownAs(runCtx, me.Username); err != nil && runCtx.Err() == nil {
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

// drain stops intake and lets in-flight updates finish and be answered,
// cancelling their work after DrainTimeout.
func (b *Bot) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.DrainTimeout)
	defer cancel()
	if err := b.relay.Close(ctx); err != nil {
		b.log.Warn("telegram: in-flight updates were cancelled at the drain timeout", "timeout", b.cfg.DrainTimeout, "err", err)
	}
}

// Queued returns how many updates are waiting for the engine or being
// handled, in all chats: the adapter's queue depth. It is safe to call at
// any time, before Run and after it.
func (b *Bot) Queued() int { return b.relay.Queued() }

// username returns the bot's @username without the @, "" before Run.
func (b *Bot) username() string {
	if p := b.me.Load(); p != nil {
		return *p
	}
	return ""
}

// menuEntries are the customers' commands in Telegram's menu, each with
// the catalog id of its description (a literal, so a missing one is
// found).
var menuEntries = []struct{ name, id string }{
	{"start", "telegram.cmd.start"},
	{"points", "telegram.cmd.points"},
	{"stamp", "telegram.cmd.stamp"},
	{"coupon", "telegram.cmd.coupon"},
	{"feedback", "telegram.cmd.feedback"},
	{"lang", "telegram.cmd.lang"},
	{"mydata", "telegram.cmd.mydata"},
	{"birthday", "telegram.cmd.birthday"},
	{"marketing", "telegram.cmd.marketing"},
	{"help", "telegram.cmd.help"},
	{"cancel", "telegram.cmd.cancel"},
	{"forget", "telegram.cmd.forget"},
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
		for _, c := range menuEntries {
			cmds = append(cmds, models.BotCommand{Command: c.name, Description: b.cfg.Catalog.Text(l, c.id, nil)})
		}
		err := b.call(ctx, 0, "setMyCommands", func(ctx context.Context) error {
			_, err := b.api.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: lang})
			return err
		})
		if err != nil && ctx.Err() == nil { // a stop meanwhile is no fault
			b.log.Warn("telegram: commands not registered", "lang", l, "err", err)
		}
	}
}

// take hands one update to the relay, in its chat's turn, and returns a
// channel closed once it no longer needs the engine (committed, or nothing
// to commit): what the poller's gate and the webhook's answer wait for. It
// logs with the update and chat ids inline rather than through a derived
// logger: most updates log nothing, and slog's With formats its attributes
// up front.
func (b *Bot) take(ctx context.Context, u *models.Update) (<-chan struct{}, error) {
	in := b.translate(u)
	key := strconv.FormatInt(chatOf(u), 10)
	if in.callback != nil {
		// The spinner stops at once, not in the chat's turn: a press is
		// never kept waiting behind the chat's earlier updates. Its own key
		// runs it beside them, and the drain still waits for it.
		cb := in
		if err := b.relay.Go(ctx, "answer:"+in.callback.ID, func(ctx context.Context) { b.answerPress(ctx, cb) }); err != nil {
			return nil, err
		}
	}
	b.offs.take(u.ID)
	if in.kind != inEngine {
		done := make(chan struct{})
		var once sync.Once
		handled := func() { once.Do(func() { b.offs.done(u.ID); close(done) }) }
		err := b.relay.Go(ctx, key, func(ctx context.Context) {
			defer handled()
			b.answerAlone(ctx, u, in, handled)
		})
		if err != nil {
			handled()
			return nil, err
		}
		return done, nil
	}
	ev := relay.Event{
		Message: in.msg,
		Origin:  &in,
		Key:     key,
		Before: func(ctx context.Context, m *dialog.Message) {
			m.CursorValue = b.offs.lowWater(u.ID)
			b.fetchMedia(ctx, m, in.file) // a photo's bytes, in the chat's turn (media.go)
		},
		Handled: func() { b.offs.done(u.ID) },
		After: func(ctx context.Context, _ dialog.Message, replies []dialog.Reply, _ error) []dialog.Reply {
			if in.callback != nil && len(replies) > 0 && !inPlace(replies) {
				// No replies means the engine had this press already (a
				// re-delivery): the message was edited then. A reply
				// shown in its place (Send) replaces it whole.
				b.showChoice(ctx, in, !b.stale(replies))
			}
			return replies
		},
	}
	t, err := b.relay.Submit(ctx, ev)
	if err != nil || t.Duplicate {
		// Not handled here: a duplicate's first copy is, and marks its own.
		b.offs.done(u.ID)
	}
	if err != nil {
		return nil, err
	}
	return t.Handled, nil
}

// answerAlone answers an update the engine has no part in: what only
// Telegram understands (edits, groups, someone else's contact). It
// calls handled before sending, as the relay does for the engine's updates.
func (b *Bot) answerAlone(ctx context.Context, u *models.Update, in inbound, handled func()) {
	handled()
	switch in.kind {
	case inIgnore:
		b.log.Info("telegram: update ignored", "update_id", u.ID, "why", in.why)
	case inReply:
		b.sendText(ctx, in.chatID, in.lang, in.replyID, nil)
	case inGroupNotice:
		first := false
		b.remember(in.chatID, func(m *chatMemory) { first, m.told = !m.told, true })
		if first {
			b.sendText(ctx, in.chatID, in.lang, "telegram.group.private_only", map[string]any{"Link": "https://t.me/" + b.username()})
		} else {
			b.log.Debug("telegram: group message ignored", "update_id", u.ID)
		}
	}
}

// answerPress stops the button's spinner. Telegram shows it until the
// press is answered, so every press is, whatever becomes of it; a failure is
// logged and the press still goes on. It does not count against the
// outgoing limits: Telegram limits messages, not answers.
func (b *Bot) answerPress(ctx context.Context, in inbound) {
	err := b.call(ctx, 0, "answerCallbackQuery", func(ctx context.Context) error {
		_, err := b.api.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: in.callback.ID})
		return err
	})
	if err != nil {
		b.log.Warn("telegram: button press not answered", "err", err)
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
	if !chosen || m.Text == "" || label == "" || units(m.Text+suffix) > maxText {
		b.dropKeyboard(ctx, m)
		return
	}
	err := b.call(ctx, 0, "editMessageText", func(ctx context.Context) error {
		_, err := b.api.EditMessageText(withoutResult(ctx), &bot.EditMessageTextParams{
			ChatID:             chatParam(m.Chat.ID),
			MessageID:          m.ID,
			Text:               m.Text + suffix,
			Entities:           m.Entities,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
		})
		return err
	})
	if err != nil {
		b.log.Info("telegram: pressed message not edited", "err", err)
	}
}

// dropKeyboard takes the inline keyboard off m, a pressed message, so it
// cannot be pressed twice. It is cosmetic: a failure is logged.
func (b *Bot) dropKeyboard(ctx context.Context, m *models.Message) {
	if m == nil || m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) == 0 {
		return
	}
	err := b.call(ctx, 0, "editMessageReplyMarkup", func(ctx context.Context) error {
		_, err := b.api.EditMessageReplyMarkup(withoutResult(ctx), &bot.EditMessageReplyMarkupParams{
			ChatID:    chatParam(m.Chat.ID),
			MessageID: m.ID,
		}) // no markup: the keyboard goes
		return err
	})
	if err != nil {
		b.log.Info("telegram: pressed message not edited", "err", err)
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
