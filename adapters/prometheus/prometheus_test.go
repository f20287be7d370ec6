package prometheus_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/prometheus"
)

func TestMetricsExposed(t *testing.T) {
	m := prometheus.New()
	m.Adapter("discord")
	m.Observe("http", newsbot.Answer{Mode: newsbot.ModeModel, Citations: make([]newsbot.Citation, 2),
		Removed: newsbot.Removed{Markers: 1, Sentences: 2, Links: 3},
		Timing:  newsbot.Timing{Retrieve: time.Millisecond, Model: time.Second, Check: time.Millisecond}}, nil, 2*time.Second)
	m.Observe("slack", newsbot.Answer{Mode: newsbot.ModeExtractive, Fallback: newsbot.FallbackModelFailed, Note: newsbot.NoteModelFailed}, nil, time.Second)
	m.Observe("slack", newsbot.Answer{}, errors.New("x"), time.Millisecond)
	m.Event("slack", "duplicate")
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	out := string(b)
	for _, want := range []string{
		`newsbot_questions_total{adapter="http",outcome="model"} 1`,
		`newsbot_questions_total{adapter="slack",outcome="fallback"} 1`,
		`newsbot_questions_total{adapter="slack",outcome="error"} 1`,
		`newsbot_stage_duration_seconds_count{stage="model"} 1`,
		`newsbot_stage_duration_seconds_count{stage="total"} 3`,
		`newsbot_model_errors_total{adapter="slack"} 1`,
		`newsbot_citations_total{adapter="http"} 2`,
		`newsbot_citations_removed_total{kind="link"} 3`,
		`newsbot_adapter_events_total{adapter="slack",event="duplicate"} 1`,
		`newsbot_questions_total{adapter="discord",outcome="model"} 0`,
		`newsbot_model_errors_total{adapter="discord"} 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
