package slack

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/dialog"
)

// event makes j the relay's: in the turn of its conversation the sender's
// name and language are looked up first, and after the engine a modal
// submission's answer is handed to the request waiting for it (the modal
// shows those replies itself); the rest go through the router.
func (b *Bot) event(j job) relay.Event {
	ev := relay.Event{
		Message: j.msg,
		Origin:  j.org,
		Before:  b.resolveUser,
		After: func(_ context.Context, m dialog.Message, replies []dialog.Reply, err error) []dialog.Reply {
			if err != nil && len(replies) == 0 {
				replies = []dialog.Reply{{Text: b.text(m.Lang, "slack.error"), Lang: m.Lang, Private: true}}
			}
			if j.answer != nil {
				resp, rest := b.modalAnswer(j, replies)
				if j.answer.give(resp) {
					replies = rest
				} // else the modal was closed without us: post everything as messages
			}
			return replies
		},
	}
	if j.answer != nil {
		ev.HandleBy = j.deadline
	}
	return ev
}

// modalAnswer picks from a submission's replies what the modal itself must
// show: inline errors (response_action errors), or a further form that
// replaces it (response_action update). A nil answer closes the modal. The
// other replies are posted afterwards.
func (b *Bot) modalAnswer(j job, replies []dialog.Reply) (*slack.ViewSubmissionResponse, []dialog.Reply) {
	known := map[string]bool{}
	for _, id := range j.blockIDs {
		known[id] = true
	}
	errs := map[string]string{}
	var next *dialog.Reply
	var rest []dialog.Reply
	for i, r := range replies {
		switch {
		case r.To == dialog.ToConversation && len(r.FormErrors) > 0 && len(j.blockIDs) > 0:
			// Slack ignores errors keyed by anything but an input block and
			// shows "trouble connecting" instead: stray ones go on the first
			// field, after its own, in a fixed order.
			fields := slices.Sorted(maps.Keys(r.FormErrors))
			slices.SortStableFunc(fields, func(a, b string) int { return cmp.Compare(boolInt(!known[a]), boolInt(!known[b])) })
			for _, field := range fields {
				msg := r.FormErrors[field]
				if !known[field] {
					field = j.blockIDs[0]
				}
				if errs[field] != "" {
					msg = errs[field] + " " + msg
				}
				errs[field] = msg
			}
		case r.To == dialog.ToConversation && r.Form != nil && next == nil:
			next = &replies[i]
		default:
			rest = append(rest, r)
		}
	}
	if len(errs) > 0 {
		if next != nil {
			rest = append(rest, *next)
		}
		return slack.NewErrorsViewSubmissionResponse(errs), rest
	}
	if next != nil {
		meta := viewMeta{Channel: j.org.channelID, ResponseURL: j.org.responseURL, Lang: next.Lang}.encode()
		view := renderModal(next.Form, meta, b.text(next.Lang, "slack.close"), b.text(next.Lang, "slack.submit"))
		return slack.NewUpdateViewSubmissionResponse(&view), rest
	}
	return nil, rest
}

