// Package console is dangol's terminal chat: the adapter that runs when no
// platform token is configured, and the harness scripted tests drive.
//
// # Basics
//
// A Console reads lines from Config.In and writes what a chat would show to
// Config.Out. Lines starting with a colon are the console's own commands:
//
//	:as staff 민지        speak as staff member 민지
//	:as manager 사장      speak as a manager
//	:as customer 42       speak as customer 42 (any id, like a chat id)
//	:lang en              switch language
//	:time                 show the console's clock
//	:time +3h             move it forward (+30d, +1w, 2027-02-01 09:00, 09:00)
//	:help                 list these commands
//	:quit                 stop, like end of input
//
// Any other line is a message (Message.Text) from the current speaker. The
// console is a trusted channel: it asserts the speaker's role in
// Message.Role, and each speaker has their own conversation
// ("<role>:<name>"), so switching speaker never mixes two flows.
//
// Buttons print as "[1] label  [2] label"; a line that is only that number
// presses the button of the speaker's latest reply. When that reply had no
// buttons, a number presses nothing, however recent the buttons before it:
// it goes to the engine as text, as the same keystroke goes on Slack or
// Telegram (a flow that asks for a number gets it), and the console says
// so when older buttons could have been meant. A question followed by a
// notice in answer to the same line keeps the question's buttons.
// A button labelled with a number (an NPS scale of 0 to 10) prints as just
// "[7]" and is pressed by that number, so what is typed is what is meant;
// the other buttons of the reply take the numbers left, from 1. Staff and
// managers read the staff channel too: when its latest buttons (a low
// rating's "I'll call them") are newer than their own latest reply, a
// number presses those;
// so do the buttons of a direct message to the speaker's console address (a
// follow-up DM's "done") when they are the newest.
// Replies addressed elsewhere (the staff channel, another user) print behind
// an arrow with their address: the console registers itself with its
// relay.Router as the console's sender, the staff channel and the fallback
// of every reply no other adapter carries, so a rehearsal shows what would
// be sent anywhere. Sections print as a title and indented lines,
// images as a one-line placeholder that says where the picture was saved
// (Config.ImageDir, created when missing) or how to save it.
//
// # The clock
//
// The console is the rehearsal room: with a Config.Clock, :time shows its
// time and moves it forward, never back, and the clock runs every scheduled
// post due on the way (ParseTime says what :time reads). The console prints
// each due time once ("⏰ 2027-02-01 (월) 09:00"), then what was sent then,
// with its address, as any reply addressed elsewhere. The clock itself,
// the jobs and what they record belong to cmd/dangol; the console only
// parses, refuses a move back or over MaxJump, and prints.
//
// # Caveats
//
// A direct message to a customer prints as "→ [고객 42]": the console
// knows a customer by its Config.CustomerChannels or, for its own ids, by
// their having spoken as a customer in this run; a message to a console
// customer who has not spoken yet (a scheduled one right after a restart)
// prints with its platform address, "→ [console:42]".
//
// A thread's head rewritten in place (Reply.HeadUpdate: a thread taken,
// answered, closed) is not printed: the console cannot edit a line it
// printed, and the change is said to the staff member who made it.
//
// A line of one or two digits that names no current button prints a hint
// instead of being sent; longer numbers (link codes, amounts) always go
// through as text. Every Handle runs with a context that is not cancelled
// by Run's context, so a message already read is committed even during
// shutdown. Run cannot interrupt a blocked read of In: after its context is
// done it returns at once and leaves that read behind, which matters only
// to a caller that keeps the process alive and reuses In.
package console
