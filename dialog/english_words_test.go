package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestEnglishUnits: the units English shows are the ones it reads. Points
// typed with "pts" or "points" are points wherever "P" is ("/program
// birthday 2,000 pts" was refused, "/points redeem … 100 pts" kept "pts"
// as the reason), and thousands of won typed "55k" or "5.5k" are amounts
// wherever "5.5만" is; both languages read both, the units being shared.
func TestEnglishUnits(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, []step{
				{msg: staffMsg("/points add 김민지 55k"), check: all(balanceIs(&f.minji, 2750), func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 1 || es[0].Amount != 55000 {
						t.Errorf("entries %+v, want one earn on 55,000", es)
					}
				})},
				// The entries come newest first.
				{msg: staffMsg("/points redeem 김민지 100 pts"), check: all(balanceIs(&f.minji, 2650), func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 2 || es[0].Points != -100 || es[0].Reason != "" {
						t.Errorf("entries %+v, want a redeem of 100 without a reason", es)
					}
				})},
				{msg: staffMsg("/points redeem 김민지 1 point coffee"), check: func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 3 || es[0].Points != -1 || es[0].Reason != "coffee" {
						t.Errorf("entries %+v, want a redeem of 1 for coffee", es)
					}
				}},
				{msg: managerMsg("/program birthday 2,000 pts"), check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.programme().Birthday; b.Points != 2000 || b.Coupon != nil {
						t.Errorf("birthday = %+v, want 2,000 points", b)
					}
				}},
				{msg: managerMsg("/program birthday 1,500 Points + coupon 10% 30 days"), check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.programme().Birthday; b.Points != 1500 || b.Coupon == nil || b.Coupon.Percent != 10 {
						t.Errorf("birthday = %+v, want 1,500 points and a coupon", b)
					}
				}},
				{msg: managerMsg("/program tiers regular 5 visits 7%, vip 15 visits or 500k 10%"), check: func(t *testing.T, h *harness, _ []Reply) {
					if ls := h.programme().Tiers.Levels; len(ls) != 3 || ls[2].MinSpend != 500000 {
						t.Errorf("tiers = %+v, want VIP from 500,000", ls)
					}
				}},
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("커트 상담"), ids: []string{"core.note.ask_amount"}},
				{msg: staffMsg("5.5k"), ids: []string{"core.note.ask_tags"}},
				{msg: press(staffMsg(""), "skip")},
				{msg: press(staffMsg(""), "skip"), want: []string{h.text("core.fmt.won", map[string]any{"N": "5,500"})}},
			})
		})
	}
}

// TestTypedFlowWords: the words typed to a guided flow do in English what
// their Korean counterparts do. "cancel" (and staff's "stop" and "quit")
// cancels as 취소 does: the note "x" was kept as a visit when "cancel" was
// read as an amount. An optional question is passed over with the button's
// label or a plain "none" or "no" (없음, 아니요), and a confirmation is
// answered with a plain yes ("yes", "ok", 네), or no (a note's last
// question, whose no would throw the whole note away, asks again); a
// drafted message is sent as it is on a yes, never as the word "ok".
func TestTypedFlowWords(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			w := func(ko, en string) Message { return staffMsg(word(h, ko, en)) }
			var steps []step
			for _, cancel := range []string{word(h, "취소", "cancel"), word(h, "취소", "Cancel"), "stop", "quit", "STOP."} {
				steps = append(steps,
					step{msg: staffMsg("/note 김민지")},
					step{msg: staffMsg("x"), ids: []string{"core.note.ask_amount"}},
					step{msg: staffMsg(cancel), ids: []string{"core.cancel.done"}, check: all(noteCount(0), noSession("slack:D"+staffID))},
				)
			}
			fu := ""
			steps = append(steps,
				step{msg: staffMsg("/note 김민지")},
				step{msg: staffMsg("펌 상담"), ids: []string{"core.note.ask_amount"}},
				step{msg: w("없음", "none"), ids: []string{"core.note.ask_tags"}},
				step{msg: w("아니요", "no"), ids: []string{"core.note.ask_followup"}},
				step{msg: w("건너뛰기", "skip"), want: []string{runePrefix(h.text("core.note.confirm", nil), 10)}},
				step{msg: w("네", "yes"), want: []string{runePrefix(h.text("core.note.saved", nil), 8)}, check: noteCount(1)},
				step{msg: staffMsg("/note 김민지")},
				step{msg: staffMsg("커트"), ids: []string{"core.note.ask_amount"}},
				step{msg: w("패스", "None."), ids: []string{"core.note.ask_tags"}},
				step{msg: w("없어요", "nothing"), ids: []string{"core.note.ask_followup"}},
				step{msg: w("없음", "n/a"), want: []string{runePrefix(h.text("core.note.confirm", nil), 10)}},
				step{msg: w("아니요", "no"), ids: []string{"core.note.bad_confirm"}, check: noteCount(1)},
				step{msg: w("취소", "cancel"), ids: []string{"core.cancel.done"}, check: noteCount(1)},
				step{msg: staffMsg("/points add 김민지 55000")},
				step{msg: staffMsg("/points add 김민지 55000"), payloads: []string{"yes", "no"}},
				step{msg: w("네", "ok"), check: balanceIs(&f.minji, 5500)},
				step{msg: staffMsg("/points add 김민지 55000"), payloads: []string{"yes", "no"}},
				step{msg: w("아니요", "no"), ids: []string{"core.cancel.done"}, check: balanceIs(&f.minji, 5500)},
			)
			steps = append(steps, linkMinji(h)...)
			steps = append(steps,
				step{build: func() Message {
					fu = followUpNote(h, f.minji, "perm consult", "perm")
					return press(staffMsg(""), "fs:"+fu)
				}, payloads: []string{followUpSendBtn}},
				step{msg: w("네", "ok"), check: func(t *testing.T, h *harness, rs []Reply) {
					if got := sentToCustomer(t, rs).Text; strings.HasSuffix(got, "ok") || strings.HasSuffix(got, "네") || !strings.Contains(got, "perm") {
						t.Errorf("sent %q, want the draft", got)
					}
					followUpIsDone(&fu, true)(t, h, rs)
				}},
			)
			runSteps(t, h, steps)
		})
	}
}