// reply sends one answer to a message that came from org.
func (b *Bot) reply(ctx context.Context, org *origin, r dialog.Reply) error {
	if r.Form != nil {
		if org.triggerID != "" {
			err := b.openModal(ctx, org, r)
			if err == nil {
				return nil
			}
			b.log.Warn("slack: views.open", "user", org.userID, "err", err)
		}
		// No modal (the trigger expired or there was none): say so, with
		// whatever the reply said besides.
		r.Text = joinLines(r.Text, b.text(r.Lang, "slack.form.failed"))
	}
	if len(r.FormErrors) > 0 {
		// The modal closed before these came back: show them as a message.
		r.Text = joinLines(r.Text, b.text(r.Lang, "slack.form.errors")+"\n"+formErrorsText(r.FormErrors))
	}
	private := org.ephemeral || (r.Private && org.kind != fromDM)
	for _, m := range renderReply(r) {
		var err error
		if private {
			err = b.postEphemeral(ctx, org, m)
		} else {
			_, err = b.postIn(ctx, org.channelID, org.threadTS, m)
		}
		if err != nil {
			return err
		}
	}
	if r.File != nil {
		if err := b.sendFile(ctx, org, r.File, private); err != nil { // file.go
			return err
		}
	}
	if r.Image == nil {
		return nil
	}
	if !private {
		return b.upload(ctx, org.channelID, org.threadTS, r.Image)
	}
	// A file cannot be ephemeral: the picture goes to the sender's DM with
	// dangol, never to the channel where it was asked for.
	dm, err := b.dmChannel(ctx, org.userID)
	if err != nil {
		return err
	}
	if err := b.upload(ctx, dm, "", r.Image); err != nil {
		return err
	}
	if dm == org.channelID {
		return nil
	}
	return b.postEphemeral(ctx, org, outMessage{text: b.text(r.Lang, "slack.image.dm"), blocks: []slack.Block{mrkdwnSection(b.text(r.Lang, "slack.image.dm"))}})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// openModal opens r.Form with org's trigger, which can open one view only.
func (b *Bot) openModal(ctx context.Context, org *origin, r dialog.Reply) error {
	meta := viewMeta{Channel: org.channelID, ResponseURL: org.responseURL, Lang: r.Lang}.encode()
	view := renderModal(r.Form, meta, b.text(r.Lang, "slack.close"), b.text(r.Lang, "slack.submit"))
	trigger := org.triggerID
	org.triggerID = ""
	return b.call(ctx, func() error {
		_, err := b.api.OpenViewContext(ctx, trigger, view)
		return err
	})
}

// Send implements relay.Sender. An answer goes back where its message came
// from (org, the Address's Origin: ephemeral for a slash command, through
// its response_url), or, sent later without one, to the conversation's
// channel; the staff channel's replies are posted to StaffChannel; a
// user's go to their DM with dangol. Buttons in any of them come back as
// Actions from whoever clicks them.
func (b *Bot) Send(ctx context.Context, to relay.Address, r dialog.Reply) error {
	switch {
	case to.Channel != "" && to.Channel != Channel:
		return fmt.Errorf("slack: send: the address is on %q", to.Channel)
	case to.Staff:
		if b.cfg.StaffChannel == "" {
			return ErrNoStaffChannel
		}
		return b.postStaff(ctx, r) // thread.go
	case to.User != "":
		// Accept "slack:U123" too: that is how the engine names staff.
		dm, err := b.dmChannel(ctx, strings.TrimPrefix(to.User, Channel+":"))
		if err != nil {
			return err
		}
		return b.postAll(ctx, dm, r)
	case to.Conversation != "":
		org, ok := to.Origin.(*origin)
		if !ok || org == nil {
			org = conversationOrigin(to.Conversation)
		}
		return b.reply(ctx, org, r)
	default:
		return ErrNoConversation
	}
}

// conversationOrigin is where an answer sent outside its event's turn goes:
// the conversation's channel, privately to its user when asked.
func conversationOrigin(key string) *origin {
	channelID, userID, _ := strings.Cut(key, "/")
	kind := fromCommand
	if isDM(channelID) {
		kind = fromDM
	}
	return &origin{kind: kind, channelID: channelID, userID: userID}
}

// postAll posts r's messages and then its file and image to a channel.
func (b *Bot) postAll(ctx context.Context, channelID string, r dialog.Reply) error {
	return b.postMsgs(ctx, channelID, "", renderReply(r), r)
}

// postMsgs posts msgs and then r's file and image to a channel, under the
// thread whose head is threadTS when it is set.
func (b *Bot) postMsgs(ctx context.Context, channelID, threadTS string, msgs []outMessage, r dialog.Reply) error {
	for _, m := range msgs {
		if _, err := b.postIn(ctx, channelID, threadTS, m); err != nil {
			return err
		}
	}
	if r.File != nil {
		if err := b.uploadFile(ctx, channelID, threadTS, r.File); err != nil { // file.go
			return err
		}
	}
	if r.Image != nil {
		return b.upload(ctx, channelID, threadTS, r.Image)
	}
	return nil
}

func (b *Bot) post(ctx context.Context, channelID string, m outMessage) error {
	_, err := b.postIn(ctx, channelID, "", m)
	return err
}

// postIn posts m to a channel, under the thread whose head is threadTS
// when it is set, and returns the new message's ts.
func (b *Bot) postIn(ctx context.Context, channelID, threadTS string, m outMessage) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ts string
	err := b.call(ctx, func() (err error) {
		_, ts, err = b.api.PostMessageContext(ctx, channelID, opts...)
		return err
	})
	if err != nil {
		relay.SendFailed(b.cfg.Observer)
		return "", fmt.Errorf("slack: chat.postMessage to %s: %w", channelID, err)
	}
	return ts, nil
}

// maxResponseURLPosts is how often Slack accepts a post to one response_url.
const maxResponseURLPosts = 5

