package dialog

import (
	"fmt"
)

// A customer's own stamp card: /stamp (스탬프, 도장) in the customer's chat
// shows the card as /points does, with what a full card gives; staff's
// /stamp, which adds stamps, is flow_stamp.go's. A customer who asks in a
// shop without a card is told so, not sent to the help.

func init() {
	customerCommands["stamp"] = command{run: (*turn).cmdMyStamps}
	customerCommands["stamps"] = command{run: (*turn).cmdMyStamps}
	for _, w := range []string{"stamp", "stamps", "mystamps", "stampcard", "mystampcard"} {
		englishCommands[w] = "stamp"
	}
	addHelp(&helpCustomer, "loyalty.help.mystamps")
}

// cmdMyStamps shows the linked customer's stamp card.
func (t *turn) cmdMyStamps(string) error {
	c, ok, err := t.myCustomer()
	if err != nil || !ok {
		return err
	}
	p, err := t.programme()
	if err != nil {
		return err
	}
	card, err := t.tx.StampCardOf(c.ID, t.now)
	if err != nil {
		return fmt.Errorf("dialog: read stamp card: %w", err)
	}
	if card.Goal == 0 {
		// A card of a programme that stopped it keeps its stamps; with
		// none, the shop simply has no card.
		if card.Stamps == 0 {
			t.say("loyalty.mystamps.off", nil)
			return nil
		}
		t.say("loyalty.mystamps.stopped", map[string]any{"N": card.Stamps})
		return nil
	}
	t.say("loyalty.mystamps.card", map[string]any{
		"Dots": stampDots(card.Stamps, card.Goal), "Left": max(0, card.Goal-card.Stamps), "Reward": t.benefitText(p.Stamps.Reward),
	})
	return nil
}
