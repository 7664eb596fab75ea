package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/dangol/dangol/dialog"
)

// Threads in the staff channel (issue 12): one Slack thread per
// conversation with a customer. The first staff channel post of an engine
// thread (Reply.Thread) becomes a message of its own, its head, whose
// channel and ts are kept (Config.Threads) as the thread's ref; later
// posts go under it (thread_ts), files included, and a new version of the
// head (Reply.Head with HeadUpdate) replaces it with chat.update. A staff member's message
// under a known head comes in as a dialog.Message with Thread, and so do
// its edits and deletions (with Edit); everything else said in the
// channel is not dangol's business.

// ThreadRefs is what the adapter keeps about the staff channel's threads:
// the ref of each thread ("C123:1700000000.000100", the channel and ts of
// its head), both ways, durably. The ledger is one (cmd/dangol wires it).
type ThreadRefs interface {
	// ThreadRef returns the ref of thread ("12"), and whether it has one.
	ThreadRef(ctx context.Context, thread string) (ref string, ok bool, err error)
	// SetThreadRef records thread's ref, replacing the one before.
	SetThreadRef(ctx context.Context, thread, ref string) error
	// ThreadByRef returns the thread whose head is at ref, and whether
	// there is one.
	ThreadByRef(ctx context.Context, ref string) (thread string, ok bool, err error)
}

// refLookup bounds a ref lookup made while an event is taken in: the
// ledger is local, and the socket's loop or Slack's 3 s wait on it.
const refLookup = time.Second

// threadRef is the ref of the message ts in channel.
func threadRef(channel, ts string) string { return channel + ":" + ts }

// headTS returns the ts of thread's head when it is in channel (the
// staff channel now: a head left in a channel configured before does not
// count, and the thread starts again here).
func (b *Bot) headTS(ctx context.Context, channel, thread string) (string, bool, error) {
	ref, ok, err := b.cfg.Threads.ThreadRef(ctx, thread)
	if err != nil {
		return "", false, fmt.Errorf("slack: thread %s ref: %w", thread, err)
	}
	ts, found := strings.CutPrefix(ref, channel+":")
	return ts, ok && found && ts != "", nil
}

// postStaff posts r to the staff channel: in its thread when it has one
// (the first post becomes the thread's head), a new version of a head
// known already replaces it in place, and the first head sent again is
// not posted twice.
func (b *Bot) postStaff(ctx context.Context, r dialog.Reply) error {
	channel := b.cfg.StaffChannel
	switch {
	case r.Thread != "" && b.cfg.Threads == nil && r.HeadUpdate:
		return nil // no head kept to edit: the change is said in its own post
	case r.Thread == "" || b.cfg.Threads == nil:
		return b.postAll(ctx, channel, r)
	}
	ts, ok, err := b.headTS(ctx, channel, r.Thread)
	if err != nil {
		return err
	}
	switch {
	case ok && r.Head && r.HeadUpdate:
		return b.updateHead(ctx, channel, ts, r)
	case ok && r.Head:
		// The first head again, sent once more after a restart (the
		// outbox): the thread has it, maybe in a newer version already.
		return nil
	case ok:
		return b.postMsgs(ctx, channel, ts, renderReply(r), r)
	}
	b.heads.Lock()
	defer b.heads.Unlock()
	if ts, ok, err = b.headTS(ctx, channel, r.Thread); err != nil {
		return err
	} else if ok { // another post of the thread made the head meanwhile
		return b.postMsgs(ctx, channel, ts, renderReply(r), r)
	}
	return b.startThread(ctx, channel, r)
}

// startThread posts r as the head of its thread and the rest of it (more
// blocks than one message holds, a file, an image) under it.
func (b *Bot) startThread(ctx context.Context, channel string, r dialog.Reply) error {
	msgs := renderReply(r)
	if len(msgs) == 0 { // a file alone: nothing to hang a thread on
		return b.postAll(ctx, channel, r)
	}
	ts, err := b.postIn(ctx, channel, "", msgs[0])
	if err != nil {
		return err
	}
	if err := b.cfg.Threads.SetThreadRef(ctx, r.Thread, threadRef(channel, ts)); err != nil {
		// The head is posted; without its ref the thread's next post
		// starts another one, which is better than sending this twice.
		b.log.Warn("slack: thread head not remembered", "thread", r.Thread, "err", err)
	}
	return b.postMsgs(ctx, channel, ts, msgs[1:], r)
}

