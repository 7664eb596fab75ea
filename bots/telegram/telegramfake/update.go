package telegramfake

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Update is one update to Push, without its update_id (Push gives it).
// Make one with Text, Press, Photo, Media or Raw.
type Update struct {
	text  *textUpdate
	press *pressUpdate
	media *mediaUpdate
	raw   json.RawMessage
}

type mediaUpdate struct {
	chat       int64
	name, lang string
	fields     map[string]any
}

// PhotoSize is one size of a photo message, as Telegram lists them
// (smallest first); FileID names a file given to AddFile to make it
// downloadable.
type PhotoSize struct {
	FileID   string `json:"file_id"`
	UniqueID string `json:"file_unique_id"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	FileSize int    `json:"file_size"`
}

type textUpdate struct {
	chat       int64
	name, lang string
	text       string
}

type pressUpdate struct {
	chat       int64
	name, lang string
	on         Call
	data       string
}

// user is the sender of an update: a private chat's id is its user's id.
type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Lang      string `json:"language_code,omitempty"`
}

type chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	FirstName string `json:"first_name,omitempty"`
}

type entity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type message struct {
	ID          int64           `json:"message_id"`
	Date        int64           `json:"date"`
	From        *user           `json:"from,omitempty"`
	Chat        chat            `json:"chat"`
	Text        string          `json:"text,omitempty"`
	Entities    []entity        `json:"entities,omitempty"`
	ReplyMarkup json.RawMessage `json:"reply_markup,omitempty"`
}

type callbackQuery struct {
	ID           string   `json:"id"`
	From         user     `json:"from"`
	Message      *message `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data"`
}

// appendJSON appends the update, id, of message msg to b: by hand, the
// JSON encoding/json writes for it (but for <, > and &, left as they
// are), as dangol bench pushes thousands a second. TestTextUpdate holds it
// to encoding/json's.
func (t *textUpdate) appendJSON(b []byte, id, msg int64) []byte {
	b = append(b, `{"update_id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"message":{"message_id":`...)
	b = strconv.AppendInt(b, msg, 10)
	b = append(b, `,"date":`...)
	b = strconv.AppendInt(b, messageDate, 10)
	b = append(b, `,"from":{"id":`...)
	b = strconv.AppendInt(b, t.chat, 10)
	b = append(b, `,"is_bot":false,"first_name":`...)
	b = appendString(b, t.name)
	if t.lang != "" {
		b = appendString(append(b, `,"language_code":`...), t.lang)
	}
	b = append(b, `},"chat":{"id":`...)
	b = strconv.AppendInt(b, t.chat, 10)
	b = append(b, `,"type":"private"`...)
	if t.name != "" {
		b = appendString(append(b, `,"first_name":`...), t.name)
	}
	b = append(b, '}')
	if t.text != "" {
		b = appendString(append(b, `,"text":`...), t.text)
	}
	if strings.HasPrefix(t.text, "/") {
		head, _, _ := strings.Cut(t.text, " ")
		b = append(b, `,"entities":[{"type":"bot_command","offset":0,"length":`...)
		b = strconv.AppendInt(b, int64(utf16Len(head)), 10)
		b = append(b, "}]"...)
	}
	return append(b, "}}"...)
}

// utf16Len is the length of s in UTF-16 code units, which Telegram's
// offsets and lengths count.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Text is a text message a person sends the bot in their private chat
// (chat is both the chat's and the person's id). A leading /command gets
// the bot_command entity Telegram adds.
func Text(chatID int64, firstName, lang, text string) Update {
	return Update{text: &textUpdate{chat: chatID, name: firstName, lang: lang, text: text}}
}

// Press is a person pressing the inline button with callback data on the
// message the bot sent in call (a sendMessage or an edit answered by this
// fake), in their private chat.
func Press(chatID int64, firstName, lang string, call Call, data string) Update {
	return Update{press: &pressUpdate{chat: chatID, name: firstName, lang: lang, on: call, data: data}}
}

// Photo is a photo a person sends the bot in their private chat, in the
// sizes given, with an optional caption.
func Photo(chatID int64, firstName, lang, caption string, sizes ...PhotoSize) Update {
	for i := range sizes {
		if sizes[i].UniqueID == "" {
			sizes[i].UniqueID = "u" + sizes[i].FileID
		}
	}
	fields := map[string]any{"photo": sizes}
	if caption != "" {
		fields["caption"] = caption
	}
	return Media(chatID, firstName, lang, fields)
}

// Media is a message a person sends the bot in their private chat with
// fields beside the usual ones: {"sticker": {...}}, {"voice": {...}},
// {"location": {...}}, as the Bot API names them.
func Media(chatID int64, firstName, lang string, fields map[string]any) Update {
	return Update{media: &mediaUpdate{chat: chatID, name: firstName, lang: lang, fields: fields}}
}

// Raw is an update given as JSON: an object whose update_id, if any, Push
// replaces.
func Raw(update json.RawMessage) Update { return Update{raw: update} }

func (u Update) encode(id int64, s *Server) (json.RawMessage, error) {
	switch {
	case u.text != nil:
		return u.text.appendJSON(make([]byte, 0, 256+len(u.text.text)+2*len(u.text.name)), id, s.nextMsg.Add(1)), nil
	case u.press != nil:
		p := u.press
		from := user{ID: p.chat, FirstName: p.name, Lang: p.lang}
		on := &message{ID: p.on.MessageID, Date: messageDate,
			From: &user{ID: BotID, IsBot: true, FirstName: "단골"},
			Chat: chat{ID: p.chat, Type: "private", FirstName: p.name},
			Text: p.on.Fields["text"]}
		if rm := p.on.Fields["reply_markup"]; json.Valid([]byte(rm)) {
			on.ReplyMarkup = json.RawMessage(rm)
		}
		return json.Marshal(struct {
			ID            int64         `json:"update_id"`
			CallbackQuery callbackQuery `json:"callback_query"`
		}{id, callbackQuery{ID: "cq" + strconv.FormatInt(id, 10), From: from, Message: on,
			ChatInstance: strconv.FormatInt(p.chat, 10), Data: p.data}})
	case u.media != nil:
		md := u.media
		from := user{ID: md.chat, FirstName: md.name, Lang: md.lang}
		m := map[string]any{"message_id": s.nextMsg.Add(1), "date": messageDate, "from": from,
			"chat": chat{ID: md.chat, Type: "private", FirstName: md.name}}
		for k, v := range md.fields {
			m[k] = v
		}
		return json.Marshal(map[string]any{"update_id": id, "message": m})
	case u.raw != nil:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(u.raw, &m); err != nil {
			return nil, err
		}
		m["update_id"] = json.RawMessage(strconv.FormatInt(id, 10))
		return json.Marshal(m)
	}
	return nil, errors.New("empty update")
}
