package dialog

import "github.com/dangol/dangol/ledger"

// Message is one incoming event from any platform, already stripped of the
// platform's own types. Exactly one of Text, Action, Form, Phone, Media or
// Reach carries the content (Media may come with Text, its caption).
type Message struct {
	Channel        string // the adapter's channel name ("telegram"); Config's channel policy says whom it carries
	UserID         string // the sender's id on that platform
	UserName       string // the sender's display name, if the platform gives one
	ConversationID string // the chat, DM or channel; with Channel it keys the session
	EventID        string // unique per delivery source, for de-duplication; empty disables it
	Lang           string // the sender's language as the platform reports it ("ko", "en-US"), may be empty

	// Role is the sender's role as asserted by a trusted adapter (the
	// console). The engine ignores it from channels it does not trust.
	Role ledger.Role

	Text   string  // a typed line or a command with its arguments ("/note 010-1234-5678 커트")
	Action *Action // a pressed button
	// FormID and Form carry a submitted form: field name -> value.
	FormID string
	Form   map[string]string
	// Phone is a phone number the platform vouches for as the sender's own
	// (a Telegram contact shared by its owner).
	Phone string

	// CanForm says the sender's client can fill a Form (Slack modals), so
	// flows may open one instead of asking field by field.
	CanForm bool
	// Private says the message came from a one-to-one chat (a DM, a Telegram
	// private chat); group messages may be refused by some flows.
	Private bool

	// CursorName, when set, names a ledger cursor advanced to CursorValue in
	// the same transaction as the message's effect (Telegram's update id), so
	// an adapter can resume after the last update it committed.
	CursorName  string
	CursorValue int64

	// Thread, set by an adapter that threads messages (Slack), names the
	// engine's thread the message was written under: the Reply.Thread of
	// the post it answers. A staff member's message there is an answer to
	// that thread's customer.
	Thread string
	// Edit says the message changes (EditChanged) or removes (EditDeleted)
	// one written before in Thread; the engine never relays it, since what
	// was relayed cannot be taken back.
	Edit string
	// Media is what the message carried besides Text (a photo, a sticker,
	// a voice note); nil when nothing.
	Media *Media
	// Reach, set by an adapter whose platform says so (Telegram's
	// my_chat_member), reports that the sender blocked the bot
	// (ReachBlocked) or allowed it again (ReachAllowed); such a message
	// carries nothing else and is never answered.
	Reach string
}

// Values of Message.Reach.
const (
	ReachBlocked = "blocked"
	ReachAllowed = "allowed"
)

// Values of Message.Edit.
const (
	EditChanged = "edited"
	EditDeleted = "deleted"
)

// Media is a non-text part of an incoming message.
type Media struct {
	Kind MediaKind
	Name string // a file name, when the platform gives one
	Mime string // the media type, e.g. "image/jpeg"
	// Bytes is the content, fetched by the adapter for kinds the engine
	// keeps (a photo), at most MaxMediaBytes; nil for the others.
	Bytes []byte
}

// MediaKind says what a Media is.
type MediaKind string

// Kinds of Media. Only photos travel on to the staff; for the others the
// customer is asked to write or send a photo instead.
const (
	MediaPhoto   MediaKind = "photo"
	MediaSticker MediaKind = "sticker"
	MediaVoice   MediaKind = "voice"
	MediaOther   MediaKind = "other" // a video, a document, a location…
)

// MaxMediaBytes bounds a photo an adapter fetches for the engine: larger
// ones arrive as MediaOther without Bytes.
const MaxMediaBytes = 5 << 20

// Action is a pressed button: the payload of the Button that was pressed.
type Action struct {
	Payload string
	Label   string // the label shown, when the platform returns it
}

// Target says where a Reply goes.
type Target int

const (
	// ToConversation sends the reply back where the message came from.
	ToConversation Target = iota
	// ToStaffChannel sends the reply to the shop's staff channel (alerts,
	// weekly summaries), whatever platform serves it.
	ToStaffChannel
	// ToUser sends the reply to one user in a direct message: Reply.Channel
	// and Reply.UserID name them.
	ToUser
)

