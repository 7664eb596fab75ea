// Package relaytest is the conformance suite of the adapter contract: what
// every channel must do, checked the same way for each, as litestream's
// RunWithReplicaClient checks every replica client. An adapter's tests
// implement Platform against its fake platform server (the real client
// library talking real HTTP on loopback) and call Run.
//
// The suite drives the adapter with Engine, a stand-in for dialog.Engine
// that keeps to its contract where the suite looks (one effect per event
// id; a repeat answers nothing) and answers in a way the suite can check:
//
//	text "buttons"        a reply with the buttons "yes" and "no"
//	text "tell <user id>" "for you" to that user on the same channel (ToUser), and "told" to the sender
//	text "slow"           held until the test releases it
//	anything else          "echo: <text>"
//	a pressed button       "pressed: <payload>"
//
// The checks: a message is answered in its conversation; a button press
// reaches the engine as its payload; a reply to another user reaches that
// user; a re-delivered event changes nothing; each conversation's messages
// reach the engine, and their answers the user, in order while many
// conversations talk at once; a slow conversation delays only itself
// (adapters that handle one message at a time, the console, say so in
// Options); and an adapter told to stop finishes the message it took and
// sends its answer before Run returns.
package relaytest
