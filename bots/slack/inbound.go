package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/dangol/dangol/dialog"
)

// originKind says what kind of Slack event a message came from, which
// decides how answers go back.
type originKind int

const (
	fromCommand    originKind = iota // a slash command
	fromDM                           // a message in the bot's DM (message.im)
	fromAction                       // a button click (block_actions)
	fromSubmission                   // a modal submission (view_submission)
	fromThread                       // a message in a thread of the staff channel (thread.go)
)

// origin is where a message came from and how to answer it. It lives as long
// as its job and is only touched by that job's worker.
type origin struct {
	kind        originKind
	channelID   string
	userID      string
	responseURL string // answers for the sender only; Slack allows 5 posts in 30 minutes
	triggerID   string // opens one modal within 3 s; cleared once used
	ephemeral   bool   // every ToConversation answer is for the sender only
	// threadTS, when set, is the head of the thread the message was
	// written or clicked in: answers go into that thread.
	threadTS string
	urlPosts int
}

// job is one message for the engine, with where it came from. For a modal
// submission, answer receives what the modal must show before the other
// replies are posted.
type job struct {
	msg      dialog.Message
	org      *origin
	answer   *handoff
	deadline time.Time // for answer: when the modal's reply must be on its way
	blockIDs []string  // for answer: the modal's input blocks, in order
}

// handoff carries a modal submission's answer from the worker to the request
// waiting for it, unless that request gave up first.
type handoff struct {
	ch        chan *slack.ViewSubmissionResponse // buffered 1; nil means close the modal
	mu        sync.Mutex
	abandoned bool
}

func newHandoff() *handoff {
	return &handoff{ch: make(chan *slack.ViewSubmissionResponse, 1)}
}

// give hands resp to the waiter and reports whether it was still waiting.
func (h *handoff) give(resp *slack.ViewSubmissionResponse) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.abandoned {
		return false
	}
	h.ch <- resp
	return true
}

// wait returns the answer, or ok=false if it did not come by deadline; the
// worker then posts everything as messages instead.
func (h *handoff) wait(deadline time.Time) (resp *slack.ViewSubmissionResponse, ok bool) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case resp = <-h.ch:
		return resp, true
	case <-t.C:
	}
	h.mu.Lock()
	h.abandoned = true
	h.mu.Unlock()
	select {
	case resp = <-h.ch:
		return resp, true
	default:
		return nil, false
	}
}

// conversationKey keys a session by channel and user: in a shared channel
// two staff members running /note at once must not share one draft, and in
// the bot's DM it is the same key for slash commands and typed lines.
func conversationKey(channelID, userID string) string {
	return channelID + "/" + userID
}

// isDM reports whether a channel id is a direct message (D…).
func isDM(channelID string) bool { return strings.HasPrefix(channelID, "D") }

// commandJob turns a slash command into a job. The event id is the
// trigger_id: unique per invocation and carried unchanged by any redelivery,
// unlike a Socket Mode envelope id; slash commands have no event_id. See
// commandEventID for a command without one.
func (b *Bot) commandJob(c slack.SlashCommand) job {
	text := c.Command
	if !strings.HasPrefix(text, "/") {
		text = "/" + text
	}
	if args := strings.TrimSpace(incomingText(c.Text)); args != "" {
		text += " " + args
	}
	return job{
		msg: dialog.Message{
			Channel:        Channel,
			UserID:         c.UserID,
			UserName:       c.UserName,
			ConversationID: conversationKey(c.ChannelID, c.UserID),
			EventID:        commandEventID(c),
			Text:           text,
			CanForm:        c.TriggerID != "",
			Private:        isDM(c.ChannelID),
		},
		org: &origin{
			kind:        fromCommand,
			channelID:   c.ChannelID,
			userID:      c.UserID,
			responseURL: c.ResponseURL,
			triggerID:   c.TriggerID,
			ephemeral:   true,
		},
	}
}

