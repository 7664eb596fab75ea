// Package ledger is dangol's persistence: one bbolt file holding customers,
// consultation notes, points entries, feedback, conversation sessions,
// processed event ids, the audit trail and one-time link codes.
//
// # Basics
//
// There are only two types to learn: Store, the open file, and Tx, one
// transaction. Every effect of one incoming event runs in one Store.Update
// together with its event id, so it lands completely or not at all:
//
//	err := store.Update(ctx, func(tx *ledger.Tx) error {
//		if seen, err := tx.SeenEvent(msg.EventID); err != nil || seen {
//			return err // a re-delivered event changes nothing twice
//		}
//		n := ledger.Note{CustomerID: "C12", StaffID: "slack:U1", At: now, Text: "펌 상담"}
//		if err := tx.AddNote(&n); err != nil {
//			return err
//		}
//		return tx.MarkEvent(msg.EventID, now)
//	})
//
// A Store is opened with the shop's master key (Options.Key, 32 bytes;
// NewKey makes one). Every personal value is sealed with AES-256-GCM before
// it reaches bbolt: names, phones, birthdays, preferences, remarks, customer
// tags and linked platform ids, note texts, feedback comments and sender
// ids, points reasons and actors, audit actors and details, session keys
// and drafts. An audit entry about a customer seals its actor and detail
// under their key and its actor again under the shop key, so their
// erasure leaves who read, changed or erased the record (audit.go); a
// points entry likewise keeps who gave or took the points, unless that was
// one of the customer's own chats (points.go). Each customer (and each unlinked sender of feedback) has a
// data key of their own, stored wrapped by a key derived from the master
// key; data tied to no one uses a shop key derived from the file key, a
// random secret of the file, stored wrapped by the master key too. The
// record's bucket and key are the associated data, so a sealed value
// cannot be moved to another record. What the summaries count stays in the
// clear: ids, times, amounts, ratings, NPS, points, note tags, visit
// counts, consent flags, languages, birthdays' month and day (the birthday
// index), staff ids and staff names.
// Lookups by phone, last four digits, name (whole, any prefix, any suffix,
// spaces ignored: nameIndexKey),
// platform id, session key, link code, tag (a customer's own or a note's:
// ListCustomers) and audit actor (AuditBy) use blind indexes: HMAC-SHA256
// under a key derived from the file key (seal.go). A used link code's
// tombstone names the account that used it by such a hash too, until the
// code would have expired (linkcode.go).
//
// The master key wraps only keys: the data keys, the file key and the key
// check value. Store.RotateKey re-wraps them under a new master key in one
// transaction, so a rotation is a few milliseconds per thousand customers
// and no sealed record or blind index is rewritten (rotate.go). CheckKey
// and Store.CheckSealed open a sample of sealed records spread over a
// file, which is how dangol tells a backup of another key, or one whose
// sealed bytes were changed, from a good one before restoring it.
//
// Tags have one spelling, CleanTag's (one width, NFC, no leading '#',
// spaces trimmed, the case as typed: "VIP" stays "VIP"), whoever writes
// them: CreateCustomer, PutCustomer, AddNote and EditNote clean them, and
// tags stored before the ledger owned their form are cleaned on read, so
// no sealed record is rewritten. They are matched by their key,
// NormalizeTag's (the spelling in lower case): the tag indexes hold keys,
// so #vip finds VIP, and two spellings of one tag on a record are one tag
// (the first kept). Each record keeps the spelling it was last given; there
// is no shop-wide table of spellings, which would keep a customer's own
// tag in the clear and past their erasure. The spelling is the record's
// string as it always was (no new field, no new version): a record stored
// lower case by a version before spellings were kept reads as it is, and
// an older dangol reading a newer file lower-cases on read as it did.
//
// Reads go through Store.View. Sentinel errors (ErrCustomerNotFound,
// ErrInsufficientPoints, ErrInvalid, …) are wrapped with context; compare
// with errors.Is.
//
// Customer ids are short and typable ("C1", "C42"). Notes, feedback and
// points entries get 26-character ids derived from their time-ordered keys
// (big-endian unix nanoseconds and a sequence), so ids sort by time and a
// week of records is one range scan (ScanNotes, ScanFeedback, ScanPoints,
// ScanAudit, ScanNewCustomers), never a full scan. Per-customer indexes
// (NotesOf, PointsOf, FeedbackOf), the phone, name and link indexes, the
// follow-up and birthday indexes and the visit stats are kept in the same
// transaction as the record. The feedback and thread indexes by customer
// (FeedbackOf, ThreadsOf) are deferred (deferred_index.go): a new entry is
// appended to a log, and the write that fills the log (4096 entries)
// moves it into the index in key order, since an entry per random leaf
// was half the pages a busy commit wrote. FeedbackCount reads a count
// the merge keeps per customer (cust_feedback_n, written in key order with
// the index) and counts the log's entries, walking no index; a file from
// before the counts has them built at Open, once (its meta flag), and so
// has a file an older build wrote meanwhile, which merges without
// counting: the counts' bucket sequence keeps their sum, and Open builds
// them again when it differs from the index's size (one walk of the
// index's pages an Open). Caveats: readers of those two
// scan the log (at most 96 KiB) besides the index; the write that merges
// rewrites nearly every leaf of the index at once (BenchmarkFeedbackMerge:
// 24-39 ms against 0.4 ms with 40,960 entries, growing with the index,
// so every writer of that commit waits for it once per 4096 feedbacks);
// and bbolt 1.5.0's Cursor.Last loops
// for ever on a bucket a merge emptied in the same transaction, so the log
// is read by chunk number, never by Last. Those bulk-scanned records use a compact
// versioned binary encoding, their personal part one sealed field;
// customers, profiles and sessions use it too (customer_record.go,
// profile.go, session.go: every message reads its sender's profile and
// session, and every one naming a customer opens the record inside the
// shared write transaction), the personal parts of customers and sessions
// sealed.
//
// Points are append-only entries. The balance is derived from them and
// cached per customer in the same transaction, tagged with a MAC of the
// file key so that a changed byte reads as a damaged record, never as
// another balance (cache.go; the stamp card too); an entry that would make it
// negative fails with ErrInsufficientPoints and writes nothing. A mistake is
// reversed, never edited: a correction is an adjust naming the entry it
// reverses (PointsEntry.Reverses, ReversalOf), at most once per entry
// (ErrAlreadyReversed), never of a correction (ErrIsCorrection); the
// reversed entry's index key names it (ReversedBy), and so does the entry
// itself, its amounts untouched, so a summary reads it without a lookup
// (entries of version 3 and before are looked up in the index). An earn
// made for a note's purchase names the note (PointsEntry.NoteID, an id in
// the clear, after the fields of version 4 in the same version, so an
// older build reads the entry and ignores it), so the chat earns for a
// note once. Notes, the
// staff's own text, can be edited (EditNote reseals) or deleted (DeleteNote
// removes the note and its indexes, so no later scan counts it). A deleted
// note or a reversed earn takes its day's visit back through UncountVisit
// (visit_uncount.go), unless another note or earn is on that day; the
// caller of DeleteNote calls it, with the note's time in the shop's zone,
// and AddPoints does for the earn it reverses. A customer's tier record is
// not recomputed then: the next visit or the daily run does it. A
// customer's entries and notes are numbered from 1, the oldest
// (PointsAt, NoteAt), the numbers the chat shows (corrections.go).
//
// Erasure (EraseCustomer) is crypto-shredding: the customer's data key is
// deleted, so their sealed data stops opening in the file at once; ids, times, amounts, ratings,
// NPS, points, visit counts and note tags (categories such as "커트", not
// words about the person) stay, so past weekly summaries keep their
// numbers. A record whose key is gone reads as erased. Every erasure also
// appends the ids of the keys it destroyed to the erased-keys list
// (Options.ErasedKeys), which Open applies to whatever file it opens: a
// backup restored from before an erasure shows the person as erased. The
// file records the same ids (its erased_keys bucket, erasedkeys.go), so a
// later backup carries every earlier erasure: Open writes down in the list
// what the file records and the list lacks, and RecordErasures gathers the
// records of other copies (a restore reads those at hand).
// Their threads still open close with it (ThreadClosedByErasure), and
// ReopenThread refuses those. An advertising consent given is withdrawn at
// the erasure (ViaErasure), so AdsAllowed is false for every erased
// customer; a record left given by an erasure from before this reads so
// too (erasedMarketing), with no rewrite of the file.
// An erasure also deletes the customer's link codes and their used-code
// tombstones, and leaves each open chat session about the customer as an
// empty stub marked Session.Erased (no draft kept), so the writer's next
// message is told the task ended rather than finding it gone; stubs expire
// as sessions do. An unlinked account's erasure (EraseSender) deletes the
// tombstones naming it.
//
// Retention (retention.go) is erasure on the shop's own schedule: a
// customer whose last visit, or registration if they never visited, is
// more than a Retention ago (calendar years, months and days in the shop's
// zone) is found by ExpiredCustomers from the clear visit stats and
// registration index, without opening a sealed record, and erased by
// EraseExpired, RetentionChunk customers per transaction, each audited as
// RetentionActor and counted until TellRetention reports the count. Nobody
// is erased before the day of the notice NoticeRetention gave them
// (retention_notice.go): at least RetentionNoticeDays after it, and a visit
// since voids it.
//
// A file of schema 1 (everything in the clear, before sealing) is migrated
// by the first Open with a key: into a new file beside it, synced, then
// renamed over the old one, which is never half converted (migrate.go).
// Options.Progress follows it; PlanMigration tells, reading only and
// without the key, what it would do.
//
// # Loyalty
//
// The loyalty programme (program.go) lives in the ledger as a history of
// versions, each in force from its Since until the next: ProgrammeAt(t)
// is "the rules at that moment", so what an entry earned stays what it
// earned. A manager changes one part at a time (SetEarnRate, SetTiers,
// SetStamps, SetExpiry, SetBirthday), each change audited ("programme",
// "part: old → new"); a part that does not validate returns a *RuleError
// saying which part, field and tier level is wrong and why. With nothing
// stored, ProgrammeAt returns DefaultProgramme(DefaultEarnRateBP), today's
// behaviour; SeedProgramme stores the default with the shop's
// DANGOL_POINTS_RATE once, which thereafter changes nothing. Earn rates
// are basis points (750 is 7.5%; PointsFor, FormatRateBP).
//
// Tiers (tier.go) are computed from the visits (days with a note or an
// earn not reversed) and the recorded spend (the purchase amounts of earns
// not reversed) in the tier rules' window; the
// customer's tier and since when are stored. UpdateTier, called after a
// visit or a purchase, applies an upgrade at once and returns the change
// for the staff reply; a downgrade happens only in the daily run, after a
// NoticeTierDownSoon TierDownNoticeDays ahead, and is cancelled if the
// customer requalifies. An upgrade whose record a correction removes (an
// earn reversed, a note deleted) is a mistake, not a lapse:
// TierAfterCorrection takes it back at once, without a notice
// (tier_correct.go). PinTier (audited) holds a tier against all three, as
// long as the programme names that tier: a pin to a tier the rules no
// longer have is let go at the next recompute, and the customer carries
// over as an unpinned holder of it does. StartTier gives a customer
// brought over from another list (the import) their first record at the
// list's tier, unpinned; under rules with a window it is held one window
// from that day (CustomerTier.HeldUntil, TierRules.StartHold: the list's
// visits are not dated, so none is in the window), and until the hold's
// last day ends the daily run neither tells of a downgrade nor makes one,
// while upgrades go on; the day is in the record and the start's audit
// entry, a second start changes nothing, and a pin or unpin ends it.
// TierHold names it while it is what keeps the tier. A window given to
// all-time rules later (SetTiers) holds a starting tier not moved since
// one window from that day, as the list's visits stop counting then; it
// also records the tier of a customer without a record yet whom the new
// rules place lower, so they too are told before they are lowered.
// TierDrops tells,
// before new rules are stored, what they would do to the holders of each
// tier they leave out: carried to the level's new tier, a pin let go, how
// many the daily run would then lower after its notice, and how many are
// held (told only after their hold).
// TierOf is the tier as the chat shows it; TierIDOf is only its id (a
// card's tier name), which a stored tier gives without the programme,
// the visits or the spend.
//
// Stamps (stamp.go) are append-only entries like points; the card is
// derived and cached. AddStamps issues a reward coupon in the same
// transaction each time the card reaches the goal, the overflow starting
// the next card; ReverseStamps is the correction, voiding unused rewards
// when the card would go below zero (ErrStampsUsed when they were used).
// With no stamp card in the programme AddStamps returns
// ErrNoStampProgramme. A card at or over a goal lowered below it (or
// imported so) is one full card: FillStampCards gives every such card its
// reward at once (the chat calls it around each change of the stamp
// card), and AddStamps at its next stamp for any left.
//
// Coupons (coupon.go) have a benefit (a percent, won off, or an item), a
// last day in the shop's time zone (they stop at the end of it: Ends), a
// six-character code from CouponAlphabet (no 0/O, 1/I/L) and a state.
// UseCoupon refuses with a *CouponError: another customer's
// (ErrCouponNotYours), used (ErrCouponUsed, with when and by whom), void
// or expired. Notes and the actors who issued and used a coupon are sealed
// under the customer's key, as stamp reasons and actors are.
//
// Point lots (lots.go): every entry that adds points is a lot with the
// expiry months in force when it was made; entries that take points take
// from the oldest lots and record what they took, so a correction puts
// points back where they were. The lots' points left always add up to the
// balance. AddPoints keeps them (LotsOf, NextExpiry), stored from a
// customer's first lot that expires; until then (and for every customer of
// a shop whose points never expire) they are replayed from the history
// when read, and AddPoints writes nothing for them.
//
// The daily run (Store.RunDaily, daily.go) expires what is left of lots
// past their end (an expire entry each, taken from that lot alone),
// notices points ending within ExpiryNoticeDays (ExpiryNoticeShortDays for
// a 1-month expiry; one notice a customer,
// their total ending within ExpiryNoticeDays of the first end), marks coupons past their
// last day expired and recomputes every tier, in small transactions whose
// effects carry their own state: run twice, or again after a crash, it
// does nothing twice. Everything a customer must be told is a Notice
// recorded in the same transaction as its cause (tier moves, expiries,
// rewards, coupons); PendingNotices lists them and MarkNoticeDelivered
// takes one off the list. LoyaltyFigures is a range's numbers for the
// weekly summary, from a clear loyalty log (no decryption), and the tiers
// customers held at the range's end.
//
// # Threads
//
// A question or complaint is a Thread (thread.go), numbered from 1 (the
// chat's "#12"), with its messages in and out. Its state moves open →
// claimed (ClaimThread) → answered (the first staff message, which sets
// the first response) → closed (CloseThread, with an optional note); a
// customer's message within ReopenWindow of the closing reopens it (one
// marked AfterClose, a thanks, is kept without reopening), a
// staff message to a closed one is ErrThreadClosed (ReopenThread first).
// The reply-to platform id, the closing note and every message text are
// sealed under the customer's key, or an unlinked sender's own key, so
// EraseCustomer and EraseSender shred them with nothing else to do; the
// times, states, staff ids, kind and rating stay clear, and OpenThreads
// and ScanThreads read only those. LatestThreadOf finds a person's latest
// thread (thread_last), and treats one whose key is shredded as none.
//
// A thread's ref on a platform that threads messages (refs.go: the Slack
// staff channel and its head post's ts) is kept clear in thread_refs,
// both ways (SetThreadRef, ThreadRef, ThreadByRef), with the flag that the
// thread was told once that edits are not relayed (MarkEditNoticed): a
// message address and a thread number are no one's personal data, so an
// erasure leaves them and shreds nothing there.
//
// A customer's photos in a thread (thread_media.go, AddThreadPhoto) are
// sealed under the same key as its texts, at most MaxPhotoBytes each and
// MaxThreadPhotos a thread; their time, type and size stay clear. A person
// the platform refuses to deliver to (a Telegram user who blocked the bot)
// is marked by MarkUnreachable under a blind id (reach.go) until
// ClearUnreachable.
//
// Caveats of threads: an erasure shreds a photo's key but leaves its
// sealed bytes in the file (up to MaxThreadPhotos × MaxPhotoBytes a
// thread), as it leaves every sealed text: unreadable, not reclaimed. An
// unreachable mark outlives the person's erasure (it is a blind id, with
// nothing to read); it is cleared when they write again. A thread of an
// erased customer or unlinked sender can still be closed, but CloseThread
// drops its note (there is no key to seal it under).
//
// Care messages (care.go): MarkRatingRequested records that a customer
// was asked to rate a visit day, and RatingRequested reads it; RatedOn
// says whether they left feedback on a day. Caveats: the markers live in
// the scheduler's posted bucket under "care:rate:<customer id>:<date>"
// (an id and a date, no personal data) and are never pruned or erased:
// one key a customer a visit day. A day is a calendar date in the
// location of the time passed, so callers pass times in the shop's zone.
// RatedOn looks at the customer's 20 newest feedbacks only.
//
// OpenThreads is every thread not closed, read whole
// (a shop's open threads are few), and ScanThreads is
// by opening time, so a week's figures about closings need the threads
// opened before the week as well.
//
// # Caveats
//
// TierDrops, SetTiers and FillStampCards, which a manager's /program
// change calls in its turn's write transaction, walk every customer (the
// tiers twice, with their window): every writer of that commit waits for
// the walk. It is
// rare, and a shop's customers are thousands, not millions; no benchmark
// measures it yet.
//
// Store.Update may run fn more than once. Concurrent writers share commits
// (pipeline.go): a commit starts as soon as the previous one has ended and
// takes every writer queued meanwhile (and those that queue while it runs
// the functions), and when one function of the group fails the group is
// rolled back and made again without it. The functions
// of a group share the transaction's memos (opened customers, data keys,
// tier records, the programme, blind indexes), each checked against the
// bytes it came from, so a function sees what the ones before it wrote
// and is handed copies it may change. fn must
// therefore be idempotent: check SeenEvent first and keep side effects
// outside the ledger (sending replies, logging) until Update has returned.
// If fn returns an error nothing of it is kept. A lone writer commits at
// once. fn runs on whichever goroutine leads the commit: it must not
// depend on its goroutine, and a panic in it is raised again on its own.
//
// A commit the disk has no room for (a full disk, a spent quota, a file
// size limit) fails wrapping ErrNoSpace, and nothing of it is kept: bbolt
// writes the meta page last, so the file still ends at the commit before,
// and takes writes again once space is freed (TestFullDisk fills one for
// real, under RLIMIT_FSIZE). Marks and sent outbox entries of a failed
// commit queue again; a restart before one commits sends those replies
// again (at least once, as after a crash).
//
// Marks queued with QueueMarks (the event id and cursor of a message that
// only read) are committed with the next commit to start, or alone after
// Options.MarkDelay; until then SeenEvent and Cursor count them in this
// process only, and a crash forgets them. Only a message that wrote
// nothing may be marked so: an effect commits with its event id. Likewise
// an outbox entry reported Sent is no longer listed at once, and deleted
// with the next commit. A View whose snapshot began before that commit
// ended does not see what it wrote, so the pipeline keeps the event ids and
// deleted keys of each commit until every reader older than it has ended
// (pipeline.prune): otherwise a re-delivery read meanwhile is answered
// again and an entry already sent is listed as pending. The cost is memory
// for as long as a reader stays open: a long Backup holds every event id
// committed while it runs.
//
// The outbox (outbox.go) keeps replies from their effect's commit until
// Sent (or PruneOutbox). An entry written with AddOutboxFor is sealed
// under its customer's key and indexed under them: EraseCustomer deletes
// it in the erasure's transaction, so a reply to them or quoting them is
// never sent after their erasure, and any copy left (free pages, a backup)
// no longer opens. Only what the caller ties to a customer is reached:
// AddOutbox seals under the shop key, as every entry written before this
// (version 1, still read and sent) was. An entry whose customer's key is
// gone but which is still there (a restored backup) is listed with Erased
// set and no payload: the sender must drop it (Sent), never retry it.
// Entries are written as version 2: a build from before reads one as
// corrupt, so a file with replies waiting is not for an older build.
//
// A Tx is valid only inside its function and only on its goroutine. Values
// the ledger returns are copies and stay valid afterwards; nothing hands out
// bbolt's memory-mapped bytes.
//
// Do not call Store.Update or Store.View from inside another transaction's
// function: they share a lock with Close and may deadlock.
//
// Record versions only go up. Cached balances and stamp cards are written
// with a tag (cache.go), which a build from before reads as a damaged
// record; untagged ones it wrote are still read, a balance checked against
// its entries. Points entries are written as version 4
// (which names the correction that reversed an entry), and a build of
// dangol from before it reads them as corrupt records, so a file used by
// this one is not for an older build. Customer records, profiles and
// sessions are written in their binary form (customer_record.go,
// profile.go, session.go) since the JSON ones: a build from before it
// reads one written or changed since as corrupt. JSON ones are read as
// they are and rewritten only when they change.
//
// Losing the master key is losing the data: nothing sealed can be read
// without it, and no one (not dangol, not its authors) can recover it. Keep
// a copy of the key apart from the data file and its backups; a backup is
// only as good as the key kept with it. The key, the data file and the
// erased-keys list are three files: a backup of the data file alone, taken
// before an erasure and opened elsewhere without the list or a later copy
// of the file, still shows the erased person to whoever holds the key, and
// any tool of one's own that holds the key reads it whatever the list says.
//
// bbolt never zeroes freed pages. Sealed values left there are unreadable
// without the key, and an erased customer's are unreadable for good; but
// the wrapped data key an erasure deleted may linger in a free page until
// bbolt reuses it, so someone holding both the master key and that copy of
// the file could still open the erased data. The erased-keys list does not
// reach such a copy.
//
// Retention takes the visits and registration dates the ledger holds as
// they are: customers imported with a last visit (ImportVisits) or a
// registration date older than the period are erased at the next run.
// ExpiredCustomers reads every customer's visit stats and the registration
// index up to the period's start: cheap, clear values, but a scan of all
// customers, not a range.
//
// Search by name sees only whole names, prefixes and suffixes (up to 30
// characters), not words in the middle; matches of one kind come in name
// order only among the first 100 found. Spaces are no part of a name to
// the index, so names differing only in spacing are one name. The index
// was spaced before: Open rewrites it once (its meta flag), keeping the
// old entries of a customer whose record does not open. An older build
// writing the file afterwards indexes its new names spaced again, and
// this one then finds those only by a query spaced the same way or by a
// prefix or suffix without spaces.
//
// A key rotation reaches the file, not its copies: a backup taken before
// it still opens with the old key only, and with the old key it still
// shows whatever it held. Keep the old key as long as such backups are
// kept, or rotate because a key leaked and accept that those backups are
// as exposed as that key.
//
// A file of schema 2, made before files had a key of their own, keeps its
// first master key as its file key when it is first rotated. The old key
// then no longer opens any customer's or sender's data key, but whoever
// holds it (and a copy of the file made after the rotation) can still
// derive the shop key and the index key: open conversation drafts and the
// audit entries about no customer, and test a guessed phone or name
// against the blind indexes. Files created or migrated from schema 1 by
// this code have a random file key and no such weakness. A rotation because
// the key of a schema-2 file leaked is therefore incomplete, and nothing
// yet moves such a file to a random file key (it would reseal every
// session and shop-sealed audit entry and rebuild every blind index).
//
// If RotateKey's commit itself fails (an fsync error) the file may have
// been written: keep both keys until one of them opens it.
//
// Open waits Options.Timeout (one second by default) for the file lock and
// then fails with ErrLocked instead of hanging; a file written by a newer
// schema fails with ErrNewerSchema (a schema above 64, which no dangol
// writes, is a changed byte: ErrDamaged, as are a top-level value and a
// bucket of dangol's renamed by one byte, checkRoot); a missing key with ErrNoKey, a key of
// the wrong size with ErrBadKey, another file's key with ErrWrongKey (a key
// check value in the meta bucket), each before anything is written.
//
// Loyalty: visits in a tier window are the days with a note or an earn
// in it (a deleted note's visit is gone, a spreadsheet's imported visits
// count only with no window, WindowMonths 0, where the visit stats are
// used as before); spend counts earns only, so a note's amount or a
// purchase that earned no points is not spend. A starting tier's hold is
// given by StartTier under rules with a window, or by SetTiers when it
// gives all-time rules one (to starting tiers not moved since, pinned or
// with a downgrade pending aside); a customer imported with visits and no
// tier has no starting tier, and no hold: the new rules lower them after
// the notice. An older build reads a tier record with a hold as one
// without (JSON, the fields unknown to it). A customer has a tier record
// only once UpdateTier, PinTier, StartTier, SetTiers or a daily run reached them; until then
// TierOf computes the tier, and LoyaltyFigures counts them in the base
// tier. An expire entry appended by anyone but RunDaily takes no lot: the
// lots would then hold more than the balance until the next expiry sets
// that lot right. Days (a coupon's last day, a lot's end) are calendar
// days in the *time.Location the caller passes: pass the shop's, always
// the same one.
//
// Advertising consent (marketing.go) is kept apart from Consent, per
// customer, in the clear (flags and times): it keeps only the last change
// (how, when) and the first asking, not a history, and an erasure leaves
// the record (it names nobody) but SetMarketing refuses to give consent
// for an erased customer and RenewMarketing lapses it. A birthday greeting
// is recorded once a year by day (Marketing.BirthdayOn, the day in the
// caller's zone): MarkBirthday gives the benefit with the record, so a
// caller that records and then fails to send has given the benefit
// without telling the customer (it is in /points all the same).
//
// Campaigns (campaign.go) are numbered from 1; a campaign's text, its
// audience as typed and its author are sealed under the shop key, its
// states, counts and times are clear. Every recipient is recorded by
// AddCampaign (queued, or skipped with a reason) before anything is sent;
// MarkRecipient takes one from queued to sent, skipped or failed once
// only, gives the benefit with it, and must share its transaction with
// the outbox entry of the message, so a restart sends nobody twice. The
// counts live in the campaign's record: every change of a recipient
// rewrites it, which serialises a campaign's sends on one key (the
// delivery job marks a batch in one transaction to keep that cheap).
// FailRecipient takes a sent one to failed (blocked, gave_up) once; the
// benefit stays given. Cancelling moves the queued to cancelled
// (Counts.Cancelled); ExpireCampaignDrafts deletes the recipients of a
// draft a day old (CampaignExpired). CampaignFigures counts visits (a
// note or a points earn not reversed) and uses of the campaign's coupon
// within CampaignResponseWindow of each recipient's send, and the
// baseline's visits (skipped for no consent) from the campaign's SendAt;
// a visit imported without a time (VisitStats only) is not seen, and a
// coupon use is counted whether or not it came with a visit. An erasure
// leaves the recipients (customer ids, states and times, naming nobody).
//
// Win-back (winback.go): one mark per customer, in the clear (a customer
// key and times), names the lapse its message was for by the last visit
// it followed; MarkWinBack refuses another (ErrWinBackSent) until a visit
// moves the customer's last visit past it. The mark says nothing of the
// at-risk rule, which is the caller's (feedback.IsAtRisk): a visit
// recorded out of order (before the last) does not end a lapse. A
// message queued in the night holds its lapse (Queued) from the press on;
// TakeQueuedWinBack lifts that before the morning's MarkWinBack, so a
// caller that takes and then fails to record leaves the lapse free again
// (the message is lost, never doubled). The queued text is sealed under
// the customer's key; an erasure leaves the mark and makes the text read
// as empty.
//
// Outreach (outreach.go): every message the shop starts toward a customer
// (a follow-up, a rating request, a birthday greeting, a win-back; not a
// campaign, whose recipients are its own record) is recorded by
// RecordOutreach in the transaction that puts it in the outbox, with its
// coupon code and points, and so is each customer skipped (Skipped: the
// reason), those skipped for want of advertising consent being the
// baseline of the response figures. Keys are the time key then the
// customer key, so a week is one range scan (ScanOutreach); the values are
// a kind, a reason, a code and a number, nothing sealed. OutreachFigures
// weighs a period's messages (and, read-only, campaign recipients:
// ScanCampaignSends) against what their customers did within
// ResponseWindow: a thread message of theirs (a reply), a note, an earn or
// stamps after the message (a visit: the visit that led to a care message is
// before it), the coupon used or points redeemed; CampaignFigures weighs
// one campaign's recipients by the same rule (responseOf). Caveats:
// the figures read what is recorded when they are asked, so a period's
// replies and visits grow for 14 days after its last message; a reply is
// any message of the customer's in a thread, about that message or not,
// or a feedback (a rating left with the stars), and it answers only the
// latest message sent to the customer before it. An erasure anonymises the
// customer's outreach (the customer key zeroed, the coupon code dropped):
// it still counts as sent, and nothing after it counts. Nothing prunes the
// records: one small key per message or skip.
package ledger