// TestEnglishCustomerWords: an English customer's words reach their
// commands as the Korean ones do (포인트, 쿠폰, 도움말, 내정보, 후기): "points",
// "My points?", "coupons", "stamps", "help", "my info", "feedback 5 …". A
// sentence with the word in it ("do points expire?", "help me find my
// coupon", "points expire when?") is still a question for the shop, STOP
// still withdraws advertising consent, and staff typing a customer's word
// wrote text.
func TestEnglishCustomerWords(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			ask := h.text("threads.ask", nil)
			question := func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				if !strings.Contains(allText(rs), ask) {
					t.Errorf("replies %q, want the question offered to the staff", allText(rs))
				}
			}
			balance := func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				if got := allText(rs); !strings.Contains(got, h.text("core.points.recent_title", nil)) || strings.Contains(got, ask) {
					t.Errorf("replies %q, want the balance", got)
				}
			}
			steps := linkMinji(h)
			steps = append(steps,
				step{msg: custMsg("points"), check: balance},
				step{msg: custMsg("My points?"), check: balance},
				step{msg: custMsg("Points balance"), check: balance},
				step{msg: custMsg("do points expire?"), check: question},
				step{msg: custMsg("/cancel")},
				step{msg: custMsg("points expire when?"), check: question},
				step{msg: custMsg("/cancel")},
				step{msg: custMsg("help me find my coupon"), check: question},
				step{msg: custMsg("cancel"), ids: []string{"core.cancel.done"}},
				step{msg: custMsg("cancel my booking tomorrow"), check: question},
				step{msg: custMsg("cancel"), ids: []string{"core.cancel.done"}},
				step{msg: custMsg("Help"), ids: []string{"core.help.title"}, not: []string{ask}},
				step{msg: custMsg("coupons"), ids: []string{"loyalty.mycoupons.none"}, not: []string{ask}},
				step{msg: custMsg("stamps"), not: []string{ask}},
				step{msg: custMsg("feedback"), ids: []string{"core.feedback.ask_rating"}},
				step{msg: custMsg("cancel"), ids: []string{"core.cancel.done"}},
				step{msg: custMsg("feedback 5 lovely staff"), ids: []string{"core.feedback.thanks"}},
				step{msg: custMsg("my info"), check: func(t *testing.T, h *harness, rs []Reply) {
					if got := allText(rs); !strings.Contains(got, "lovely staff") || strings.Contains(got, ask) {
						t.Errorf("replies %q, want the customer's data", got)
					}
				}},
				step{msg: custMsg("/marketing on")},
				step{msg: custMsg("stop"), check: func(t *testing.T, h *harness, _ []Reply) {
					if h.marketing(f.minji).Given {
						t.Errorf("stop left advertising consent on")
					}
				}},
				step{msg: staffMsg("review was great"), ids: []string{"core.help.short_staff"}},
			)
			runSteps(t, h, steps)
		})
	}
}