// eventJob turns an Events API callback into a job; ok is false for events
// dangol ignores (anything but a person's plain message in the bot's DM,
// or a message in one of dangol's threads: threadJob).
func (b *Bot) eventJob(ev slackevents.EventsAPIEvent) (job, bool) {
	cb, isCallback := ev.Data.(*slackevents.EventsAPICallbackEvent)
	m, isMessage := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !isCallback || !isMessage {
		return job{}, false
	}
	if m.ChannelType == "channel" || m.ChannelType == "group" {
		return b.threadJob(cb, m) // thread.go
	}
	// Subtypes are edits, deletions, joins, bot posts, file shares: none is
	// something a staff member said to dangol.
	if m.ChannelType != "im" || m.SubType != "" || m.BotID != "" || m.User == "" || b.isSelf(m.User) {
		return job{}, false
	}
	return job{
		msg: dialog.Message{
			Channel:        Channel,
			UserID:         m.User,
			ConversationID: conversationKey(m.Channel, m.User),
			EventID:        prefixedID("slack:", cb.EventID),
			Text:           strings.TrimSpace(incomingText(m.Text)),
			// A message event carries no trigger_id, so no modal can be opened
			// from it; the engine asks field by field instead.
			CanForm: false,
			Private: true,
		},
		org: &origin{kind: fromDM, channelID: m.Channel, userID: m.User},
	}, true
}

// actionJob turns a button click into a job; ok is false for clicks that
// are not dangol's buttons.
func (b *Bot) actionJob(ic slack.InteractionCallback) (job, bool) {
	if len(ic.ActionCallback.BlockActions) == 0 {
		return job{}, false
	}
	a := ic.ActionCallback.BlockActions[0]
	if !strings.HasPrefix(a.ActionID, buttonActionPrefix) {
		return job{}, false
	}
	channelID := ic.Container.ChannelID
	if channelID == "" {
		channelID = ic.Channel.ID
	}
	var threadTS string
	if !ic.Container.IsEphemeral {
		threadTS = b.clickedThread(channelID, ic.Container) // thread.go
	}
	return job{
		msg: dialog.Message{
			Channel:        Channel,
			UserID:         ic.User.ID,
			UserName:       userName(ic.User),
			ConversationID: conversationKey(channelID, ic.User.ID),
			EventID:        prefixedID("slack:act:", ic.TriggerID),
			Action:         &dialog.Action{Payload: a.Value, Label: a.Text.Text},
			CanForm:        ic.TriggerID != "",
			Private:        isDM(channelID),
		},
		org: &origin{
			kind:        fromAction,
			channelID:   channelID,
			userID:      ic.User.ID,
			responseURL: ic.ResponseURL,
			triggerID:   ic.TriggerID,
			// A click on an ephemeral message (a card shown after /customer)
			// must not answer in public.
			ephemeral: ic.Container.IsEphemeral,
			threadTS:  threadTS,
		},
	}, true
}

// submissionJob turns a modal submission into a job. The conversation is
// the one stored in the view when it was opened; field values come from
// the input blocks, whose block ids are the form's field names.
func (b *Bot) submissionJob(ic slack.InteractionCallback) job {
	meta := decodeViewMeta(ic.View.PrivateMetadata)
	channelID := meta.Channel
	if channelID == "" {
		channelID = ic.User.ID // nothing stored: answer in the user's DM
	}
	form := map[string]string{}
	if ic.View.State != nil {
		for blockID, actions := range ic.View.State.Values {
			for _, a := range actions {
				form[blockID] = a.Value
			}
		}
	}
	var blockIDs []string
	for _, blk := range ic.View.Blocks.BlockSet {
		if in, ok := blk.(*slack.InputBlock); ok {
			blockIDs = append(blockIDs, in.BlockID)
		}
	}
	return job{
		msg: dialog.Message{
			Channel:        Channel,
			UserID:         ic.User.ID,
			UserName:       userName(ic.User),
			ConversationID: conversationKey(channelID, ic.User.ID),
			EventID:        prefixedID("slack:view:", ic.TriggerID),
			Lang:           meta.Lang,
			FormID:         ic.View.CallbackID,
			Form:           form,
			// A further form replaces this modal (response_action update).
			CanForm: true,
			Private: isDM(channelID),
		},
		org: &origin{
			kind:        fromSubmission,
			channelID:   channelID,
			userID:      ic.User.ID,
			responseURL: meta.ResponseURL,
			ephemeral:   true,
		},
		blockIDs: blockIDs,
	}
}

