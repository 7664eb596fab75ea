package dialog

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestMyDataShowsAll: /mydata shows a customer everything kept about them
// (PIPA art. 35, the right of access): birthday, preferences, remarks and
// tags, visits with their dates, points and their history, coupons, and
// the text of every note staff wrote, the newest myDataNotes of them with
// a count of the rest and where to ask for it, but not the staff's names.
// It used to give the notes' count alone and leave the rest out.
func TestMyDataShowsAll(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	steps := []step{
		{msg: staffMsg("/customer 김민지 선호 따뜻한 라떼")},
		{msg: staffMsg("/customer 김민지 특이사항 견과류 알레르기")},
		{msg: staffMsg("/customer 김민지 태그 단골")},
		{msg: staffMsg("/customer 김민지 생일 1990-03-15")},
		{msg: staffMsg("/points add 김민지 10000")},
		{msg: staffMsg("/coupon give 김민지 아메리카노 1잔")},
	}
	for i := 1; i <= myDataNotes+2; i++ {
		steps = append(steps, step{msg: staffMsg(fmt.Sprintf("/note 김민지 상담 %d회차 #펌", i))})
	}
	steps = append(steps, linkMinji(h)...)
	steps = append(steps, step{msg: custMsg("/mydata"),
		want: []string{
			"생일: 1990년 3월 15일", "선호: 따뜻한 라떼", "특이사항: 견과류 알레르기", "태그: #단골",
			"방문: 1회 (첫 방문 2026-05-13, 최근 방문 2026-05-13)", "포인트 내역", "아메리카노 1잔",
			"직원이 남긴 상담 기록 (22건)", "2026-05-13 상담 22회차 #펌", "2026-05-13 상담 3회차 #펌",
			"외 2건: 전체 내용은 매장에 요청하시면 드려요.", "직원이 고객님 정보를 보거나 바꾼 기록",
		},
		not: []string{"상담 2회차", "(지수)", staffID},
	})
	runSteps(t, h, steps)
}

// TestMyDataFeedbackMore: /mydata lists the newest myDataFeedback
// feedbacks and counts the rest, as it does the notes and the points
// history, for a linked customer and for an unlinked sender; it stopped
// at 20 without a word of the others.
func TestMyDataFeedbackMore(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	steps := linkMinji(h)
	for i := 1; i <= myDataFeedback+2; i++ {
		steps = append(steps,
			step{msg: custMsg(fmt.Sprintf("/feedback 4 방문 %d회차 좋았어요", i))},
			step{msg: cust2Msg(fmt.Sprintf("/feedback 3 익명 %d번째", i))})
	}
	more := h.text("core.mydata.more", map[string]any{"Count": 2})
	steps = append(steps,
		step{msg: custMsg("/mydata"), want: []string{"방문 22회차", "방문 3회차", more}, not: []string{"방문 2회차", "익명"}},
		step{msg: cust2Msg("/mydata"), want: []string{"익명 22번째", "익명 3번째", more}, not: []string{"익명 2번째", "회차"}})
	runSteps(t, h, steps)
}

// TestMyDataAlsoTitled: the line on what else is kept (sent messages,
// staff access) is a section of its own, titled: untitled, adapters showed
// it as part of the section above, "남기신 의견".
func TestMyDataAlsoTitled(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	also := h.text("core.mydata.also", nil)
	steps := append(linkMinji(h), step{msg: custMsg("/mydata"), want: []string{also}, check: func(t *testing.T, h *harness, rs []Reply) {
		for _, r := range rs {
			for _, s := range r.Sections {
				if slices.Contains(s.Lines, also) && (s.Title != h.text("core.mydata.also_title", nil) || len(s.Lines) != 1) {
					t.Errorf("the also line is in section %q with %d lines, want its own, titled", s.Title, len(s.Lines))
				}
			}
		}
	}})
	runSteps(t, h, steps)
}

// TestMyDataThreadsMore: /mydata lists the newest myDataThreads questions
// and counts the rest, as it does the other lists.
func TestMyDataThreadsMore(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, linkMinji(h))
	h.update(func(tx *ledger.Tx) error {
		for i := 1; i <= myDataThreads+3; i++ {
			th := ledger.Thread{Kind: ledger.ThreadQuestion, CustomerID: f.minji, OpenedAt: h.now().Add(time.Duration(i) * time.Minute)}
			if err := tx.OpenThread(&th, fmt.Sprintf("질문 %d번째", i)); err != nil {
				return err
			}
		}
		return nil
	})
	more := h.text("core.mydata.more", map[string]any{"Count": 3})
	runSteps(t, h, []step{{msg: custMsg("/mydata"), want: []string{"질문 23번째", "질문 4번째", more}, not: []string{"질문 3번째"}}})
}

// TestMyDataPointsMore: /mydata numbers the newest myDataEntries points
// entries as /points void takes them and counts the rest once, from the
// one count the numbers come from (it counted the entries a second time
// for the rest); a history that fits says nothing of more.
func TestMyDataPointsMore(t *testing.T) {
	tests := []struct {
		name    string
		entries int
		want    []string
		not     []string
	}{
		{"None", 0, nil, []string{"포인트 내역", "#1 "}},
		{"Fits", myDataEntries, []string{"#20 ", "(적립 20번째)", "#1 ", "(적립 1번째)"}, []string{"외 "}},
		{"More", myDataEntries + 3, []string{"#23 ", "(적립 23번째)", "#4 ", "(적립 4번째)", "외 3건:"}, []string{"#3 ", "(적립 3번째)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			f := seed(h)
			h.update(func(tx *ledger.Tx) error {
				for i := 1; i <= tt.entries; i++ {
					e := ledger.PointsEntry{CustomerID: f.minji, At: h.now().Add(time.Duration(i-tt.entries-1) * time.Minute),
						Kind: ledger.PointsAdjust, Points: 10, ActorID: staffID, Reason: fmt.Sprintf("적립 %d번째", i)}
					if err := tx.AddPoints(&e); err != nil {
						return err
					}
				}
				return nil
			})
			runSteps(t, h, append(linkMinji(h), step{msg: custMsg("/mydata"), want: tt.want, not: tt.not}))
		})
	}
}
