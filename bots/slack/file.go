package slack

import (
	"context"

	"github.com/dangol/dangol/dialog"
)

// sendFile uploads a reply's document (a CSV list) where the reply went,
// or, for a private reply, to the sender's DM with dangol: a file cannot be
// ephemeral, and a customer list must not land in a channel.
func (b *Bot) sendFile(ctx context.Context, org *origin, f *dialog.File, private bool) error {
	channel, threadTS := org.channelID, org.threadTS
	if private {
		dm, err := b.dmChannel(ctx, org.userID)
		if err != nil {
			return err
		}
		channel, threadTS = dm, ""
	}
	return b.uploadFile(ctx, channel, threadTS, f)
}

// uploadFile uploads f to a channel, into the thread whose head is
// threadTS when it is set.
func (b *Bot) uploadFile(ctx context.Context, channelID, threadTS string, f *dialog.File) error {
	return b.uploadBytes(ctx, channelID, threadTS, f.Name, "dangol.txt", f.Bytes)
}
