package feedback

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"time"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/dangol/dangol/locales"
)

// The chart is a portrait phone screen: a header with the week's key
// numbers, then two panels. Sizes are in pixels, font sizes in points at
// go-chart's 92 DPI (1 pt ≈ 1.28 px).
const (
	chartWidth   = 1080
	chartHeight  = 1350
	headerHeight = 190
	panelHeight  = (chartHeight - headerHeight) / 2

	titleSize  = 34
	headSize   = 22
	panelSize  = 24
	legendSize = 19
	axisSize   = 19
	labelSize  = 17
)

var (
	colorText    = drawing.ColorFromHex("222222")
	colorMuted   = drawing.ColorFromHex("666666")
	colorGrid    = drawing.ColorFromHex("e3e3e3")
	colorAxis    = drawing.ColorFromHex("999999")
	colorVisits  = drawing.ColorFromHex("6a9fd0")
	colorRating  = drawing.ColorFromHex("e8871e")
	colorNPS     = drawing.ColorFromHex("2e8b57")
	colorBgPanel = drawing.ColorWhite
)

// Chart draws the week as a PNG: visits and average rating per day and the
// 8-week trend of rating and NPS, with labels in lang.
func (s *Summary) Chart(t Translator, lang string) ([]byte, error) {
	font, err := chartFont()
	if err != nil {
		return nil, err
	}
	p := printer{t: t, lang: lang, week: s.Days[0].Date}
	canvas := image.NewRGBA(image.Rect(0, 0, chartWidth, chartHeight))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(drawing.ColorWhite), image.Point{}, draw.Src)

	header, err := s.chartHeader(p, font)
	if err != nil {
		return nil, err
	}
	days, err := s.dayPanel(p, font)
	if err != nil {
		return nil, err
	}
	trend, err := s.trendPanel(p, font)
	if err != nil {
		return nil, err
	}
	for i, img := range []image.Image{header, days, trend} {
		y := 0
		if i > 0 {
			y = headerHeight + (i-1)*panelHeight
		}
		draw.Draw(canvas, img.Bounds().Add(image.Pt(0, y)), img, image.Point{}, draw.Src)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, canvas); err != nil {
		return nil, fmt.Errorf("feedback: encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// chartHeader draws the title and the week's key numbers.
func (s *Summary) chartHeader(p printer, font *truetype.Font) (image.Image, error) {
	r, err := chart.PNG(chartWidth, headerHeight)
	if err != nil {
		return nil, fmt.Errorf("feedback: chart header: %w", err)
	}
	r.SetDPI(chart.DefaultDPI)
	chart.Draw.Box(r, chart.Box{Right: chartWidth, Bottom: headerHeight}, chart.Style{FillColor: drawing.ColorWhite, StrokeColor: drawing.ColorWhite})
	rating, npsText := p.text("summary.none", nil), p.text("summary.none", nil)
	if v, ok := s.This.AvgRating(); ok {
		rating = rating1(v)
	}
	if v, ok := s.This.NPS(); ok {
		npsText = score.format(v, false)
	}
	title := p.text("summary.chart.title", map[string]any{"Week": s.Week.String()})
	sub := p.text("summary.chart.subtitle", map[string]any{
		"From": p.date(s.Days[0].Date), "To": p.date(s.Days[6].Date),
		"Visits": formatInt(int64(s.This.Visits)), "Rating": rating, "NPS": npsText,
	})
	text(r, font, title, titleSize, colorText, 48, 82)
	text(r, font, sub, headSize, colorMuted, 48, 138)
	r.SetStrokeColor(colorGrid)
	r.SetStrokeWidth(2)
	r.MoveTo(48, headerHeight-8)
	r.LineTo(chartWidth-48, headerHeight-8)
	r.Stroke()
	return collect(r)
}

// dayPanel draws visits per day as bars (left axis) and the average rating
// per day as a line (right axis, 0–5).
func (s *Summary) dayPanel(p printer, font *truetype.Font) (image.Image, error) {
	var visits [7]float64
	ratings := make([]opt, 7)
	labels := make([]string, 7)
	dayTicks := make([]chart.Tick, 7)
	maxVisits := 0.0
	for i, d := range s.Days {
		visits[i] = float64(d.Visits)
		maxVisits = math.Max(maxVisits, visits[i])
		if avg, ok := d.AvgRating(); ok {
			ratings[i] = some(avg)
			labels[i] = rating1(avg)
		}
		dayTicks[i] = chart.Tick{Value: float64(i), Label: p.text(locales.WeekdayShort(time.Weekday((i+1)%7)), nil)} // Monday first
	}
	visitTicks, visitMax := niceTicks(maxVisits)
	c := panel(font, p.text("summary.chart.days", nil), []legendItem{
		{p.text("summary.chart.visits", nil), colorVisits, true},
		{p.text("summary.chart.rating", nil), colorRating, false},
	})
	c.XAxis.Range = &tickedRange{ContinuousRange: &chart.ContinuousRange{Min: -0.5, Max: 6.5}, ticks: dayTicks}
	c.YAxisSecondary = leftAxis(&tickedRange{ContinuousRange: &chart.ContinuousRange{Min: 0, Max: visitMax}, ticks: visitTicks})
	c.YAxis = rightAxis(&tickedRange{ContinuousRange: &chart.ContinuousRange{Min: 0, Max: 5.4}, ticks: intTicks(0, 5, 1)}, colorRating)
	c.Series = []chart.Series{
		barSeries{values: visits[:], axis: chart.YAxisSecondary, color: colorVisits, font: font},
		lineSeries{values: ratings, labels: labels, axis: chart.YAxisPrimary, color: colorRating, font: font},
	}
	return renderPanel(c)
}

// trendPanel draws the average rating (right axis) and NPS (left axis) of
// the last TrendWeeks weeks, the summarised one last. A week with too few NPS
// answers leaves a gap in the NPS line.
func (s *Summary) trendPanel(p printer, font *truetype.Font) (image.Image, error) {
	weeks := make([]Figures, 0, TrendWeeks)
	weeks = append(append(weeks, s.Past[1:]...), s.This)
	ratings := make([]opt, len(weeks))
	npss := make([]opt, len(weeks))
	rLabels := make([]string, len(weeks))
	nLabels := make([]string, len(weeks))
	ticks := make([]chart.Tick, len(weeks))
	for i, f := range weeks {
		if v, ok := f.AvgRating(); ok {
			ratings[i], rLabels[i] = some(v), rating1(v)
		}
		if v, ok := f.NPS(); ok {
			npss[i], nLabels[i] = some(v), score.format(v, false)
		}
		ticks[i] = chart.Tick{Value: float64(i), Label: "W" + strconv.Itoa(s.Week.Add(i-len(weeks)+1).Week)}
	}
	c := panel(font, p.text("summary.chart.trend", nil), []legendItem{
		{p.text("summary.chart.rating", nil), colorRating, false},
		{p.text("summary.chart.nps", nil), colorNPS, false},
	})
	n := float64(len(weeks))
	c.XAxis.Range = &tickedRange{ContinuousRange: &chart.ContinuousRange{Min: -0.5, Max: n - 0.5}, ticks: ticks}
	c.YAxisSecondary = leftAxis(&tickedRange{ContinuousRange: &chart.ContinuousRange{Min: -100, Max: 115}, ticks: intTicks(-100, 100, 50)})
	c.YAxisSecondary.Style.FontColor = colorNPS
	c.YAxis = rightAxis(&tickedRange{ContinuousRange: &chart.ContinuousRange{Min: 1, Max: 5.4}, ticks: intTicks(1, 5, 1)}, colorRating)
	c.Series = []chart.Series{
		lineSeries{values: npss, labels: nLabels, axis: chart.YAxisSecondary, color: colorNPS, font: font, below: true},
		lineSeries{values: ratings, labels: rLabels, axis: chart.YAxisPrimary, color: colorRating, font: font},
	}
	return renderPanel(c)
}

// legendItem is one entry of a panel's legend: a bar or a line swatch.
type legendItem struct {
	label string
	color drawing.Color
	bar   bool
}

// panel returns a chart of panelHeight with title and legend drawn above the
// plot, in the Korean-capable font.
func panel(font *truetype.Font, title string, legend []legendItem) chart.Chart {
	return chart.Chart{
		Width:  chartWidth,
		Height: panelHeight,
		Font:   font,
		Background: chart.Style{
			FillColor: colorBgPanel,
			Padding:   chart.Box{Top: 120, Left: 40, Right: 40, Bottom: 24},
		},
		XAxis: chart.XAxis{
			Style: chart.Style{FontSize: axisSize, FontColor: colorText, StrokeColor: colorAxis, StrokeWidth: 2},
		},
		Elements: []chart.Renderable{func(r chart.Renderer, _ chart.Box, _ chart.Style) {
			text(r, font, title, panelSize, colorText, 48, 52)
			x := 48
			for _, it := range legend {
				if it.bar {
					chart.Draw.Box(r, chart.Box{Left: x, Top: 76, Right: x + 30, Bottom: 98}, chart.Style{FillColor: it.color, StrokeColor: it.color})
				} else {
					r.SetStrokeColor(it.color)
					r.SetStrokeWidth(5)
					r.MoveTo(x, 87)
					r.LineTo(x+30, 87)
					r.Stroke()
					r.SetFillColor(it.color)
					r.Circle(6, x+15, 87)
					r.FillStroke()
				}
				x += 42
				x += text(r, font, it.label, legendSize, colorMuted, x, 96) + 40
			}
		}},
	}
}

func leftAxis(rg chart.Range) chart.YAxis {
	grid := chart.Style{StrokeColor: colorGrid, StrokeWidth: 1.5}
	return chart.YAxis{
		Range:          rg,
		Style:          chart.Style{FontSize: axisSize, FontColor: colorText, StrokeColor: colorAxis, StrokeWidth: 2},
		GridMajorStyle: grid,
		GridMinorStyle: grid,
	}
}

func rightAxis(rg chart.Range, color drawing.Color) chart.YAxis {
	return chart.YAxis{
		Range:          rg,
		Style:          chart.Style{FontSize: axisSize, FontColor: color, StrokeColor: colorAxis, StrokeWidth: 2},
		GridMajorStyle: chart.Hidden(),
		GridMinorStyle: chart.Hidden(),
	}
}

func renderPanel(c chart.Chart) (image.Image, error) {
	var w chart.ImageWriter
	if err := c.Render(chart.PNG, &w); err != nil {
		return nil, fmt.Errorf("feedback: render chart: %w", err)
	}
	img, err := w.Image()
	if err != nil {
		return nil, fmt.Errorf("feedback: render chart: %w", err)
	}
	return img, nil
}

// collect returns what r drew.
func collect(r chart.Renderer) (image.Image, error) {
	var w chart.ImageWriter
	if err := r.Save(&w); err != nil {
		return nil, fmt.Errorf("feedback: render chart: %w", err)
	}
	return w.Image()
}

// text draws s with its baseline at (x, y) and returns its width.
func text(r chart.Renderer, font *truetype.Font, s string, size float64, color drawing.Color, x, y int) int {
	r.SetFont(font)
	r.SetFontSize(size)
	r.SetFontColor(color)
	r.Text(s, x, y)
	return r.MeasureText(s).Width()
}

// rating1 shows an average rating with one decimal.
func rating1(v float64) string { return formatNumber(v, 1) }

// tickedRange is a fixed range that brings its own ticks. Setting ticks on
// an axis instead would make go-chart shrink the range to them (and, for the
// secondary axis, take the primary axis' ticks).
type tickedRange struct {
	*chart.ContinuousRange
	ticks []chart.Tick
}

// GetTicks implements chart.TicksProvider.
func (t *tickedRange) GetTicks(chart.Renderer, chart.Style, chart.ValueFormatter) []chart.Tick {
	return t.ticks
}

// intTicks returns ticks from lo to hi every step, labelled as integers.
func intTicks(lo, hi, step int) []chart.Tick {
	var out []chart.Tick
	for v := lo; v <= hi; v += step {
		out = append(out, chart.Tick{Value: float64(v), Label: formatInt(int64(v))})
	}
	return out
}

// niceTicks returns round ticks from 0 (a step of 1, 2 or 5 times a power
// of ten) up to about twice max, and the top of the axis. The bars thus fill
// the lower half of the plot, and the rating line above them stays readable.
func niceTicks(max float64) ([]chart.Tick, float64) {
	top := 2 * max
	step := 1.0
	if top > 5 {
		raw := top / 5
		mag := math.Pow10(int(math.Floor(math.Log10(raw))))
		switch {
		case raw <= mag:
			step = mag
		case raw <= 2*mag:
			step = 2 * mag
		case raw <= 5*mag:
			step = 5 * mag
		default:
			step = 10 * mag
		}
	}
	top = math.Max(math.Ceil(top/step)*step, 5*step)
	var ticks []chart.Tick
	for i := 0; float64(i)*step <= top; i++ {
		v := float64(i) * step
		ticks = append(ticks, chart.Tick{Value: v, Label: formatNumber(v, 0)})
	}
	return ticks, top * 1.08
}

// barSeries draws one bar per x = 0, 1, … from zero, its value above it.
type barSeries struct {
	values []float64
	axis   chart.YAxisType
	color  drawing.Color
	font   *truetype.Font
}

// GetName, GetYAxis, GetStyle, Validate and Render implement chart.Series.
func (b barSeries) GetName() string           { return "bars" }
func (b barSeries) GetYAxis() chart.YAxisType { return b.axis }
func (b barSeries) GetStyle() chart.Style     { return chart.Style{} }
func (b barSeries) Validate() error           { return nil }
func (b barSeries) Render(r chart.Renderer, box chart.Box, xr, yr chart.Range, _ chart.Style) {
	half := (xr.Translate(1) - xr.Translate(0)) * 3 / 10
	for i, v := range b.values {
		x := box.Left + xr.Translate(float64(i))
		top := box.Bottom - yr.Translate(v)
		if v > 0 {
			chart.Draw.Box(r, chart.Box{Left: x - half, Top: top, Right: x + half, Bottom: box.Bottom},
				chart.Style{FillColor: b.color, StrokeColor: b.color, StrokeWidth: 1})
		}
		// The count goes inside a tall enough bar, so it cannot collide
		// with the rating line's labels above the bars.
		label := formatNumber(v, 0)
		r.SetFont(b.font)
		r.SetFontSize(labelSize)
		tb := r.MeasureText(label)
		if box.Bottom-top >= tb.Height()+24 {
			text(r, b.font, label, labelSize, drawing.ColorWhite, x-tb.Width()/2, top+tb.Height()+10)
		} else {
			text(r, b.font, label, labelSize, colorMuted, x-tb.Width()/2, top-10)
		}
	}
}

// lineSeries draws a line through the values that are there (a missing value
// breaks it), a dot on each, and each dot's label above it (below when below
// is set, so two lines' labels do not collide).
type lineSeries struct {
	values []opt
	labels []string
	axis   chart.YAxisType
	color  drawing.Color
	font   *truetype.Font
	below  bool
}

// GetName, GetYAxis, GetStyle, Validate and Render implement chart.Series.
func (l lineSeries) GetName() string           { return "line" }
func (l lineSeries) GetYAxis() chart.YAxisType { return l.axis }
func (l lineSeries) GetStyle() chart.Style     { return chart.Style{} }
func (l lineSeries) Validate() error           { return nil }
func (l lineSeries) Render(r chart.Renderer, box chart.Box, xr, yr chart.Range, _ chart.Style) {
	pt := func(i int) (int, int) {
		return box.Left + xr.Translate(float64(i)), box.Bottom - yr.Translate(l.values[i].v)
	}
	r.SetStrokeColor(l.color)
	r.SetStrokeWidth(5)
	for i := 1; i < len(l.values); i++ {
		if l.values[i-1].ok && l.values[i].ok {
			x0, y0 := pt(i - 1)
			x1, y1 := pt(i)
			r.MoveTo(x0, y0)
			r.LineTo(x1, y1)
			r.Stroke()
		}
	}
	for i, v := range l.values {
		if !v.ok {
			continue
		}
		x, y := pt(i)
		r.SetStrokeColor(l.color)
		r.SetFillColor(drawing.ColorWhite)
		r.SetStrokeWidth(4)
		r.Circle(8, x, y)
		r.FillStroke()
		if l.labels[i] == "" {
			continue
		}
		r.SetFont(l.font)
		r.SetFontSize(labelSize)
		tb := r.MeasureText(l.labels[i])
		ty := y - 18
		if l.below {
			ty = y + 18 + tb.Height()
		}
		text(r, l.font, l.labels[i], labelSize, l.color, x-tb.Width()/2, ty)
	}
}
