// Package lru is a map bounded in size: past its capacity, adding a key
// forgets the one used least recently. The adapters keep what they remember
// per chat or per user in it (the language last written in, whether the menu
// was sent, a DM channel id), so a bot that meets ever more chats keeps a
// flat memory instead of one that only grows. What they keep there is a
// convenience, never a fact: an entry forgotten is asked for or sent again.
//
// A Cache is not safe for concurrent use; its owner holds its own lock.
package lru
