// Package prometheus exposes the bot's metrics in the Prometheus format
// with github.com/prometheus/client_golang: questions by adapter and
// outcome, latency by stage, model errors, citations kept and removed by
// checking, adapter events, and the watched feeds' polls.
package prometheus

import (
	"net/http"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the bot's metrics in a registry of their own (with the Go
// runtime's and the process's).
type Metrics struct {
	reg         *prometheus.Registry
	questions   *prometheus.CounterVec
	stage       *prometheus.HistogramVec
	modelErrors *prometheus.CounterVec
	citations   *prometheus.CounterVec
	removed     *prometheus.CounterVec
	events      *prometheus.CounterVec
	feedPolls   *prometheus.CounterVec
	feedAdded   *prometheus.CounterVec
	feedFailing *prometheus.GaugeVec
}

// New returns the metrics, registered.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_questions_total", Help: "Questions answered, by adapter and outcome.",
		}, []string{"adapter", "outcome"}),
		stage: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "newsbot_stage_duration_seconds", Help: "Time spent in each stage of answering a question (total: the whole answer).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"stage"}),
		modelErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_model_errors_total", Help: "Model answers that failed (error, timeout, cut stream), by adapter.",
		}, []string{"adapter"}),
		citations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_citations_total", Help: "Citations in the answers given, by adapter.",
		}, []string{"adapter"}),
		removed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_citations_removed_total", Help: "What checking removed from model replies: markers naming no evidence, uncited sentences, foreign links.",
		}, []string{"kind"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_adapter_events_total", Help: "Events seen by the chat adapters (deliveries, duplicates, rate-limited people, reconnects...).",
		}, []string{"adapter", "event"}),
		feedPolls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_feed_polls_total", Help: "Polls of the watched feeds, by feed and outcome (ok, not_modified, error).",
		}, []string{"feed", "outcome"}),
		feedAdded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_feed_articles_added_total", Help: "Articles the watch added to the index, by feed.",
		}, []string{"feed"}),
		feedFailing: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsbot_feed_failing", Help: "Polls in a row that failed, by feed (0: the feed works).",
		}, []string{"feed"}),
	}
	m.reg.MustRegister(m.questions, m.stage, m.modelErrors, m.citations, m.removed, m.events,
		m.feedPolls, m.feedAdded, m.feedFailing,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Adapter creates an adapter's series at zero, so that they are exported
// before its first question and event.
func (m *Metrics) Adapter(name string) {
	for _, o := range newsbot.Outcomes {
		m.questions.WithLabelValues(name, string(o))
	}
	m.modelErrors.WithLabelValues(name)
	m.citations.WithLabelValues(name)
	for _, k := range []string{"marker", "sentence", "link"} {
		m.removed.WithLabelValues(k)
	}
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var _ newsbot.Observer = (*Metrics)(nil)

// Observe implements newsbot.Observer: it records one question asked
// through adapter, which took total.
func (m *Metrics) Observe(adapter string, a newsbot.Answer, err error, total time.Duration) {
	m.questions.WithLabelValues(adapter, string(newsbot.OutcomeOf(a, err))).Inc()
	m.stage.WithLabelValues("total").Observe(total.Seconds())
	if err != nil {
		return
	}
	for name, d := range map[string]time.Duration{"rewrite": a.Timing.Rewrite, "retrieve": a.Timing.Retrieve, "model": a.Timing.Model, "check": a.Timing.Check} {
		if d > 0 {
			m.stage.WithLabelValues(name).Observe(d.Seconds())
		}
	}
	if a.Fallback == newsbot.FallbackModelFailed {
		m.modelErrors.WithLabelValues(adapter).Inc()
	}
	m.citations.WithLabelValues(adapter).Add(float64(len(a.Citations)))
	m.removed.WithLabelValues("marker").Add(float64(a.Removed.Markers))
	m.removed.WithLabelValues("sentence").Add(float64(a.Removed.Sentences))
	m.removed.WithLabelValues("link").Add(float64(a.Removed.Links))
}

// FeedPolled records a poll of a watched feed (it implements the watch's
// Observer): its outcome, the articles it added, and the polls in a row
// that have now failed.
func (m *Metrics) FeedPolled(feed, outcome string, added, failing int) {
	m.feedPolls.WithLabelValues(feed, outcome).Inc()
	m.feedAdded.WithLabelValues(feed).Add(float64(added))
	m.feedFailing.WithLabelValues(feed).Set(float64(failing))
}

// Event counts an adapter event.
func (m *Metrics) Event(adapter, event string) {
	m.events.WithLabelValues(adapter, event).Inc()
}