// TestFollowUpTopic: a follow-up draft names the consult by the note's
// first tag, else its first words, in Korean whatever they are, and in
// English only by a topic without Hangul: "your recent consultation about
// 펌" put the shop's Korean tag in an English sentence.
func TestFollowUpTopic(t *testing.T) {
	for _, tt := range []struct {
		lang, text string
		tags       []string
		want       string
	}{
		{"ko", "펌 상담, 다음 달", []string{"펌"}, "펌"},
		{"ko", "perm talk", []string{"perm"}, "perm"},
		{"ko", "펌 상담, 다음 달", nil, "펌 상담"},
		{"en", "펌 상담", []string{"펌", "perm"}, "perm"},
		{"en", "perm and colour. next time", []string{"펌"}, "perm and colour"},
		{"en", "펌 상담, 다음 달", []string{"펌", "#염색"}, ""},
		{"en", "Jane 펌 상담", nil, ""},
		{"en", "cut and style", []string{"VIP"}, "VIP"},
	} {
		if got := followUpTopic(ledger.Note{Text: tt.text, Tags: tt.tags}, tt.lang); got != tt.want {
			t.Errorf("followUpTopic(%q %v, %s) = %q, want %q", tt.text, tt.tags, tt.lang, got, tt.want)
		}
	}

	// The draft itself, to an English customer of a Korean shop.
	h := mustOpenHarness(t, nil, "en")
	f := seed(h)
	var id string
	steps := linkMinji(h)
	steps = append(steps,
		step{build: func() Message {
			id = followUpNote(h, f.minji, "펌 상담", "펌")
			return press(staffMsg(""), "fs:"+id)
		}, want: []string{h.text("care.followup.draft_text", map[string]any{"Name": "김민지"})}, not: []string{"펌"}},
	)
	runSteps(t, h, steps)
}

// TestEnglishWording: English names a field or a flow where it reads as
// one. A field with nothing to remove said "Jane Kim's preferences is
// already none", and a stopped flow "Your earlier birthday was stopped
// for the new command"; now the field is no subject of a verb, and the
// notice names what was being done in brackets.
func TestEnglishWording(t *testing.T) {
	h := mustOpenHarness(t, nil, "en")
	seed(h)
	steps := linkMinji(h)
	steps = append(steps,
		step{msg: staffMsg("/customer 김민지 preferences none"), want: []string{"Nothing to remove: 김민지 has no preferences saved."}, not: []string{"is already"}},
		step{msg: staffMsg("/customer 김민지 birthday 3/15")},
		step{msg: staffMsg("/customer 김민지 birthday 3/15"), want: []string{"Nothing changed. 김민지's birthday: March 15 (as before)."}},
		step{msg: staffMsg("/customer 김민지 birthday remove")},
		step{msg: staffMsg("/customer 김민지 birthday delete"), want: []string{"Nothing to remove: 김민지 has no birthday saved."}},
		step{msg: staffMsg("/customer 김민지 tags +VIP")},
		step{msg: staffMsg("/customer 김민지 tags +VIP"), want: []string{"Nothing changed. 김민지's tags: #VIP (as before)."}},
		step{msg: custMsg("/birthday")},
		step{msg: custMsg("/marketing"), want: []string{"What you had started (entering your birthday) was stopped for your new command and not saved."}},
		step{msg: staffMsg("/points add 김민지 55000")},
		step{msg: staffMsg("/points add 김민지 55000")},
		step{msg: staffMsg("/points 김민지"), want: []string{"(earning points)"}, not: []string{"points earn was"}},
		step{msg: custMsg("/feedback")},
		step{msg: custMsg("/feedback 친절했어요")},
		step{msg: custMsg("/feedback"), want: []string{"Starting again from the beginning (leaving feedback)"}},
	)
	runSteps(t, h, steps)
}

// runePrefix is s's first n characters, so a prefix of a Korean message
// is never cut inside a character as s[:n] cuts it.
func runePrefix(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// TestTypedWordsNotCommands: ordinary sentences and typed work are not
// read as command words. "review my booking for tomorrow" and "feedback
// the latte was too sweet" were taken for feedback, asked a rating and
// sent the staff a complaint of the sentence; "리뷰 이벤트 언제 해요"
// the same without its "?"; "points left on my gift card" got the
// balance. "feedback 5 lovely", "리뷰 친절했어요", "points please",
// "check my points" still do what they say.
func TestTypedWordsNotCommands(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			ask := h.text("threads.ask", nil)
			rating := h.text("core.feedback.ask_rating", nil)
			question := func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				if got := allText(rs); !strings.Contains(got, ask) || strings.Contains(got, rating) {
					t.Errorf("replies %q, want the question offered to the staff", got)
				}
			}
			balance := func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				if got := allText(rs); !strings.Contains(got, h.text("core.points.recent_title", nil)) || strings.Contains(got, ask) {
					t.Errorf("replies %q, want the balance", got)
				}
			}
			steps := linkMinji(h)
			for _, text := range []string{"review my booking for tomorrow", "feedback the latte was too sweet", "review", "리뷰 이벤트 언제 해요", "points left on my gift card", "points total is wrong"} {
				steps = append(steps, step{msg: custMsg(text), check: question}, step{msg: custMsg("/cancel")})
			}
			steps = append(steps,
				step{msg: custMsg("feedback 5 lovely"), ids: []string{"core.feedback.thanks"}},
				step{msg: custMsg("리뷰 친절했어요"), ids: []string{"core.feedback.ask_rating"}},
				step{msg: custMsg("/cancel")},
				step{msg: custMsg("points please"), check: balance},
				step{msg: custMsg("my points"), check: balance},
				step{msg: custMsg("check my points"), check: balance},
				step{msg: custMsg("Points left?"), check: balance},
				step{msg: custMsg("포인트 얼마 남았어요?"), check: balance},
			)
			runSteps(t, h, steps)
		})
	}
}

