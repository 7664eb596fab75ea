// Package slackfake is a fake Slack on loopback for tests that want the real
// slack-go client to make real HTTP calls (and Socket Mode to dial a real
// websocket): bots/slack's tests and cmd/dangol's. slacktest serves too
// little of what dangol calls and records nothing; this fake records every
// call on Calls (or Options.OnCall) for a test to wait on.
//
// # Basics
//
// New starts a Server, closed when the test ends. APIURL is the bot's API
// URL; ResponseURL(id) a response_url; WS receives the websocket Socket
// Mode opens (apps.connections.open answers with its address). The Web API
// methods dangol uses answer as Slack does: auth.test, users.info (per
// SetLocale), chat.postMessage (each post its own ts, PostTS; a thread's
// posts carry thread_ts in their Form), chat.update, chat.postEphemeral, views.open,
// conversations.open (the DM with user U is "DU"), and the three calls of a
// file upload, whose bytes are recorded as the call "upload".
//
// RateLimit, Script and Fail make calls fail as Slack or a network does: a
// 429 with Retry-After, a dropped connection, a proxy's 502, or an error
// code.
//
// # Caveats
//
// users.info is not recorded (it is looked up once per user, in no fixed
// place among the calls a test waits for), nor auth.test unless
// Options.AuthTests says so. Calls holds 256 calls: a test
// that does not take them uses OnCall.
package slackfake
