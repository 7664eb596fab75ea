package dialog

// actionHandlers are the buttons that work outside any flow, by the verb
// before the payload's first ':' ("mycoupons" in "mycoupons:"). A feature
// registers its own from an init in its file, so a new button is not an
// edit of onAction's switch. A verb onAction knows itself (cancel, answer,
// fu, lang, note, cedit) is never looked up here.
//
// Handlers run in the pressing person's turn; each checks for itself who
// may press it, as commands do.
var actionHandlers = map[string]func(t *turn, arg string) error{}

// typedAnswers read a customer's line outside any flow as the answer to a
// question with buttons the customer was asked and has not answered ("받을
// 게요" typed under the advertising question), before it is taken for a
// question for the shop. A feature registers its own from an init in its
// file; each returns whether the line was its answer.
var typedAnswers []func(t *turn, text string) (bool, error)
