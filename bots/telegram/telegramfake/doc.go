// Package telegramfake is a fake Telegram Bot API server on loopback, for
// what must talk to a Bot API without the network: `dangol bench`, and tests
// that want the real go-telegram/bot client to make real HTTP calls.
//
// # Basics
//
// New starts a Server on 127.0.0.1 (an httptest server). Give its URL to
// the bot as the API base URL (telegram.Config.APIURL, bot.WithServerURL).
// Every call is POST /bot<token>/<method>, answered as Telegram answers it:
// {"ok":true,"result":…}, or {"ok":false,"error_code":…,"description":…}.
//
//	srv := telegramfake.New(telegramfake.Options{Token: "123:ABC", OnCall: func(c telegramfake.Call) { … }})
//	defer srv.Close()
//	srv.Push(telegramfake.Text(1001, "민지", "ko", "/points"))
//
// Push queues updates and gives them their update_id, in order; they are
// available to getUpdates from that moment. getUpdates returns the queued
// updates at or after its offset, at most limit (100, Telegram's largest
// batch, by default), forgetting those below the offset as Telegram does;
// with nothing queued it waits up to its timeout (long polling) for a Push.
// Text makes a private-chat text message (a leading /command gets its
// bot_command entity); Press makes the callback query of a pressed inline
// button on a message the bot sent, with the message as Telegram would
// include it (a non-zero date, its text and keyboard).
//
// The methods served: getMe, getUpdates, sendMessage, sendPhoto,
// editMessageText, editMessageReplyMarkup, answerCallbackQuery,
// setMyCommands, deleteMyCommands, setWebhook, deleteWebhook,
// getWebhookInfo, sendChatAction, getFile. Photo and Media make a message
// carrying a photo (sizes naming files given to AddFile, which getFile and
// the download path /file/bot<token>/<file_path> then serve) or any other
// media; Block makes every send to a chat answer 403 "Forbidden: bot was
// blocked by the user" until Unblock. Sends and edits return the Message
// Telegram would (a fresh message_id for a send, the same one for an edit,
// the text and the inline keyboard). Any other method is 404, a wrong token
// 401.
//
// Requests are read as multipart/form-data, as go-telegram/bot sends them
// (fields and files), or as application/json or a form, as other clients
// send them. Options.OnCall sees each call (not getUpdates) with its fields
// before it is answered: that is where a bench measures and a test records.
//
// # Caveats
//
// The fake knows no rate limits and never fails on its own: it measures the
// bot, not Telegram. It keeps no chats or messages, only counters, so a
// bench can run for long. OnCall runs on the server's goroutine for that
// request; it must be quick and safe for concurrent use, and it must not
// call Push while the bot waits on that same call (Push never blocks, so
// it may).
//
// The fake shares the bench's cores with the bot it measures, so it is
// kept cheap: a getUpdates answer is put together from each update's JSON
// as it was queued (PushRaw's as the test wrote them, whitespace and all),
// and a multipart body in the plain shape multipart.Writer gives
// go-telegram/bot is split by hand; a body in any other shape (transport
// padding, an escaped name, a file name with a path) goes through
// mime/multipart, which reads it as before. The answer to a send or an
// edit is written by hand too: the same JSON encoding/json writes, but for
// <, > and &, which it escapes and the fake leaves as they are.
//
// The fake lives once: bots/telegram's tests (through a thin reader in
// fakeapi_test.go), its conformance suite, cmd/dangol's tests and the
// bench all use it. PushRaw queues updates as a test wrote them (their own
// ids, the same one twice), Redeliver sends one again as Telegram does when
// it thinks it was lost, FailNext scripts failures (a dropped connection,
// a 429, a refusal) and OnPoll sees each getUpdates's offset.
package telegramfake
