// Package dialog is dangol's platform-neutral conversation engine.
//
// # Basics
//
// Every adapter (bots/slack, bots/telegram, bots/console) turns a platform
// event into a Message and calls Engine.Handle, which returns the Replies to
// send. One looplab/fsm machine per conversation (Channel + ConversationID)
// runs each flow (note, lookup, points, feedback, link, consent, summary,
// erase); its state and half-filled draft are stored in the ledger in the same
// transaction as the effect of the message, with the message's event id, so a
// restart resumes mid-flow and a re-delivered event changes nothing twice.
//
// # Caveats
//
// Replies are semantic (text, sections, buttons, form, image); adapters
// render them. All text comes from package locales.
package dialog
