package telegram

import (
	"context"
	"fmt"

	"github.com/dangol/dangol/ledger"
)

// LastCommitted returns a Config.LastUpdateID that reads the cursor the
// engine advances, in the same transaction as each update's effect, in s:
// the cursor is Telegram's, so only this adapter names it.
func LastCommitted(s *ledger.Store) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) {
		var id int64
		err := s.View(ctx, func(tx *ledger.Tx) error {
			var err error
			id, err = tx.Cursor(CursorName)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("telegram: read cursor %s: %w", CursorName, err)
		}
		return id, nil
	}
}
