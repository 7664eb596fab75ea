// Package telegram is dangol's Telegram adapter, the customers' channel: it
// turns Telegram updates into dialog.Messages for the engine and the
// engine's dialog.Replies into Telegram messages, on go-telegram/bot. It
// holds no business logic: the engine decides what to say, the adapter
// only how Telegram shows it; ordering, de-duplication and routing are
// bots/relay's, which the adapter keeps as a relay.Adapter.
//
// # Basics
//
// New builds a Bot from a Config; Run checks the token, registers the
// command list in Korean and English, then long-polls getUpdates (the
// default) or, with Config.WebhookURL, registers a webhook with a secret
// token and serves it, until its context ends. Send (relay.Sender) sends
// what the Router hands it: an answer to a chat, a message to a customer
// raised elsewhere (a staff member's action); the Bot registers itself
// with Config.Router as the sender of Channel. WebhookHandler lets another
// server carry the webhook.
//
// Each update becomes one Message: Channel "telegram" (Channel), UserID the sender,
// ConversationID the chat, EventID "telegram:<update_id>", Lang the
// sender's language_code, and the ledger cursor CursorName, which the
// engine advances in the same transaction as the effect. Text and commands
// go as Text (the main-menu buttons are mapped back to /points, /feedback
// and /lang, and "/cmd@botname" loses its suffix), a pressed inline button
// as an Action with its label, a contact the sender shared of themselves as
// Phone.
//
// Replies are sent as plain text, with no parse mode: a customer's name or
// comment can never break or inject formatting, and nothing needs escaping.
// Section titles are made bold with message entities; section lines get a
// bullet. Text over Telegram's 4096-unit limit is split between lines.
// Buttons become an inline keyboard laid out by label width (stars three
// and two, NPS scores six a row, long labels alone). A press is answered at
// once (answerCallbackQuery) and, when the engine took it, its message is
// edited to show the choice ("→ ★★★★") without the keyboard, so it cannot
// be pressed twice; or, when the engine's answer is the next step of the
// same exchange (Reply.InPlace: the feedback survey's next question), the
// pressed message is edited into that answer, its keyboard with it, and no
// new message is sent. An answer that cannot go there (a photo, the main
// menu's reply keyboard, a message Telegram refuses to edit) is sent as a
// new message; one sent again from the outbox after a restart, when the
// pressed message is no longer known, too. Telegram's "message is not
// modified" to such an edit means an earlier try went through, and counts
// as sent, so a question is never shown twice. The main menu is a persistent reply keyboard in the
// reply's language (points, feedback, language, and a share-contact button
// for linking by phone); it goes with a reply that asks for it
// (Reply.Menu) and with a chat's first plain answer. An image goes with
// sendPhoto.
//
// Updates of one chat are handled in order, different chats in parallel,
// at most Config.Workers at once (the relay); the HTTP client keeps as many
// idle connections to the Bot API and sends each body in one piece.
// Messages sent to a chat keep to about one a second per chat, with short
// bursts, and 30 a second in all (limiter; Config.ChatInterval, ChatBurst
// and GlobalRate): each message takes the earliest slot its chat's bucket
// allows such that no one-second window [t, t+1s) holds more than
// GlobalRate slots (a sliding window over the slots taken, not a bucket,
// which would let 59 through in the first second after a pause); a
// message its chat holds back does not hold other chats behind it, and a
// chat's messages keep their order. Nothing else counts against those
// limits: a press is
// answered at once, beside its chat's turn, and the edit of a pressed
// message (to show the choice, or the next question in its place) goes when
// it is due: 64 customers pressing every 2 s then cost Telegram's global
// limit only the survey's first question and the typed comment's thanks. A 429 waits retry_after, a network error
// backs off (bots/retry's Policy), and a reply that still cannot be sent is
// logged by the router, without its chat id or text.
//
// A Telegram that cannot be reached (no network yet, DNS failure, timeouts,
// 5xx) does not stop Run: its start-up calls and getUpdates are tried again
// with back-off (Config.Reconnect, 1 s doubling to 1 min with jitter) and
// logged once a minute at most. Run ends by itself only when Telegram
// rejects the token (ErrTokenRejected: 401, or 404 to getMe), at start or
// while serving; a getMe whenever Telegram has said nothing for a minute
// notices that in webhook mode too. Reached tells when Telegram last
// answered anything.
//
// # Caveats
//
// The limits are kept on the slots the limiter hands out, on Config.Now's
// clock, not on when Telegram reads each request: a send slowed on its way
// (a slow connection) can reach Telegram nearer the next second's sends
// than its slot was, and a 429 it then gets is honoured. A retry takes a
// slot of its own; a wait cut short by its context keeps its slot taken,
// erring on the slow side. The slots live in memory: a dangol
// started again within a second of a burst does not know it (a restart
// takes longer than that). Config.After is the clock the waits
// run on (limits, a send's retries, an update's); a test passing a virtual
// one must move Now with it.
//
// go-telegram/bot advances its getUpdates offset as soon as an update is
// queued, and Telegram forgets every update below the offset of the next
// getUpdates. The poller's HTTP client therefore holds each getUpdates back
// until every update it would confirm has been committed, so a crash loses
// nothing, and polling starts with bot.WithInitialOffset(last committed),
// which the library turns into offset last+1. The cursor value sent with a
// message is the update's id unless an earlier update of another chat is
// still in flight, in which case it stops just below that one, so the
// cursor never jumps over work a crash would lose (offsets); what is
// fetched twice as a result is a no-op for the engine's event ids. Only
// this adapter names its cursor: LastCommitted reads it for
// Config.LastUpdateID.
//
// An update Telegram sends twice while the bot runs (a webhook retry) is
// dropped by the relay's recent event ids and answered when the first copy
// is; after a restart the engine's event ids do that, and the second copy
// gets no answer.
//
// The library runs each handler in a goroutine of its own unless told not
// to, and answers 200 to a webhook request with a wrong secret. The adapter
// runs the library's handler synchronously only to submit, and serves the
// webhook with its own handler, which answers 401 on a wrong or missing
// secret and 200 only once the update is committed, so Telegram re-sends
// what a crash cut short.
//
// The Message Telegram returns for the adapter's sends and edits is never
// read: each such call's context is marked withoutResult, and the sending
// client hands go-telegram/bot an empty result in its place (dropResults),
// so the library does not decode it. A call without the mark (a feature
// that needs a sent message's id) gets the answer whole. Errors, and
// answers in a shape other than Telegram's own, reach the library as sent.
//
// What the adapter answers by itself, without the engine, is Telegram's
// alone: group chats (told once, while the chat is among the 10,000 the
// adapter remembers, that the bot works in private chats only, then
// ignored), edited messages, and a shared contact that is not the
// sender's own. Channel posts are logged and ignored. None of this is
// recorded in the ledger, so it may repeat after a restart. Forms (Slack
// modals) do not exist in Telegram; the engine does not send one here, and
// if it did only its text would be shown.
//
// Media go to the engine as dialog.Media, the caption as the text (media.go):
// a photo with its bytes, fetched in the chat's turn (getFile and the
// download link, over the adapter's pooled connections) from its largest
// size of at most dialog.MaxMediaBytes; a picture sent as a file (JPEG,
// PNG, WebP) likewise. Stickers are MediaSticker, voice notes, audio and
// video notes MediaVoice, everything else (videos, documents, locations,
// polls) MediaOther, none with bytes.
//
// Caveats of media: a photo that cannot be fetched within 15 seconds, or
// whose file turns out larger than dialog.MaxMediaBytes, reaches the engine
// as MediaOther without bytes, so the customer is asked to send it again
// rather than kept waiting; that wait holds the chat's later updates. The
// download link holds the bot token: it is never logged (client errors
// are logged without their URL).
//
// A 403 to a private chat (the user blocked the bot, or never started it)
// is not retried: Send returns it wrapping dialog.ErrBlocked at once, the
// reply's remaining parts unsent, for the caller to tell the engine
// (Engine.Blocked). The adapter also asks for my_chat_member updates: a
// person blocking the bot in their private chat (status "kicked") or
// allowing it again ("member") goes to the engine as a Message with
// Reach, so the staff know before a reply fails, and a mark is cleared
// even if the person does not write.
package telegram
