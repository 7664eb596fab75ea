// Package ledger is dangol's persistence: one bbolt file holding customers,
// consultation notes, points entries, feedback, conversation sessions,
// processed event ids, the audit trail and one-time link codes.
package ledger