// Reply is one outgoing message, already localised. Adapters render it
// natively: buttons as Block Kit buttons, Telegram inline keyboards or
// numbered choices in the console.
type Reply struct {
	To      Target
	Channel string // with ToUser: the platform of the user
	UserID  string // with ToUser: the platform user id
	Lang    string // the language Text is in, for the adapter's own chrome

	Text     string    // plain text; may span lines; never Markdown or Block Kit
	Sections []Section // optional structured body (summaries, cards); Text then is its one-line headline
	Buttons  []Button
	Form     *Form  // a form to open (Slack modal); only sent when Message.CanForm
	Image    *Image // optional picture (a chart)
	File     *File  // optional document (a CSV list); like Image, sent privately to the sender when Private

	// FormErrors answers a submitted form: field name -> localised error.
	// When set, the form stays open with the errors shown inline and nothing
	// was recorded.
	FormErrors map[string]string
	// Private asks that only the sender see the reply (Slack ephemeral).
	Private bool
	// Stale marks the answer to a pressed button that no longer applies (its
	// flow ended or expired): adapters drop the old buttons without showing
	// the press as a choice made.
	Stale bool
	// Menu asks the adapter to show its persistent main menu (Telegram's reply
	// keyboard) in Lang.
	Menu bool
	// InPlace marks the answer to a pressed button that is the next step
	// of the same exchange (a survey's next question, its thank-you): an
	// adapter that can edit the pressed message shows the reply in its
	// place (Telegram's editMessageText), so a wizard of presses stays one
	// message and costs no new message against the platform's limits. An
	// adapter that cannot, or a reply sent again after a restart (the
	// pressed message is no longer known), sends it as a new message.
	InPlace bool `json:",omitempty"`

	// Thread groups the staff channel's posts about one conversation with
	// a customer (a question or complaint thread, by its number "12"):
	// adapters that thread messages (Slack) post the thread's first post as
	// a new message and the rest under it, a File included; the console
	// labels each with ThreadLabel. On a ToUser reply it names the thread
	// the message to the customer belongs to (a relayed answer), so a
	// refusal is told in that thread (Engine.Blocked); adapters ignore it
	// there.
	Thread      string
	ThreadLabel string // Thread as staff read it ("문의 #12"), localised
	// Head marks the thread's head post (the customer, the state, the
	// buttons). With HeadUpdate it is a new version of a head posted before:
	// an adapter that can edit messages (Slack chat.update) replaces that
	// head in place, others may drop it (the change is also said in the
	// thread).
	Head       bool
	HeadUpdate bool

	// Origin, on a message the shop started to a customer, names what it
	// was sent for ("campaign:3:C12": campaign 3's message to customer
	// C12), so that a send refused (Engine.Blocked) or given up
	// (Engine.GaveUp) is counted against it. Adapters ignore it.
	Origin string `json:",omitempty"`

	// OutboxID, when set, names the reply in the ledger's outbox
	// (Config.Outbox): tell Engine.Delivered once the platform accepted it,
	// or it is sent again after a restart.
	OutboxID string `json:",omitempty"`
}

// Section is a titled block of lines in a structured reply.
type Section struct {
	Title string
	Lines []string
}

// Button is one choice. Payload travels back in Action.Payload and is at most
// 64 bytes (Telegram's limit on callback data).
type Button struct {
	Label   string
	Payload string
}

// Form is a form for clients that can show one.
type Form struct {
	ID     string // returned as Message.FormID on submit
	Title  string
	Submit string // the submit button's label
	Fields []Field
}

// Field is one input of a Form.
type Field struct {
	Name      string // the key in Message.Form
	Label     string
	Hint      string // placeholder / example
	Optional  bool
	Multiline bool
	Value     string // initial value
}

// File is a document to send with a reply: Slack uploads it (to the
// sender's DM when the reply is Private), the console saves it beside the
// charts.
type File struct {
	Name  string // file name, e.g. "customers-20260513-1400.csv"
	Mime  string // media type, e.g. "text/csv"
	Bytes []byte
}

// Image is a picture to send with a reply.
type Image struct {
	Name string // file name, e.g. "week-2026-W48.png"
	PNG  []byte
}
