package dialog

import (
	"fmt"
	"testing"
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
