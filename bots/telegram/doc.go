// Package telegram is dangol's Telegram adapter, the customers' channel: it
// turns Telegram updates into dialog.Messages for the engine and the
// engine's dialog.Replies into Telegram messages, on go-telegram/bot. It
// holds no business logic.
//
// # Basics
//
// New builds a Bot from a Config; Run polls getUpdates (the default) or,
// with Config.WebhookURL, registers a webhook with a secret token and serves
// it. Either way each update becomes one Message: Channel "telegram", UserID
// the sender, ConversationID the chat, EventID "telegram:<update_id>", and
// the ledger cursor CursorName to advance in the same transaction as the
// effect. Text and commands go as Text (the main-menu buttons are mapped
// back to /points, /feedback and /lang), a pressed inline button as an
// Action, a contact the sender shared of themselves as Phone.
//
// Replies are sent as plain text, never Markdown or HTML, so no customer's
// name or comment can break or inject formatting; section titles are made
// bold with message entities. Buttons become an inline keyboard; a press is
// answered at once and its message edited to show the choice without the
// keyboard, so it cannot be pressed twice. Reply.Menu attaches the
// persistent main menu (a reply keyboard) in the reply's language; an image
// goes with sendPhoto. Text over Telegram's 4096-character limit is split
// between lines.
//
// Updates of one chat are handled in order and different chats in parallel
// (dispatcher). Outgoing messages keep to about one a second per chat (with
// short bursts) and 30 a second in all; a 429 waits retry_after, a network
// error backs off, and a reply that still cannot be sent is logged with its
// chat id.
//
// # Caveats
//
// go-telegram/bot advances its getUpdates offset as soon as an update is
// queued, and Telegram forgets everything below the offset of the next
// getUpdates. The poller's HTTP client therefore holds each getUpdates back
// until all the updates it would confirm are committed, and polling starts
// with bot.WithInitialOffset(last committed), which the library turns into
// offset last+1. The cursor value sent with a message is the update's id
// unless an earlier update of another chat is still in flight, so the
// cursor never jumps over work that a crash would lose.
//
// The library runs handlers in goroutines of their own and answers 200 to
// a webhook request with a wrong secret; the adapter uses neither. It runs
// the library's handler synchronously only to enqueue, and serves the
// webhook with its own handler, which answers 401 on a wrong secret and 200
// only once the update is committed, so Telegram re-sends what a crash cut
// short.
//
// What the adapter answers by itself, without the engine, is Telegram's
// alone: group chats (told once per process that the bot works in private
// chats only, then ignored), edited messages, stickers and other media,
// and a shared contact that is not the sender's own. These answers are not
// recorded in the ledger and may repeat after a restart.
package telegram
