// Package dialog is dangol's platform-neutral conversation engine.
//
// # Basics
//
// Every adapter (bots/slack, bots/telegram, bots/console) turns a platform
// event into a Message and calls Engine.Handle, which returns the Replies to
// send. Handle runs the whole message in one ledger transaction: the effect
// (a note, points, a link, feedback), the audit entries, the conversation's
// session (flow, fsm state, half-filled draft), the adapter's cursor, the
// message's event id and (Config.Outbox) its replies commit together, so a
// restart resumes mid-flow and a re-delivered event changes nothing and
// returns only its replies not yet delivered (see Delivery).
//
// A conversation is keyed by Channel + ":" + ConversationID. Its
// looplab/fsm machine is rebuilt from the stored session for each message;
// no machine is kept in memory. Messages of one conversation are handled in
// order (a per-key lock), different conversations in parallel (the ledger
// batches their commits).
//
// Roles come from the channel policy, which is configuration: the engine
// names no platform. Message.Role is honoured only from
// Config.TrustedChannels (cmd/dangol: the console); a sender on one of
// Config.CustomerChannels (Telegram) is a customer unless configured as
// staff; anyone else is a manager or staff member when listed in
// Config.Managers / Config.Staff, or granted in the ledger (/staff add, to
// a user id of the channel's form, Config.UserIDs) and
// writing on one of Config.StaffChannels (Slack, the console), and
// otherwise gets a polite refusal and nothing is read. Staff reads and changes of a customer record are audited in the
// same transaction.
//
// A command typed while a flow waits ends the flow and says so (engine.go
// replaceFlow; a word without a slash counts there only as cancel or help,
// flowWords, so "balance" or 포인트 typed as a note is the note): a flow only browsing ends without a word (flowDef.browse),
// a guided note whose text is written, or a feedback once rated, is saved
// as it is (flowDef.keep: only optional questions were left; the same when
// its writer walks away, idle_keep.go), anything else is not saved, and the
// notice names it by its state or operation when it has a name of its own
// (flowTitle). /cancel saves nothing. A command a flow lists in
// flowDef.resumedBy goes on with it instead (/start under the consent
// question: a reminder, not the whole text again).
//
// Flows: note (guided, one-liner or a Form), pick (which of several
// customers), consent, feedback and forget are state machines, and so are
// customer_edit (a field's value asked for, a same-name registration, an
// erasure on request: reason, then a confirmation naming the customer) and
// my_birthday (flow_customer_edit.go); the other
// commands answer at once. Buttons carry short payloads ("pick:C12",
// "rate:4", "nps:9", "yes", "no", "skip", "cancel", "lang:en",
// "answer:<feedback id>", "fu:<note id>", "fs:<note id>", "rr:<day>:<n>");
// the last five work outside any
// flow, and so does "note:<note id>", a note's button on the card, which
// starts the correct flow (flow_corrections.go: edit or delete a note,
// confirm a large or repeated earn), and so does a saved note's
// [30,000P 적립] ("ne:<note id>", note_earn.go): a note's amount earns
// nothing until it is pressed. Typing a button's label counts as
// pressing it, and so do the plain words one answers a person with
// (typed_answer.go): 네, yes or ok a confirmation, 없음, none or no an
// optional question. Command words typed without a slash count in either
// language (parse.go: 취소 and cancel, 포인트 and points); staff's stop and
// quit cancel too, while a customer's STOP opts out of advertising.
//
// Loyalty (flow_program.go, flow_stamp.go, flow_coupon.go,
// flow_loyalty_daily.go) reads the programme from the ledger: /program
// shows it and a manager changes one part at a time (the "program" flow,
// or a form); tiers, their earn rates and benefit lines come from it (by
// default 일반, 단골 from TierRegularVisits, VIP from TierVIPVisits visits
// ever); /stamp, /coupon and a manager's /customer <who> 등급 <tier> work
// on a customer (the "coupon" flow holds /coupon use's buttons). What the
// ledger records for a customer to be told (a Notice: a tier up, a
// reward, a coupon, points about to expire) is told as a ToUser reply to
// their linked channel: at once when a staff message caused it, otherwise
// by LoyaltyJob, daily. A change that moves customers asks [바꾸기] [취소]
// first, its value waiting in the program flow (flow_program_confirm.go):
// tier rules leaving out a tier someone holds (ledger.TierDrops: who, the
// tier they carry to, how many go down after the notice of the next
// daily run), and a stamp card under which cards are full at once. Such a
// change gives those cards their rewards in its own transaction
// (ledger.FillStampCards) and tells each customer as a stamp's reward is
// told; a raised goal keeps every stamp and says so.
//
// # Delivery
//
// A message is first run in a read-only transaction. One that only reads
// (a points check, /help, a card, a refusal) is answered from it, and its
// event id and cursor are queued to ride on the ledger's next commit
// (ledger.Store.QueueMarks): a read costs no fsync of its own. Messages
// sure to write (staff, who are audited; a running flow; a form) skip that
// attempt, and one that tries to write anyway stops at its first write
// (ledger.ErrReadOnly) and is run again in a read-write transaction, which
// concurrent messages share (the ledger's commit pipeline). Flow code may
// thus run twice and must keep every side effect inside the transaction;
// replies are only collected, and sent by the caller.
//
// With Config.Outbox, the replies of a message with an effect are written
// into the ledger's outbox in the effect's transaction, each with its
// Reply.OutboxID (not a form to open nor a form's inline errors, which
// only the client waiting for them now can show). The caller reports them
// with Delivered once the platform has accepted them; Unsent lists what
// still waits (at start: what the last run committed and never saw
// delivered), and Pending counts it, the figure intake keeps under a limit
// (WaitPending). What a crash can then repeat, and
// what it cannot:
//
//   - An effect (a note, points, feedback, a link, an erasure) never
//     happens twice: it commits with its event id, and a re-delivery finds
//     the id and changes nothing.
//   - An effect's replies are sent at least once, never lost: Unsent sends
//     them after a restart, and a re-delivered event returns its replies
//     still waiting instead of nothing. A reply sent but whose Delivered
//     had not committed is sent again.
//   - A read's answer may be repeated: a crash within the ledger's
//     MarkDelay (100 ms) of a read forgets its event id, and a re-delivery
//     is answered again, from the state of then. A read's answer lost in
//     the crash is not sent again (it was never written down); the sender
//     asks again.
//
// A message whose commit the disk had no room for (ledger.ErrNoSpace)
// changed nothing; it is answered from memory with what happened instead
// of the usual apology (nospace.go): staff that the disk is full and to
// free space, a customer that nothing was kept, and the staff channel is
// told of customers' lost messages at most every NoSpaceAlertEvery.
//
// # Caveats
//
// An erasure reaches a reply still in the outbox only when the reply is
// tied to the customer (addOutbox, outboxCustomer): a reply to their
// linked chat (ToUser, or the answer in their own conversation), a staff
// post in their thread, and the answer to a staff message that audited
// them and no other customer (a note, their card, points) are sealed
// under their key and deleted with them, so nothing of theirs is sent
// after /forget, a manager's erase or retention. A staff post outside a
// thread (the weekly summary) and an answer to a staff message that
// audited several customers or none are tied to nobody, sealed under the
// shop key, and still sent: a flow that quotes one customer to staff
// should audit them or post in their thread. A thread of an unlinked
// sender is tied to nobody either (their /forget shreds their
// sender key, not the outbox). A reply already handed to the platform
// when the erasure commits still goes: the erasure reaches what waits,
// not what is in flight. A flow about them in another conversation (a
// staff member's half-typed note) ends with the erasure, its draft gone
// (erased_flow.go): that conversation's next message is told so, without
// their name, and nothing is saved for them, by it or by IdleKeepJob.
// Their open questions and complaints close with the erasure
// (ledger.ThreadClosedByErasure; an unlinked sender's latest by
// scrubHeads): they leave /inbox and the SLA check, the rewritten heads
// offer no button, and an older post's [답장하기], [내가 맡을게요],
// [종료] or [다시 열기], or /reply, says the customer was erased.
//
// A flow that can keep its work (the guided note) is saved at its idle
// timeout, not dropped (idle_keep.go): by its writer's next message, or by
// IdleKeepJob, which saves it in the writer's name from the writer's id,
// name and asserted role that finish keeps in the draft. A draft written
// before that (an older release) has no writer: only the next message
// saves it, and the housekeeping sweep drops it IdleKeepGrace after the
// timeout. A writer no longer staff is not saved for. The job's DM goes
// to the writer (ToUser), not to the conversation, which may be a channel.
//
// The channel policy has no default: an engine configured without
// CustomerChannels, StaffChannels and TrustedChannels admits only the
// Managers and Staff listed by id, and refuses every customer. A new
// channel (KakaoTalk, a web chat) is admitted by naming it there.
//
// Config.Chart left nil draws the real chart (feedback's, about a second
// under the race detector) for every /summary and weekly post: a test that
// drives summaries and is not about the picture passes
// feedback/charttest.Stub, or it pays that second each time.
//
// Retention (Config.Retention, flow_retention.go) erases on its own, not in
// answer to a message: ApplyRetention at serve's and chat's start and
// RetentionJob daily, each erasing only those whose notice's day has come;
// RetentionNoticeJob gives those notices a month ahead, to the customer
// and, by name, to the managers. The erasures' count reaches the managers in the morning
// follow-up DM and is taken as told when that DM is made
// (ledger.TellRetention): a DM whose sending fails is tried again with the
// same count, but one given up (past FollowUpMaxLate) loses it, and with
// the follow-up DMs off nobody is told; the audit trail keeps every
// erasure either way.
//
// Loyalty notices: one caused by a staff message (an upgrade at an earn or
// a note, a reward, a coupon given) is marked delivered in that message's
// transaction, with its ToUser reply among the replies; without
// Config.Outbox a reply the platform then refuses is not tried again (the
// coupon or tier is there all the same, in /points). LoyaltyJob marks a
// notice delivered only once its message was handed over: a send that
// fails is tried again, and a crash between the send and the mark tells it
// twice. Notices of customers no channel reaches (never linked, or without
// consent) are dropped, not kept for later. DANGOL_POINTS_RATE seeds the
// programme at its first change or daily run (seedProgramme) and stands
// for it until then, so a changed variable changes nothing once the
// ledger holds a programme.
//
// Wrong typed link codes are limited per account (MaxCodeMisses) and for
// everyone together (Config.LinkCodeMisses an hour, kept in the ledger):
// the bot-wide limit means a guesser with enough accounts can pause typed
// codes for every customer, an hour at a time. That is the price of making
// the 6 digits unguessable; the staff channel is told at each pause, and
// deep links, QR codes and a shared contact keep linking meanwhile. A
// used code is answered as used until it would have expired
// (ledger.UsedCodeError), never as wrong, and counts as no miss.
//
// Declining consent keeps the sender's account unlinked and nothing of it
// but the answer. A record the declined code or shared phone names only
// notes the decline (Customer.Consent.Declined: its card and /link say
// so): the record is the shop's own 장부, made at the counter or imported
// with its paper consent, and staff credit it as before, which is what the
// consent question tells the customer (markDeclined).
//
// Questions (flow_thread.go): a customer's free text that is no command,
// no link code and no answer in a flow is kept in the "question" flow's
// draft and sent to the staff only on [보내기]; while their latest thread
// is open, or closed less than ledger.ReopenWindow ago, it joins that
// thread at once (reopening it) without asking, except a sentence that
// asks (readsAsQuestion) while that thread is a complaint, open or closed
// within the window: the customer chooses a new question or the complaint
// (dQJoin; joining a closed one reopens it); a closed thread's only
// thanks ("감사합니다", "네 알겠습니다") is kept with it and shown to the
// staff without reopening it (ledger.ThreadMessage.AfterClose). Relayed answers go out as
// ToUser replies to the platform id stored (sealed) in the thread, named
// by the staff member's display or roster name, never their platform id;
// /reply to a closed thread relays nothing and offers [다시 열기]. A low
// rating opens a complaint thread: its [내가 연락할게요] claims it ("연락
// 예정") and only closing it marks the feedback answered, which is what
// the summary counts as "해결" (the rest, replied to or not, "미해결").
// Feedback without a thread (left before threads existed, or by someone
// who declined consent) is still marked answered by the button, as
// before. SLAJob (sla.go) counts only opening hours (Config.Hours) and
// tells the managers configured by id
// (Config.Managers), those granted in chat (/staff add … manager) and
// Config.Notify, never plain staff; a manager granted after a thread was
// told is not told of it. A thread is recorded as told before its DMs go
// out, so a DM that fails past the scheduler's retries is lost, never
// doubled.
//
// Media (flow_media.go): a customer's photo (Message.Media with bytes)
// joins their open thread or starts a question as text does, its caption
// the words; it is kept sealed with the thread (ledger.AddThreadPhoto) and
// posted into the thread as the post's File ("photo-3.jpg"). While a
// question waits for [보내기] its photos wait in the session's draft, at
// most maxPendingPhotos and MaxMediaBytes together, so the draft stays
// small; [취소] or another command drops them with the draft. Stickers,
// voice and other media are answered "글이나 사진으로 보내 주세요" and
// nothing is kept, their caption included; inside any other flow media is
// answered by that flow asking again. Staff's media is ignored and their
// text read as usual. /mydata and /inbox <n> name a thread's photos,
// never send them. Caveat: a photo's staff post waits in the outbox (with
// Config.Outbox) like every reply, sealed with the shop key, until the
// staff's platform takes it: an erasure meanwhile does not reach that
// copy, and a slow Slack holds up to MaxMediaBytes a photo there.
//
// Blocked customers (reach.go): an adapter whose platform refuses a person
// for good (Telegram's 403) returns an error wrapping ErrBlocked, and its
// caller hands the reply to Engine.Blocked, which marks the person
// unreachable, takes the reply out of the outbox as failed and, the first
// time, returns the post "전달 실패: 고객이 봇을 차단했어요" for their
// thread: the reply's Reply.Thread, else their latest thread not closed.
// A Message with Reach (the platform saying they blocked the bot, or
// allowed it again) marks or clears them without a failed reply, and is
// never answered. Any message of theirs clears the mark (a read-only turn
// becomes a write then); until then a staff turn that writes to them gets a warning ahead
// of the reply, which is still sent (they may have unblocked the bot
// without writing).
//
// Answers written in a thread (thread_relay.go): a staff member's Message
// with Thread (an adapter that threads the staff channel sets it) is
// relayed as /reply relays, through the same relayReply; only a command
// typed with its slash runs there, so an answer that starts with a Korean
// command word ("답장 드려요", "취소됐어요") is still an answer. A
// stranger's thread message gets no reply at all, not even a refusal
// (run's role check), and a customer's is ignored. Edits and deletions
// (Message.Edit) are never relayed; the thread is told so once
// (ledger.MarkEditNoticed), whoever edits later. Every change of a
// thread's state (taken, first answered, closed, reopened) adds its head
// again with Head and HeadUpdate, in the shop's language: adapters that
// cannot edit a post drop it (the console does), so such a reply must
// never be the only place a change is said. An answer sent by /reply or
// [답장하기]'s form is also posted into the thread, which then holds the
// whole conversation; one written in the thread is not posted twice.
//
// Resolving a complaint (flow_resolve.go): its [해결됨] and /inbox close
// start the "resolve" flow (or a form), and nothing changes until its last
// answer. In the form the message field comes filled with the apology, so
// a staff member who submits without reading sends it; cleared, nothing
// goes. The apology, the points line and the adjust entry's reason ("불만
// #12 보상") are in the customer's language, as their /points shows them.
// Bonus points are capped at MaxBonusPoints. An erased customer gets no
// message and no points, and the closing note is not kept.
//
// Care messages (issue 14) are service messages the shop starts; they
// need only the consent given at /start. A follow-up's [메시지 보내기]
// ("fs:<note id>", flow_followup_send.go) sends a draft (the note's first
// tag or first words, in the customer's language), edited in a form or
// accepted or replaced in the "followup_send" flow, as a staff answer in
// the customer's open thread (or a new question thread, whose head says
// "후속 연락"), and marks the follow-up done in the same transaction. The
// rating request (flow_rating_request.go, RatingRequestJob) is a Check job
// every ten minutes that writes each request into the outbox itself, in
// the transaction that marks it asked, and returns it for the scheduler
// to deliver: its "rr:<day>:<n>" stars start the feedback flow at the
// score question. At that question, words typed instead of a score are
// the feedback's comment and finish it (the score left unknown); a
// mistyped number ("11", "11점") is asked again.
//
// Caveats of care messages: the rating check scans every customer's visit
// stats each run (cheap for a shop's thousands, not for millions). A
// request not sent by 21:00 of its due day (dangol down) is dropped, not
// sent days late ("오늘 방문" would be wrong): the console's :time, which
// makes a check only at the end of a jump (Job.Check), drops a request
// whose day it jumps past. The follow-up's thread is a question thread
// whose first message is the staff's (its head, and headText's, say
// "후속 연락"): /inbox and the week's figures count it as a question, with
// a first response at once. A follow-up
// whose customer is not reachable shows the full phone (audited as a read,
// "followup-phone") privately to the staff member who pressed. Every
// message the shop starts is in the customer's stored language: their
// /lang, else the one they linked in (their Telegram's, kept at the link);
// a customer linked before that was kept gets the shop's language until
// they write /lang, though the bot answers them in their platform's.
//
// Campaigns (flow_campaign.go, campaign_job.go): /campaign's preview
// records the draft with every matching customer, queued or skipped with
// the reason adMessage gave, so the figures shown are the ones sent;
// CampaignJob, a Check job each minute, takes up to DefaultCampaignPerRun
// queued recipients a run, DefaultCampaignBatch a transaction, builds each
// message again with adMessage at that moment (a consent withdrawn since
// the preview skips them) and marks them sent with the outbox entry and
// the benefit in that transaction. Each message carries Reply.Origin
// ("campaign:<n>:<customer>"): a 403 handed to Blocked, or a give-up
// reported with GaveUp (cmd/dangol's resender), moves its recipient from
// sent to failed (blocked, gave_up) once, whichever comes first. /campaign
// alone opens a form when Message.CanForm (Slack), checked field by field
// (FormErrors), else asks step by step; both end in the one-line
// preview (campaignDraft). /campaign <n> adds the response figures
// (ledger.CampaignFigures). Caveats: a recipient is marked sent when the
// message enters the outbox and becomes failed only when a path reports
// it, so a send still being retried counts as sent; a failed recipient
// keeps the benefit given with the send (points, a coupon it may never
// hear of); a reply without Origin (built before it existed, or another
// kind of message) is failed by nobody; a draft expires a day after its
// preview ([발송] refused, listed apart) and the job's next run deletes
// its recipients; a campaign's figures are weighed as /response's are
// (ledger.Tx.CampaignFigures over the same rule: after the send, within 14
// days); the message is built in
// the customer's language around the manager's text as typed (not
// translated); the console's :time makes a check only at the end of a
// jump (Job.Check), so one jump sends at most one run's recipients; the
// job never sends between 21:00 and 08:00, and a campaign whose queue
// reaches 21:00 finishes from 08:00.
//
// Replies are semantic (text, sections, buttons, form, image); adapters
// render them. All text comes from the core.* messages of package locales;
// a test parses this package for every "core.…" literal and checks both
// catalogs have it.
//
// A refusal the sender can act on (an unknown customer, a duplicate phone,
// an invalid code) rolls the effect back and then records the event id and
// cursor alone, as a read's are (see Delivery). Any other error or a panic in flow code is logged with the
// conversation key and answered with a localised apology; Handle returns
// the error for the adapter's log. /summary is computed after the commit in
// a read transaction of its own, so a slow chart never holds the write lock.
//
// Advertising (ads.go, flow_marketing.go, flow_birthday.go; 정보통신망법
// 제50조): every advertising message is built by adMessage, which puts
// "(광고)", Config.ShopName and Config.ShopContact first and the free
// opt-out line with [수신 거부] last, and refuses (an AdSkip, counted by
// the caller) a customer without advertising consent, erased, unlinked or
// without the base consent, or marked unreachable; with no ShopName
// (AdNoShop) or no ShopContact (AdNoContact) it refuses every customer,
// since the law wants the sender named with a contact. adMessage
// does not look at the hour: a caller sends at AdSendAt (never 21:00–08:00
// in the shop's zone). The optional question is asked once per customer,
// right after their first link (link in flow_link.go); a customer linked
// before it existed is never asked and has no advertising consent until
// they use /marketing. Its buttons ("mkt:on|off:<how>") work outside any
// flow and whenever pressed, so an old [수신 거부] still withdraws.
// MarketingJob asks a customer once, ledger.MarketingAskAhead before
// their consent is ledger.MarketingReconfirmYears old, naming the day it
// ends (the scheduler's retries of that day's occurrence ask again a
// question whose send failed; past the day they are not asked again, and
// lapse at ledger.Marketing.LapsesAt). From the two years on, adMessage
// refuses them until they answer yes (ledger.Marketing.AdsAllowed, which
// the ledger's birthday and win-back marks ask too). BirthdayJob's
// occurrence is made until
// 21:00 at the latest (BirthdaySpec's MaxLate): a greeting missed because
// dangol was down all day is skipped for that year, never sent at night.
// Its greeting, benefit, year's mark and outreach record are written in
// Posts (BirthdayGreetings), in one transaction with the greeting's outbox
// entry (with Config.Outbox): a crash before the send leaves it to the
// outbox's resender, so it goes at least once. Without Config.Outbox (the
// tests' engine) a greeting whose send failed is built again by the next
// run of the occurrence and goes then, or, dangol restarted, is lost.
//
// Win-back (flow_winback.go): [안부 메시지] ("wb:<customer id>") and
// WinBackJob send adMessage's message with the programme's win-back offer
// (ledger.WinBackRules), once per lapse (ledger.MarkWinBack), with the
// benefit, the outreach record and the outbox entry in one transaction.
// Caveats: the offer line is added after the staff's words and cannot be
// edited away, so the customer is told what they get; the coupon's own
// notice is marked told, the win-back message telling of it. A press in
// the night queues the staff's words, not the message: the morning job
// (WinBackMorningJob, 08:00, until 20:59 when dangol was down) builds it
// again with the offer then in force, and drops it when the customer has
// withdrawn, blocked the bot, been erased or come in meanwhile, telling
// the staff member who queued it why (a DM; nobody for an erasure, which
// shreds the sealed actor with the text). The automatic job runs at
// Config.WinBackAt (DANGOL_WINBACK_AT, 11:00) and scans every customer's
// visit stats, as the summary does; it records customers skipped for
// advertising consent once per lapse (the baseline), the other skips only
// in the log, and tells the managers the day's counts in a DM that is not
// kept in the outbox (lost if its send fails for good). The win-back is
// not a thread: a customer's answer starts a question as any text does.
// No phone is offered instead of a message that cannot go: a call
// offering the benefit would be advertising without consent too. The
// jobs' messages are written into the outbox with their mark: without
// Config.Outbox (the tests' engine) one whose send fails is not sent
// again, its lapse being marked.
//
// Response figures (response.go): the follow-up send, the rating request,
// the birthday greeting and the win-back each record a ledger.Outreach in
// the transaction of their outbox entry (the birthday job also its
// skipped customers, once a day), and /response (반응, managers) shows
// ledger.OutreachFigures per kind over the last 30 days (or N), through
// responseLine, which any flow showing figures (a campaign's) may use; the
// weekly summary's line is feedback's. Caveat: a rating request's answer
// with the stars is feedback, not a reply: only thread messages count.
package dialog
