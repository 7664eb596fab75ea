// Package relay is what every channel shares: the contract an adapter
// implements, and the runtime around it. An adapter (bots/console,
// bots/telegram, bots/slack) only translates in (a platform event becomes a
// dialog.Message) and renders out (a dialog.Reply becomes the platform's
// call); ordering, de-duplication, retries and routing live here once, and
// relaytest checks that every adapter keeps the contract.
//
// There are only a few types: Relay, Router, Event, Address and Sender.
//
// # Basics
//
// An adapter builds one Relay (New) with the engine as its Handler and the
// shop's Router. For each platform event it calls Submit with an Event: the
// message, the adapter's note on where it came from (Origin), and hooks
// around the engine's turn (Before, Handled, After). The Relay runs the
// events of one conversation one after another in the order submitted,
// different conversations side by side (at most Workers at once), hands each
// message to the engine (again, Config.HandleAttempts times, while it fails
// with nothing committed), and gives the replies to the Router. Submit's
// Ticket says when the engine is done with the event, which is when an
// adapter answers a platform that waits to hear the event arrived (Slack's
// 3-second acknowledgement, Telegram's webhook). An event id submitted
// recently is not handled twice: its Ticket is the first copy's.
//
// The Router sends each reply where it is addressed: dialog.ToConversation
// back to the conversation on its own platform, dialog.ToStaffChannel to the
// platform serving the staff channel (SetStaff), dialog.ToUser to the
// user's platform (Reply.Channel), each through that adapter's Sender with
// an Address. Adapters register themselves (Register); the scheduler and
// every feature that sends outside a conversation use Deliver.
// RouterConfig.Sent hears of each reply a platform accepted.
//
// bots/retry's Policy is the retry of one platform call (a 429 waits its
// Retry-After, other failures back off, refusals are final); Transport,
// Buffered, Deadline and Direct make the HTTP clients adapters send with:
// a pool sized for the workers, bodies in one piece, a bound on each call,
// and the requests handed to the transport without http.Client's
// bookkeeping.
//
// # Caveats
//
// A conversation's events wait for each other, nothing else does, until
// Config.Limit events are queued in all: Submit then waits for room, which
// is the back-pressure intake should feel (a poller stops fetching), and a
// slow conversation with a long queue can then delay intake for everyone.
//
// The recent event set is a convenience, bounded (Config.Recent) and in
// memory: after a restart, or once an id is forgotten, only the engine's own
// de-duplication by event id stands, which makes a re-delivery answer
// nothing. An event whose handling failed is forgotten at once, so that a
// re-delivery is tried again.
//
// Replies are sent after the engine's commit and are lost if the process
// dies in between; RouterConfig.Sent is the hook for an outbox that closes
// that gap. A reply the Router cannot place is logged with the kind of its
// address and its length, never its text or ids.
//
// The workers that run the conversations' turns are goroutines kept from
// the first burst that needs them until Close (Workers of them at most),
// not one per conversation per burst: a Relay that is never closed keeps
// them. Deadline bounds an HTTP call with a context deadline instead of
// http.Client.Timeout; its errors are the context's.
//
// Close cancels the work still running after its context ends: a reply in
// the middle of its retries is then given up. Before that, from the moment
// Close begins, a send that fails is not tried again (retry.WithStop): with
// the platform down at a SIGTERM, every reply in flight would otherwise sit
// out its whole back-off (7.5 s for Telegram's five tries) and the shutdown
// the full drain. The events taken are still handled and committed; a
// reply of an effect waits in the outbox for the next start, and a reply
// to a read that failed so is lost, logged as "not delivered while
// stopping".
package relay