// postEphemeral shows m to org's user only: through the response_url when
// there is one (it works in channels dangol has not joined and in DMs
// between people), else chat.postEphemeral, and as a last resort in the
// user's DM with dangol, so a confirmation is never lost.
func (b *Bot) postEphemeral(ctx context.Context, org *origin, m outMessage) error {
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	if org.threadTS != "" {
		// In the thread the sender wrote in or clicked, not below it.
		opts = append(opts, slack.MsgOptionTS(org.threadTS))
	}
	if org.responseURL != "" && org.urlPosts < maxResponseURLPosts {
		org.urlPosts++
		err := b.call(ctx, func() error {
			_, _, _, err := b.api.SendMessageContext(ctx, "", append(opts, slack.MsgOptionResponseURL(org.responseURL, slack.ResponseTypeEphemeral))...)
			return err
		})
		if err == nil {
			return nil
		}
		b.log.Warn("slack: post to response_url", "user", org.userID, "err", err)
	}
	err := b.call(ctx, func() error {
		_, err := b.api.PostEphemeralContext(ctx, org.channelID, org.userID, opts...)
		return err
	})
	if err == nil {
		return nil
	}
	b.log.Warn("slack: chat.postEphemeral", "channel", org.channelID, "user", org.userID, "err", err)
	dm, derr := b.dmChannel(ctx, org.userID)
	if derr != nil || dm == org.channelID {
		relay.SendFailed(b.cfg.Observer)
		return fmt.Errorf("slack: answer %s privately: %w", org.userID, errors.Join(err, derr))
	}
	return b.post(ctx, dm, m)
}

// dmChannel returns the id of the DM between dangol and user, opening it
// the first time.
func (b *Bot) dmChannel(ctx context.Context, userID string) (string, error) {
	b.mu.Lock()
	id, ok := b.dms.Get(userID)
	b.mu.Unlock()
	if ok {
		return id, nil
	}
	var ch *slack.Channel
	err := b.call(ctx, func() (err error) {
		ch, _, _, err = b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("slack: conversations.open with %s: %w", userID, err)
	}
	b.mu.Lock()
	b.dms.Put(userID, ch.ID)
	b.mu.Unlock()
	return ch.ID, nil
}

// upload uploads img to a channel, into the thread whose head is threadTS
// when it is set.
func (b *Bot) upload(ctx context.Context, channelID, threadTS string, img *dialog.Image) error {
	return b.uploadBytes(ctx, channelID, threadTS, img.Name, "dangol.png", img.PNG)
}

// uploadBytes uploads data as the file name (or fallback when name is
// empty) to a channel, into the thread whose head is threadTS when it is set
// (files.completeUploadExternal's thread_ts). Nothing is uploaded for no
// data: an empty file in a channel says nothing to anyone.
func (b *Bot) uploadBytes(ctx context.Context, channelID, threadTS, name, fallback string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if name == "" {
		name = fallback
	}
	err := b.call(ctx, func() error {
		_, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Channel:         channelID,
			ThreadTimestamp: threadTS,
			Filename:        name,
			Title:           name,
			FileSize:        len(data),
			Reader:          bytes.NewReader(data), // a fresh reader for each attempt
		})
		return err
	})
	if err != nil {
		relay.SendFailed(b.cfg.Observer)
		return fmt.Errorf("slack: upload %s to %s: %w", name, channelID, err)
	}
	return nil
}

// maxRateRetries bounds how often one call is retried after a 429.
const maxRateRetries = 3

// call runs one Web API call, waiting out Slack's rate limit (HTTP 429 with
// Retry-After) and trying again, at most maxRateRetries times; any other
// error is returned at once.
func (b *Bot) call(ctx context.Context, fn func() error) error {
	p := retry.Policy{
		Attempts:   maxRateRetries + 1,
		RetryAfter: retryAfter,
		Permanent:  func(err error) bool { _, limited := retryAfter(err); return !limited },
		Sleep:      b.sleep,
		Retrying: func(attempt int, wait time.Duration, _ error) {
			b.log.Warn("slack: rate limited", "retry_after", wait, "attempt", attempt)
		},
	}
	return p.Do(ctx, func(context.Context) error { return fn() })
}

// retryAfter reports whether err is a 429 and how long Slack asked to wait.
func retryAfter(err error) (time.Duration, bool) {
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return max(rl.RetryAfter, time.Second), true
	}
	// A 429 without Retry-After comes back as a plain status error.
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok && sc.Code == http.StatusTooManyRequests {
		return time.Second, true
	}
	return 0, false
}