// updateHead replaces the head at ts with r (text, blocks, buttons). A
// head that is gone (deleted in Slack) is posted again as the thread's new
// head.
func (b *Bot) updateHead(ctx context.Context, channel, ts string, r dialog.Reply) error {
	msgs := renderReply(r)
	if len(msgs) == 0 {
		return nil
	}
	m := msgs[0]
	err := b.call(ctx, func() error {
		_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
		return err
	})
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Err == "message_not_found" {
		b.heads.Lock()
		defer b.heads.Unlock()
		return b.startThread(ctx, channel, r)
	}
	if err != nil {
		return fmt.Errorf("slack: chat.update of thread %s: %w", r.Thread, err)
	}
	return nil
}

// threadOf returns the thread whose head is ts in channel, if dangol
// knows one. A failed lookup is logged and counts as none: the message is
// then not heard, as any message outside dangol's threads.
func (b *Bot) threadOf(channel, ts string) (string, bool) {
	if b.cfg.Threads == nil || channel == "" || ts == "" {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), refLookup)
	defer cancel()
	thread, ok, err := b.cfg.Threads.ThreadByRef(ctx, threadRef(channel, ts))
	if err != nil {
		b.log.Warn("slack: thread lookup", "channel", channel, "err", err)
		return "", false
	}
	return thread, ok
}

// clickedThread is the head of the thread a button was clicked in (on the
// head itself or on a post under it), "" when it is none of dangol's.
func (b *Bot) clickedThread(channel string, c slack.Container) string {
	ts := c.ThreadTs
	if ts == "" {
		ts = c.MessageTs
	}
	if _, ok := b.threadOf(channel, ts); ok {
		return ts
	}
	return ""
}

// threadJob turns a message event in a channel into a job when it is a
// person's message, edit or deletion under the head of one of dangol's
// threads; ok is false for everything else (the channel's own chatter,
// other threads, bots, dangol's own posts, unfurls).
func (b *Bot) threadJob(cb *slackevents.EventsAPICallbackEvent, m *slackevents.MessageEvent) (job, bool) {
	var user, text, threadTS, bot, edit string
	switch m.SubType {
	case "", "thread_broadcast", "file_share":
		user, text, threadTS, bot = m.User, m.Text, m.ThreadTimeStamp, m.BotID
	case "message_changed":
		if m.Message == nil || m.PreviousMessage == nil || m.Message.Text == m.PreviousMessage.Text {
			return job{}, false // a link unfurled or a reply counted: nothing was edited
		}
		msg := m.Message
		user, text, threadTS, bot, edit = msg.User, msg.Text, msg.ThreadTimestamp, msg.BotID, dialog.EditChanged
	case "message_deleted":
		if m.PreviousMessage == nil {
			return job{}, false
		}
		msg := m.PreviousMessage
		user, threadTS, bot, edit = msg.User, msg.ThreadTimestamp, msg.BotID, dialog.EditDeleted
	default:
		return job{}, false
	}
	if user == "" || bot != "" || b.isSelf(user) || threadTS == "" {
		return job{}, false
	}
	thread, ok := b.threadOf(m.Channel, threadTS)
	if !ok {
		return job{}, false
	}
	return job{
		msg: dialog.Message{
			Channel:        Channel,
			UserID:         user,
			ConversationID: conversationKey(m.Channel, user),
			EventID:        prefixedID("slack:", cb.EventID),
			Text:           strings.TrimSpace(incomingText(text)),
			Thread:         thread,
			Edit:           edit,
		},
		// Answers (the confirmation, a refusal) are for the writer only,
		// in the thread.
		org: &origin{kind: fromThread, channelID: m.Channel, userID: user, threadTS: threadTS, ephemeral: true},
	}, true
}