// TestFlowKeepsTypedWords: inside a flow holding work a bare command word
// is what was typed. A guided note's text "balance", or "points",
// 포인트, "language" … typed as its purchase, ended the note unsaved and
// showed /points; only cancel, 취소 and help, 도움말 are the flow's words.
// A typed "no" to "Save this note?" threw the whole note away; it asks
// again, and only [취소], 취소 or cancel cancel.
func TestFlowKeepsTypedWords(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			inNote := func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				if s, ok := h.session("slack:D" + staffID); !ok || s.Flow != flowNote {
					t.Errorf("session %+v, want the note still open", s)
				}
			}
			var steps []step
			replaced := runePrefix(h.text("core.flow.replaced", map[string]any{"Flow": ""}), 8)
			steps = append(steps,
				step{msg: staffMsg("/note 김민지")},
				step{msg: staffMsg("balance"), ids: []string{"core.note.ask_amount"}, not: []string{replaced}, check: inNote},
			)
			for _, text := range []string{"points", "포인트", "language", "언어", "스탬프", "쿠폰", "고객", "메모", "feedback"} {
				steps = append(steps, step{msg: staffMsg(text), not: []string{replaced}, check: inNote})
			}
			steps = append(steps,
				step{msg: press(staffMsg(""), "skip"), ids: []string{"core.note.ask_tags"}},
				step{msg: press(staffMsg(""), "skip"), ids: []string{"core.note.ask_followup"}},
				step{msg: press(staffMsg(""), "skip"), want: []string{runePrefix(h.text("core.note.confirm", nil), 10)}},
			)
			for _, no := range []string{"아니", "no", "n", "아니요"} {
				steps = append(steps, step{msg: staffMsg(no), not: []string{h.text("core.cancel.done", nil)}, check: all(inNote, noteCount(0))})
			}
			steps = append(steps,
				step{msg: press(staffMsg(""), "yes"), check: func(t *testing.T, h *harness, _ []Reply) {
					if ns := h.allNotes(); len(ns) != 1 || ns[0].Text != "balance" {
						t.Errorf("notes %+v, want the note \"balance\"", ns)
					}
				}},
			)
			runSteps(t, h, steps)
		})
	}
}

// TestTypedConfirmYes: the [바꾸기] of a programme change and the
// [직원으로 바꾸기] of a demotion take a typed yes as [저장] does; "네"
// and "yes" were asked again.
func TestTypedConfirmYes(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			yes := word(h, "네", "yes")
			runSteps(t, h, []step{
				{msg: managerMsg("/program stamps 10 아메리카노 1잔")},
				{msg: staffMsg("/stamp 김민지 9")},
				{msg: managerMsg("/program stamps 8 아메리카노 1잔"), payloads: []string{"yes", "no"}},
				{msg: managerMsg(yes), not: []string{runePrefix(h.text("loyalty.program.bad_confirm", map[string]any{"Yes": ""}), 6)}, check: func(t *testing.T, h *harness, _ []Reply) {
					if g := h.programme().Stamps.Goal; g != 8 {
						t.Errorf("goal %d, want 8", g)
					}
				}},
				{msg: managerMsg("/staff add <@U9|bob> 매니저")},
				{msg: managerMsg("/staff add @U9"), want: []string{h.text("core.staff.demote_ask", map[string]any{"User": "bob"})}},
				{msg: managerMsg(yes), not: []string{runePrefix(h.text("core.staff.demote_reask", nil), 6)}, check: func(t *testing.T, h *harness, _ []Reply) {
					var got ledger.StaffMember
					h.view(func(tx *ledger.Tx) error {
						got, _, _ = tx.Staff("slack:U9")
						return nil
					})
					if got.Role != ledger.RoleStaff {
						t.Errorf("bob holds %q, want staff", got.Role)
					}
				}},
			})
		})
	}
}
