package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
	"golang.org/x/text/width"

	"github.com/dangol/dangol/dialog"
)

// Telegram's limits, in UTF-16 code units as Telegram counts them.
const (
	maxText     = 4096
	maxCaption  = 1024
	maxCallback = 64 // bytes of callback data
)

// outMsg is one message to send: a text, or a photo with an optional
// caption, and the keyboard attached to it.
type outMsg struct {
	photo    *dialog.Image
	text     string
	entities []models.MessageEntity
	markup   any // *inlineKeyboard, *replyKeyboard or nil
}

// The keyboards are our own types rather than the library's: its
// InlineKeyboardButton always sends an empty "copy_text" object, which we
// would rather not put in front of Telegram.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

type replyKeyboard struct {
	Keyboard              [][]keyButton `json:"keyboard"`
	IsPersistent          bool          `json:"is_persistent"`
	ResizeKeyboard        bool          `json:"resize_keyboard"`
	InputFieldPlaceholder string        `json:"input_field_placeholder,omitempty"`
}

type keyButton struct {
	Text           string `json:"text"`
	RequestContact bool   `json:"request_contact,omitempty"`
}

// line is one line of a rendered body; bold lines are section titles.
type line struct {
	text string
	bold bool
}

// render turns a reply into the messages that show it. Text is sent as plain
// text with no parse mode, so nothing needs escaping; section titles are made
// bold with entities rather than Markdown for the same reason.
//
// The main menu goes with a reply that asks for it (Reply.Menu), in an extra
// message if the reply has buttons of its own. With autoMenu it also rides
// on a reply without buttons, so that a chat has the menu (and its
// share-contact button, for linking) from its first answer on.
func (b *Bot) render(r dialog.Reply, lang string, autoMenu bool) []outMsg {
	var msgs []outMsg
	if r.Image != nil {
		lines := bodyLines(r)
		chunks := split(lines, maxCaption)
		if len(chunks) == 1 {
			chunks[0].photo = r.Image
			msgs = chunks
		} else {
			msgs = append([]outMsg{{photo: r.Image}}, split(lines, maxText)...)
		}
	} else if t, ents, ok := oneMessage(r, maxText); !ok {
		msgs = split(bodyLines(r), maxText)
	} else if t != "" {
		msgs = []outMsg{{text: t, entities: ents}}
	}
	kb := b.inlineKeyboard(r.Buttons)
	if len(msgs) == 0 && (kb != nil || r.Menu) {
		id := "telegram.pick"
		if kb == nil {
			id = "telegram.menu.shown"
		}
		msgs = []outMsg{{text: b.cfg.Catalog.Text(lang, id, nil)}}
	}
	if len(msgs) == 0 {
		return nil
	}
	if kb != nil {
		msgs[len(msgs)-1].markup = kb
	}
	switch last := &msgs[len(msgs)-1]; {
	case (r.Menu || autoMenu) && last.markup == nil:
		last.markup = b.menuKeyboard(lang)
	case r.Menu:
		msgs = append(msgs, outMsg{text: b.cfg.Catalog.Text(lang, "telegram.menu.shown", nil), markup: b.menuKeyboard(lang)})
	}
	return msgs
}

// oneMessage is the message split(bodyLines(r), limit) makes of a reply
// that fits in one (its text and entities), found without building the
// lines, the pieces and the joins: most replies, text or a card of a few
// sections, are one message. The empty text when the reply shows nothing;
// ok is false when it does not fit, for split to cut. TestOneMessage and
// FuzzOneMessage hold it to split's result.
func oneMessage(r dialog.Reply, limit int) (text string, ents []models.MessageEntity, ok bool) {
	var room [48]bodyLine
	lines := appendBody(room[:0], r)
	if len(lines) > len(room) {
		return "", nil, false // a long reply: split's way
	}
	blank := func(l bodyLine) bool { return !l.bullet && strings.TrimSpace(l.text) == "" }
	lo, hi := 0, len(lines)
	for lo < hi && blank(lines[lo]) { // no message starts with a blank line
		lo++
	}
	for hi > lo && blank(lines[hi-1]) { // nor ends with one
		hi--
	}
	if lo == hi {
		return "", nil, true
	}
	const bullet = "• "
	n, size := hi-lo-1, hi-lo-1 // the newlines between the lines
	for _, l := range lines[lo:hi] {
		n += units(l.text)
		size += len(l.text)
		if l.bullet {
			n += units(bullet)
			size += len(bullet)
		}
	}
	if n > limit {
		return "", nil, false
	}
	var sb strings.Builder
	sb.Grow(size)
	off := 0
	for i, l := range lines[lo:hi] {
		if i > 0 {
			sb.WriteByte('\n')
			off++
		}
		u := units(l.text)
		if l.bullet {
			sb.WriteString(bullet)
			u += units(bullet)
		}
		if l.bold && u > 0 {
			ents = append(ents, models.MessageEntity{Type: models.MessageEntityTypeBold, Offset: off, Length: u})
		}
		sb.WriteString(l.text)
		off += u
	}
	return sb.String(), ents, true
}

// bodyLine is one line of a reply's layout: a line of its text, a blank
// line between parts, a section's title (bold) or one of its lines (a
// bullet, shown after "• ").
type bodyLine struct {
	text         string
	bold, bullet bool
}

// appendBody appends the layout of r's text and sections to dst: the one
// layout of bodyLines and oneMessage.
func appendBody(dst []bodyLine, r dialog.Reply) []bodyLine {
	if t := strings.TrimRight(r.Text, "\n "); t != "" {
		for rest, more := t, true; more; {
			var l string
			l, rest, more = strings.Cut(rest, "\n")
			dst = append(dst, bodyLine{text: l})
		}
	}
	for _, sec := range r.Sections {
		if len(dst) > 0 {
			dst = append(dst, bodyLine{})
		}
		if sec.Title != "" {
			dst = append(dst, bodyLine{text: sec.Title, bold: true})
		}
		for _, l := range sec.Lines {
			dst = append(dst, bodyLine{text: l, bullet: true})
		}
	}
	return dst
}

