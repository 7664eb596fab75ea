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
// transaction as the record. Those bulk-scanned records use a compact
// versioned binary encoding; customers, sessions and profiles are JSON.
//
// Points are append-only entries. The balance is derived from them and
// cached per customer in the same transaction; an entry that would make it
// negative fails with ErrInsufficientPoints and writes nothing.
//
// Erasure (EraseCustomer) removes a person's data but keeps ids, times,
// amounts, ratings, NPS, points, visit counts and note tags (categories such
// as "커트", not words about the person), so past weekly summaries keep
// their numbers.
//
// # Caveats
//
// Store.Update may run fn more than once. While other writers are in flight,
// Update coalesces them into shared commits with bbolt's Batch, which reruns
// a batch's functions when one of them fails. fn must therefore be
// idempotent: check SeenEvent first and keep side effects outside the
// ledger (sending replies, logging) until Update has returned. If fn
// returns an error nothing of it is kept. A lone writer commits at once.
//
// A Tx is valid only inside its function and only on its goroutine. Values
// the ledger returns are copies and stay valid afterwards; nothing hands out
// bbolt's memory-mapped bytes.
//
// Do not call Store.Update or Store.View from inside another transaction's
// function: they share a lock with the erasure rewrite and would deadlock.
//
// bbolt never zeroes freed pages, so an erased name would linger in the
// file. After a transaction that erased someone commits, the store copies
// the live data into a fresh file and swaps it in, holding the store
// exclusively meanwhile (other transactions wait; on a large file this
// takes seconds). If the process stops in between, the next Open finishes
// the rewrite before serving.
//
// Open waits Options.Timeout (one second by default) for the file lock and
// then fails with ErrLocked instead of hanging; a file written by a newer
// schema fails with ErrNewerSchema.
package ledger
