package dialog

import (
	"regexp"
	"strings"
	"time"
)

// followUpAfter are the words that, after a day at the end of a one-line
// note, ask for a follow-up on that day: "2주 후 연락", "내일 전화".
var followUpAfter = []string{"연락", "연락하기", "연락드리기", "연락 예정", "다시 연락", "다시 연락하기", "전화", "전화하기", "전화드리기", "다시 전화", "팔로업"}

// followUpBefore are the words that, before a day at the end of a one-line
// note, ask for one: "다음 연락 12/10", "follow up next friday".
var followUpBefore = []string{"다음 연락", "연락", "팔로업", "follow up", "follow-up", "followup", "call back", "call"}

// followUpHorizon is how far ahead a one-line note's follow-up may be. A
// day without a year is read as the next such day, so "12/1 연락" written
// on 12/2 (a call that happened) would otherwise ask for a follow-up in a
// year.
const followUpHorizon = 300 * 24 * time.Hour

// oneLineFollowUp reads the follow-up a one-line note asks for at its end
// ("뿌리 염색, 2주 후 연락", "clinic next time, follow up in 2 weeks"): a
// day parseDate reads, from today up to followUpHorizon ahead, with a
// follow-up word after it or before it. The text is kept as written; ok is
// false when the note asks for none, which is then saved as it was before.
func oneLineFollowUp(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	s := strings.ToLower(strings.TrimRight(strings.TrimSpace(text), " .!~,"))
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	// dayOf reads words (a day is one to three of them) as a follow-up day.
	dayOf := func(words []string) (time.Time, bool) {
		day, ok := parseDate(strings.Join(words, " "), now, loc)
		return day, ok && !day.Before(today) && day.Sub(today) <= followUpHorizon
	}
	// "… 2주 후 연락": the day's words just before the follow-up word.
	for _, words := range followUpHeads(s) {
		for k := min(3, len(words)); k >= 1; k-- {
			if day, ok := dayOf(words[len(words)-k:]); ok {
				return day, true
			}
		}
	}
	// "… 다음 연락 12/10": the day's words last, after the follow-up word.
	words := strings.Fields(s)
	for k := min(3, len(words)-1); k >= 1; k-- {
		head := strings.Join(words[:len(words)-k], " ")
		for _, w := range followUpBefore {
			if head != w && !strings.HasSuffix(head, " "+w) {
				continue
			}
			if day, ok := dayOf(words[len(words)-k:]); ok {
				return day, true
			}
		}
	}
	return time.Time{}, false
}

// followUpHeads are, for each follow-up word that ends s ("… 2주 후 연락"),
// the words before it; none when the word is all of s. oneLineFollowUp
// reads a day there, followUpUnread whether one was tried.
func followUpHeads(s string) [][]string {
	var out [][]string
	for _, w := range followUpAfter {
		rest, ok := strings.CutSuffix(s, w)
		if !ok || !strings.HasSuffix(rest, " ") {
			continue
		}
		out = append(out, strings.Fields(rest))
	}
	return out
}

// yearGiven matches a day written with its year ("2027-05-12", "2027년").
var yearGiven = regexp.MustCompile(`\d{4}`)

// followUpDateWords are what the words before a follow-up word hold when
// they try to name a day ("2월 30일 연락", "며칠 후 연락"), as opposed to a
// note that only mentions a call ("부재중이라 전화").
// A lone 일, 주, 달 or 월 is not among them: they are in too many words
// ("회사일로 전화"), and a day written with them has digits.
var followUpDateWords = []string{"후", "뒤", "다음", "담", "내일", "모레", "요일", "next", "week", "month", "tomorrow"}

// followUpUnread reports a one-line note that oneLineFollowUp found no
// follow-up in but that ends asking for one, on a day it could not read or
// beyond followUpHorizon: its writer is told no reminder was set instead of
// believing one was. A past day is a call that happened ("5/12 연락"), not
// a request, and says nothing.
func followUpUnread(text string, now time.Time, loc *time.Location) bool {
	s := strings.ToLower(strings.TrimRight(strings.TrimSpace(text), " .!~,"))
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	for _, words := range followUpHeads(s) {
		for k := min(3, len(words)); k >= 1; k-- {
			phrase := strings.Join(words[len(words)-k:], " ")
			if day, ok := parseDate(phrase, now, loc); ok {
				// Read, but past or too far ahead. A day without its year
				// is read as the next one, so "5/12" written on 5/13 is a
				// year off: a call that happened, unless a year is given.
				return !day.Before(today) && yearGiven.MatchString(phrase)
			}
		}
		before := strings.Join(words[max(0, len(words)-3):], " ")
		if strings.ContainsAny(before, "0123456789") {
			return true
		}
		for _, d := range followUpDateWords {
			if strings.Contains(before, d) {
				return true
			}
		}
	}
	return false
}
