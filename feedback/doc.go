// Package feedback turns the ledger's notes, points and feedback into the
// manager's week: activity, loyalty, satisfaction (CSAT, NPS), topics, and who
// needs care (follow-ups, birthdays, regulars at risk), plus a chart of it.
//
// # Basics
//
// A Week is an ISO week ("2026-W48"), Monday 00:00 to the next Monday in the
// shop's time zone; ParseWeek reads what a manager types after /summary.
// Weekly computes a Summary of one week in one read transaction: the week's
// Figures, those of each of the 8 weeks before (Past), per-staff and per-day
// counts, low ratings, topics, follow-ups, birthdays and regulars at risk.
// Render turns it into a localised headline and sections (Text joins them
// into one message); Chart draws it as a 1080×1350 PNG for a phone.
// FollowUps lists the follow-ups due in a range, for a staff member's DM.
//
// Definitions:
//
//   - visits: distinct customer-days with a note, a points earn or stamps
//     (ledger.RecordVisit's visit, which the tier and the card count);
//   - returning customers: distinct customers with a visit in the
//     week who were created before it;
//   - CSAT: the share of ratings of 4 or 5; NPS: promoters (9–10) minus
//     detractors (0–6) as a percentage of NPS answers, shown only from
//     MinNPSAnswers answers;
//   - regulars at risk: at least 3 visits, and (now − last) > 2 × (last −
//     first) / (visits − 1), where now is the week's end for a past week
//     (its visits rebuilt as they were then), so the Monday post and a
//     later /summary of that week name the same customers;
//   - the average of a count is its sum over the 8 weeks before divided
//     by the weeks since the first of them with any figure (AvgWeeks, "3주
//     평균" for a shop 3 weeks old); of a rate, the rate of those weeks
//     pooled. Points and their averages are whole points; a share's change
//     is in percentage points (▼4%p).
//   - messages sent (the care section's last lines, response.go): the
//     messages the shop started in the week, follow-ups, rating requests,
//     birthday greetings and win-backs (ledger.Outreach) and campaign
//     recipients sent; replies are customers who wrote to the shop within
//     14 days of a message, return visits customers with a visit (a
//     note, an earn or stamps) on a later day within 14 days (as a share
//     of the customers messaged); the baseline is the customers skipped for want of
//     advertising consent and their visits in the 14 days after. The line
//     shows only in a week with a message sent.
//
// In a rendered summary the arrow compares a figure with the week before,
// as displayed (so 4.33 against 4.31 shows "=").
//
// # Caveats
//
// Weekly reads notes, points and feedback by range scans over the ledger's
// time-ordered keys, from the start of the eighth week before to the end of
// the week, and scans every customer's compact visit stats for the at-risk
// rule; it never reads every customer record. For a past week it also scans
// the notes, earns and stamps from the window's start to the latest visit
// of those who came after the week (and, for one not seen in the window,
// back to their first visit), to judge them as they were at its end. Names are looked up only for
// the few customers a list shows (Options.Limit).
//
// A summary for the ForPublic audience names nobody: no customers, no staff,
// no comments, only counts. Erased customers are counted but never named:
// they show as a neutral placeholder, and their comments are not shown.
// Their follow-ups and their place among the regulars at risk are
// neither: nobody is left to call back or win back, so the care list
// drops them (as /followups and /customers do); reading a week's
// follow-ups looks up each of their customers once, and the at-risk scan
// walks the erased set beside the visit stats (ledger.ScanLiveVisitStats).
// Their low ratings stay counted, named "(삭제된 고객)" in every line.
//
// A date is shown as month and day ("12/9") within six months of the
// summarised week, and with its year ("2025-12-09") further away, in
// every line alike (DateIn for the parts made outside the package): a
// regular's last visit a year back read as a day of the week.
//
// The current week's care list also carries the follow-ups due before the
// week and still not done (Summary.Overdue, back to OverdueWindow before
// today, as /followups): one missed in its own week would otherwise leave
// every later summary while the morning DM still names it.
//
// Topic words come from a dictionary-free tokenizer (see Words): it strips
// common Korean particles and endings but never leaves a stem shorter than
// two runes, so one-syllable nouns keep their particle (펌이) and a few longer
// words lose a final syllable that looks like one (고양이 → 고양).
// A negated word counts as what it says (Words): 안 친절해요 and 친절하지
// 않았어요 as 불친절, 다시는 안 와요 as "안 와요", 연락이 없어요 as "연락
// 없음", wasn't friendly as unfriendly; a negation written into one word
// (안와요, 재미없어요) is not read.
//
// ThreadFigures (threads.go) counts the threads opened in a range, by
// their opening time: a complaint counts in the week it was opened, with
// its state as of ThreadOptions.Now, never in the week it was resolved
// (a past week's figures change as its threads close). It reads clear fields only
// and counts time with the caller's Opening (dialog's opening hours), so
// its breaches agree with the SLA DMs only when given the same hours. A
// question closed without a staff answer stopped waiting when it was
// closed: it breaches only if that took longer than the reply SLA, while
// the SLA DMs, which look at open threads only, never told of it.
//
// The messages-sent line is computed when the summary is made, from
// everything recorded by then: a week's replies and visits may still grow
// for 14 days after its last message, so the same week shows more later.
// An erased customer's messages stay counted as sent, and nothing they did
// after counts.
//
// The chart embeds NanumSquareR (SIL OFL 1.1, fonts/OFL.txt), since no Go
// module ships a Hangul font.
package feedback
