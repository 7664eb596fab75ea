package telegramfake

import "time"

// Busiest returns the most of the sorted times in any one-second window
// [t, t+1s): what Telegram's 30 messages a second is measured against,
// applied to the send times a fake records.
func Busiest(at []time.Time) int {
	most, lo := 0, 0
	for hi := range at {
		for at[hi].Sub(at[lo]) >= time.Second {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}