// bodyLines lays out a reply's text and sections as split takes them.
func bodyLines(r dialog.Reply) []line {
	body := appendBody(nil, r)
	out := make([]line, len(body))
	for i, l := range body {
		out[i] = line{text: l.text, bold: l.bold}
		if l.bullet {
			out[i].text = "• " + l.text
		}
	}
	return out
}

// split packs lines into messages of at most limit UTF-16 units, breaking
// between lines where it can and inside a line only when one line alone is
// too long.
func split(lines []line, limit int) []outMsg {
	var pieces []line
	for _, l := range lines {
		for units(l.text) > limit {
			head, rest := cut(l.text, limit)
			pieces = append(pieces, line{text: head, bold: l.bold})
			l.text = rest
		}
		pieces = append(pieces, l)
	}
	var out []outMsg
	var cur []line
	n := 0
	flush := func() {
		for len(cur) > 0 && strings.TrimSpace(cur[len(cur)-1].text) == "" {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			out = append(out, join(cur))
		}
		cur, n = nil, 0
	}
	for _, p := range pieces {
		u := units(p.text)
		if len(cur) > 0 && n+1+u > limit {
			flush()
		}
		if len(cur) == 0 && strings.TrimSpace(p.text) == "" {
			continue // no message starts with a blank line
		}
		if len(cur) > 0 {
			n++
		}
		cur = append(cur, p)
		n += u
	}
	flush()
	return out
}

// join makes one message of lines, with bold entities for the titles.
func join(lines []line) outMsg {
	var sb strings.Builder
	var ents []models.MessageEntity
	off := 0
	for i, l := range lines {
		if i > 0 {
			sb.WriteByte('\n')
			off++
		}
		u := units(l.text)
		if l.bold && u > 0 {
			ents = append(ents, models.MessageEntity{Type: models.MessageEntityTypeBold, Offset: off, Length: u})
		}
		sb.WriteString(l.text)
		off += u
	}
	return outMsg{text: sb.String(), entities: ents}
}

// cut splits s after at most limit UTF-16 units, at the last space of the
// second half if there is one, so words stay whole.
func cut(s string, limit int) (head, rest string) {
	n, end, space := 0, 0, -1
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if n+w > limit {
			break
		}
		n += w
		_, size := utf8.DecodeRuneInString(s[i:]) // a byte that is not UTF-8 is one, not RuneLen(U+FFFD)
		end = i + size
		if r == ' ' && n > limit/2 {
			space = end
		}
	}
	if space > 0 {
		end = space
	}
	if end == 0 && s != "" {
		// One character wider than limit (a surrogate pair at a limit of
		// 1, never at Telegram's): it goes whole, or the caller's loop
		// would cut nothing for ever (FuzzOneMessage found it).
		_, end = utf8.DecodeRuneInString(s)
	}
	return s[:end], s[end:]
}

// units counts s in UTF-16 code units, the way Telegram measures text and
// entity offsets.
func units(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}

// Keyboard geometry: about rowBudget columns fit across a phone, and
// Telegram draws the buttons of a row equally wide.
const (
	rowBudget  = 36
	rowButtons = 6
	buttonPad  = 2
)

// inlineKeyboard lays buttons out in rows, in order: a row takes the next
// button while all of its buttons, drawn as wide as its widest, still fit
// the budget. Short labels (scores, stars) share rows; long ones stand
// alone. Buttons Telegram would refuse (no label, or data outside 1–64
// bytes) are left out and logged.
func (b *Bot) inlineKeyboard(buttons []dialog.Button) *inlineKeyboard {
	kb := &inlineKeyboard{}
	var row []inlineButton
	widest := 0
	for _, btn := range buttons {
		if btn.Label == "" || btn.Payload == "" || len(btn.Payload) > maxCallback {
			b.log.Warn("telegram: button left out: Telegram needs a label and 1-64 bytes of data",
				"label", btn.Label, "payload_bytes", len(btn.Payload))
			continue
		}
		w := max(widest, displayWidth(btn.Label))
		if len(row) > 0 && (len(row) == rowButtons || (len(row)+1)*(w+buttonPad) > rowBudget) {
			kb.InlineKeyboard = append(kb.InlineKeyboard, row)
			row, w = nil, displayWidth(btn.Label)
		}
		row = append(row, inlineButton{Text: btn.Label, CallbackData: btn.Payload})
		widest = w
	}
	if len(row) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil
	}
	return kb
}

// displayWidth counts columns: wide (Hangul, CJK, most emoji) runes take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return n
}

// menuKeyboard is the persistent main menu in lang. Its share-contact
// button sends the customer's own contact, which the engine links by phone
// (after consent); for someone already linked it just says so.
func (b *Bot) menuKeyboard(lang string) *replyKeyboard {
	label := func(id string) keyButton { return keyButton{Text: b.cfg.Catalog.Text(lang, id, nil)} }
	contact := label("telegram.menu.contact")
	contact.RequestContact = true
	return &replyKeyboard{
		Keyboard: [][]keyButton{
			{label(menuCommands[0].id), label(menuCommands[1].id)},
			{label(menuCommands[2].id), contact},
		},
		IsPersistent:          true,
		ResizeKeyboard:        true,
		InputFieldPlaceholder: b.cfg.Catalog.Text(lang, "telegram.menu.placeholder", nil),
	}
}