// commandEventID returns a slash command's event id: its trigger_id, or,
// without one, a hash of its response_url, which Slack also makes for each
// invocation and which is a credential (it answers in the channel for 30
// minutes) not to be kept in the ledger as is. Without either it is ""
// and de-duplication is off: team, channel, user, command and text are not
// unique, since staff type the same "/points C12" twice on purpose, and
// Slack sends no retry headers for slash commands. (In HTTP mode the
// request's signature stands in; see serveCommand.)
func commandEventID(c slack.SlashCommand) string {
	if c.TriggerID != "" {
		return "slack:cmd:" + c.TriggerID
	}
	if c.ResponseURL != "" {
		sum := sha256.Sum256([]byte(c.ResponseURL))
		return "slack:cmd:url:" + hex.EncodeToString(sum[:16])
	}
	return ""
}

func prefixedID(prefix, id string) string {
	if id == "" {
		return "" // no stable id: de-duplication off rather than collapsing two events
	}
	return prefix + id
}

func userName(u slack.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.RealName
}

// viewMeta is what a modal carries in private_metadata (≤ 3000 chars): where
// to answer once it is submitted.
type viewMeta struct {
	Channel     string `json:"c"`
	ResponseURL string `json:"r,omitempty"`
	Lang        string `json:"l,omitempty"`
}

func (m viewMeta) encode() string {
	js, _ := json.Marshal(m)
	if len(js) > 3000 {
		m.ResponseURL = ""
		js, _ = json.Marshal(m)
	}
	return string(js)
}

func decodeViewMeta(s string) viewMeta {
	var m viewMeta
	if json.Unmarshal([]byte(s), &m) != nil {
		return viewMeta{}
	}
	return m
}

// userIDForm is how Slack writes a user's id: U or W (Enterprise Grid),
// then capitals and digits.
var userIDForm = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// IsUserID reports whether s is a Slack user id, as a mention reaches the
// engine ("@U0123ABCD" after incomingText): the engine's /staff add grants
// a role only to one (dialog.Config.UserIDs), not to a display name typed
// as text, which Slack sends as typed when no person was picked.
func IsUserID(s string) bool { return userIDForm.MatchString(s) }

// slackMarkup matches Slack's escapes in incoming text: <@U123|name>,
// <#C123|name>, <!here>, <https://x|label>.
var slackMarkup = regexp.MustCompile(`<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>`)

// incomingText turns the text Slack sends into what the person typed: user
// mentions become "@U123" (an id the engine can grant a role to), channels
// "#name", links their URL, and &amp; &lt; &gt; their characters.
func incomingText(s string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		p := slackMarkup.FindStringSubmatch(m)
		sigil, target, label := p[1], p[2], p[3]
		switch sigil {
		case "@":
			return "@" + target
		case "#":
			if label != "" {
				return "#" + label
			}
			return "#" + target
		case "!":
			return "@" + strings.SplitN(target, "^", 2)[0]
		}
		if !strings.Contains(target, ":") {
			return m // not Slack's markup: leave what was typed
		}
		if strings.HasPrefix(target, "mailto:") && label != "" {
			return label
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// resolveUser fills the sender's language (unless the message has one) and
// display name from users.info, cached: the name staff see on notes is the
// one they chose in Slack, not their handle. A failure leaves both as they
// are (the engine's default language).
func (b *Bot) resolveUser(ctx context.Context, m *dialog.Message) {
	if m.UserID == "" {
		return
	}
	u, ok := b.users.get(m.UserID)
	if !ok {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		info, err := b.api.GetUserInfoContext(ctx, m.UserID)
		if err != nil {
			b.log.Debug("slack: users.info", "user", m.UserID, "err", err)
			b.users.put(m.UserID, userInfo{}) // do not ask again for every line
			return
		}
		u = userInfo{lang: info.Locale, name: info.Profile.DisplayName}
		if u.name == "" {
			u.name = info.RealName
		}
		b.users.put(m.UserID, u)
	}
	if m.Lang == "" {
		m.Lang = u.lang
	}
	if u.name != "" {
		m.UserName = u.name
	}
}
