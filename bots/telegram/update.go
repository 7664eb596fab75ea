package telegram

import (
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// Channel is the name of Telegram's channel: Message.Channel of every
// message the adapter makes, and the Router's key for its replies.
const Channel = "telegram"

// CursorName is the ledger cursor that holds the last Telegram update id the
// engine committed; Config.LastUpdateID should read it (LastCommitted).
const CursorName = "telegram.update"

// menuCommands maps the main menu's buttons to the commands they stand for,
// in the order they appear on the keyboard.
var menuCommands = []struct{ id, command string }{
	{"telegram.menu.points", "/points"},
	{"telegram.menu.feedback", "/feedback"},
	{"telegram.menu.lang", "/lang"},
}

// inKind says what to do with an update.
type inKind int

const (
	inIgnore      inKind = iota // log and drop
	inEngine                    // hand msg to the engine
	inReply                     // answer with the catalog text replyID, nothing forwarded
	inGroupNotice               // tell a group, once, that the bot works in private only
)

// inbound is an update translated for the adapter.
type inbound struct {
	kind     inKind
	chatID   int64
	lang     string // the sender's language_code, for the adapter's own text
	msg      dialog.Message
	replyID  string                // with inReply
	callback *models.CallbackQuery // set for button presses
	file     fileRef               // a photo to fetch before the engine sees msg (media.go)
	why      string                // with inIgnore, for the log
}

// chatOf returns the chat an update belongs to, which keys its queue; 0 when
// it has none.
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.ChannelPost != nil:
		return u.ChannelPost.Chat.ID
	case u.EditedChannelPost != nil:
		return u.EditedChannelPost.Chat.ID
	case u.CallbackQuery != nil:
		return callbackChat(u.CallbackQuery).ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

// callbackChat returns the chat of the message whose button was pressed,
// or, when Telegram no longer says, the presser's private chat.
func callbackChat(cq *models.CallbackQuery) models.Chat {
	if m := cq.Message.Message; m != nil {
		return m.Chat
	}
	if m := cq.Message.InaccessibleMessage; m != nil && m.Chat.ID != 0 {
		return m.Chat
	}
	// A private chat's id is the user's id.
	return models.Chat{ID: cq.From.ID, Type: models.ChatTypePrivate}
}

// translate turns an update into what the adapter should do with it. It
// holds no business logic: everything a customer can mean goes to the
// engine, media included; only what Telegram alone understands (edits,
// groups, someone else's contact) is answered here.
func (b *Bot) translate(u *models.Update) inbound {
	switch {
	case u.Message != nil:
		return b.translateMessage(u, u.Message)
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if m.Chat.Type != models.ChatTypePrivate {
			return inbound{kind: inIgnore, chatID: m.Chat.ID, why: "edited message in a group"}
		}
		return inbound{kind: inReply, chatID: m.Chat.ID, lang: langOf(m.From), replyID: "telegram.unsupported.edited"}
	case u.ChannelPost != nil || u.EditedChannelPost != nil:
		return inbound{kind: inIgnore, chatID: chatOf(u), why: "channel post"}
	case u.CallbackQuery != nil:
		return b.translateCallback(u, u.CallbackQuery)
	case u.MyChatMember != nil:
		return b.translateMember(u, u.MyChatMember)
	}
	return inbound{kind: inIgnore, why: "unhandled update type"}
}

// translateMember turns a person blocking the bot in their private chat
// (the bot's new status "kicked") or allowing it again ("member") into a
// Message with Reach for the engine; anything else (a group adding or
// removing the bot) is ignored.
func (b *Bot) translateMember(u *models.Update, cm *models.ChatMemberUpdated) inbound {
	in := inbound{chatID: cm.Chat.ID, lang: cm.From.LanguageCode}
	if cm.Chat.Type != models.ChatTypePrivate || cm.From.IsBot || cm.From.ID == 0 {
		in.kind, in.why = inIgnore, "member change outside a private chat"
		return in
	}
	from := cm.From
	in.msg = b.baseMessage(u, &from, cm.Chat)
	switch cm.NewChatMember.Type {
	case models.ChatMemberTypeBanned:
		in.msg.Reach = dialog.ReachBlocked
	case models.ChatMemberTypeMember:
		in.msg.Reach = dialog.ReachAllowed
	default:
		in.kind, in.why = inIgnore, "member change of no interest"
		return in
	}
	in.kind = inEngine
	return in
}

func (b *Bot) translateMessage(u *models.Update, m *models.Message) inbound {
	in := inbound{chatID: m.Chat.ID, lang: langOf(m.From)}
	if m.Chat.Type != models.ChatTypePrivate {
		if m.Chat.Type == models.ChatTypeChannel {
			in.kind, in.why = inIgnore, "message in a channel"
			return in
		}
		in.kind = inGroupNotice
		return in
	}
	if m.From == nil || m.From.IsBot {
		in.kind, in.why = inIgnore, "message without a human sender"
		return in
	}
	in.msg = b.baseMessage(u, m.From, m.Chat)
	switch {
	case m.Contact != nil:
		if m.Contact.UserID == 0 || m.Contact.UserID != m.From.ID {
			in.kind, in.replyID = inReply, "telegram.contact.not_yours"
			return in
		}
		if strings.TrimSpace(m.Contact.PhoneNumber) == "" {
			// Telegram sends a shared contact with its number, but a
			// client or a forged update may not: to the engine it would be
			// a message with nothing in it.
			in.kind, in.replyID = inReply, "telegram.contact.no_phone"
			return in
		}
		in.msg.Phone = m.Contact.PhoneNumber
	case m.Text != "":
		in.msg.Text = b.normalizeText(m.Text)
	case hasMedia(m):
		// The engine answers media: a photo joins the customer's
		// question, anything else is asked for in words or a photo. The
		// caption is the message's text, as typed.
		in.msg.Media, in.file = mediaOf(m)
		in.msg.Text = m.Caption
	default:
		in.kind, in.why = inIgnore, "service message"
		return in
	}
	in.kind = inEngine
	return in
}

func (b *Bot) translateCallback(u *models.Update, cq *models.CallbackQuery) inbound {
	chat := callbackChat(cq)
	in := inbound{chatID: chat.ID, lang: cq.From.LanguageCode, callback: cq}
	if chat.Type != models.ChatTypePrivate || cq.Data == "" || cq.From.IsBot {
		in.kind, in.why = inIgnore, "button press outside a private chat or without data"
		return in
	}
	from := cq.From
	in.msg = b.baseMessage(u, &from, chat)
	in.msg.Action = &dialog.Action{Payload: cq.Data, Label: pressedLabel(cq)}
	in.kind = inEngine
	return in
}

// baseMessage fills what every message to the engine carries.
func (b *Bot) baseMessage(u *models.Update, from *models.User, chat models.Chat) dialog.Message {
	id := strconv.FormatInt(u.ID, 10)
	return dialog.Message{
		Channel:        Channel,
		UserID:         strconv.FormatInt(from.ID, 10),
		UserName:       strings.TrimSpace(from.FirstName + " " + from.LastName),
		ConversationID: strconv.FormatInt(chat.ID, 10),
		EventID:        "telegram:" + id,
		Lang:           from.LanguageCode,
		Private:        chat.Type == models.ChatTypePrivate,
		CursorName:     CursorName,
		CursorValue:    u.ID,
	}
}

// normalizeText maps a main-menu button back to its command and strips the
// "@botname" Telegram appends to commands picked from a list.
func (b *Bot) normalizeText(text string) string {
	t := strings.TrimSpace(text)
	if cmd, ok := b.menu[t]; ok {
		return cmd
	}
	if !strings.HasPrefix(t, "/") {
		return text
	}
	head, rest, _ := strings.Cut(t, " ")
	if name, suffix, ok := strings.Cut(head, "@"); ok {
		if u := b.username(); u == "" || strings.EqualFold(suffix, u) {
			head = name
		}
	}
	if rest == "" {
		return head
	}
	return head + " " + rest
}

// pressedLabel finds the text of the button whose data was pressed.
func pressedLabel(cq *models.CallbackQuery) string {
	m := cq.Message.Message
	if m == nil || m.ReplyMarkup == nil {
		return ""
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, btn := range row {
			if btn.CallbackData == cq.Data {
				return btn.Text
			}
		}
	}
	return ""
}

func hasMedia(m *models.Message) bool {
	return m.Sticker != nil || len(m.Photo) > 0 || m.Video != nil || m.Voice != nil ||
		m.Audio != nil || m.Document != nil || m.Animation != nil || m.VideoNote != nil ||
		m.Location != nil || m.Venue != nil || m.Poll != nil || m.Dice != nil ||
		m.Game != nil || m.Story != nil || m.PaidMedia != nil || m.Checklist != nil
}

func langOf(u *models.User) string {
	if u == nil {
		return ""
	}
	return u.LanguageCode
}

// menuLabels returns every main-menu label in every language, mapped to its command.
func menuLabels(cat *locales.Catalog) map[string]string {
	out := map[string]string{}
	for _, lang := range locales.Languages {
		for _, mc := range menuCommands {
			out[cat.Text(lang, mc.id, nil)] = mc.command
		}
	}
	return out
}
