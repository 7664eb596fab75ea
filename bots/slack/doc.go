// Package slack is dangol's Slack adapter, on github.com/slack-go/slack:
// staff and managers talk to dangol through slash commands, Block Kit
// modals, buttons and DMs. It holds no business logic: every event becomes
// a dialog.Message for a Handler (the engine), and every dialog.Reply
// becomes Block Kit. Who may do what is the engine's decision.
//
// # Basics
//
// A Bot has two modes. Socket Mode (an app token, the default) needs no
// public URL: Run opens a websocket to Slack. HTTP mode (a signing secret)
// serves HTTPHandler's three endpoints, /slack/commands, /slack/events and
// /slack/interactivity, on HTTPAddr; every request must be signed less than
// 5 minutes ago, or it is answered 401 and goes no further.
//
// What comes in:
//
//   - a slash command becomes Text "/note 010-1234-5678 …", with CanForm
//     set (its trigger_id can open a modal) and EventID "slack:cmd:" plus
//     the trigger_id (without one: a hash of its response_url, unique per
//     invocation, or in HTTP mode of its verified signature, so that a
//     replayed request is recognised while a command typed twice on
//     purpose is not);
//   - a DM to the bot (message.im) becomes Text, Private, EventID "slack:"
//     plus Slack's event_id; edits, joins and bots' messages are ignored;
//   - a message in a channel (message.channels, message.groups) written
//     under the head of one of dangol's threads becomes Text with Thread
//     (the engine's thread number), and its edits and deletions the same
//     with Edit; the channel's own chatter, other threads, bots and
//     dangol's own posts are ignored (thread.go);
//   - a button click becomes an Action with the button's payload;
//   - a modal submission becomes FormID (the view's callback_id) and Form
//     (field name -> value; each input block is named after its field).
//
// Text arrives as typed: Slack's &amp; &lt; &gt; are undone and a mention
// <@U123|name> becomes "@U123", which /staff add understands.
//
// ConversationID is "channel/user": two staff members in one channel keep
// separate drafts, and in the bot's DM slash commands and typed lines share
// one session.
//
// What goes out: a reply's Text and Sections become header and mrkdwn
// section blocks (escaped, so a customer's words cannot ping @channel), its
// Buttons actions blocks, its Form a modal (views.open), its Image a file
// upload. Answers to slash commands, modals and clicks on ephemeral
// messages are ephemeral: only the staff member sees a customer's card.
// Send (relay.Sender) takes what the Router hands it: answers, the staff
// channel's replies (posted to StaffChannel; New makes Slack the Router's
// staff channel when it is set) and a user's DM. Alerts and the weekly
// summary reach it the same way, through the Router's Deliver.
//
// Threads: a staff channel reply with Thread is posted, the first time, as
// a message of its own, the thread's head, whose channel and ts are kept
// in Config.Threads (the ledger); later ones go under it with thread_ts,
// files and images too, and a new version of the head (Head with
// HeadUpdate) replaces it in place with chat.update; the first head sent
// again (the outbox after a restart) is not posted twice. A button clicked on a thread's head or in its thread is
// answered in that thread, and a message written there is answered
// ephemerally in it.
//
// # Caveats
//
// Slack wants an answer within 3 seconds, and resends nothing it was
// answered. Events are handled one conversation at a time in arrival order;
// a request (HTTP mode) or envelope (Socket Mode) is answered once the
// engine has committed its event (at most 2.5 seconds: a slower engine goes
// on after the answer), so a crash cannot lose an event Slack counts as
// received. A modal submission's answer carries the inline
// errors (response_action errors); if the engine is later than 2.5 seconds
// the modal closes and its replies, errors included, arrive as an
// ephemeral message.
//
// Slack retries an event it thinks was lost (X-Slack-Retry-Num). The relay
// remembers the last 4096 event ids and drops repeats, which are answered
// when the first copy is; the engine's own de-duplication by EventID in the
// ledger covers a restart.
//
// A message event (a DM) has no trigger_id, so no modal can be opened from
// a DM line: CanForm is false there and the engine asks field by field.
// A trigger_id lives about 3 seconds and opens one view only.
//
// A file cannot be ephemeral: a chart answering a slash command is uploaded
// to the asker's DM with dangol, not to the channel.
//
// A thread's ref names the staff channel it is in: after
// DANGOL_SLACK_STAFF_CHANNEL changes, a thread's next post starts a new
// head in the new channel, and replies under the old head are no longer
// heard. A head posted whose ref could not be kept (a ledger error,
// logged) leaves the next post to start another head. Messages written in
// a thread carry no trigger_id: CanForm is false, and [답장하기] in the
// thread opens the modal instead. An erasure rewrites the person's thread
// heads without their name, phone or words (the engine's head updates),
// but what was posted under a head (the customer's later messages, the
// staff's answers) stays in Slack's own history: dangol keeps no ts of
// those posts, and does not delete Slack messages.
//
// Ephemeral answers go through the command's response_url (which works in
// channels dangol has not joined, 5 posts within 30 minutes), then
// chat.postEphemeral, then the user's DM as a last resort.
//
// The signature check is done here with crypto/hmac rather than with
// slack.NewSecretsVerifier, because the library compares the timestamp with
// the wall clock and the 5-minute window could then not be tested exactly;
// a test checks that both agree on what a valid signature is.
//
// A 429 from Slack is waited out (Retry-After) and the call retried, at
// most three times (bots/retry's Policy). The default HTTP client keeps
// as many idle connections as Config.Workers.
//
// A Slack that cannot be reached (no network yet, DNS failure, timeouts,
// 5xx) does not stop Run: auth.test is tried again with back-off
// (Config.Reconnect, 1 s doubling to 1 min with jitter), socketmode retries
// its connection itself, and both are logged once a minute at most. Run
// ends by itself only when Slack rejects a token (invalid_auth, not_authed,
// account_inactive, token_revoked, token_expired): ErrBotTokenRejected from
// auth.test, ErrAppTokenRejected from apps.connections.open. An auth.test
// whenever Slack has said nothing for a minute (Watch) notices a revoked
// token while serving and keeps Reached fresh.
package slack
